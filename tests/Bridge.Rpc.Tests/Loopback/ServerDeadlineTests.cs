using System.Net;
using Bridge.Rpc.Tests.Echo;
using Bridge.Testing;

namespace Bridge.Rpc.Tests.Loopback;

/// <summary>Deadlines enforced by our server's own clock (a manual one: no sleeping).</summary>
public class ServerDeadlineTests
{
    [Fact]
    public async Task ServerDeadline_Passes_ServerAnswersDeadlineExceeded()
    {
        // The server's clock is manual; the client's deadline (an hour, real time) never fires,
        // so DEADLINE_EXCEEDED can only come from the server's own timer.
        var serverClock = new ManualTimeProvider();
        var service = new EchoService(serverClock);
        await using var server = await RpcServer.StartAsync(
            new RpcServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), TimeProvider = serverClock }, [service]);
        using var channel = RpcChannel.ForAddress(server.Address);
        var tag = Guid.NewGuid().ToString();
        using var call = new EchoClient(channel).WaitForCancel(new EchoRequest { Message = tag },
            new CallOptions(Deadline: DateTime.UtcNow.AddHours(1)));
        await service.WaitStartedAsync(tag).WaitAsync(TimeSpan.FromSeconds(10));
        serverClock.Advance(TimeSpan.FromHours(2));
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.True(service.WaitCancelledAsync(tag).IsCompleted);
    }
}

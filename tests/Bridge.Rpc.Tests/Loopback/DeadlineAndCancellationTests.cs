using System.Net;
using Bridge.Rpc.Tests.Echo;
using Bridge.Testing;

namespace Bridge.Rpc.Tests.Loopback;

/// <summary>Deadlines (driven by a manual clock, no sleeping) and cancellation in both directions.</summary>
public class DeadlineAndCancellationTests : IClassFixture<EchoServerFixture>
{
    private readonly EchoServerFixture _fixture;

    public DeadlineAndCancellationTests(EchoServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task ClientDeadline_Passes_CallEndsDeadlineExceeded()
    {
        var clock = new ManualTimeProvider();
        using var channel = _fixture.Channel(new RpcChannelOptions { TimeProvider = clock });
        var deadline = clock.GetUtcNow().UtcDateTime.AddSeconds(1);
        var tag = Guid.NewGuid().ToString();
        using var call = new EchoClient(channel).WaitForCancel(new EchoRequest { Message = tag }, new CallOptions(Deadline: deadline));
        await _fixture.Service.WaitStartedAsync(tag).WaitAsync(TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromSeconds(1));
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        // The server's handler was cancelled too (the stream was reset).
        await _fixture.Service.WaitCancelledAsync(tag).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ClientDeadline_AlreadyPast_FailsWithoutSending()
    {
        var clock = new ManualTimeProvider();
        using var channel = _fixture.Channel(new RpcChannelOptions { TimeProvider = clock });
        var deadline = clock.GetUtcNow().UtcDateTime.AddSeconds(-1);
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await new EchoClient(channel).Unary(new EchoRequest(), new CallOptions(Deadline: deadline)));
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
    }

    [Fact]
    public async Task Deadline_IsPropagatedToTheServerAsGrpcTimeout()
    {
        using var channel = _fixture.Channel();
        var reply = await new EchoClient(channel).Unary(new EchoRequest(),
            new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(10)));
        Assert.InRange(reply.DeadlineRemainingMs, 1, 10_000);
    }

    [Fact]
    public async Task NoDeadline_ServerSeesNone()
    {
        using var channel = _fixture.Channel();
        var reply = await new EchoClient(channel).Unary(new EchoRequest());
        Assert.Equal(-1, reply.DeadlineRemainingMs);
    }

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

    [Fact]
    public async Task ClientCancels_ServerHandlerTokenFires_ClientSeesCancelled()
    {
        using var channel = _fixture.Channel();
        using var cts = new CancellationTokenSource();
        var tag = Guid.NewGuid().ToString();
        using var call = new EchoClient(channel).WaitForCancel(new EchoRequest { Message = tag }, new CallOptions(CancellationToken: cts.Token));
        await _fixture.Service.WaitStartedAsync(tag).WaitAsync(TimeSpan.FromSeconds(10));
        cts.Cancel();
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
        await _fixture.Service.WaitCancelledAsync(tag).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ServerCancels_ClientSeesCancelled()
    {
        using var channel = _fixture.Channel();
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await new EchoClient(channel).Unary(new EchoRequest { Cancel = true }));
        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
    }

    [Fact]
    public async Task ServerCancels_MidStream_ClientGetsMessagesThenCancelled()
    {
        using var channel = _fixture.Channel();
        using var call = new EchoClient(channel).ServerStream(new EchoRequest { ResponseCount = 2, Cancel = true });
        var received = 0;
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(default)) received++;
        });
        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
        Assert.InRange(received, 0, 2);
    }

    [Fact]
    public async Task Dispose_RunningCall_ResetsTheStream()
    {
        using var channel = _fixture.Channel();
        var tag = Guid.NewGuid().ToString();
        var call = new EchoClient(channel).WaitForCancel(new EchoRequest { Message = tag });
        await _fixture.Service.WaitStartedAsync(tag).WaitAsync(TimeSpan.FromSeconds(10));
        call.Dispose();
        await _fixture.Service.WaitCancelledAsync(tag).WaitAsync(TimeSpan.FromSeconds(10));
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
    }
}

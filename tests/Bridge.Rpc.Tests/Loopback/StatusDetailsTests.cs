using System.Net;
using Bridge.Rpc.Tests.Echo;
using Google.Protobuf.Reflection;

namespace Bridge.Rpc.Tests.Loopback;

/// <summary><c>grpc-status-details-bin</c> (the rich error model's google.rpc.Status) travels as a trailer.</summary>
public class StatusDetailsTests
{
    private sealed class DetailedErrors : ServiceBase
    {
        public DetailedErrors() : base(EchoReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Echo")) { }

        public Task<EchoReply> Unary(EchoRequest request, ServerCallContext context) =>
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "see details"),
                new Metadata { { "grpc-status-details-bin", request.Payload.ToByteArray() } });
    }

    [Fact]
    public async Task StatusDetailsBin_FromHandler_ReachesTheClientUnchanged()
    {
        await using var server = await RpcServer.StartAsync(new RpcServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) },
            [new DetailedErrors()]);
        using var channel = RpcChannel.ForAddress(server.Address);
        var details = new byte[] { 0x08, 0x09, 0x12, 0x03, (byte)'b', (byte)'a', (byte)'d', 0xFF };
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await new EchoClient(channel).Unary(new EchoRequest { Payload = Google.Protobuf.ByteString.CopyFrom(details) }));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Equal(details, e.Trailers.GetValueBytes("grpc-status-details-bin"));
    }
}

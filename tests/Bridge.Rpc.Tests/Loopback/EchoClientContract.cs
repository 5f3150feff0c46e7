using Bridge.Rpc.Tests.Echo;
using Bridge.Testing;
using Google.Protobuf;

namespace Bridge.Rpc.Tests.Loopback;

/// <summary>A running Echo server the client contract runs against (ours, or grpcio's).</summary>
public interface IEchoServer
{
    Uri Address { get; }
}

/// <summary>
/// What our client must do against any conforming Echo server over real HTTP/2 on loopback:
/// the four call types, statuses, metadata, limits, deadlines and cancellation. Runs against our
/// server (<see cref="CallTests"/>) and against grpcio's (<see cref="Interop.PythonServerTests"/>).
/// </summary>
public abstract class EchoClientContract
{
    private readonly IEchoServer _server;

    protected EchoClientContract(IEchoServer server) => _server = server;

    private RpcChannel Channel(RpcChannelOptions? options = null) => RpcChannel.ForAddress(_server.Address, options);

    [Fact]
    public async Task Unary_EchoesMessageAndPayload()
    {
        using var channel = Channel();
        var client = new EchoClient(channel);
        using var call = client.Unary(new EchoRequest { Message = "hello", Payload = ByteString.CopyFrom(0, 1, 255) });
        var reply = await call;
        Assert.Equal("hello", reply.Message);
        Assert.Equal(new byte[] { 0, 1, 255 }, reply.Payload.ToByteArray());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStream_SendsEveryResponseInOrder()
    {
        using var channel = Channel();
        using var call = new EchoClient(channel).ServerStream(new EchoRequest { Message = "s", ResponseCount = 5 });
        var indexes = new List<int>();
        await foreach (var reply in call.ResponseStream.ReadAllAsync())
            indexes.Add(reply.Index);
        Assert.Equal([0, 1, 2, 3, 4], indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ClientStream_ServerSeesEveryRequest()
    {
        using var channel = Channel();
        using var call = new EchoClient(channel).ClientStream();
        foreach (var (m, n) in new[] { ("a", 1), ("b", 2), ("c", 3) })
            await call.RequestStream.WriteAsync(new EchoRequest { Message = m, Payload = ByteString.CopyFrom(new byte[n]) });
        await call.RequestStream.CompleteAsync();
        var reply = await call;
        Assert.Equal(3, reply.Received);
        Assert.Equal("a,b,c", reply.Message);
        Assert.Equal(6, reply.PayloadBytes);
    }

    [Fact]
    public async Task Duplex_RepliesInterleaveWithRequests()
    {
        using var channel = Channel();
        using var call = new EchoClient(channel).Duplex();
        for (var i = 0; i < 4; i++)
        {
            // Each reply must arrive before the next request is sent: true full duplex.
            await call.RequestStream.WriteAsync(new EchoRequest { Message = $"m{i}" });
            Assert.True(await call.ResponseStream.MoveNext(default));
            Assert.Equal($"m{i}", call.ResponseStream.Current.Message);
            Assert.Equal(i, call.ResponseStream.Current.Index);
        }
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(default));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Unary_ErrorStatus_ArrivesWithExactUnicodeMessage()
    {
        using var channel = Channel();
        var request = new EchoRequest { ResponseStatus = new EchoStatus { Code = 5, Message = "missing ✓ 100% done\n" } };
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new EchoClient(channel).Unary(request));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal("missing ✓ 100% done\n", e.Status.Detail);
    }

    [Theory]
    [InlineData(StatusCode.Cancelled)]
    [InlineData(StatusCode.Unknown)]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.DeadlineExceeded)]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.AlreadyExists)]
    [InlineData(StatusCode.PermissionDenied)]
    [InlineData(StatusCode.ResourceExhausted)]
    [InlineData(StatusCode.FailedPrecondition)]
    [InlineData(StatusCode.Aborted)]
    [InlineData(StatusCode.OutOfRange)]
    [InlineData(StatusCode.Unimplemented)]
    [InlineData(StatusCode.Internal)]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.DataLoss)]
    [InlineData(StatusCode.Unauthenticated)]
    public async Task Unary_EveryStatusCode_RoundTrips(StatusCode code)
    {
        using var channel = Channel();
        var request = new EchoRequest { ResponseStatus = new EchoStatus { Code = (int)code, Message = code.ToString() } };
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new EchoClient(channel).Unary(request));
        Assert.Equal(code, e.StatusCode);
        Assert.Equal(code.ToString(), e.Status.Detail);
    }

    [Fact]
    public async Task ServerStream_ErrorAfterMessages_DeliversMessagesThenStatus()
    {
        using var channel = Channel();
        using var call = new EchoClient(channel).ServerStream(new EchoRequest
        {
            ResponseCount = 2,
            ResponseStatus = new EchoStatus { Code = (int)StatusCode.FailedPrecondition, Message = "stop" },
        });
        Assert.True(await call.ResponseStream.MoveNext(default));
        Assert.True(await call.ResponseStream.MoveNext(default));
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(default));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Equal("stop", e.Status.Detail);
    }

    [Fact]
    public async Task Metadata_AsciiAndBinary_RoundTripAsHeadersAndTrailers()
    {
        using var channel = Channel();
        var headers = new Metadata
        {
            { "x-echo-initial", "v1" },
            { "x-echo-initial-bin", new byte[] { 0, 0xFF, (byte)'b' } },
            { "x-echo-trailing", "t1" },
            { "x-echo-trailing-bin", new byte[] { 1, 2 } },
        };
        using var call = new EchoClient(channel).Unary(new EchoRequest { Message = "m" }, new CallOptions(headers));
        await call;
        var initial = await call.ResponseHeadersAsync;
        Assert.Equal("v1", initial.GetValue("x-echo-initial"));
        Assert.Equal(new byte[] { 0, 0xFF, (byte)'b' }, initial.GetValueBytes("x-echo-initial-bin"));
        var trailers = call.GetTrailers();
        Assert.Equal("t1", trailers.GetValue("x-echo-trailing"));
        Assert.Equal(new byte[] { 1, 2 }, trailers.GetValueBytes("x-echo-trailing-bin"));
    }

    [Fact]
    public async Task Metadata_OnError_TrailersReachTheException()
    {
        using var channel = Channel();
        var headers = new Metadata { { "x-echo-trailing-bin", new byte[] { 9 } } };
        var request = new EchoRequest { ResponseStatus = new EchoStatus { Code = 3, Message = "bad" } };
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await new EchoClient(channel).Unary(request, new CallOptions(headers)));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(new byte[] { 9 }, e.Trailers.GetValueBytes("x-echo-trailing-bin"));
    }

    [Fact]
    public async Task Unary_ThreeMebibytes_RoundTripsExactly()
    {
        using var channel = Channel();
        var payload = Enumerable.Range(0, 3 * 1024 * 1024).Select(i => (byte)(i % 251)).ToArray();
        var reply = await new EchoClient(channel).Unary(new EchoRequest { Payload = ByteString.CopyFrom(payload) });
        Assert.True(payload.AsSpan().SequenceEqual(reply.Payload.Span));
    }

    [Fact]
    public async Task Unary_RequestOverServerLimit_IsResourceExhausted()
    {
        using var channel = Channel(new RpcChannelOptions { MaxSendMessageSize = 16 * 1024 * 1024 });
        var request = new EchoRequest { Payload = ByteString.CopyFrom(new byte[5 * 1024 * 1024]) };
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new EchoClient(channel).Unary(request));
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("larger than max", e.Status.Detail);
    }

    [Fact]
    public async Task Unary_RequestOverClientSendLimit_FailsWithoutSending()
    {
        using var channel = Channel();
        var request = new EchoRequest { Payload = ByteString.CopyFrom(new byte[5 * 1024 * 1024]) };
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new EchoClient(channel).Unary(request));
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.StartsWith("Sending message larger than max", e.Status.Detail);
    }

    [Fact]
    public async Task Unary_ResponseOverClientLimit_IsResourceExhausted()
    {
        using var channel = Channel(new RpcChannelOptions { MaxReceiveMessageSize = 1024 });
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await new EchoClient(channel).Unary(new EchoRequest { ResponseSize = 4096 }));
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
    }

    [Fact]
    public async Task Unary_GzipRequests_AreDecompressedByTheServer()
    {
        using var channel = Channel(new RpcChannelOptions { CompressRequests = true });
        var payload = new byte[100_000];
        var reply = await new EchoClient(channel).Unary(new EchoRequest { Message = "zipped", Payload = ByteString.CopyFrom(payload) });
        Assert.Equal("zipped", reply.Message);
        Assert.Equal(payload.Length, reply.Payload.Length);
    }

    [Fact]
    public async Task Unimplemented_DeclaredButNotImplemented_IsUnimplemented()
    {
        using var channel = Channel();
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new EchoClient(channel).Unimplemented(new EchoRequest()));
        Assert.Equal(StatusCode.Unimplemented, e.StatusCode);
    }

    [Fact]
    public async Task ConnectionRefused_IsUnavailable()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var channel = RpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new EchoClient(channel).Unary(new EchoRequest()));
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
    }

    [Fact]
    public async Task GetStatus_BeforeTheCallEnds_Throws()
    {
        using var channel = Channel();
        using var call = new EchoClient(channel).WaitForCancel(new EchoRequest { Message = Guid.NewGuid().ToString() });
        Assert.Throws<InvalidOperationException>(() => call.GetStatus());
    }

    [Fact]
    public async Task ClientDeadline_Passes_CallEndsDeadlineExceeded_AndServerSeesCancellation()
    {
        var clock = new ManualTimeProvider();
        using var channel = Channel(new RpcChannelOptions { TimeProvider = clock });
        var tag = Guid.NewGuid().ToString();
        using var call = new EchoClient(channel).WaitForCancel(new EchoRequest { Message = tag },
            new CallOptions(StartedMarker(), Deadline: clock.GetUtcNow().UtcDateTime.AddSeconds(1)));
        await call.ResponseHeadersAsync.WaitAsync(TimeSpan.FromSeconds(10)); // the handler is running
        clock.Advance(TimeSpan.FromSeconds(1));
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.Equal("yes", await WasCancelled(channel, tag));
    }

    [Fact]
    public async Task ClientDeadline_AlreadyPast_FailsWithoutSending()
    {
        var clock = new ManualTimeProvider();
        using var channel = Channel(new RpcChannelOptions { TimeProvider = clock });
        var deadline = clock.GetUtcNow().UtcDateTime.AddSeconds(-1);
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await new EchoClient(channel).Unary(new EchoRequest(), new CallOptions(Deadline: deadline)));
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
    }

    [Fact]
    public async Task Deadline_IsPropagatedToTheServerAsGrpcTimeout()
    {
        using var channel = Channel();
        var reply = await new EchoClient(channel).Unary(new EchoRequest(), new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(10)));
        // grpc-timeout rounds up (grpc core to 10 ms steps), never down.
        Assert.InRange(reply.DeadlineRemainingMs, 1, 10_100);
    }

    [Fact]
    public async Task NoDeadline_ServerSeesNone()
    {
        using var channel = Channel();
        var reply = await new EchoClient(channel).Unary(new EchoRequest());
        Assert.Equal(-1, reply.DeadlineRemainingMs);
    }

    [Fact]
    public async Task ClientCancels_ServerHandlerSeesIt_ClientSeesCancelled()
    {
        using var channel = Channel();
        using var cts = new CancellationTokenSource();
        var tag = Guid.NewGuid().ToString();
        using var call = new EchoClient(channel).WaitForCancel(new EchoRequest { Message = tag },
            new CallOptions(StartedMarker(), CancellationToken: cts.Token));
        await call.ResponseHeadersAsync.WaitAsync(TimeSpan.FromSeconds(10));
        cts.Cancel();
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
        Assert.Equal("yes", await WasCancelled(channel, tag));
    }

    [Fact]
    public async Task Dispose_RunningCall_ResetsTheStream()
    {
        using var channel = Channel();
        var tag = Guid.NewGuid().ToString();
        var call = new EchoClient(channel).WaitForCancel(new EchoRequest { Message = tag }, new CallOptions(StartedMarker()));
        await call.ResponseHeadersAsync.WaitAsync(TimeSpan.FromSeconds(10));
        call.Dispose();
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
        Assert.Equal("yes", await WasCancelled(channel, tag));
    }

    [Fact]
    public async Task ServerCancels_ClientSeesCancelled()
    {
        using var channel = Channel();
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await new EchoClient(channel).Unary(new EchoRequest { Cancel = true }));
        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
    }

    [Fact]
    public async Task ServerCancels_MidStream_ClientSeesCancelled()
    {
        using var channel = Channel();
        using var call = new EchoClient(channel).ServerStream(new EchoRequest { ResponseCount = 2, Cancel = true });
        var received = 0;
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(default)) received++;
        });
        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
        Assert.InRange(received, 0, 2);
    }

    /// <summary>Both Echo servers send request headers named x-echo-initial* back before anything else, so
    /// awaiting the response headers proves the handler is running.</summary>
    private static Metadata StartedMarker() => new() { { "x-echo-initial-started", "1" } };

    private static async Task<string> WasCancelled(RpcChannel channel, string tag) =>
        (await new EchoClient(channel).WasCancelled(new EchoRequest { Message = tag, DelayMs = 10_000 })).Message;
}

/// <summary>The client contract against our own server.</summary>
public class CallTests : EchoClientContract, IClassFixture<EchoServerFixture>
{
    public CallTests(EchoServerFixture fixture) : base(fixture) { }
}

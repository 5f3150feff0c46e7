using System.Net;
using Bridge.Rpc.Tests.Echo;
using Google.Protobuf;

namespace Bridge.Rpc.Tests.Loopback;

/// <summary>Hand-built requests that break the protocol: each gets the status the spec gives, and the server keeps serving.</summary>
public class MalformedRequestTests : IClassFixture<EchoServerFixture>, IDisposable
{
    private const string UnaryPath = "/bridge.testing.Echo/Unary";
    private readonly EchoServerFixture _fixture;
    private readonly HttpClient _http = RawGrpc.CreateClient();

    public MalformedRequestTests(EchoServerFixture fixture) => _fixture = fixture;

    public void Dispose() => _http.Dispose();

    private Task<RawResponse> Send(byte[] body, string? contentType = "application/grpc",
        IEnumerable<KeyValuePair<string, string>>? headers = null, string path = UnaryPath, HttpMethod? method = null) =>
        RawGrpc.SendAsync(_http, _fixture.Server.Address, path, body, contentType, headers, method);

    private static byte[] ValidBody(string message = "ok") => RawGrpc.Frame(new EchoRequest { Message = message }.ToByteArray());

    [Fact]
    public async Task WellFormed_HandBuiltRequest_IsOk()
    {
        var response = await Send(ValidBody());
        Assert.Equal(StatusCode.OK, response.GrpcStatus);
        Assert.Equal("ok", EchoReply.Parser.ParseFrom(response.Body.AsSpan(5).ToArray()).Message);
    }

    [Fact]
    public async Task TruncatedMessage_IsInternal()
    {
        var body = ValidBody("truncated");
        var response = await Send(body[..^3]);
        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("Incomplete message", response.GrpcMessage);
    }

    [Fact]
    public async Task TruncatedLengthPrefix_IsInternal()
    {
        var response = await Send([0, 0, 0]);
        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
    }

    [Fact]
    public async Task EmptyBody_ForUnary_IsInternal()
    {
        var response = await Send([]);
        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("No request message", response.GrpcMessage);
    }

    [Fact]
    public async Task TwoMessages_ForUnary_IsInternal()
    {
        var response = await Send([.. ValidBody(), .. ValidBody()]);
        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
    }

    [Fact]
    public async Task GarbageProtobuf_IsInternal()
    {
        var response = await Send(RawGrpc.Frame([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]));
        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("Failed to deserialize", response.GrpcMessage);
    }

    [Fact]
    public async Task BadCompressedFlag_IsInternal()
    {
        var response = await Send(RawGrpc.Frame(new EchoRequest().ToByteArray(), flag: 7));
        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
    }

    [Fact]
    public async Task CompressedFlag_WithoutEncoding_IsInternal()
    {
        var response = await Send(RawGrpc.Frame(new EchoRequest().ToByteArray(), flag: 1));
        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("Compressed flag", response.GrpcMessage);
    }

    [Fact]
    public async Task CompressedFlag_WithGzipButNotGzipBytes_IsInternal()
    {
        var response = await Send(RawGrpc.Frame([1, 2, 3], flag: 1), headers: [new("grpc-encoding", "gzip")]);
        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
    }

    [Fact]
    public async Task HugeDeclaredLength_IsResourceExhausted_WithoutAllocatingIt()
    {
        // The allocation bound is asserted by HugeDeclaredLengthTests, which runs alone.
        var response = await Send([0, 0xFF, 0xFF, 0xFF, 0xF0, 1, 2, 3]);
        Assert.Equal(StatusCode.ResourceExhausted, response.GrpcStatus);
        Assert.Contains("larger than max (4294967280 vs. 4194304)", response.GrpcMessage);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("application/grpc+json")]
    [InlineData(null)]
    public async Task WrongContentType_Is415WithInternal(string? contentType)
    {
        var response = await Send(ValidBody(), contentType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
    }

    [Fact]
    public async Task UnsupportedEncoding_IsUnimplemented_AndNamesWhatIsSupported()
    {
        var response = await Send(ValidBody(), headers: [new("grpc-encoding", "snappy")]);
        Assert.Equal(StatusCode.Unimplemented, response.GrpcStatus);
        Assert.Equal("identity,gzip", response.Headers.GetValues("grpc-accept-encoding").Single());
    }

    [Theory]
    [InlineData("1s")]
    [InlineData("123456789S")]
    [InlineData("-5m")]
    [InlineData("forever")]
    public async Task MalformedTimeout_IsInternal(string timeout)
    {
        var response = await Send(ValidBody(), headers: [new("grpc-timeout", timeout)]);
        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("grpc-timeout", response.GrpcMessage);
    }

    [Fact]
    public async Task BadBase64InBinaryHeader_IsInternal()
    {
        var response = await Send(ValidBody(), headers: [new("x-thing-bin", "!!!")]);
        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
    }

    [Fact]
    public async Task UnknownMethod_IsUnimplemented()
    {
        var response = await Send(ValidBody(), path: "/bridge.testing.Echo/NoSuchMethod");
        Assert.Equal(StatusCode.Unimplemented, response.GrpcStatus);
        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
    }

    [Fact]
    public async Task UnknownService_IsUnimplemented()
    {
        var response = await Send(ValidBody(), path: "/no.such.Service/Call");
        Assert.Equal(StatusCode.Unimplemented, response.GrpcStatus);
    }

    [Fact]
    public async Task GetInsteadOfPost_Is405()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_fixture.Server.Address, UnaryPath))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("content-type", "application/grpc");
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task ErrorBeforeAnyMessage_IsTrailersOnly()
    {
        var response = await Send(ValidBody(), path: "/no.such.Service/Call");
        Assert.True(response.TrailersOnly);
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task ErrorFromHandler_BeforeAnyMessage_IsTrailersOnly()
    {
        var body = RawGrpc.Frame(new EchoRequest { ResponseStatus = new EchoStatus { Code = 5, Message = "x" } }.ToByteArray());
        var response = await Send(body);
        Assert.True(response.TrailersOnly);
        Assert.Equal(StatusCode.NotFound, response.GrpcStatus);
    }

    [Fact]
    public async Task SuccessfulUnary_StatusIsInTrailers()
    {
        var response = await Send(ValidBody());
        Assert.Equal("0", response.Trailers.GetValues("grpc-status").Single());
    }
}

[Collection(nameof(AllocationTests))]
public class HugeDeclaredLengthTests : IClassFixture<EchoServerFixture>
{
    private readonly EchoServerFixture _fixture;

    public HugeDeclaredLengthTests(EchoServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task HugeDeclaredLength_IsRefusedBeforeAnythingIsAllocated()
    {
        using var http = RawGrpc.CreateClient();
        Task<RawResponse> Send(byte[] body) => RawGrpc.SendAsync(http, _fixture.Server.Address, "/bridge.testing.Echo/Unary", body);
        await Send(RawGrpc.Frame(new EchoRequest { Message = "warm" }.ToByteArray())); // connection, JIT
        await Send([0, 0xFF, 0xFF, 0xFF, 0xF0, 1, 2, 3]);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var response = await Send([0, 0xFF, 0xFF, 0xFF, 0xF0, 1, 2, 3]);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(StatusCode.ResourceExhausted, response.GrpcStatus);
        Assert.Contains("larger than max (4294967280 vs. 4194304)", response.GrpcMessage);
        // A server that trusted the prefix would allocate ~4 GiB; the whole exchange stays small.
        Assert.True(allocated < 16 * 1024 * 1024, $"allocated {allocated} bytes");
    }
}

/// <summary>Regression: a grpc-timeout beyond what a timer can hold (the fuzzer found 99999999S) answered a bare HTTP 500.</summary>
public class LongTimeoutRegressionTests : IClassFixture<EchoServerFixture>
{
    private readonly EchoServerFixture _fixture;

    public LongTimeoutRegressionTests(EchoServerFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData("99999999S")]
    [InlineData("99999999H")]
    [InlineData("99999999M")]
    public async Task TimeoutLongerThanATimerCanHold_IsTreatedAsNoDeadline(string timeout)
    {
        using var http = RawGrpc.CreateClient();
        var response = await RawGrpc.SendAsync(http, _fixture.Server.Address, "/bridge.testing.Echo/Unary",
            RawGrpc.Frame(new EchoRequest { Message = "long" }.ToByteArray()), headers: [new("grpc-timeout", timeout)]);
        Assert.Equal(StatusCode.OK, response.GrpcStatus);
        Assert.Equal(-1, EchoReply.Parser.ParseFrom(response.Body.AsSpan(5).ToArray()).DeadlineRemainingMs);
    }

    [Fact]
    public async Task ClientDeadlineYearsAway_CallSucceeds()
    {
        using var channel = _fixture.Channel();
        var reply = await new EchoClient(channel).Unary(new EchoRequest { Message = "far" },
            new CallOptions(Deadline: DateTime.UtcNow.AddYears(5)));
        Assert.Equal("far", reply.Message);
    }
}

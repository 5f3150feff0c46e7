using System.Security.Cryptography;
using Bridge.Eventing.Bus.Policy;
using Bridge.Eventing.Bus.Tests.Infrastructure;
using Bridge.Eventing.Client;
using Bridge.Eventing.Protocol;
using Bridge.Eventing.Security;
using Bridge.Eventing.V1;
using Bridge.Rpc;
using Bridge.Testing;
using Google.Protobuf;

namespace Bridge.Eventing.Bus.Tests.Integration;

/// <summary>
/// The API tier's per-topic policy: bearer tokens (missing, expired, wrong issuer, wrong scope, another
/// principal's session), request signatures (missing, wrong key, replayed), and TLS.
/// </summary>
public sealed class AuthTests : IAsyncLifetime
{
    private const string Issuer = "https://auth.bridge.test";
    private const string Audience = "bridge-bus";
    private static readonly byte[] SigningSecret = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] HmacSecret = RandomNumberGenerator.GetBytes(32);
    private readonly DevelopmentTokenIssuer _issuer = new(Issuer, Audience, SigningSecret);
    private BusHarness _bus = null!;

    public async Task InitializeAsync()
    {
        _bus = await BusHarness.StartAsync(o => o with
        {
            Policies = TopicPolicies.Parse(["secure.*=token,signature", "scoped.*=token", "tls.*=tls"]),
            Tokens = new BearerTokenValidator(new BearerTokenOptions { Issuer = Issuer, Audience = Audience, SigningKeys = [_issuer.SigningKey] }),
            Signatures = new RequestVerifier(KeyFile.Create([new KeyFileEntry("client-1", HmacSecret)], "client-1")),
        });
        foreach (var topic in new[] { "secure.orders", "scoped.orders", "tls.orders", "open" }) await _bus.CreateTopicAsync(topic);
    }

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task A_Valid_Token_And_Signature_Open_A_Secure_Topic()
    {
        using var client = _bus.Client(new BusClientOptions { BearerToken = Token("alice", "bus:write:secure.*", "bus:read:secure.*"), Signer = new RequestSigner("client-1", HmacSecret) });
        await using var publisher = client.CreatePublisher("secure.orders");
        var result = await publisher.PublishAsync(Values.Record("k", "signed"));
        Assert.Equal(0, result.Offset);
    }

    [Fact]
    public async Task A_Missing_Or_Expired_Or_Foreign_Token_Is_Unauthenticated()
    {
        await AssertRefusedAsync(StatusCode.Unauthenticated, new BusClientOptions(), "scoped.orders");
        var past = new ManualTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));
        var expired = new DevelopmentTokenIssuer(Issuer, Audience, SigningSecret, past).Issue("alice", ["bus:read:scoped.*"], TimeSpan.FromMinutes(10));
        await AssertRefusedAsync(StatusCode.Unauthenticated, new BusClientOptions { BearerToken = _ => ValueTask.FromResult<string?>(expired) }, "scoped.orders");
        var foreign = new DevelopmentTokenIssuer("https://evil.test", Audience, SigningSecret).Issue("alice", ["bus:read:scoped.*"], TimeSpan.FromMinutes(10));
        await AssertRefusedAsync(StatusCode.Unauthenticated, new BusClientOptions { BearerToken = _ => ValueTask.FromResult<string?>(foreign) }, "scoped.orders");
        var forged = new DevelopmentTokenIssuer(Issuer, Audience, RandomNumberGenerator.GetBytes(32)).Issue("alice", ["bus:read:scoped.*"], TimeSpan.FromMinutes(10));
        await AssertRefusedAsync(StatusCode.Unauthenticated, new BusClientOptions { BearerToken = _ => ValueTask.FromResult<string?>(forged) }, "scoped.orders");
    }

    [Fact]
    public async Task A_Token_Without_The_Topics_Scope_Is_Permission_Denied()
    {
        await AssertRefusedAsync(StatusCode.PermissionDenied, new BusClientOptions { BearerToken = Token("bob", "bus:read:other.*") }, "scoped.orders");
        // Read scope does not grant write.
        using var client = _bus.Client(new BusClientOptions { BearerToken = Token("bob", "bus:read:scoped.*") });
        var error = await Assert.ThrowsAsync<BusException>(() => client.OpenWriteAsync("scoped.orders"));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task A_Session_Cannot_Be_Used_By_Another_Principal()
    {
        using var channel = RpcChannel.ForAddress(_bus.Bus.Api.Address);
        var raw = new EventBusClient(channel);
        var alice = new Metadata { { "authorization", "Bearer " + _issuer.Issue("alice", ["bus:read:scoped.*"], TimeSpan.FromMinutes(5)) } };
        var mallory = new Metadata { { "authorization", "Bearer " + _issuer.Issue("mallory", ["bus:read:scoped.*"], TimeSpan.FromMinutes(5)) } };
        var session = await raw.AllocateSessionAsync(new AllocateSessionRequest { Topic = "scoped.orders", Mode = SessionMode.Read }, new CallOptions(alice));
        var error = await Assert.ThrowsAsync<RpcException>(() => raw.ReadAsync(new ReadRequest { SessionId = session.SessionId }, new CallOptions(mallory)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => raw.ReadAsync(new ReadRequest { SessionId = session.SessionId }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        await raw.ReadAsync(new ReadRequest { SessionId = session.SessionId }, new CallOptions(alice));
    }

    [Fact]
    public async Task Missing_Wrong_Or_Replayed_Signatures_Are_Unauthenticated()
    {
        var token = Token("alice", "bus:read:secure.*");
        await AssertRefusedAsync(StatusCode.Unauthenticated, new BusClientOptions { BearerToken = token }, "secure.orders");
        await AssertRefusedAsync(StatusCode.Unauthenticated, new BusClientOptions { BearerToken = token, Signer = new RequestSigner("client-1", RandomNumberGenerator.GetBytes(32)) }, "secure.orders");
        await AssertRefusedAsync(StatusCode.Unauthenticated, new BusClientOptions { BearerToken = token, Signer = new RequestSigner("client-9", HmacSecret) }, "secure.orders");

        using var channel = RpcChannel.ForAddress(_bus.Bus.Api.Address);
        var raw = new EventBusClient(channel);
        var request = new AllocateSessionRequest { Topic = "secure.orders", Mode = SessionMode.Read };
        var signature = new RequestSigner("client-1", HmacSecret).Sign($"/{EventBusClient.Service.FullName}/AllocateSession", request.ToByteArray());
        var headers = new Metadata
        {
            { "authorization", "Bearer " + await token(default) },
            { RequestSigner.SignatureHeader, signature.Signature },
            { RequestSigner.TimestampHeader, signature.Timestamp },
            { RequestSigner.NonceHeader, signature.Nonce },
        };
        await raw.AllocateSessionAsync(request, new CallOptions(headers));
        var replayed = await Assert.ThrowsAsync<RpcException>(() => raw.AllocateSessionAsync(request, new CallOptions(headers)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, replayed.StatusCode);
        Assert.Contains("signature", replayed.Status.Detail);
    }

    [Fact]
    public async Task A_Topic_That_Requires_Tls_Refuses_Cleartext()
    {
        await AssertRefusedAsync(StatusCode.PermissionDenied, new BusClientOptions(), "tls.orders");
        using var client = _bus.Client();
        await using var open = await client.OpenReadAsync("open"); // the policy is per topic
    }

    private static Func<CancellationToken, ValueTask<string?>> Token(string subject, params string[] scopes)
    {
        var issuer = new DevelopmentTokenIssuer(Issuer, Audience, SigningSecret);
        return _ => ValueTask.FromResult<string?>(issuer.Issue(subject, scopes, TimeSpan.FromMinutes(5)));
    }

    private async Task AssertRefusedAsync(StatusCode expected, BusClientOptions options, string topic)
    {
        using var client = _bus.Client(options);
        var error = await Assert.ThrowsAsync<BusException>(() => client.OpenReadAsync(topic));
        Assert.Equal(expected, error.StatusCode);
    }
}

using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Bridge.Testing;

namespace Bridge.Eventing.Security.Tests;

public class RequestSigningTests
{
    private const string Method = "/bridge.bus.v1.Bus/Write";

    private static readonly KeyFile Keys = KeyFile.Parse(TestKeys.TwoKeys);

    private static readonly byte[] Body = Encoding.UTF8.GetBytes("\n\x07session\x10\x2a");

    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private RequestVerifier Verifier(int capacity = 1_000_000) =>
        new(Keys, new RequestVerifierOptions { TimeProvider = _clock, NonceCapacity = capacity });

    private RequestSigner Signer(string keyId = "k1", byte[]? secret = null, TimeProvider? clock = null) =>
        new(keyId, secret ?? TestKeys.Bytes(keyId == "k1" ? 0 : 100), clock ?? _clock);

    private static SignatureFailure? FailureOf(RequestVerification v) => v.Failure;

    private static RequestVerification Verify(RequestVerifier verifier, RequestSignature s, string method = Method, byte[]? body = null) =>
        verifier.Verify(method, body ?? Body, s.Signature, s.Timestamp, s.Nonce);

    [Fact]
    public void SignVerify_RoundTrips_WithBothKeys()
    {
        var verifier = Verifier();
        var k1 = Verify(verifier, Signer("k1").Sign(Method, Body));
        Assert.True(k1.IsValid, k1.ToString());
        Assert.Equal("k1", k1.KeyId);
        Assert.Equal("k2", Verify(verifier, Signer("k2").Sign(Method, Body)).KeyId);
    }

    [Fact]
    public void Sign_HeaderValues_HaveTheDocumentedShapes()
    {
        var s = Signer().Sign(Method, Body);
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(), s.Timestamp);
        Assert.Equal(22, s.Nonce.Length);
        Assert.True(Base64Url.IsValid(s.Nonce, out var decoded) && decoded == 16);
        Assert.StartsWith("k1:", s.Signature);
        Assert.Equal(32, Convert.FromBase64String(s.Signature[3..]).Length);
        Assert.NotEqual(s.Nonce, Signer().Sign(Method, Body).Nonce);
    }

    [Fact]
    public void Sign_MacIsHmacSha256OfTheCanonicalString()
    {
        var s = Signer().Sign(Method, Body);
        var canonical = Encoding.ASCII.GetBytes($"BRIDGE-HMAC-SHA256\n{Method}\n{s.Timestamp}\n{s.Nonce}\n").Concat(Body).ToArray();
        Assert.Equal("k1:" + Convert.ToBase64String(HMACSHA256.HashData(TestKeys.Bytes(0), canonical)), s.Signature);
    }

    [Fact]
    public void Verify_EmptyBody_RoundTrips() => Assert.True(Verify(Verifier(), Signer().Sign(Method, []), body: []).IsValid);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Verify_AHeaderAbsentOrEmpty_IsMissing(int which)
    {
        var s = Signer().Sign(Method, Body);
        var verifier = Verifier();
        foreach (var value in new[] { null, "" })
        {
            var v = verifier.Verify(Method, Body, which == 0 ? value : s.Signature, which == 1 ? value : s.Timestamp, which == 2 ? value : s.Nonce);
            Assert.Equal(SignatureFailure.Missing, v.Failure);
        }
    }

    [Theory]
    [InlineData("no-colon-here", null, null)]
    [InlineData(":AAAA", null, null)]
    [InlineData("bad id:{mac}", null, null)]
    [InlineData("k1:not base64!", null, null)]
    [InlineData("k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", null, null)] // 31 bytes
    [InlineData("k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", null, null)] // 36 bytes
    [InlineData(null, "abc", null)]
    [InlineData(null, "-5", null)]
    [InlineData(null, "+5", null)]
    [InlineData(null, "1.5", null)]
    [InlineData(null, " 1930824000000", null)]
    [InlineData(null, "99999999999999999999", null)]
    [InlineData(null, null, "!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData(null, null, "AAAAAAAAAAA")] // 8 bytes
    [InlineData(null, null, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 24 bytes
    public void Verify_UnparseableHeader_IsMalformed(string? signature, string? timestamp, string? nonce)
    {
        var s = Signer().Sign(Method, Body);
        var v = Verifier().Verify(Method, Body, signature?.Replace("{mac}", s.Signature[3..]) ?? s.Signature, timestamp ?? s.Timestamp, nonce ?? s.Nonce);
        Assert.Equal(SignatureFailure.Malformed, v.Failure);
    }

    [Fact]
    public void Verify_KeyIdNotInTheSet_IsUnknownKey()
    {
        var v = Verify(Verifier(), Signer("k9", TestKeys.Bytes(5)).Sign(Method, Body));
        Assert.Equal(SignatureFailure.UnknownKey, v.Failure);
        Assert.Contains("'k9'", v.Message);
    }

    [Fact]
    public void Verify_AnythingChanged_IsBadSignature()
    {
        var verifier = Verifier();
        var s = Signer().Sign(Method, Body);
        Assert.Equal(SignatureFailure.BadSignature, FailureOf(Verify(verifier, s, method: "/bridge.bus.v1.Bus/Read")));
        for (var i = 0; i < Body.Length; i++)
        {
            var body = (byte[])Body.Clone();
            body[i] ^= 0x20;
            Assert.Equal(SignatureFailure.BadSignature, FailureOf(Verify(verifier, s, body: body)));
        }
        Assert.Equal(SignatureFailure.BadSignature, FailureOf(Verify(verifier, s, body: [.. Body, 0])));
        Assert.Equal(SignatureFailure.BadSignature, FailureOf(Verify(verifier, s with { Timestamp = (long.Parse(s.Timestamp) + 1).ToString() })));
        Assert.Equal(SignatureFailure.BadSignature, FailureOf(Verify(verifier, s with { Nonce = Signer().Sign(Method, Body).Nonce })));
        Assert.Equal(SignatureFailure.BadSignature, FailureOf(Verify(verifier, s with { Signature = "k2" + s.Signature[2..] })));
        Assert.Equal(SignatureFailure.BadSignature, FailureOf(Verify(verifier, Signer("k1", TestKeys.Bytes(1)).Sign(Method, Body))));
        // None of the refused attempts used up the nonce.
        Assert.True(Verify(verifier, s).IsValid);
    }

    [Fact]
    public void Verify_SameRequestTwice_IsReplayed()
    {
        var verifier = Verifier();
        var s = Signer().Sign(Method, Body);
        Assert.True(Verify(verifier, s).IsValid);
        _clock.Advance(TimeSpan.FromMinutes(4));
        var again = Verify(verifier, s);
        Assert.Equal(SignatureFailure.Replayed, again.Failure);
        // The nonce is spent for every key, not only the one that signed it.
        Assert.Equal(SignatureFailure.Replayed, FailureOf(Verify(verifier, s with { Signature = ResignWith("k2", s) })));
    }

    [Fact]
    public void Verify_OutsideTheWindow_IsStale_EitherWay()
    {
        var verifier = Verifier();
        var atEdge = Signer().Sign(Method, Body);
        var pastEdge = Signer().Sign(Method, Body);
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(Verify(verifier, atEdge).IsValid); // exactly window old
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(SignatureFailure.Stale, FailureOf(Verify(verifier, pastEdge)));
        // A replay after the window is refused by its timestamp alone.
        Assert.Equal(SignatureFailure.Stale, FailureOf(Verify(verifier, atEdge)));
        // The client's clock ahead of the server's: same window the other way.
        var now = _clock.GetUtcNow();
        Assert.True(Verify(verifier, Signer(clock: new ManualTimeProvider(now + TimeSpan.FromMinutes(5))).Sign(Method, Body)).IsValid);
        var tooFarAhead = Signer(clock: new ManualTimeProvider(now + TimeSpan.FromMinutes(5) + TimeSpan.FromMilliseconds(1)));
        Assert.Equal(SignatureFailure.Stale, FailureOf(Verify(verifier, tooFarAhead.Sign(Method, Body))));
    }

    [Fact]
    public void Verify_NonceOfAFutureTimestamp_IsRememberedUntilThatTimestampIsStale()
    {
        var verifier = Verifier();
        var ahead = Signer(clock: new ManualTimeProvider(_clock.GetUtcNow() + TimeSpan.FromMinutes(4))).Sign(Method, Body);
        Assert.True(Verify(verifier, ahead).IsValid);
        _clock.Advance(TimeSpan.FromMinutes(9)); // the timestamp is exactly window old: still acceptable, so still a replay
        Assert.Equal(SignatureFailure.Replayed, FailureOf(Verify(verifier, ahead)));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(SignatureFailure.Stale, FailureOf(Verify(verifier, ahead)));
    }

    [Fact]
    public void NonceCache_Full_RefusesWithItsOwnCode_ThenRecoversWhenNoncesExpire()
    {
        var verifier = Verifier(capacity: 3);
        var accepted = Enumerable.Range(0, 3).Select(_ => Signer().Sign(Method, Body)).ToList();
        Assert.All(accepted, s => Assert.True(Verify(verifier, s).IsValid));
        var v = Verify(verifier, Signer().Sign(Method, Body));
        Assert.Equal(SignatureFailure.NonceCacheFull, v.Failure);
        Assert.Equal(SignatureFailure.Replayed, FailureOf(Verify(verifier, accepted[0]))); // a replay is still a replay
        Assert.Equal(3, verifier.RememberedNonces);
        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromMilliseconds(1));
        Assert.True(Verify(verifier, Signer().Sign(Method, Body)).IsValid);
        Assert.Equal(1, verifier.RememberedNonces);
    }

    [Fact]
    public void Verify_ManyThreads_NoFalseReplays_AndEveryReplayCaught()
    {
        var verifier = Verifier();
        var signer = Signer();
        var requests = Enumerable.Range(0, 20_000).Select(i => (Body: BitConverter.GetBytes(i), Signature: signer.Sign(Method, BitConverter.GetBytes(i)))).ToArray();
        var outcomes = new ConcurrentBag<SignatureFailure?>();
        Parallel.For(0, requests.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            outcomes.Add(Verify(verifier, requests[i].Signature, body: requests[i].Body).Failure));
        Assert.All(outcomes, f => Assert.Null(f));
        Assert.Equal(requests.Length, verifier.RememberedNonces);
        var replays = new ConcurrentBag<SignatureFailure?>();
        Parallel.For(0, requests.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            replays.Add(Verify(verifier, requests[i].Signature, body: requests[i].Body).Failure));
        Assert.All(replays, f => Assert.Equal(SignatureFailure.Replayed, f));
    }

    [Fact]
    public void Verify_OneRequestFromManyThreadsAtOnce_IsAcceptedExactlyOnce()
    {
        var verifier = Verifier();
        for (var round = 0; round < 50; round++)
        {
            var s = Signer().Sign(Method, Body);
            var valid = 0;
            Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
            {
                if (Verify(verifier, s).IsValid) Interlocked.Increment(ref valid);
            });
            Assert.Equal(1, valid);
        }
    }

    [Fact]
    public void FromKeyFile_SignsWithTheActiveKey() =>
        Assert.Equal("k2", Verify(Verifier(), RequestSigner.FromKeyFile(Keys, _clock).Sign(Method, Body)).KeyId);

    [Fact]
    public void Constructors_RefuseShortSecretsAndBadOptions()
    {
        Assert.Throws<ArgumentException>(() => new RequestSigner("k1", new byte[31]));
        Assert.Throws<ArgumentException>(() => new RequestSigner("bad id", new byte[32]));
        var e = Assert.Throws<KeyFileException>(() => new RequestVerifier(KeyFile.Parse($"k1 {TestKeys.Base64(0, 16)}")));
        Assert.Equal(1, e.LineNumber);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestVerifier(Keys, new RequestVerifierOptions { Window = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestVerifier(Keys, new RequestVerifierOptions { NonceCapacity = 0 }));
    }

    [Fact]
    public void HeaderNames_AreLowerCaseGrpcMetadata()
    {
        Assert.Equal("bridge-signature", RequestVerifier.SignatureHeader);
        Assert.Equal("bridge-timestamp", RequestVerifier.TimestampHeader);
        Assert.Equal("bridge-nonce", RequestVerifier.NonceHeader);
    }

    // The signature the k2 secret would give the same method, timestamp, nonce and body.
    private static string ResignWith(string keyId, RequestSignature s)
    {
        var canonical = Encoding.ASCII.GetBytes($"BRIDGE-HMAC-SHA256\n{Method}\n{s.Timestamp}\n{s.Nonce}\n").Concat(Body).ToArray();
        return $"{keyId}:{Convert.ToBase64String(HMACSHA256.HashData(TestKeys.Bytes(100), canonical))}";
    }
}

using System.IdentityModel.Tokens.Jwt;
using System.Security.Cryptography;
using System.Text;
using Bridge.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Bridge.Eventing.Security.Tests;

public class BearerTokenValidatorTests
{
    private const string Issuer = "https://auth.bridge.test";
    private const string Audience = "bridge-bus";

    // Years away from the real clock, so a validator that read the system clock would fail these tests.
    private static readonly DateTimeOffset Start = new(2031, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly byte[] Secret = TestKeys.Bytes(0);

    private readonly ManualTimeProvider _clock = new(Start);

    private BearerTokenValidator Validator(params BearerSigningKey[] keys) => new(new BearerTokenOptions
    {
        Issuer = Issuer,
        Audience = Audience,
        SigningKeys = keys.Length > 0 ? keys : [BearerSigningKey.FromSecret(Secret)],
        TimeProvider = _clock,
    });

    private DevelopmentTokenIssuer DevIssuer(string issuer = Issuer, string audience = Audience, byte[]? secret = null, TimeProvider? clock = null) =>
        new(issuer, audience, secret ?? Secret, clock ?? _clock);

    // A token with exactly the given header algorithm and claims, for shapes the development issuer never makes.
    private static string Token(SigningCredentials? credentials, IDictionary<string, object> claims)
    {
        var handler = new JwtSecurityTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateEncodedJwt(new SecurityTokenDescriptor { Claims = claims, SigningCredentials = credentials });
    }

    private static Dictionary<string, object> Claims(DateTimeOffset now, TimeSpan lifetime) => new()
    {
        ["iss"] = Issuer,
        ["aud"] = Audience,
        ["sub"] = "alice",
        ["iat"] = now.ToUnixTimeSeconds(),
        ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
    };

    private static string Base64Url(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Validate_DevelopmentToken_GivesThePrincipal()
    {
        var token = DevIssuer().Issue("alice", ["bus:read:bridge.*", "bus:write:orders", "openid"], TimeSpan.FromMinutes(10));
        var result = Validator().Validate("Bearer " + token);
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal("alice", result.Principal.Subject);
        Assert.Equal(["bus:read:bridge.*", "bus:write:orders", "openid"], result.Principal.Scopes);
        Assert.Equal(Start.AddMinutes(10), result.Principal.ExpiresAt);
        Assert.True(result.Principal.Allows("bridge.tasks", BusAccess.Read));
        Assert.False(result.Principal.Allows("bridge.tasks", BusAccess.Write));
    }

    [Theory]
    [InlineData("bearer ")]
    [InlineData("BEARER ")]
    [InlineData("  Bearer   ")]
    public void Validate_SchemeIsCaseInsensitive_AndSpacesAreTrimmed(string prefix)
    {
        var token = DevIssuer().Issue("alice", [], TimeSpan.FromMinutes(1));
        Assert.True(Validator().Validate(prefix + token + " ").IsValid);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_NoValue_IsMissing(string? authorization) =>
        Assert.Equal(TokenFailure.Missing, Validator().Validate(authorization).Failure);

    [Theory]
    [InlineData("Basic YWxpY2U6c2VjcmV0")]
    [InlineData("Bearer")]
    [InlineData("Bearer    ")]
    [InlineData("Bearertoken")]
    [InlineData("Bearer abc")]
    [InlineData("Bearer not.a.jwt")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.%%%.sig")]
    [InlineData("Bearer eyJub3QganNvbg.eyJ9.c2ln")]
    public void Validate_NotABearerJwt_IsMalformed(string authorization)
    {
        var result = Validator().Validate(authorization);
        Assert.Equal(TokenFailure.Malformed, result.Failure);
        if (authorization.Length > 12) Assert.DoesNotContain(authorization[7..], result.Message);
    }

    [Fact]
    public void Validate_AfterExpiryPlusSkew_IsExpired_ButWithinSkewIsValid()
    {
        var token = "Bearer " + DevIssuer().Issue("alice", [], TimeSpan.FromMinutes(5));
        var validator = Validator();
        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30));
        Assert.True(validator.Validate(token).IsValid); // exactly at exp + skew
        _clock.Advance(TimeSpan.FromSeconds(1));
        var result = validator.Validate(token);
        Assert.Equal(TokenFailure.Expired, result.Failure);
        Assert.Contains("2031-03-01T12:05:00", result.Message);
    }

    [Fact]
    public void Validate_BeforeNotBeforeMinusSkew_IsNotYetValid_ButWithinSkewIsValid()
    {
        var ahead = new ManualTimeProvider(Start.AddSeconds(31)); // the issuer's clock runs 31 s ahead
        var token = "Bearer " + DevIssuer(clock: ahead).Issue("alice", [], TimeSpan.FromMinutes(5));
        var validator = Validator();
        Assert.Equal(TokenFailure.NotYetValid, validator.Validate(token).Failure);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(validator.Validate(token).IsValid);
    }

    [Fact]
    public void Validate_FollowsTheInjectedClock_NotTheSystemClock()
    {
        var token = "Bearer " + DevIssuer().Issue("alice", [], TimeSpan.FromMinutes(5)); // valid in 2031 only
        var onSystemClock = new BearerTokenValidator(new BearerTokenOptions
        {
            Issuer = Issuer, Audience = Audience, SigningKeys = [BearerSigningKey.FromSecret(Secret)],
        });
        Assert.Equal(TokenFailure.NotYetValid, onSystemClock.Validate(token).Failure);
        Assert.True(Validator().Validate(token).IsValid);
    }

    [Fact]
    public void Validate_ZeroClockSkew_ExpiresExactlyAtExp()
    {
        var validator = new BearerTokenValidator(new BearerTokenOptions
        {
            Issuer = Issuer, Audience = Audience, SigningKeys = [BearerSigningKey.FromSecret(Secret)], ClockSkew = TimeSpan.Zero, TimeProvider = _clock,
        });
        var token = "Bearer " + DevIssuer().Issue("alice", [], TimeSpan.FromMinutes(1));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(validator.Validate(token).IsValid);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TokenFailure.Expired, validator.Validate(token).Failure);
    }

    [Fact]
    public void Validate_OtherIssuer_IsWrongIssuer() =>
        Assert.Equal(TokenFailure.WrongIssuer, Validator().Validate("Bearer " + DevIssuer(issuer: "https://evil.test").Issue("alice", [], TimeSpan.FromMinutes(1))).Failure);

    [Fact]
    public void Validate_OtherAudience_IsWrongAudience() =>
        Assert.Equal(TokenFailure.WrongAudience, Validator().Validate("Bearer " + DevIssuer(audience: "another-service").Issue("alice", [], TimeSpan.FromMinutes(1))).Failure);

    [Fact]
    public void Validate_NoAudience_IsWrongAudience()
    {
        var claims = Claims(Start, TimeSpan.FromMinutes(1));
        claims.Remove("aud");
        var token = Token(new SigningCredentials(new SymmetricSecurityKey(Secret), "HS256"), claims);
        Assert.Equal(TokenFailure.WrongAudience, Validator().Validate("Bearer " + token).Failure);
    }

    [Fact]
    public void Validate_OtherSecret_IsBadSignature() =>
        Assert.Equal(TokenFailure.BadSignature, Validator().Validate("Bearer " + DevIssuer(secret: TestKeys.Bytes(1)).Issue("alice", [], TimeSpan.FromMinutes(1))).Failure);

    [Fact]
    public void Validate_ForgedAndAlsoExpiredFromAnotherIssuer_ReportsTheSignatureFirst()
    {
        var token = "Bearer " + DevIssuer(issuer: "https://evil.test", secret: TestKeys.Bytes(1)).Issue("alice", [], TimeSpan.FromMinutes(1));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(TokenFailure.BadSignature, Validator().Validate(token).Failure);
    }

    [Fact]
    public void Validate_PayloadChangedAfterSigning_IsBadSignature()
    {
        var parts = DevIssuer().Issue("alice", ["bus:read:orders"], TimeSpan.FromMinutes(1)).Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("bus:read:orders", "bus:write:*");
        var forged = $"{parts[0]}.{Base64Url(payload)}.{parts[2]}";
        Assert.Equal(TokenFailure.BadSignature, Validator().Validate("Bearer " + forged).Failure);
    }

    [Fact]
    public void Validate_SignatureStripped_IsRefused()
    {
        var parts = DevIssuer().Issue("alice", [], TimeSpan.FromMinutes(1)).Split('.');
        Assert.Equal(TokenFailure.BadSignature, Validator().Validate($"Bearer {parts[0]}.{parts[1]}.").Failure);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    public void Validate_AlgNone_IsUnsupportedAlgorithm(string alg)
    {
        var claims = Base64Url(System.Text.Json.JsonSerializer.Serialize(Claims(Start, TimeSpan.FromMinutes(1))));
        var header = Base64Url($"{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}");
        var result = Validator().Validate($"Bearer {header}.{claims}.");
        Assert.Equal(TokenFailure.UnsupportedAlgorithm, result.Failure);
        Assert.Contains("alg none", result.Message);
    }

    [Fact]
    public void Validate_AlgNoneFromTheLibrary_IsUnsupportedAlgorithm() =>
        Assert.Equal(TokenFailure.UnsupportedAlgorithm, Validator().Validate("Bearer " + Token(null, Claims(Start, TimeSpan.FromMinutes(1)))).Failure);

    [Fact]
    public void Validate_Hs384_IsUnsupportedAlgorithm()
    {
        var token = Token(new SigningCredentials(new SymmetricSecurityKey(TestKeys.Bytes(0, 48)), "HS384"), Claims(Start, TimeSpan.FromMinutes(1)));
        Assert.Equal(TokenFailure.UnsupportedAlgorithm, Validator(BearerSigningKey.FromSecret(TestKeys.Bytes(0, 48))).Validate("Bearer " + token).Failure);
    }

    [Fact]
    public void Validate_EncryptedToken_IsUnsupportedAlgorithm()
    {
        var handler = new JwtSecurityTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var jwe = handler.CreateEncodedJwt(new SecurityTokenDescriptor
        {
            Claims = Claims(Start, TimeSpan.FromMinutes(1)),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Secret), "HS256"),
            EncryptingCredentials = new EncryptingCredentials(new SymmetricSecurityKey(TestKeys.Bytes(9, 32)), "dir", "A128CBC-HS256"),
        });
        Assert.Equal(5, jwe.Split('.').Length);
        Assert.Equal(TokenFailure.UnsupportedAlgorithm, Validator().Validate("Bearer " + jwe).Failure);
    }

    [Fact]
    public void Validate_Rs256AndEs256_FromPemPublicKeys()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var validator = Validator(BearerSigningKey.FromPem(rsa.ExportSubjectPublicKeyInfoPem()), BearerSigningKey.FromPem(ec.ExportSubjectPublicKeyInfoPem()));
        var rs = Token(new SigningCredentials(new RsaSecurityKey(rsa), "RS256"), Claims(Start, TimeSpan.FromMinutes(1)));
        var ps = Token(new SigningCredentials(new RsaSecurityKey(rsa), "PS256"), Claims(Start, TimeSpan.FromMinutes(1)));
        var es = Token(new SigningCredentials(new ECDsaSecurityKey(ec), "ES256"), Claims(Start, TimeSpan.FromMinutes(1)));
        Assert.True(validator.Validate("Bearer " + rs).IsValid);
        Assert.True(validator.Validate("Bearer " + ps).IsValid);
        Assert.True(validator.Validate("Bearer " + es).IsValid);
        using var otherRsa = RSA.Create(2048);
        var forged = Token(new SigningCredentials(new RsaSecurityKey(otherRsa), "RS256"), Claims(Start, TimeSpan.FromMinutes(1)));
        Assert.Equal(TokenFailure.BadSignature, validator.Validate("Bearer " + forged).Failure);
    }

    [Fact]
    public void Validate_Hs256SignedWithTheRsaPublicKeyAsSecret_IsRefused()
    {
        // The classic algorithm-confusion attack: the public key is public, so it must never work as an HMAC secret.
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportSubjectPublicKeyInfoPem();
        var validator = Validator(BearerSigningKey.FromPem(pem));
        foreach (var secret in new[] { Encoding.UTF8.GetBytes(pem), rsa.ExportSubjectPublicKeyInfo() })
        {
            var token = Token(new SigningCredentials(new SymmetricSecurityKey(secret), "HS256"), Claims(Start, TimeSpan.FromMinutes(1)));
            Assert.Equal(TokenFailure.BadSignature, validator.Validate("Bearer " + token).Failure);
        }
    }

    [Fact]
    public void Validate_NoExp_IsMalformed()
    {
        var claims = Claims(Start, TimeSpan.FromMinutes(1));
        claims.Remove("exp");
        var result = Validator().Validate("Bearer " + Token(new SigningCredentials(new SymmetricSecurityKey(Secret), "HS256"), claims));
        Assert.Equal(TokenFailure.Malformed, result.Failure);
        Assert.Contains("exp", result.Message);
    }

    [Fact]
    public void Validate_NoSub_IsMalformed()
    {
        var claims = Claims(Start, TimeSpan.FromMinutes(1));
        claims.Remove("sub");
        var result = Validator().Validate("Bearer " + Token(new SigningCredentials(new SymmetricSecurityKey(Secret), "HS256"), claims));
        Assert.Equal(TokenFailure.Malformed, result.Failure);
        Assert.Contains("sub", result.Message);
    }

    [Fact]
    public void Validate_NbfAfterExp_IsMalformed()
    {
        var claims = Claims(Start, TimeSpan.FromMinutes(1));
        claims["nbf"] = Start.AddMinutes(2).ToUnixTimeSeconds();
        var result = Validator().Validate("Bearer " + Token(new SigningCredentials(new SymmetricSecurityKey(Secret), "HS256"), claims));
        Assert.Equal(TokenFailure.Malformed, result.Failure);
    }

    [Fact]
    public void Validate_ScpArrayAndString_AndScope_AreMerged()
    {
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Secret), "HS256");
        var claims = Claims(Start, TimeSpan.FromMinutes(1));
        claims["scp"] = new[] { "bus:read:a", "bus:write:b" };
        claims["scope"] = "openid bus:read:c";
        var principal = Validator().Validate("Bearer " + Token(credentials, claims)).Principal!;
        Assert.Equal(["bus:read:a", "bus:read:c", "bus:write:b", "openid"], principal.Scopes.Order());
        claims.Remove("scope");
        claims["scp"] = "bus:read:x  bus:read:y";
        Assert.Equal(["bus:read:x", "bus:read:y"], Validator().Validate("Bearer " + Token(credentials, claims)).Principal!.Scopes);
    }

    [Fact]
    public void Validate_TokenWithKid_FindsItsKeyAmongSeveral()
    {
        var issuer = new DevelopmentTokenIssuer(Issuer, Audience, TestKeys.Bytes(7), _clock, keyId: "dev-2");
        var validator = Validator(BearerSigningKey.FromSecret(Secret, "dev-1"), issuer.SigningKey);
        Assert.True(validator.Validate("Bearer " + issuer.Issue("bob", [], TimeSpan.FromMinutes(1))).IsValid);
    }

    [Fact]
    public void Validate_ManyThreadsAtOnce_SameAnswers()
    {
        var validator = Validator();
        var good = "Bearer " + DevIssuer().Issue("alice", ["bus:read:*"], TimeSpan.FromMinutes(1));
        var bad = "Bearer " + DevIssuer(secret: TestKeys.Bytes(1)).Issue("alice", [], TimeSpan.FromMinutes(1));
        var wrong = 0;
        Parallel.For(0, 2_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var result = validator.Validate(i % 2 == 0 ? good : bad);
            if (result.IsValid != (i % 2 == 0) || (!result.IsValid && result.Failure != TokenFailure.BadSignature)) Interlocked.Increment(ref wrong);
        });
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void Messages_NeverEchoTheToken()
    {
        var token = DevIssuer(issuer: "https://evil.test/<script>").Issue("alice", ["bus:read:*"], TimeSpan.FromMinutes(1));
        var result = Validator().Validate("Bearer " + token);
        Assert.DoesNotContain("evil", result.Message);
        Assert.DoesNotContain(token[..20], result.Message);
    }

    [Fact]
    public void Issue_RefusesBadArguments()
    {
        var issuer = DevIssuer();
        Assert.ThrowsAny<ArgumentException>(() => issuer.Issue("", [], TimeSpan.FromMinutes(1)));
        Assert.ThrowsAny<ArgumentException>(() => issuer.Issue("alice", ["two words"], TimeSpan.FromMinutes(1)));
        Assert.ThrowsAny<ArgumentException>(() => issuer.Issue("alice", [], TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new DevelopmentTokenIssuer(Issuer, Audience, new byte[31]));
    }

    [Fact]
    public void SigningKeys_RefuseWeakOrWrongMaterial()
    {
        Assert.Throws<ArgumentException>(() => BearerSigningKey.FromSecret(new byte[31]));
        using var small = RSA.Create(1024);
        Assert.Throws<ArgumentException>(() => BearerSigningKey.FromPem(small.ExportSubjectPublicKeyInfoPem()));
        using var rsa = RSA.Create(2048);
        Assert.Throws<ArgumentException>(() => BearerSigningKey.FromPem(rsa.ExportPkcs8PrivateKeyPem()));
        Assert.Equal("RSA", BearerSigningKey.FromPem(rsa.ExportRSAPublicKeyPem()).Kind);
        Assert.Throws<ArgumentException>(() => BearerSigningKey.FromPem("not pem"));
        Assert.Throws<ArgumentException>(() => new BearerTokenValidator(new BearerTokenOptions { Issuer = Issuer, Audience = Audience, SigningKeys = [] }));
    }
}

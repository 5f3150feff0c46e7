using System.IdentityModel.Tokens.Jwt;
using Microsoft.IdentityModel.Tokens;

namespace Bridge.Eventing.Security;

/// <summary>
/// Validates OAuth2 bearer tokens (RFC 6750) that are signed JWTs (RFC 7519, JWS RFC 7515) and turns
/// them into a <see cref="BusPrincipal"/>. Checks, in order: an <c>authorization</c> value of the form
/// <c>Bearer &lt;jwt&gt;</c> (scheme case-insensitive); a parseable, unencrypted JWT whose <c>alg</c> is one of
/// <see cref="SupportedAlgorithms"/> (<c>none</c> is refused); the signature under one of the configured
/// keys; <c>iss</c> and <c>aud</c>; <c>exp</c> (required) and <c>nbf</c> (optional) against the injected clock
/// with the configured skew; a <c>sub</c> claim. Scopes come from <c>scope</c> (space-separated string,
/// RFC 6749 §3.3 / RFC 8693 §4.2) and <c>scp</c> (string or array), merged.
/// <para>
/// Lifetime is checked here, not by System.IdentityModel.Tokens.Jwt: its 8.16
/// <c>TokenValidationParameters.TimeProvider</c> is internal, so the library would read the system clock.
/// Failures are values, never exceptions. Thread-safe. Cost: tens of µs per call for HS256 and RS256
/// and about 0.2 ms for ES256 (measured on a busy development machine); validate once per session,
/// not per request.
/// </para>
/// </summary>
public sealed class BearerTokenValidator
{
    /// <summary>The accepted JWS algorithms (RFC 7518 §3.1): HS256; RS256/384/512; PS256/384/512; ES256/384/512.</summary>
    public static readonly IReadOnlyList<string> SupportedAlgorithms =
        ["HS256", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    private const string Scheme = "Bearer";

    private readonly BearerTokenOptions _options;
    private readonly JwtSecurityTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;

    /// <summary>A validator for tokens matching <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">No signing keys, an empty issuer or audience, or a negative clock skew.</exception>
    public BearerTokenValidator(BearerTokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Issuer);
        ArgumentException.ThrowIfNullOrEmpty(options.Audience);
        if (options.SigningKeys is not { Count: > 0 }) throw new ArgumentException("at least one signing key is needed", nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ClockSkew, TimeSpan.Zero);
        _options = options;
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            IssuerSigningKeys = options.SigningKeys.Select(k => k.SecurityKey).ToArray(),
            ValidAlgorithms = SupportedAlgorithms,
            RequireSignedTokens = true,
            TryAllIssuerSigningKeys = true,
            // Lifetime is ours (the injected clock); see the class summary.
            ValidateLifetime = false,
            ValidateIssuerSigningKey = false,
        };
    }

    /// <summary>Validates the value of an <c>authorization</c> header (gRPC metadata).</summary>
    /// <param name="authorization"><c>Bearer &lt;jwt&gt;</c>, or null when the header is absent.</param>
    /// <returns>The principal, or the first failure in the order given in the class summary.</returns>
    public TokenValidation Validate(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
            return TokenValidation.Fail(TokenFailure.Missing, "no bearer token: send 'authorization: Bearer <token>'");
        var value = authorization.AsSpan().Trim();
        if (value.Length <= Scheme.Length || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || value[Scheme.Length] != ' ')
            return TokenValidation.Fail(TokenFailure.Malformed, "the authorization value is not of the form 'Bearer <token>'");
        var token = value[(Scheme.Length + 1)..].Trim().ToString();
        if (ReadHeader(token) is { } refused) return refused;

        JwtSecurityToken jwt;
        try
        {
            _handler.ValidateToken(token, _parameters, out var validated);
            jwt = (JwtSecurityToken)validated;
        }
        catch (Exception e) when (e is SecurityTokenException or ArgumentException)
        {
            return Map(e);
        }
        return CheckLifetime(jwt) ?? ToPrincipal(jwt);
    }

    // Parse-level checks before any signature work: a JWS, with an algorithm we accept.
    private TokenValidation? ReadHeader(string token)
    {
        if (token.Length == 0 || !_handler.CanReadToken(token))
            return TokenValidation.Fail(TokenFailure.Malformed, "the bearer token is not a JWT");
        JwtSecurityToken jwt;
        try
        {
            jwt = _handler.ReadJwtToken(token);
        }
        catch (Exception e) when (e is SecurityTokenException or ArgumentException)
        {
            return TokenValidation.Fail(TokenFailure.Malformed, "the bearer token is not a JWT");
        }
        if (jwt.Header.Enc is not null)
            return TokenValidation.Fail(TokenFailure.UnsupportedAlgorithm, "encrypted tokens (JWE) are not accepted");
        var alg = jwt.Header.Alg;
        if (string.IsNullOrEmpty(alg) || alg.Equals("none", StringComparison.OrdinalIgnoreCase))
            return TokenValidation.Fail(TokenFailure.UnsupportedAlgorithm, "unsigned tokens (alg none) are refused");
        if (!SupportedAlgorithms.Contains(alg))
            return TokenValidation.Fail(TokenFailure.UnsupportedAlgorithm, $"token algorithm not accepted; accepted: {string.Join(", ", SupportedAlgorithms)}");
        return null;
    }

    private TokenValidation? CheckLifetime(JwtSecurityToken jwt)
    {
        if (jwt.Payload.Expiration is not { } exp)
            return TokenValidation.Fail(TokenFailure.Malformed, "the token has no exp claim");
        var expires = DateTimeOffset.FromUnixTimeSeconds(exp);
        DateTimeOffset? notBefore = jwt.Payload.NotBefore is { } nbf ? DateTimeOffset.FromUnixTimeSeconds(nbf) : null;
        if (notBefore > expires)
            return TokenValidation.Fail(TokenFailure.Malformed, "the token's nbf is after its exp");
        var now = _options.TimeProvider.GetUtcNow();
        if (now > expires + _options.ClockSkew)
            return TokenValidation.Fail(TokenFailure.Expired, $"the token expired at {expires:O}");
        if (notBefore is { } from && now < from - _options.ClockSkew)
            return TokenValidation.Fail(TokenFailure.NotYetValid, $"the token is not valid before {from:O}");
        return null;
    }

    private static TokenValidation ToPrincipal(JwtSecurityToken jwt)
    {
        var subject = jwt.Subject;
        if (string.IsNullOrEmpty(subject))
            return TokenValidation.Fail(TokenFailure.Malformed, "the token has no sub claim");
        // A JSON array claim arrives as one claim per element; a string as one claim to split.
        var scopes = jwt.Claims.Where(c => c.Type is "scope" or "scp")
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return TokenValidation.Success(new BusPrincipal(subject, scopes, DateTimeOffset.FromUnixTimeSeconds(jwt.Payload.Expiration!.Value)));
    }

    private static TokenValidation Map(Exception e) => e switch
    {
        SecurityTokenInvalidAlgorithmException => TokenValidation.Fail(TokenFailure.UnsupportedAlgorithm, "token algorithm not accepted"),
        SecurityTokenInvalidSignatureException => TokenValidation.Fail(TokenFailure.BadSignature, "the token signature does not verify under any trusted key"),
        SecurityTokenInvalidIssuerException => TokenValidation.Fail(TokenFailure.WrongIssuer, "the token is not from the issuer this bus trusts"),
        SecurityTokenInvalidAudienceException => TokenValidation.Fail(TokenFailure.WrongAudience, "the token is not meant for this bus (audience)"),
        _ => TokenValidation.Fail(TokenFailure.Malformed, "the bearer token could not be read"),
    };
}

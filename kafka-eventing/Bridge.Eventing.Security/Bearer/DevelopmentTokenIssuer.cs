using System.IdentityModel.Tokens.Jwt;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Bridge.Eventing.Security;

/// <summary>
/// Issues HS256 bearer JWTs for <c>bridge up</c> and tests, where no OAuth2 server runs. Tokens carry
/// <c>iss</c>, <c>aud</c>, <c>sub</c>, <c>scope</c> (space-separated), <c>iat</c> = <c>nbf</c> = now and
/// <c>exp</c> = now + lifetime, from the injected clock (JWT times are whole seconds, so they are
/// truncated). Not for production: whoever holds the secret can mint any scope.
/// </summary>
public sealed class DevelopmentTokenIssuer
{
    private readonly JwtSecurityTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials;
    private readonly TimeProvider _time;

    /// <summary>An issuer signing with <paramref name="secret"/> (default: 32 fresh random bytes).</summary>
    /// <param name="issuer">The <c>iss</c> of every token.</param>
    /// <param name="audience">The <c>aud</c> of every token.</param>
    /// <param name="secret">The HS256 secret, at least 32 bytes; null for a random one.</param>
    /// <param name="timeProvider">The clock for <c>iat</c>/<c>nbf</c>/<c>exp</c> (default: system).</param>
    /// <param name="keyId">The <c>kid</c> header, if any.</param>
    /// <exception cref="ArgumentException">The secret is shorter than 32 bytes, or issuer/audience empty.</exception>
    public DevelopmentTokenIssuer(string issuer, string audience, byte[]? secret = null, TimeProvider? timeProvider = null, string? keyId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        Issuer = issuer;
        Audience = audience;
        SigningKey = BearerSigningKey.FromSecret(secret ?? RandomNumberGenerator.GetBytes(BearerSigningKey.MinSecretLength), keyId);
        _credentials = new SigningCredentials(SigningKey.SecurityKey, SecurityAlgorithms.HmacSha256);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The <c>iss</c> of issued tokens.</summary>
    public string Issuer { get; }

    /// <summary>The <c>aud</c> of issued tokens.</summary>
    public string Audience { get; }

    /// <summary>The key that verifies issued tokens; put it in <see cref="BearerTokenOptions.SigningKeys"/>.</summary>
    public BearerSigningKey SigningKey { get; }

    /// <summary>Issues a token for <paramref name="subject"/> with <paramref name="scopes"/>, valid from now for <paramref name="lifetime"/>.</summary>
    /// <returns>The compact JWS (send as <c>authorization: Bearer &lt;it&gt;</c>).</returns>
    /// <exception cref="ArgumentException">Empty subject, a scope containing a space, or a lifetime not positive.</exception>
    public string Issue(string subject, IEnumerable<string> scopes, TimeSpan lifetime)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var list = scopes.ToList();
        if (list.Any(s => s.Length == 0 || s.Contains(' ')))
            throw new ArgumentException("a scope is a non-empty token without spaces (RFC 6749 §3.3)", nameof(scopes));
        var now = _time.GetUtcNow().UtcDateTime;
        return _handler.CreateEncodedJwt(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["scope"] = string.Join(' ', list) },
            SigningCredentials = _credentials,
        });
    }
}

namespace Bridge.Eventing.Security;

/// <summary>What <see cref="BearerTokenValidator"/> accepts: who issues tokens, for whom, signed with what.</summary>
public sealed record BearerTokenOptions
{
    /// <summary>The one accepted <c>iss</c> claim (exact, ordinal), e.g. the OAuth2 server's issuer URL.</summary>
    public required string Issuer { get; init; }

    /// <summary>The one accepted <c>aud</c> value (exact, ordinal): this bus's identifier at the issuer.</summary>
    public required string Audience { get; init; }

    /// <summary>Keys a token's signature may verify under (any one suffices): HS256 secrets and RSA or EC public keys.</summary>
    public required IReadOnlyList<BearerSigningKey> SigningKeys { get; init; }

    /// <summary>Tolerance for clock differences with the issuer, applied to <c>exp</c> and <c>nbf</c> (default: 30 s).</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock lifetimes are checked against (default: <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

using System.Diagnostics.CodeAnalysis;

namespace Bridge.Eventing.Security;

/// <summary>Why a bearer token was refused. Map every code to gRPC <c>UNAUTHENTICATED</c> (16).</summary>
public enum TokenFailure
{
    /// <summary>No <c>authorization</c> value, or an empty one.</summary>
    Missing,

    /// <summary>Not <c>Bearer &lt;jwt&gt;</c>, not a JWT, or lacking a required claim (<c>exp</c>, <c>sub</c>), or <c>nbf</c> after <c>exp</c>.</summary>
    Malformed,

    /// <summary>Now is past <c>exp</c> plus the clock skew.</summary>
    Expired,

    /// <summary>Now is before <c>nbf</c> minus the clock skew.</summary>
    NotYetValid,

    /// <summary>The signature verifies under none of the configured keys.</summary>
    BadSignature,

    /// <summary>The <c>iss</c> claim is missing or not the configured issuer.</summary>
    WrongIssuer,

    /// <summary>The <c>aud</c> claim is missing or does not include the configured audience.</summary>
    WrongAudience,

    /// <summary>The <c>alg</c> header is <c>none</c>, or not one of <see cref="BearerTokenValidator.SupportedAlgorithms"/>, or the token is encrypted (JWE).</summary>
    UnsupportedAlgorithm,
}

/// <summary>
/// The outcome of <see cref="BearerTokenValidator.Validate"/>: a <see cref="BusPrincipal"/>, or a
/// <see cref="TokenFailure"/> code with a message safe to return to the client (it echoes nothing of the token).
/// </summary>
public sealed class TokenValidation
{
    private TokenValidation(BusPrincipal? principal, TokenFailure? failure, string? message)
    {
        Principal = principal;
        Failure = failure;
        Message = message;
    }

    /// <summary>True when the token was accepted; <see cref="Principal"/> is then set.</summary>
    [MemberNotNullWhen(true, nameof(Principal))]
    [MemberNotNullWhen(false, nameof(Failure), nameof(Message))]
    public bool IsValid => Principal is not null;

    /// <summary>The token's principal, when valid.</summary>
    public BusPrincipal? Principal { get; }

    /// <summary>Why it was refused, when not valid.</summary>
    public TokenFailure? Failure { get; }

    /// <summary>A one-line explanation for the client, when not valid.</summary>
    public string? Message { get; }

    /// <summary>An accepted token.</summary>
    public static TokenValidation Success(BusPrincipal principal) => new(principal, null, null);

    /// <summary>A refused token.</summary>
    public static TokenValidation Fail(TokenFailure failure, string message) => new(null, failure, message);

    /// <inheritdoc />
    public override string ToString() => IsValid ? $"valid: {Principal}" : $"{Failure}: {Message}";
}

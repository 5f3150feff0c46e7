using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using Bridge.Eventing.Security.Internal;

namespace Bridge.Eventing.Security;

/// <summary>Settings of a <see cref="RequestVerifier"/>.</summary>
public sealed record RequestVerifierOptions
{
    /// <summary>How far a request's timestamp may be from the verifier's clock, either way (default: 5 min).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most nonces remembered at once (default: 1,000,000, about 85 MB when full); past it requests are refused with
    /// <see cref="SignatureFailure.NonceCacheFull"/>. Size it above the peak number of signed requests per <see cref="Window"/>
    /// (per two windows if clients' clocks may run ahead).</summary>
    public int NonceCapacity { get; init; } = 1_000_000;

    /// <summary>The clock timestamps are checked against (default: <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>Why a request signature was refused.</summary>
public enum SignatureFailure
{
    /// <summary>A signature, timestamp or nonce header is absent or empty. gRPC: <c>UNAUTHENTICATED</c>.</summary>
    Missing,

    /// <summary>A header does not parse: signature not <c>&lt;key-id&gt;:&lt;base64 32 bytes&gt;</c>, timestamp not decimal
    /// milliseconds, nonce not base64url of 16 bytes. gRPC: <c>UNAUTHENTICATED</c>.</summary>
    Malformed,

    /// <summary>The signature names a key id the verifier does not have. gRPC: <c>UNAUTHENTICATED</c>.</summary>
    UnknownKey,

    /// <summary>The MAC does not match the canonical string (altered method, timestamp, nonce or body, or another secret). gRPC: <c>UNAUTHENTICATED</c>.</summary>
    BadSignature,

    /// <summary>The timestamp is more than the window away from the verifier's clock. gRPC: <c>UNAUTHENTICATED</c>.</summary>
    Stale,

    /// <summary>A request with this nonce was already accepted within the window. gRPC: <c>UNAUTHENTICATED</c>.</summary>
    Replayed,

    /// <summary>The nonce cache holds its capacity of live nonces; the request may be genuine, retry later.
    /// gRPC: <c>RESOURCE_EXHAUSTED</c>.</summary>
    NonceCacheFull,
}

/// <summary>The outcome of <see cref="RequestVerifier.Verify"/>: the signing key's id, or a failure code and a message safe for the client.</summary>
public readonly struct RequestVerification
{
    private RequestVerification(string? keyId, SignatureFailure? failure, string? message)
    {
        KeyId = keyId;
        Failure = failure;
        Message = message;
    }

    /// <summary>True when the request is authentic, fresh and not a replay; <see cref="KeyId"/> is then set.</summary>
    [MemberNotNullWhen(true, nameof(KeyId))]
    [MemberNotNullWhen(false, nameof(Failure), nameof(Message))]
    public bool IsValid => KeyId is not null;

    /// <summary>The id of the key that signed the request, when valid.</summary>
    public string? KeyId { get; }

    /// <summary>Why the request was refused, when not valid.</summary>
    public SignatureFailure? Failure { get; }

    /// <summary>A one-line explanation, when not valid.</summary>
    public string? Message { get; }

    internal static RequestVerification Ok(string keyId) => new(keyId, null, null);

    internal static RequestVerification Fail(SignatureFailure failure, string message) => new(null, failure, message);

    /// <inheritdoc />
    public override string ToString() => IsValid ? $"valid ({KeyId})" : $"{Failure}: {Message}";
}

/// <summary>
/// Checks request signatures made by <see cref="RequestSigner"/> (server side): the key id names a
/// secret of the key set, the timestamp is within ± <see cref="RequestVerifierOptions.Window"/> of the
/// clock, the MAC matches (constant-time compare), and the nonce was not accepted before. Nonces of
/// accepted requests are remembered until their timestamp leaves the window, in a bounded cache
/// (see <see cref="RequestVerifierOptions.NonceCapacity"/>); only requests with a valid MAC enter it, so
/// unauthenticated traffic cannot fill it. Nonces are global across key ids (16 random bytes do not
/// collide by chance). Thread-safe: made for many concurrent gRPC calls.
/// </summary>
public sealed class RequestVerifier
{
    /// <summary>Metadata name of the signature (same as <see cref="RequestSigner.SignatureHeader"/>).</summary>
    public const string SignatureHeader = RequestSigner.SignatureHeader;

    /// <summary>Metadata name of the timestamp (same as <see cref="RequestSigner.TimestampHeader"/>).</summary>
    public const string TimestampHeader = RequestSigner.TimestampHeader;

    /// <summary>Metadata name of the nonce (same as <see cref="RequestSigner.NonceHeader"/>).</summary>
    public const string NonceHeader = RequestSigner.NonceHeader;

    private readonly Dictionary<string, byte[]> _secrets;
    private readonly RequestVerifierOptions _options;
    private readonly NonceCache _nonces;
    private readonly long _windowMs;

    /// <summary>A verifier accepting signatures by any secret of <paramref name="keys"/>.</summary>
    /// <exception cref="KeyFileException">A secret is shorter than 32 bytes; names its line.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The window is not positive, or the capacity is not positive.</exception>
    public RequestVerifier(KeyFile keys, RequestVerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _options = options ?? new RequestVerifierOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.Window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.NonceCapacity, 0);
        keys.RequireKeyLength(RequestSigner.MinSecretLength, int.MaxValue, "an HMAC-SHA256 secret");
        _secrets = keys.Entries.ToDictionary(e => e.KeyId, e => e.Key, StringComparer.Ordinal);
        _nonces = new NonceCache(_options.NonceCapacity);
        _windowMs = (long)_options.Window.TotalMilliseconds;
    }

    /// <summary>Nonces currently remembered (expired ones leave on the next verification).</summary>
    public int RememberedNonces => _nonces.Count;

    /// <summary>Verifies one request.</summary>
    /// <param name="method">The gRPC method path the request arrived on.</param>
    /// <param name="body">The request message's protobuf encoding, as received.</param>
    /// <param name="signature">The <see cref="SignatureHeader"/> value, or null.</param>
    /// <param name="timestamp">The <see cref="TimestampHeader"/> value, or null.</param>
    /// <param name="nonce">The <see cref="NonceHeader"/> value, or null.</param>
    /// <returns>The key id, or the first failure in the order Missing, Malformed, UnknownKey, Stale, BadSignature,
    /// then Replayed or NonceCacheFull.</returns>
    public RequestVerification Verify(string method, ReadOnlySpan<byte> body, string? signature, string? timestamp, string? nonce)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(nonce))
            return RequestVerification.Fail(SignatureFailure.Missing, $"a signed request carries {SignatureHeader}, {TimestampHeader} and {NonceHeader}");
        Span<byte> mac = stackalloc byte[48];
        var colon = signature.IndexOf(':');
        if (colon <= 0 || !KeyFile.IsValidKeyId(signature.AsSpan(0, colon))
            || !Convert.TryFromBase64Chars(signature.AsSpan(colon + 1), mac, out var macLength) || macLength != RequestMac.Length)
            return RequestVerification.Fail(SignatureFailure.Malformed, $"{SignatureHeader} is not '<key-id>:<base64 of 32 bytes>'");
        if (timestamp.Length > 18 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var sentMs))
            return RequestVerification.Fail(SignatureFailure.Malformed, $"{TimestampHeader} is not Unix milliseconds");
        // IsValid first: TryDecodeFromChars throws, rather than returning false, on characters outside the alphabet.
        Span<byte> nonceBytes = stackalloc byte[RequestSigner.NonceLength];
        if (!Base64Url.IsValid(nonce, out var nonceLength) || nonceLength != RequestSigner.NonceLength
            || !Base64Url.TryDecodeFromChars(nonce, nonceBytes, out _))
            return RequestVerification.Fail(SignatureFailure.Malformed, $"{NonceHeader} is not base64url of {RequestSigner.NonceLength} bytes");
        var keyId = signature[..colon];
        if (!_secrets.TryGetValue(keyId, out var secret))
            return RequestVerification.Fail(SignatureFailure.UnknownKey, $"signing key '{keyId}' is not known here");
        var nowMs = _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        if (Math.Abs(nowMs - sentMs) > _windowMs)
            return RequestVerification.Fail(SignatureFailure.Stale, $"timestamp is more than {_options.Window.TotalSeconds:0} s from the server's clock");
        Span<byte> expected = stackalloc byte[RequestMac.Length];
        RequestMac.Compute(secret, method, timestamp, nonce, body, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, mac[..RequestMac.Length]))
            return RequestVerification.Fail(SignatureFailure.BadSignature, "request signature does not match");
        return _nonces.TryAdd(BinaryPrimitives.ReadUInt128LittleEndian(nonceBytes), sentMs + _windowMs, nowMs) switch
        {
            NonceAdd.Added => RequestVerification.Ok(keyId),
            NonceAdd.Replayed => RequestVerification.Fail(SignatureFailure.Replayed, "this nonce was already used"),
            _ => RequestVerification.Fail(SignatureFailure.NonceCacheFull, "too many signed requests in the window; retry later"),
        };
    }
}

using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bridge.Eventing.Security;

/// <summary>
/// Signs a bus request (client side) with HMAC-SHA256 (RFC 2104) over the canonical string
/// <code>
/// "BRIDGE-HMAC-SHA256\n" + method + "\n" + timestamp + "\n" + nonce + "\n" + body
/// </code>
/// where method is the gRPC method path (<c>/bridge.bus.v1.Bus/Write</c>), timestamp the Unix time
/// in milliseconds as decimal ASCII, nonce base64url (no padding) of 16 random bytes, and body the
/// request message's protobuf encoding. The three results travel as gRPC metadata
/// <see cref="SignatureHeader"/> (<c>&lt;key-id&gt;:&lt;base64 MAC&gt;</c>), <see cref="TimestampHeader"/> and
/// <see cref="NonceHeader"/>; <see cref="RequestVerifier"/> checks them. Thread-safe.
/// </summary>
public sealed class RequestSigner
{
    /// <summary>The first line of the canonical string.</summary>
    public const string Algorithm = "BRIDGE-HMAC-SHA256";

    /// <summary>Metadata name of <c>&lt;key-id&gt;:&lt;base64 of the 32-byte MAC&gt;</c>.</summary>
    public const string SignatureHeader = "bridge-signature";

    /// <summary>Metadata name of the Unix time in milliseconds, decimal.</summary>
    public const string TimestampHeader = "bridge-timestamp";

    /// <summary>Metadata name of the nonce: base64url, no padding, of 16 random bytes (22 characters).</summary>
    public const string NonceHeader = "bridge-nonce";

    /// <summary>Nonce length, in bytes before encoding.</summary>
    public const int NonceLength = 16;

    /// <summary>Shortest secret, in bytes (the hash length, RFC 2104 §3).</summary>
    public const int MinSecretLength = 32;

    private readonly byte[] _secret;
    private readonly TimeProvider _time;

    /// <summary>A signer with secret <paramref name="secret"/> known to the server as <paramref name="keyId"/>.</summary>
    /// <param name="keyId">1-64 characters of <c>[A-Za-z0-9._-]</c>.</param>
    /// <param name="secret">At least 32 bytes; copied.</param>
    /// <param name="timeProvider">The clock for timestamps (default: system).</param>
    /// <exception cref="ArgumentException">Invalid key id or a secret shorter than 32 bytes.</exception>
    public RequestSigner(string keyId, ReadOnlySpan<byte> secret, TimeProvider? timeProvider = null)
    {
        if (!KeyFile.IsValidKeyId(keyId)) throw new ArgumentException("a key id is 1-64 characters of [A-Za-z0-9._-]", nameof(keyId));
        if (secret.Length < MinSecretLength) throw new ArgumentException($"a signing secret has at least {MinSecretLength} bytes, this one {secret.Length}", nameof(secret));
        KeyId = keyId;
        _secret = secret.ToArray();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The key id the signatures name.</summary>
    public string KeyId { get; }

    /// <summary>A signer with the active secret of <paramref name="keys"/>.</summary>
    /// <exception cref="ArgumentException">The active secret is shorter than 32 bytes.</exception>
    public static RequestSigner FromKeyFile(KeyFile keys, TimeProvider? timeProvider = null) =>
        new(keys.Active.KeyId, keys.Active.Key, timeProvider);

    /// <summary>Signs one request, with a fresh nonce and the current time.</summary>
    /// <param name="method">The gRPC method path.</param>
    /// <param name="body">The request message's protobuf encoding.</param>
    /// <returns>The three metadata values.</returns>
    public RequestSignature Sign(string method, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        Span<byte> nonceBytes = stackalloc byte[NonceLength];
        RandomNumberGenerator.Fill(nonceBytes);
        var nonce = Base64Url.EncodeToString(nonceBytes);
        var timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        Span<byte> mac = stackalloc byte[RequestMac.Length];
        RequestMac.Compute(_secret, method, timestamp, nonce, body, mac);
        return new RequestSignature($"{KeyId}:{Convert.ToBase64String(mac)}", timestamp, nonce);
    }
}

/// <summary>The metadata values that sign one request.</summary>
/// <param name="Signature">For <see cref="RequestSigner.SignatureHeader"/>: <c>&lt;key-id&gt;:&lt;base64 MAC&gt;</c>.</param>
/// <param name="Timestamp">For <see cref="RequestSigner.TimestampHeader"/>: Unix milliseconds.</param>
/// <param name="Nonce">For <see cref="RequestSigner.NonceHeader"/>: base64url of 16 random bytes.</param>
public readonly record struct RequestSignature(string Signature, string Timestamp, string Nonce);

/// <summary>The MAC over the canonical string (see <see cref="RequestSigner"/>).</summary>
internal static class RequestMac
{
    public const int Length = 32;

    private static readonly byte[] Prefix = Encoding.ASCII.GetBytes(RequestSigner.Algorithm + "\n");
    private static readonly byte[] NewLine = [(byte)'\n'];

    public static void Compute(byte[] secret, string method, string timestamp, string nonce, ReadOnlySpan<byte> body, Span<byte> mac)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Prefix);
        hmac.AppendData(Encoding.UTF8.GetBytes(method));
        hmac.AppendData(NewLine);
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp));
        hmac.AppendData(NewLine);
        hmac.AppendData(Encoding.ASCII.GetBytes(nonce));
        hmac.AppendData(NewLine);
        hmac.AppendData(body);
        hmac.GetHashAndReset(mac);
    }
}

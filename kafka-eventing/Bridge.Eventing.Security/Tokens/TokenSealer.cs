using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Bridge.Eventing.Security;

/// <summary>
/// Authenticated opaque tokens (the bus's cursor tokens): the holder can carry and return them but
/// cannot forge or alter them. HMAC-SHA256 (RFC 2104) with the active secret of a key set; any
/// secret of the set opens (so secrets rotate like a <see cref="KeyRing"/>). Layout:
/// <code>
/// offset 0      1 byte   format version (1)
/// offset 1      1 byte   key id length k (1-64)
/// offset 2      k bytes  key id (ASCII)
/// offset 2 + k  n bytes  payload (as given; not encrypted: anyone can read it)
/// last 32 bytes          HMAC-SHA256 over everything before it
/// </code>
/// The MAC key is not the secret itself but HKDF-SHA256 (RFC 5869) of it with info
/// <c>"bridge-token-v1\0" + purpose</c>, so a token sealed for one purpose (say "cursor") does not
/// open as another ("session"). Secrets are at least 32 bytes (the hash length, RFC 2104 §3).
/// Immutable and thread-safe. Cost: one HMAC-SHA256 of the token per call (a few µs at most for a 100-byte payload).
/// </summary>
public sealed class TokenSealer
{
    /// <summary>The format version byte this class writes and reads.</summary>
    public const byte FormatVersion = 1;

    /// <summary>MAC length, in bytes.</summary>
    public const int MacLength = 32;

    /// <summary>Shortest secret accepted, in bytes.</summary>
    public const int MinSecretLength = 32;

    private readonly SealingKey[] _keys;
    private readonly SealingKey _active;

    /// <summary>A sealer over the secrets of <paramref name="keys"/>, for tokens of <paramref name="purpose"/>.</summary>
    /// <param name="keys">The HMAC secrets (each at least 32 bytes); the active one seals.</param>
    /// <param name="purpose">Mixed into the MAC key: tokens open only with a sealer of the same purpose (default: "").</param>
    /// <exception cref="KeyFileException">A secret is shorter than 32 bytes; names its line.</exception>
    public TokenSealer(KeyFile keys, string purpose = "")
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(purpose);
        keys.RequireKeyLength(MinSecretLength, int.MaxValue, "an HMAC-SHA256 secret");
        Purpose = purpose;
        var info = Encoding.UTF8.GetBytes("bridge-token-v1\0" + purpose);
        _keys = keys.Entries.Select(e => new SealingKey(e.KeyId, Encoding.ASCII.GetBytes(e.KeyId),
            HKDF.DeriveKey(HashAlgorithmName.SHA256, e.Key, MacLength, salt: [], info))).ToArray();
        _active = _keys.Single(k => k.KeyId == keys.ActiveKeyId);
    }

    /// <summary>What these tokens are for (mixed into the MAC key).</summary>
    public string Purpose { get; }

    /// <summary>The id of the secret new tokens are sealed with.</summary>
    public string ActiveKeyId => _active.KeyId;

    /// <summary>Seals <paramref name="payload"/> with the active secret.</summary>
    /// <returns>The token: 2 + key id length + payload length + 32 bytes (layout in the class summary).</returns>
    public byte[] Seal(ReadOnlySpan<byte> payload)
    {
        var idLength = _active.KeyIdBytes.Length;
        var token = new byte[2 + idLength + payload.Length + MacLength];
        token[0] = FormatVersion;
        token[1] = (byte)idLength;
        _active.KeyIdBytes.CopyTo(token, 2);
        payload.CopyTo(token.AsSpan(2 + idLength));
        var body = token.AsSpan(0, token.Length - MacLength);
        HMACSHA256.HashData(_active.MacKey, body, token.AsSpan(body.Length));
        return token;
    }

    /// <summary>
    /// Checks a token and returns its payload. Never throws on malformed input, whatever its length or content.
    /// </summary>
    /// <param name="token">The token as the client returned it.</param>
    /// <param name="payload">The payload when the token is authentic, else null.</param>
    /// <param name="error">Why the token was refused (too short, unknown version, bad key id length,
    /// unknown key id, MAC mismatch), else null. Safe to show the client: it echoes nothing of the token.</param>
    /// <returns>True when the token was sealed by a secret of this set for this purpose and not changed since.</returns>
    public bool TryOpen(ReadOnlySpan<byte> token, [NotNullWhen(true)] out byte[]? payload, [NotNullWhen(false)] out string? error)
    {
        payload = null;
        if (token.Length < 2 + 1 + MacLength)
            return Fail(out error, $"token too short ({token.Length} bytes)");
        if (token[0] != FormatVersion)
            return Fail(out error, $"unknown token version {token[0]}");
        int idLength = token[1];
        if (idLength is 0 or > KeyFile.MaxKeyIdLength)
            return Fail(out error, $"key id length {idLength} is outside 1-{KeyFile.MaxKeyIdLength}");
        if (token.Length < 2 + idLength + MacLength)
            return Fail(out error, "token too short for its key id and MAC");
        var key = Find(token.Slice(2, idLength));
        if (key is null)
            return Fail(out error, "token sealed with a key this server does not have");
        var body = token[..^MacLength];
        Span<byte> expected = stackalloc byte[MacLength];
        HMACSHA256.HashData(key.MacKey, body, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, token[^MacLength..]))
            return Fail(out error, "token MAC does not match (altered, or sealed for another purpose)");
        payload = body[(2 + idLength)..].ToArray();
        error = null;
        return true;
    }

    private SealingKey? Find(ReadOnlySpan<byte> keyId)
    {
        foreach (var key in _keys)
            if (keyId.SequenceEqual(key.KeyIdBytes)) return key;
        return null;
    }

    private static bool Fail(out string error, string message)
    {
        error = message;
        return false;
    }

    private sealed record SealingKey(string KeyId, byte[] KeyIdBytes, byte[] MacKey);
}

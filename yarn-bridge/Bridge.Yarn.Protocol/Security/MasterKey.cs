using System.Security.Cryptography;
using Bridge.Yarn.V1;
using Google.Protobuf;

namespace Bridge.Yarn.Protocol.Security;

/// <summary>
/// A secret key tokens are signed with (Hadoop's <c>MasterKey</c>): HMAC-SHA256 over the token identifier's
/// bytes. The ResourceManager makes one for AM tokens (kept to itself) and one for container tokens (handed to
/// NodeManagers at registration). Hadoop signs with HMAC-SHA1 and rolls keys over; these keys live as long as the
/// ResourceManager.
/// </summary>
/// <param name="KeyId">Names the key; tokens carry it so a holder of several keys knows which to check with.</param>
/// <param name="Bytes">The key, 32 bytes from <see cref="Generate"/>.</param>
public sealed record MasterKey(int KeyId, ReadOnlyMemory<byte> Bytes)
{
    /// <summary>Key length made by <see cref="Generate"/>, in bytes (the HMAC-SHA256 block's natural key size is 64; 32 is its output size and plenty).</summary>
    public const int KeyBytes = 32;

    /// <summary>A fresh random key (from the OS's cryptographic generator).</summary>
    public static MasterKey Generate(int keyId) => new(keyId, RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>HMAC-SHA256 of <paramref name="identifier"/> under this key: a token's password.</summary>
    public byte[] Sign(ReadOnlySpan<byte> identifier) => HMACSHA256.HashData(Bytes.Span, identifier);

    /// <summary>True when <paramref name="password"/> is this key's signature of <paramref name="identifier"/> (compared in constant time).</summary>
    public bool Verify(ReadOnlySpan<byte> identifier, ReadOnlySpan<byte> password) =>
        CryptographicOperations.FixedTimeEquals(Sign(identifier), password);

    /// <summary>The key on the wire.</summary>
    public MasterKeyProto ToProto() => new() { KeyId = KeyId, Bytes = ByteString.CopyFrom(Bytes.Span) };

    /// <summary>A key from the wire: key_id present, bytes not empty.</summary>
    /// <exception cref="InvalidMessageException">Missing or empty.</exception>
    public static MasterKey FromProto(MasterKeyProto? proto, string field)
    {
        if (proto is null) throw new InvalidMessageException(field, "is missing");
        if (!proto.HasKeyId) throw new InvalidMessageException($"{field}.key_id", "is missing");
        if (proto.Bytes.IsEmpty) throw new InvalidMessageException($"{field}.bytes", "is empty");
        return new MasterKey(proto.KeyId, proto.Bytes.ToByteArray());
    }

    /// <summary>Shows the key id only, never the key.</summary>
    public override string ToString() => $"MasterKey {{ KeyId = {KeyId} }}";
}

/// <summary>Why a token was refused.</summary>
public enum TokenProblem
{
    /// <summary>Not refused.</summary>
    None,
    /// <summary>No token was given.</summary>
    Missing,
    /// <summary>The token or its identifier does not parse.</summary>
    Malformed,
    /// <summary>Signed with another key (its key id is not the checker's).</summary>
    UnknownKey,
    /// <summary>The password is not the key's signature of the identifier (forged or altered): Hadoop's <c>InvalidToken</c>.</summary>
    BadPassword,
    /// <summary>A container token for another NodeManager.</summary>
    WrongNode,
    /// <summary>A container token past its expiry time.</summary>
    Expired,
}

using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Bridge.Eventing.Security;

/// <summary>
/// A key that verifies bearer-token signatures: an HS256 secret (RFC 7518 §3.2) or an RSA
/// (RS256/384/512, PS256/384/512) or EC (ES256/384/512) public key. Each key verifies only its own
/// family, so an RSA public key can never be misused as an HMAC secret (the "algorithm confusion" attack).
/// </summary>
public sealed class BearerSigningKey
{
    /// <summary>Shortest HS256 secret, in bytes (RFC 7518 §3.2: at least the hash length).</summary>
    public const int MinSecretLength = 32;

    /// <summary>Smallest RSA modulus accepted, in bits (NIST SP 800-131A).</summary>
    public const int MinRsaBits = 2048;

    private BearerSigningKey(SecurityKey key, string kind)
    {
        SecurityKey = key;
        Kind = kind;
    }

    /// <summary>"HS256", "RSA" or "EC".</summary>
    public string Kind { get; }

    /// <summary>The key id tokens may name in their <c>kid</c> header, or null.</summary>
    public string? KeyId => SecurityKey.KeyId;

    internal SecurityKey SecurityKey { get; }

    /// <summary>An HS256 secret.</summary>
    /// <param name="secret">At least 32 bytes; copied.</param>
    /// <param name="keyId">The <c>kid</c> tokens signed with it carry, if any (tokens without a matching kid still try every key).</param>
    /// <exception cref="ArgumentException">The secret is shorter than 32 bytes.</exception>
    public static BearerSigningKey FromSecret(ReadOnlySpan<byte> secret, string? keyId = null)
    {
        if (secret.Length < MinSecretLength)
            throw new ArgumentException($"an HS256 secret has at least {MinSecretLength} bytes, this one {secret.Length}", nameof(secret));
        return new BearerSigningKey(new SymmetricSecurityKey(secret.ToArray()) { KeyId = keyId }, "HS256");
    }

    /// <summary>An RSA or EC public key from PEM text (<c>-----BEGIN PUBLIC KEY-----</c>, SubjectPublicKeyInfo; or <c>RSA PUBLIC KEY</c>, PKCS#1).</summary>
    /// <param name="pem">The PEM text; the first PEM block is used.</param>
    /// <param name="keyId">The <c>kid</c> tokens signed with it carry, if any.</param>
    /// <exception cref="ArgumentException">No PEM public key block (private keys are refused: a verifier needs
    /// only the public half), a key that is neither RSA nor EC, or RSA shorter than 2048 bits.</exception>
    public static BearerSigningKey FromPem(string pem, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields))
            throw new ArgumentException("no PEM block found", nameof(pem));
        var label = pem.AsSpan()[fields.Label];
        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        if (label.SequenceEqual("RSA PUBLIC KEY"))
        {
            var rsa = RSA.Create();
            rsa.ImportRSAPublicKey(der, out _);
            return FromRsa(rsa, keyId);
        }
        if (!label.SequenceEqual("PUBLIC KEY"))
            throw new ArgumentException($"expected a PEM 'PUBLIC KEY' or 'RSA PUBLIC KEY' block, found '{label}'", nameof(pem));
        try
        {
            var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(der, out _);
            return FromRsa(rsa, keyId);
        }
        catch (CryptographicException)
        {
            // Not RSA: try EC below.
        }
        try
        {
            var ec = ECDsa.Create();
            ec.ImportSubjectPublicKeyInfo(der, out _);
            return new BearerSigningKey(new ECDsaSecurityKey(ec) { KeyId = keyId }, "EC");
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException("the PEM public key is neither RSA nor EC", nameof(pem), e);
        }
    }

    private static BearerSigningKey FromRsa(RSA rsa, string? keyId)
    {
        if (rsa.KeySize < MinRsaBits)
            throw new ArgumentException($"an RSA key has at least {MinRsaBits} bits, this one {rsa.KeySize}");
        return new BearerSigningKey(new RsaSecurityKey(rsa) { KeyId = keyId }, "RSA");
    }
}

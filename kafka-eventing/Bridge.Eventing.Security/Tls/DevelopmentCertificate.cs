using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Bridge.Eventing.Security;

/// <summary>
/// A self-signed TLS server certificate for loopback, for <c>bridge up</c> and tests: ECDSA P-256 with
/// SHA-256, subject <c>CN=&lt;first DNS name&gt;</c>, subject alternative names the given DNS names plus
/// IP 127.0.0.1 and ::1, extended key usage server authentication, not a CA, valid from one hour ago
/// for 30 days. With its private key, so Kestrel can serve it (<c>listen.UseHttps(cert)</c>). Clients
/// trust it by pinning (compare the certificate or its thumbprint), never by turning checks off.
/// </summary>
public static class DevelopmentCertificate
{
    /// <summary>How long a development certificate is valid.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>Creates a fresh certificate and key pair (tens of ms: key generation and a PKCS#12 round trip).</summary>
    /// <param name="dnsNames">DNS names to certify (default: <c>localhost</c>).</param>
    /// <returns>The certificate, with an exportable private key.</returns>
    /// <exception cref="ArgumentException">A name is empty.</exception>
    public static X509Certificate2 Create(params string[] dnsNames)
    {
        if (dnsNames.Length == 0) dnsNames = ["localhost"];
        if (dnsNames.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("empty DNS name", nameof(dnsNames));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsNames[0]}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames) names.AddDnsName(name);
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddHours(-1), now + Lifetime);
        // Round-trip through PKCS#12: an ephemeral key from CreateSelfSigned cannot be used by SslStream on
        // Windows; on Linux it changes nothing but is cheap next to the key generation.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }
}

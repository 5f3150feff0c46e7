using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Bridge.Eventing.Security.Tests;

public class DevelopmentCertificateTests
{
    [Fact]
    public void Create_IsAnEcdsaP256ServerCertificateForLoopback()
    {
        using var cert = DevelopmentCertificate.Create();
        Assert.True(cert.HasPrivateKey);
        using var key = cert.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal(256, key.KeySize);
        Assert.Equal("CN=localhost", cert.Subject);
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], san.EnumerateIPAddresses());
        var eku = cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Equal("1.3.6.1.5.5.7.3.1", Assert.Single(eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()).Value);
        Assert.False(cert.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.InRange(cert.NotAfter - cert.NotBefore, TimeSpan.FromDays(30), TimeSpan.FromDays(30.1));
    }

    [Fact]
    public void Create_WithNames_CertifiesThemAll()
    {
        using var cert = DevelopmentCertificate.Create("bus.local", "localhost");
        Assert.Equal("CN=bus.local", cert.Subject);
        Assert.Equal(["bus.local", "localhost"], cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        Assert.Throws<ArgumentException>(() => DevelopmentCertificate.Create(""));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public async Task Create_ServesTlsOnLoopback_NameMatches(string targetHost)
    {
        using var cert = DevelopmentCertificate.Create();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var serverTask = Task.Run(async () =>
            {
                using var socket = await listener.AcceptTcpClientAsync(timeout.Token);
                await using var tls = new SslStream(socket.GetStream());
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = cert }, timeout.Token);
                await tls.WriteAsync(new byte[] { 42 }, timeout.Token);
                await tls.FlushAsync(timeout.Token);
            });
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, timeout.Token);
            SslPolicyErrors seen = SslPolicyErrors.None;
            await using var clientTls = new SslStream(client.GetStream());
            await clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = targetHost,
                // Pinning: trust exactly this certificate. Its chain is untrusted (self-signed), its name must match.
                RemoteCertificateValidationCallback = (_, presented, _, errors) =>
                {
                    seen = errors;
                    return presented is not null && presented.GetCertHashString() == cert.GetCertHashString()
                        && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None;
                },
            }, timeout.Token);
            var buffer = new byte[1];
            Assert.Equal(1, await clientTls.ReadAsync(buffer, timeout.Token));
            Assert.Equal(42, buffer[0]);
            Assert.Equal(SslPolicyErrors.None, seen & SslPolicyErrors.RemoteCertificateNameMismatch);
            await serverTask;
        }
        finally
        {
            listener.Stop();
        }
    }
}

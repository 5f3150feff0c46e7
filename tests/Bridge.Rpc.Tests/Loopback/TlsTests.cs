using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bridge.Rpc.Tests.Echo;

namespace Bridge.Rpc.Tests.Loopback;

/// <summary>gRPC over TLS (ALPN h2) with a self-signed certificate the client pins.</summary>
public class TlsTests
{
    [Fact]
    public async Task Unary_OverTls_Works_AndAnUntrustedCertificateIsUnavailable()
    {
        using var certificate = SelfSigned();
        await using var server = await RpcServer.StartAsync(
            new RpcServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Certificate = certificate }, [new EchoService()]);
        Assert.Equal("https", server.Address.Scheme);

        using var pinned = RpcChannel.ForAddress(server.Address, new RpcChannelOptions
        {
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString(),
            },
        });
        var reply = await new EchoClient(pinned).Unary(new EchoRequest { Message = "secret" });
        Assert.Equal("secret", reply.Message);

        using var untrusting = RpcChannel.ForAddress(server.Address);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new EchoClient(untrusting).Unary(new EchoRequest()));
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Re-import so the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }
}

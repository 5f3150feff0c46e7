using Bridge.Eventing.Bus.Policy;
using Bridge.Eventing.Bus.Tests.Infrastructure;
using Bridge.Eventing.Client;
using Bridge.Eventing.Security;
using Bridge.Rpc;

namespace Bridge.Eventing.Bus.Tests.Integration;

/// <summary>The API tier over TLS: a topic whose policy requires TLS opens for a client that trusts the bus's certificate.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task A_Tls_Topic_Works_Over_Tls()
    {
        using var certificate = DevelopmentCertificate.Create("localhost");
        await using var bus = await BusHarness.StartAsync(o => o with { Certificate = certificate, Policies = TopicPolicies.Parse(["tls.*=tls"]) });
        await bus.CreateTopicAsync("tls.orders");
        Assert.Equal("https", bus.Bus.Api.Address.Scheme);
        using var client = bus.Client(new BusClientOptions
        {
            Channel = new RpcChannelOptions
            {
                SslOptions = new System.Net.Security.SslClientAuthenticationOptions
                {
                    // Trust exactly the bus's own certificate, as a client pinning it would.
                    RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString(),
                },
            },
        });
        await using var publisher = client.CreatePublisher("tls.orders");
        var result = await publisher.PublishAsync(Values.Record("k", "over tls"));
        Assert.False(result.Spilled);
    }
}

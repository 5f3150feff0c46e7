using System.Net;

namespace Bridge.Rpc.Tests.Loopback;

/// <summary>One Echo server on a loopback port, shared by a test class.</summary>
public sealed class EchoServerFixture : IAsyncLifetime, IEchoServer
{
    public EchoService Service { get; } = new();

    public RpcServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await RpcServer.StartAsync(new RpcServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) }, [Service]);

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public Uri Address => Server.Address;

    public RpcChannel Channel(RpcChannelOptions? options = null) => RpcChannel.ForAddress(Server.Address, options);
}

using Bridge.Rpc;
using Bridge.Rpc.Health;
using Bridge.Yarn.ResourceManager.Server.Rest;
using Bridge.Yarn.ResourceManager.Server.Services;

namespace Bridge.Yarn.ResourceManager.Server;

/// <summary>
/// The embedded ResourceManager serving on one port (127.0.0.1:8088 by default): over gRPC (h2c)
/// ApplicationClientProtocol, ApplicationMasterProtocol, ResourceTracker and the standard health service; over
/// plain HTTP/1.1 Hadoop's REST API under <c>/ws/v1/cluster</c> (JSON; see <see cref="RestApi"/>).
/// </summary>
public sealed class ResourceManagerServer : IAsyncDisposable
{
    private readonly RpcServer _server;

    private ResourceManagerServer(EmbeddedResourceManager rm, RpcServer server)
    {
        ResourceManager = rm;
        _server = server;
    }

    /// <summary>The ResourceManager (its loop, core and shell state).</summary>
    public EmbeddedResourceManager ResourceManager { get; }

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:8088</c> (the real port when 0 was asked).</summary>
    public Uri Address => _server.Address;

    /// <summary>Starts the ResourceManager and serves it on <see cref="ResourceManagerServerOptions.Endpoint"/>.</summary>
    /// <exception cref="IOException">The endpoint is in use.</exception>
    /// <exception cref="ArgumentException">The core's options are invalid.</exception>
    public static async Task<ResourceManagerServer> StartAsync(ResourceManagerServerOptions options, CancellationToken cancellationToken = default)
    {
        var rm = new EmbeddedResourceManager(options);
        rm.Start();
        RpcServer server;
        try
        {
            server = await RpcServer.StartAsync(
                new RpcServerOptions { Endpoint = options.Endpoint, LoggerFactory = options.LoggerFactory },
                [new ApplicationClientService(rm), new ApplicationMasterService(rm), new ResourceTrackerService(rm), new HealthService()],
                http: app => RestApi.Map(app, rm), cancellationToken: cancellationToken);
        }
        catch
        {
            await rm.DisposeAsync();
            throw;
        }
        await rm.SetSchedulerAddressAsync(server.Address);
        return new ResourceManagerServer(rm, server);
    }

    /// <summary>Stops serving, then stops the ResourceManager's loop.</summary>
    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await ResourceManager.DisposeAsync();
    }
}

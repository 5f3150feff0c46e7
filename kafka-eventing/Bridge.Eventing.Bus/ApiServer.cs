using Bridge.Eventing.Bus.Api;
using Bridge.Rpc;
using Bridge.Rpc.Health;

namespace Bridge.Eventing.Bus;

/// <summary>
/// The bus's API tier: the session API for clients (<see cref="ApiService"/>), with grpc.health.v1,
/// over h2c or TLS, routing to the back-end nodes of <see cref="ApiOptions.Backends"/>.
/// </summary>
public sealed class ApiServer : IAsyncDisposable
{
    private readonly RpcServer _server;

    private ApiServer(RpcServer server, BackendPool backends)
    {
        _server = server;
        Backends = backends;
    }

    /// <summary>Where clients reach the bus, <c>http://127.0.0.1:PORT/</c> or <c>https://</c>.</summary>
    public Uri Address => _server.Address;

    /// <summary>The tier's view of the back-end nodes.</summary>
    public BackendPool Backends { get; }

    /// <summary>Starts the API tier.</summary>
    /// <exception cref="ArgumentException">No back-end nodes, or duplicate node ids.</exception>
    public static async Task<ApiServer> StartAsync(ApiOptions options)
    {
        var backends = new BackendPool(options.Backends, options.ProbeInterval, options.TimeProvider, options.LoggerFactory, options.BackendChannel);
        var health = new HealthService();
        try
        {
            var authorization = new ApiAuthorization(options.Policies, options.Tokens, options.Signatures);
            var server = await RpcServer.StartAsync(new RpcServerOptions
            {
                Endpoint = options.Endpoint,
                Certificate = options.Certificate,
                TimeProvider = options.TimeProvider,
                LoggerFactory = options.LoggerFactory,
                MaxReceiveMessageSize = 64 << 20,
                MaxSendMessageSize = 64 << 20,
            }, [new ApiService(backends, options.SessionIds, authorization), health]);
            health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
            return new ApiServer(server, backends);
        }
        catch
        {
            await backends.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops; closes the channels.</summary>
    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync(TimeSpan.FromSeconds(2));
        await _server.DisposeAsync();
        await Backends.DisposeAsync();
    }
}

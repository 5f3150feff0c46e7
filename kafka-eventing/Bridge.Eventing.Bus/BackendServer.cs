using System.Net;
using System.Security.Cryptography.X509Certificates;
using Bridge.Eventing.Bus.Backend;
using Bridge.Rpc;
using Bridge.Rpc.Health;

namespace Bridge.Eventing.Bus;

/// <summary>
/// A back-end node serving the session API over gRPC (<see cref="BackendService"/>) with
/// grpc.health.v1 beside it, which the API tier probes. Disposing it is the graceful shutdown: health
/// goes NOT_SERVING, new requests fail fast, publishes in flight drain or spill, then the server stops.
/// </summary>
public sealed class BackendServer : IAsyncDisposable
{
    private readonly RpcServer _server;
    private readonly HealthService _health;
    private int _stopped;

    private BackendServer(BackendNode node, RpcServer server, HealthService health)
    {
        Node = node;
        _server = server;
        _health = health;
    }

    /// <summary>The node.</summary>
    public BackendNode Node { get; }

    /// <summary>Where the node serves, <c>http://127.0.0.1:PORT/</c> (or https with a certificate).</summary>
    public Uri Address => _server.Address;

    /// <summary>Starts a node on <paramref name="endpoint"/>.</summary>
    /// <param name="options">The node's settings.</param>
    /// <param name="endpoint">Where to listen (port 0 picks a free one).</param>
    /// <param name="certificate">Serve TLS with it (default: h2c).</param>
    public static async Task<BackendServer> StartAsync(BackendOptions options, IPEndPoint endpoint, X509Certificate2? certificate = null)
    {
        var node = new BackendNode(options);
        var health = new HealthService();
        try
        {
            var server = await RpcServer.StartAsync(new RpcServerOptions
            {
                Endpoint = endpoint,
                Certificate = certificate,
                TimeProvider = options.TimeProvider,
                LoggerFactory = options.LoggerFactory,
                MaxReceiveMessageSize = 64 << 20,
                MaxSendMessageSize = 64 << 20,
            }, [new BackendService(node), health]);
            health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
            return new BackendServer(node, server, health);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Stops the way a crash looks from outside: no drain and no spill; the node's sessions and Kafka
    /// clients go first (what the producer had not sent is lost, as with a dead process; its in-flight
    /// Acks were never answered), then the listener closes (for fault tests).
    /// </summary>
    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        await Node.DisposeAsync();
        await _server.StopAsync(TimeSpan.Zero);
        await _server.DisposeAsync();
    }

    /// <summary>Graceful shutdown (see the class summary).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        _health.SetStatus("", HealthCheckResponse.Types.ServingStatus.NotServing);
        await Node.DrainAsync();
        await _server.StopAsync(TimeSpan.FromSeconds(5));
        await _server.DisposeAsync();
        await Node.DisposeAsync();
    }
}

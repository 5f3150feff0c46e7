using Bridge.Eventing.Bus.Routing;
using Bridge.Eventing.Protocol;
using Bridge.Rpc;
using Bridge.Rpc.Health;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Bus.Api;

/// <summary>A back-end node as the API tier knows it.</summary>
/// <param name="NodeId">The node's id (what sessions are hashed against).</param>
/// <param name="Address">Where it serves the session API, <c>http://host:port</c> (h2c) or <c>https://</c>.</param>
public sealed record BackendEndpoint(string NodeId, Uri Address);

/// <summary>
/// The API tier's view of the back-end tier: one channel per node and which nodes are live. A node
/// is marked down when a call to it fails at the transport or it answers draining, and comes back
/// when a health check (grpc.health.v1, every <c>probeInterval</c>) finds it serving again. Sessions
/// go to the live node with the highest rendezvous score (<see cref="RendezvousRouter"/>), so a node
/// leaving moves only its sessions and a node returning takes back only its own.
/// </summary>
public sealed partial class BackendPool : IAsyncDisposable
{
    private readonly Node[] _nodes;
    private readonly ITimer _probe;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>A pool of <paramref name="endpoints"/>, all assumed live until a call or probe says otherwise.</summary>
    /// <exception cref="ArgumentException">No endpoints, or two with the same node id.</exception>
    public BackendPool(IEnumerable<BackendEndpoint> endpoints, TimeSpan probeInterval, TimeProvider time, ILoggerFactory loggers, RpcChannelOptions? channelOptions = null)
    {
        _nodes = endpoints.Select(e => new Node(e, RpcChannel.ForAddress(e.Address, (channelOptions ?? new RpcChannelOptions()) with { TimeProvider = time }))).ToArray();
        if (_nodes.Length == 0) throw new ArgumentException("at least one back-end node", nameof(endpoints));
        if (_nodes.DistinctBy(n => n.Endpoint.NodeId).Count() != _nodes.Length) throw new ArgumentException("back-end node ids must be unique", nameof(endpoints));
        _time = time;
        _logger = loggers.CreateLogger<BackendPool>();
        _probe = time.CreateTimer(_ => _ = ProbeAsync(), null, probeInterval, probeInterval);
    }

    /// <summary>The ids of the nodes believed live.</summary>
    public IReadOnlyList<string> Live => _nodes.Where(n => n.Up).Select(n => n.Endpoint.NodeId).ToList();

    /// <summary>The live node that owns <paramref name="sessionId"/>, or null when none is live.</summary>
    public (string NodeId, EventBusClient Client)? Route(string sessionId)
    {
        var id = RendezvousRouter.Pick(sessionId, _nodes.Where(n => n.Up).Select(n => n.Endpoint.NodeId));
        var node = id is null ? null : Array.Find(_nodes, n => n.Endpoint.NodeId == id);
        return node is null ? null : (node.Endpoint.NodeId, node.Client);
    }

    /// <summary>Marks <paramref name="nodeId"/> down until a probe finds it serving.</summary>
    public void MarkDown(string nodeId, string why)
    {
        var node = Array.Find(_nodes, n => n.Endpoint.NodeId == nodeId);
        if (node is null || !node.Up) return;
        node.Up = false;
        LogDown(nodeId, why);
    }

    /// <summary>Checks every node's health once now (also done every probe interval).</summary>
    public async Task ProbeAsync()
    {
        await Task.WhenAll(_nodes.Select(async node =>
        {
            bool serving;
            try
            {
                var response = await node.Health.Check(new HealthCheckRequest(), new CallOptions(Deadline: _time.GetUtcNow().UtcDateTime.AddSeconds(2)));
                serving = response.Status == HealthCheckResponse.Types.ServingStatus.Serving;
            }
            catch (RpcException)
            {
                serving = false;
            }
            if (serving == node.Up) return;
            node.Up = serving;
            if (serving) LogUp(node.Endpoint.NodeId);
            else LogDown(node.Endpoint.NodeId, "health check");
        }));
    }

    /// <summary>Stops; closes the channels.</summary>
    public async ValueTask DisposeAsync()
    {
        await _probe.DisposeAsync();
        foreach (var node in _nodes) node.Channel.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "back-end node {NodeId} is down ({Why}); its sessions move")]
    private partial void LogDown(string nodeId, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "back-end node {NodeId} is serving again")]
    private partial void LogUp(string nodeId);

    private sealed class Node(BackendEndpoint endpoint, RpcChannel channel)
    {
        public BackendEndpoint Endpoint { get; } = endpoint;
        public RpcChannel Channel { get; } = channel;
        public EventBusClient Client { get; } = new(channel);
        public HealthClient Health { get; } = new(channel);
        public volatile bool Up = true;
    }
}

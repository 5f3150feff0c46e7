using Bridge.Yarn.Cluster;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Yarn.Hadoop;

/// <summary>
/// <see cref="IYarnCluster"/> over a real Hadoop ResourceManager. The interface is synchronous and called on the
/// bridge's one writer, so this keeps a snapshot (nodes, their live containers, demand) that <see cref="RefreshAsync"/>
/// rebuilds from the REST API, answers <see cref="Node"/> and <see cref="Demand"/> from it, and queues capacity changes
/// and decommissions for <see cref="FlushAsync"/>: the REST route for a node's resource, or <c>yarn rmadmin
/// -updateNodeResource</c> when the RM has none; <c>yarn rmadmin -refreshNodes -g</c> for a graceful decommission.
/// <see cref="RunAsync"/> does both every <c>pollInterval</c>, backing off (doubling, up to 30 s) while the RM fails;
/// failures are logged and retried, never thrown into the core.
/// <para>Where it differs from the embedded ResourceManager: <see cref="SetCapacity"/> returns no containers, since a
/// real RM allocates on the NodeManager's next heartbeat, so fine-grained scaling's latency is that heartbeat plus the
/// poll, and the containers allocated are backed by placeholders from the node's next offer (the core handles
/// containers without an offer behind them); a real RM does not shrink a node's capacity as its containers complete.</para>
/// </summary>
public sealed class HadoopYarnCluster : IYarnCluster
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly HadoopRmClient _rm;
    private readonly RmAdmin _admin;
    private readonly TimeProvider _time;
    private readonly TimeSpan _pollInterval;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<NodeId, Resource> _capacity = new();
    private readonly Dictionary<NodeId, TimeSpan> _decommission = new();
    private Dictionary<NodeId, YarnNode> _nodes = new();
    private YarnDemand _demand;
    private bool? _restRoute;

    /// <summary>An adapter over <paramref name="rm"/> and <paramref name="admin"/>.</summary>
    /// <param name="rm">The RM's REST API.</param>
    /// <param name="admin">Its admin commands.</param>
    /// <param name="time">The clock for the poll and the backoff.</param>
    /// <param name="pollInterval">Between polls while the RM answers (default: 1 s, the NodeManager heartbeat).</param>
    /// <param name="logger">Where failures go.</param>
    public HadoopYarnCluster(HadoopRmClient rm, RmAdmin admin, TimeProvider time, TimeSpan? pollInterval = null, ILogger? logger = null)
    {
        _rm = rm;
        _admin = admin;
        _time = time;
        _pollInterval = pollInterval ?? TimeSpan.FromSeconds(1);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Failed polls in a row (0 while the RM answers).</summary>
    public int Failures { get; private set; }

    /// <inheritdoc />
    public YarnNode? Node(NodeId id)
    {
        lock (_gate) return _nodes.GetValueOrDefault(id);
    }

    /// <inheritdoc />
    /// <remarks>Queued for <see cref="FlushAsync"/>; returns no containers (the RM allocates on its next heartbeat).</remarks>
    public IReadOnlyList<YarnContainer> SetCapacity(NodeId id, Resource capacity, DateTimeOffset now)
    {
        lock (_gate)
        {
            _capacity[id] = capacity;
            if (_nodes.TryGetValue(id, out var node)) _nodes[id] = node with { Capability = capacity };
        }
        return [];
    }

    /// <inheritdoc />
    public bool Decommission(NodeId id, TimeSpan timeout, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_nodes.GetValueOrDefault(id) is not { IsActive: true } node) return false;
            _decommission[id] = timeout;
            _nodes[id] = node with { State = RmNodeState.Decommissioning };
            return true;
        }
    }

    /// <inheritdoc />
    public YarnDemand Demand()
    {
        lock (_gate) return _demand;
    }

    /// <summary>Rebuilds the snapshot from the RM: nodes, the containers of running applications, demand.</summary>
    /// <exception cref="HadoopRmException">An answer is not what the REST API documents.</exception>
    /// <exception cref="HttpRequestException">The RM cannot be reached.</exception>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var nodes = await _rm.NodesAsync(cancellationToken);
        var containers = (await _rm.ContainersAsync(cancellationToken)).ToLookup(c => c.Node);
        var demand = await _rm.DemandAsync(cancellationToken);
        var snapshot = nodes.ToDictionary(n => n.Id, n => new YarnNode(n.Id, n.State, n.Capability,
            n.State is RmNodeState.Running or RmNodeState.Decommissioning
                ? containers[n.Id].Select(c => new YarnContainer(c.Id, c.Resource, c.IsAm)).ToList()
                : []));
        lock (_gate)
        {
            // Changes not sent yet stay visible to the core.
            foreach (var (id, capacity) in _capacity)
                if (snapshot.TryGetValue(id, out var n)) snapshot[id] = n with { Capability = capacity };
            foreach (var id in _decommission.Keys)
                if (snapshot.TryGetValue(id, out var n) && n.State == RmNodeState.Running) snapshot[id] = n with { State = RmNodeState.Decommissioning };
            _nodes = snapshot;
            _demand = demand;
        }
    }

    /// <summary>Sends the queued changes: each node's latest capacity (REST, else <c>rmadmin</c>), then decommissions.
    /// A change that fails stays queued (unless a newer one replaced it).</summary>
    /// <exception cref="HadoopRmException">The RM or <c>rmadmin</c> refused a change.</exception>
    /// <exception cref="HttpRequestException">The RM cannot be reached.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        List<KeyValuePair<NodeId, Resource>> capacities;
        List<KeyValuePair<NodeId, TimeSpan>> decommissions;
        lock (_gate)
        {
            capacities = [.. _capacity];
            decommissions = [.. _decommission];
        }
        foreach (var (node, resource) in capacities)
        {
            if (_restRoute != false)
            {
                _restRoute = await _rm.UpdateNodeResourceAsync(node, resource, cancellationToken);
                if (_restRoute == false) _logger.LogInformation("Hadoop RM has no node resource route; using yarn rmadmin -updateNodeResource");
            }
            if (_restRoute == false) await _admin.UpdateNodeResourceAsync(node, resource, cancellationToken);
            lock (_gate)
                if (_capacity.TryGetValue(node, out var latest) && latest == resource) _capacity.Remove(node);
        }
        foreach (var (node, timeout) in decommissions)
        {
            await _admin.DecommissionAsync(node, timeout, cancellationToken);
            lock (_gate) _decommission.Remove(node);
        }
    }

    /// <summary>Flushes and refreshes every poll interval until <paramref name="cancellationToken"/> fires; after a failure
    /// the next try waits twice as long as the last (up to 30 s).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await FlushAsync(cancellationToken);
                await RefreshAsync(cancellationToken);
                Failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HadoopRmException or HttpRequestException or IOException)
            {
                Failures++;
                _logger.LogWarning("Hadoop RM: {Message} (try {Failures}; next in {Delay})", e.Message, Failures, NextDelay());
            }
            try
            {
                await Task.Delay(NextDelay(), _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The wait before the next poll: the interval, doubled per failure in a row, at most 30 s.</summary>
    public TimeSpan NextDelay() =>
        Failures == 0 ? _pollInterval : TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, _pollInterval.Ticks << Math.Min(Failures, 20)));
}

using System.Globalization;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.ResourceManager.Scheduling;

/// <summary>
/// The pure scheduler core (Hadoop's <c>YarnScheduler</c> as the CapacityScheduler or FifoScheduler implements it):
/// nodes with changeable capacity, attempts with absolute asks, allocation on a node's update, completion.
/// Resources compare under DominantResourceCalculator (memory and vcores both count). Not thread-safe: one
/// writer (the ResourceManager's loop) owns it.
/// <para>Allocation on a node (<see cref="NodeUpdate"/>): while the node has room for the minimum allocation,
/// walk the queue tree from <c>root</c>, children least used-capacity-ratio first (used dominant share over the
/// child's guaranteed share; ties by path), skipping any ask that would take a queue or an ancestor above its
/// maximum capacity; in a leaf, active attempts by application priority (higher first) then submission; in an
/// attempt, asks by priority (lower number first). Locality: node-local, else rack-local once the ask missed
/// more than node-locality-delay node updates (capped at the node count), else off-switch after a further
/// rack-locality-additional-delay; asks naming no host or rack go off-switch at once; relaxLocality false on the
/// rack or <c>*</c> ask forbids that level. An ask waiting for locality stops its attempt on that node (priorities
/// are not served out of order, as LeafQueue does). There are no reservations: an ask too big for the node is
/// passed over for the attempt's next one.</para>
/// </summary>
public sealed partial class YarnScheduler
{
    private readonly SchedulerOptions _options;
    private readonly CapacityQueue _root;
    private readonly Dictionary<string, CapacityQueue> _leaves;
    private readonly Dictionary<NodeId, SchedulerNode> _nodes = [];
    private readonly Dictionary<ApplicationAttemptId, SchedulerApp> _apps = [];
    private readonly Dictionary<ContainerId, LiveContainer> _live = [];
    private Resource _total;
    private Resource _allocated;
    private long _submissions;
    private long _updateStamp;

    /// <summary>Builds a scheduler over <paramref name="options"/>' queue tree.</summary>
    /// <exception cref="ArgumentException">The queue tree is invalid (see <see cref="QueueOptions"/>), or the minimum allocation exceeds the maximum.</exception>
    public YarnScheduler(SchedulerOptions options)
    {
        CapacityQueue.Validate(options.Root);
        if (!options.MinimumAllocation.FitsIn(options.MaximumAllocation) || options.MinimumAllocation.AnyNegative)
            throw new ArgumentException($"minimum allocation {options.MinimumAllocation} must be non-negative and within the maximum {options.MaximumAllocation}");
        _options = options;
        _root = new CapacityQueue(options.Root, null);
        _leaves = _root.Leaves().ToDictionary(q => q.Name, StringComparer.Ordinal);
    }

    /// <summary>The configuration.</summary>
    public SchedulerOptions Options => _options;

    /// <summary>Sum of all nodes' capacities (MB, vcores).</summary>
    public Resource ClusterResource => _total;

    /// <summary>Number of nodes known.</summary>
    public int NodeCount => _nodes.Count;

    /// <summary>Names of the leaf queues (what submissions may name).</summary>
    public IEnumerable<string> LeafQueueNames => _leaves.Keys;

    // ---- nodes ----------------------------------------------------------------------------------

    /// <summary>Adds a node with <paramref name="capacity"/> (may be zero: fine-grained scaling grows it later) on <paramref name="rack"/>.</summary>
    /// <returns>False when the node is already known (nothing changes).</returns>
    public bool AddNode(NodeId id, Resource capacity, string rack)
    {
        if (_nodes.ContainsKey(id)) return false;
        _nodes[id] = new SchedulerNode(id, rack, capacity);
        _total += capacity;
        ActivateAll();
        return true;
    }

    /// <summary>Sets a node's capacity (it may drop below what is allocated: running containers keep running, no new ones fit).</summary>
    /// <returns>False when the node is unknown.</returns>
    public bool UpdateNodeCapacity(NodeId id, Resource capacity)
    {
        if (!_nodes.TryGetValue(id, out var node)) return false;
        _total += capacity - node.Total;
        node.Total = capacity;
        ActivateAll();
        return true;
    }

    /// <summary>Marks a node decommissioning (no new containers) or back in service.</summary>
    /// <returns>False when the node is unknown.</returns>
    public bool SetDecommissioning(NodeId id, bool decommissioning)
    {
        if (!_nodes.TryGetValue(id, out var node)) return false;
        node.Decommissioning = decommissioning;
        return true;
    }

    /// <summary>
    /// Fine-grained scaling: while <paramref name="follows"/> is true, a container that completes on the node takes its
    /// resource out of the node's capacity (at least 0 per component) instead of freeing it, so the node only ever
    /// has room that was given to it explicitly (by <see cref="UpdateNodeCapacity"/>). Off by default.
    /// </summary>
    /// <returns>False when the node is unknown.</returns>
    public bool SetCapacityFollowsContainers(NodeId id, bool follows)
    {
        if (!_nodes.TryGetValue(id, out var node)) return false;
        node.CapacityFollowsContainers = follows;
        return true;
    }

    /// <summary>Removes a node, completing its containers with <paramref name="exitStatus"/> and <paramref name="diagnostics"/>.</summary>
    /// <returns>The containers completed (empty when the node is unknown).</returns>
    public IReadOnlyList<CompletedContainer> RemoveNode(NodeId id, int exitStatus, string diagnostics)
    {
        if (!_nodes.TryGetValue(id, out var node)) return [];
        var done = node.Containers.Keys.ToList().Select(c => CompleteContainer(c, exitStatus, diagnostics)!).ToList();
        _nodes.Remove(id);
        _total -= node.Total;
        ActivateAll();
        return done;
    }

    /// <summary>Containers the scheduler believes run on <paramref name="id"/> (empty when unknown).</summary>
    public IReadOnlyCollection<ContainerId> ContainersOn(NodeId id) =>
        _nodes.TryGetValue(id, out var node) ? node.Containers.Keys.ToList() : [];

    /// <summary>A node's capacity and allocated resources, or null when unknown.</summary>
    public (Resource Total, Resource Allocated, int Containers)? NodeUsage(NodeId id) =>
        _nodes.TryGetValue(id, out var n) ? (n.Total, n.Allocated, n.Containers.Count) : null;

    // ---- attempts -------------------------------------------------------------------------------

    /// <summary>
    /// Adds an attempt to leaf queue <paramref name="queue"/>. It is offered nodes once the queue's AM limit lets it
    /// run (see <see cref="QueueOptions.MaximumAmResourcePercent"/>); its first container is its AM's.
    /// </summary>
    /// <param name="attemptId">The attempt (must be new).</param>
    /// <param name="queue">A leaf queue's name.</param>
    /// <param name="appPriority">The application's priority (higher served first; YARN's default 0).</param>
    /// <param name="amResource">The AM container's size, already normalised.</param>
    /// <returns><see cref="RmStatusCode.UnknownQueue"/> when <paramref name="queue"/> is not a leaf queue; <see cref="RmStatusCode.InvalidState"/> when the attempt exists.</returns>
    public RmStatus AddAttempt(ApplicationAttemptId attemptId, string queue, int appPriority, Resource amResource)
    {
        if (!_leaves.TryGetValue(queue, out var leaf))
            return RmStatus.Fail(RmStatusCode.UnknownQueue, $"queue '{queue}' is not a leaf queue of this scheduler (leaf queues: {string.Join(", ", _leaves.Keys)})");
        if (_apps.ContainsKey(attemptId)) return RmStatus.Fail(RmStatusCode.InvalidState, $"{attemptId} is already scheduled");
        var app = new SchedulerApp(attemptId, leaf, appPriority, _submissions++, amResource);
        _apps[attemptId] = app;
        leaf.Apps.Add(app);
        leaf.Inactive.Add(app);
        Activate(leaf);
        return RmStatus.Ok;
    }

    /// <summary>Removes an attempt: drops its asks and completes its live containers with <paramref name="exitStatus"/>.</summary>
    /// <returns>The containers completed (their NodeManagers must be told to kill them); empty when unknown.</returns>
    public IReadOnlyList<CompletedContainer> RemoveAttempt(ApplicationAttemptId attemptId, int exitStatus, string diagnostics)
    {
        if (!_apps.TryGetValue(attemptId, out var app)) return [];
        var done = app.Live.Keys.ToList().Select(c => CompleteContainer(c, exitStatus, diagnostics)!).ToList();
        var leaf = app.Queue;
        leaf.PendingContainers -= app.PendingContainers;
        leaf.PendingResource -= app.PendingResource;
        leaf.Demanding.Remove(app);
        leaf.Apps.Remove(app);
        if (app.Active) leaf.AmUsed -= app.AmResource;
        else leaf.Inactive.Remove(app);
        _apps.Remove(attemptId);
        Activate(leaf);
        return done;
    }

    /// <summary>True when the scheduler knows <paramref name="attemptId"/>.</summary>
    public bool HasAttempt(ApplicationAttemptId attemptId) => _apps.ContainsKey(attemptId);

    // ---- asks -----------------------------------------------------------------------------------

    /// <summary>
    /// Rounds <paramref name="capability"/> up to the minimum allocation's multiple (at least the minimum) and caps
    /// it at the maximum, per component (Hadoop's <c>DominantResourceCalculator.normalize</c>).
    /// </summary>
    public Resource Normalize(Resource capability) => new(
        Step(capability.MemoryMb, _options.MinimumAllocation.MemoryMb, _options.MaximumAllocation.MemoryMb),
        (int)Step(capability.VCores, _options.MinimumAllocation.VCores, _options.MaximumAllocation.VCores));

    private static long Step(long value, long min, long max)
    {
        var v = Math.Max(value, min);
        if (min > 0) v = (v + min - 1) / min * min;
        return Math.Min(v, max);
    }

    /// <summary>
    /// Checks one ask as Hadoop's <c>SchedulerUtils.validateResourceRequest</c> does: capability within 0 and the
    /// maximum allocation, numContainers not negative, a resource name given.
    /// </summary>
    /// <returns><see cref="RmStatusCode.InvalidRequest"/> naming the field, its value and the limit.</returns>
    public RmStatus Validate(ResourceRequest ask)
    {
        var inv = CultureInfo.InvariantCulture;
        var max = _options.MaximumAllocation;
        if (ask.Capability.MemoryMb < 0 || ask.Capability.MemoryMb > max.MemoryMb)
            return Invalid(string.Create(inv, $"Invalid resource request: capability.memoryMb={ask.Capability.MemoryMb} is not between 0 and the maximum allocation {max.MemoryMb} MB (yarn.scheduler.maximum-allocation-mb)"));
        if (ask.Capability.VCores < 0 || ask.Capability.VCores > max.VCores)
            return Invalid(string.Create(inv, $"Invalid resource request: capability.vCores={ask.Capability.VCores} is not between 0 and the maximum allocation {max.VCores} vcores (yarn.scheduler.maximum-allocation-vcores)"));
        if (ask.NumContainers < 0)
            return Invalid(string.Create(inv, $"Invalid resource request: numContainers={ask.NumContainers} is negative"));
        if (string.IsNullOrEmpty(ask.ResourceName))
            return Invalid("Invalid resource request: resourceName is empty (a host, a rack or *)");
        return RmStatus.Ok;

        static RmStatus Invalid(string m) => RmStatus.Fail(RmStatusCode.InvalidRequest, m);
    }

    /// <summary>
    /// Replaces the attempt's asks for each (priority, resourceName, normalised capability) given: all-or-nothing,
    /// every ask validated first. A count of 0 cancels. Pending demand is the <c>*</c> asks' counts.
    /// </summary>
    /// <returns><see cref="RmStatusCode.UnknownApplicationAttempt"/>, or the first invalid ask's status.</returns>
    public RmStatus UpdateAsks(ApplicationAttemptId attemptId, IReadOnlyList<ResourceRequest> asks)
    {
        if (!_apps.TryGetValue(attemptId, out var app)) return RmStatus.Fail(RmStatusCode.UnknownApplicationAttempt, $"{attemptId} is not scheduled");
        foreach (var ask in asks)
        {
            var status = Validate(ask);
            if (!status.IsOk) return status;
        }
        foreach (var ask in asks) Apply(app, ask with { Capability = Normalize(ask.Capability) });
        RefreshDemand(app);
        return RmStatus.Ok;
    }

    private static void Apply(SchedulerApp app, ResourceRequest ask)
    {
        var key = new RequestKey(ask.Priority, ask.Capability);
        if (!app.Asks.TryGetValue(key, out var entry))
        {
            if (ask.NumContainers == 0) return;
            app.Asks[key] = entry = new KeyAsks();
        }
        var before = entry.Pending;
        entry.ByName[ask.ResourceName] = ask;
        var delta = entry.Pending - before;
        app.PendingContainers += delta;
        app.PendingResource += ask.Capability * delta;
        app.Queue.PendingContainers += delta;
        app.Queue.PendingResource += ask.Capability * delta;
        if (entry.ByName.Values.All(r => r.NumContainers == 0)) app.Asks.Remove(key);
    }

    /// <summary>The attempt's outstanding asks (what <c>/ws/v1/cluster/apps/{id}</c> lists as resourceRequests); empty when unknown.</summary>
    public IReadOnlyList<ResourceRequest> Asks(ApplicationAttemptId attemptId) =>
        _apps.TryGetValue(attemptId, out var app)
            ? app.Asks.Values.SelectMany(k => k.ByName.Values).Where(r => r.NumContainers > 0).ToList()
            : [];

    /// <summary>Resources and containers the attempt holds now, or null when unknown.</summary>
    public (Resource Used, int Containers, Resource Pending)? AttemptUsage(ApplicationAttemptId attemptId) =>
        _apps.TryGetValue(attemptId, out var app) ? (app.Used, app.Live.Count, app.PendingResource) : null;

    /// <summary>
    /// The attempt's headroom: what its queue may still take before its (and its ancestors') maximum capacity, but no
    /// more than the cluster has free; each component at least 0 (CapacityScheduler's headroom without user limits).
    /// </summary>
    public Resource Headroom(ApplicationAttemptId attemptId)
    {
        if (!_apps.TryGetValue(attemptId, out var app)) return Resource.None;
        var room = (_total - _allocated).ClampToZero();
        for (var q = app.Queue; q is not null; q = q.Parent)
            room = Resource.Min(room, (_total.Scale(q.AbsoluteMaximumCapacity) - q.Used).ClampToZero());
        return room;
    }

    // ---- containers -----------------------------------------------------------------------------

    /// <summary>Containers allocated to the attempt since the last call (what its next allocate response carries).</summary>
    public IReadOnlyList<Container> PullNewlyAllocated(ApplicationAttemptId attemptId) => Drain(attemptId, a => a.NewlyAllocated);

    /// <summary>Statuses of the attempt's containers completed since the last call (each reported once).</summary>
    public IReadOnlyList<ContainerStatus> PullCompleted(ApplicationAttemptId attemptId) => Drain(attemptId, a => a.CompletedToReport);

    private IReadOnlyList<T> Drain<T>(ApplicationAttemptId attemptId, Func<SchedulerApp, List<T>> list)
    {
        if (!_apps.TryGetValue(attemptId, out var app)) return [];
        var items = list(app);
        if (items.Count == 0) return [];
        var copy = items.ToArray();
        items.Clear();
        return copy;
    }

    /// <summary>The live container <paramref name="id"/>: its record, and whether it is its attempt's AM container.</summary>
    public (Container Container, bool IsAm)? FindContainer(ContainerId id) =>
        _live.TryGetValue(id, out var c) ? (c.Container, c.IsAm) : null;

    /// <summary>
    /// Stops accounting for a container (it exited, was released, killed, preempted or lost): its resources go back
    /// to its node, queue and attempt, and its status is queued for the attempt's next allocate response.
    /// </summary>
    /// <returns>The completion, or null when the container is not live (already completed or unknown).</returns>
    public CompletedContainer? CompleteContainer(ContainerId id, int exitStatus, string diagnostics)
    {
        if (!_live.Remove(id, out var live)) return null;
        var c = live.Container;
        if (_nodes.TryGetValue(c.NodeId, out var node))
        {
            node.Containers.Remove(id);
            node.Allocated -= c.Resource;
            if (node.CapacityFollowsContainers)
            {
                var shrunk = (node.Total - c.Resource).ClampToZero();
                _total += shrunk - node.Total;
                node.Total = shrunk;
            }
        }
        var app = live.App;
        app.Live.Remove(id);
        app.Used -= c.Resource;
        app.Queue.Charge(c.Resource, -1);
        _allocated -= c.Resource;
        var status = new ContainerStatus(id, ContainerState.Complete, exitStatus, diagnostics);
        app.CompletedToReport.Add(status);
        return new CompletedContainer(c, live.IsAm, status);
    }

    // ---- activation (maximum-am-resource-percent) -----------------------------------------------

    private void ActivateAll()
    {
        foreach (var leaf in _leaves.Values) Activate(leaf);
    }

    /// <summary>Lets waiting attempts run while their AMs fit the AM limit; one always runs (as LeafQueue.activateApplications).</summary>
    private void Activate(CapacityQueue leaf)
    {
        while (leaf.Inactive.Count > 0)
        {
            var app = leaf.Inactive[0];
            var anyActive = leaf.Apps.Count > leaf.Inactive.Count;
            if (anyActive && (leaf.AmUsed + app.AmResource).DominantShare(_total) > leaf.AmLimit(_total).DominantShare(_total) + 1e-9) return;
            leaf.Inactive.RemoveAt(0);
            app.Active = true;
            leaf.AmUsed += app.AmResource;
            RefreshDemand(app);
        }
    }

    private static void RefreshDemand(SchedulerApp app)
    {
        if (app.Active && app.PendingContainers > 0) app.Queue.Demanding.Add(app);
        else app.Queue.Demanding.Remove(app);
    }
}

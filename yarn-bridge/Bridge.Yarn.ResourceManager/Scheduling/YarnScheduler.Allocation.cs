using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.ResourceManager.Scheduling;

public sealed partial class YarnScheduler
{
    private enum Decision { NodeLocal, RackLocal, OffSwitch, Wait, Skip }

    /// <summary>
    /// Allocates on one node (its heartbeat or a change of its capacity): as many containers as fit, in the order
    /// the class summary describes. A decommissioning or unknown node gets none.
    /// </summary>
    /// <returns>The containers allocated, in order; also queued for their attempts' next allocate responses.</returns>
    public IReadOnlyList<Allocation> NodeUpdate(NodeId id)
    {
        if (!_nodes.TryGetValue(id, out var node) || node.Decommissioning) return [];
        List<Allocation>? made = null;
        _updateStamp++;
        // Every normalised ask is at least the minimum allocation, so a node without that much room is done.
        while (_options.MinimumAllocation.FitsIn(node.Available) && !node.Available.AnyNegative)
        {
            var a = AssignFrom(_root, node);
            if (a is null) break;
            (made ??= []).Add(a);
        }
        return made ?? (IReadOnlyList<Allocation>)[];
    }

    /// <summary>Runs <see cref="NodeUpdate"/> for every node, in node-id order (deterministic).</summary>
    /// <returns>All containers allocated.</returns>
    public IReadOnlyList<Allocation> AllocateAll()
    {
        var all = new List<Allocation>();
        foreach (var id in _nodes.Keys.OrderBy(n => n.Host, StringComparer.Ordinal).ThenBy(n => n.Port).ToList()) all.AddRange(NodeUpdate(id));
        return all;
    }

    private Allocation? AssignFrom(CapacityQueue queue, SchedulerNode node)
    {
        if (queue.IsLeaf) return AssignFromLeaf(queue, node);
        var children = queue.Children;
        Span<bool> tried = stackalloc bool[children.Length];
        for (var round = 0; round < children.Length; round++)
        {
            // Least used-capacity ratio first, ties by path (ParentQueue's queue comparator).
            var best = -1;
            var bestRatio = 0.0;
            for (var i = 0; i < children.Length; i++)
            {
                if (tried[i]) continue;
                var r = children[i].UsedCapacityRatio(_total);
                if (best < 0 || r < bestRatio || (r == bestRatio && string.CompareOrdinal(children[i].Path, children[best].Path) < 0))
                {
                    best = i;
                    bestRatio = r;
                }
            }
            tried[best] = true;
            var a = AssignFrom(children[best], node);
            if (a is not null) return a;
        }
        return null;
    }

    private Allocation? AssignFromLeaf(CapacityQueue leaf, SchedulerNode node)
    {
        foreach (var app in leaf.Demanding)
        {
            foreach (var (key, asks) in app.Asks)
            {
                if (asks.Pending == 0 || !key.Capability.FitsIn(node.Available)) continue;
                if (!leaf.CanTake(key.Capability, _total)) continue;
                var decision = Decide(asks, node);
                if (decision == Decision.Skip) continue;
                if (decision == Decision.Wait) break;
                return Allocate(app, key, asks, node, (NodeLocality)decision);
            }
        }
        return null;
    }

    private Decision Decide(KeyAsks asks, SchedulerNode node)
    {
        if (asks.ByName.TryGetValue(node.Id.Host, out var host) && host.NumContainers > 0) return Decision.NodeLocal;
        var rackOk = asks.ByName.TryGetValue(node.Rack, out var rack) && rack.NumContainers > 0 && rack.RelaxLocality;
        var offOk = asks.ByName[ResourceRequest.Any].RelaxLocality;
        if (!rackOk && !offOk) return Decision.Skip;
        if (asks.LastCountedUpdate != _updateStamp)
        {
            asks.LastCountedUpdate = _updateStamp;
            asks.MissedOpportunities++;
        }
        var specific = asks.HasSpecific();
        var delay = Math.Min(_options.NodeLocalityDelay, _nodes.Count);
        if (rackOk && asks.MissedOpportunities > delay) return Decision.RackLocal;
        if (offOk && (!specific || asks.MissedOpportunities > delay + _options.RackLocalityAdditionalDelay)) return Decision.OffSwitch;
        return Decision.Wait;
    }

    private Allocation Allocate(SchedulerApp app, RequestKey key, KeyAsks asks, SchedulerNode node, NodeLocality locality)
    {
        var id = new ContainerId(app.AttemptId, _options.Epoch, app.NextSequence++);
        var container = new Container(id, node.Id, key.Capability, key.Priority);
        var isAm = !app.AmAllocated;
        app.AmAllocated = true;
        if (locality == NodeLocality.NodeLocal) asks.Decrement(node.Id.Host);
        if (locality != NodeLocality.OffSwitch)
        {
            asks.Decrement(node.Rack);
            // Off-switch placements keep the count, or every non-local container would restart the wait (LeafQueue).
            asks.MissedOpportunities = 0;
        }
        asks.Decrement(ResourceRequest.Any);
        if (asks.Pending == 0) app.Asks.Remove(key);

        app.PendingContainers--;
        app.PendingResource -= key.Capability;
        app.Queue.PendingContainers--;
        app.Queue.PendingResource -= key.Capability;
        var live = new LiveContainer(container, app, isAm);
        _live[id] = live;
        node.Containers[id] = live;
        node.Allocated += key.Capability;
        app.Live[id] = live;
        app.Used += key.Capability;
        app.NewlyAllocated.Add(container);
        app.Queue.Charge(key.Capability, 1);
        _allocated += key.Capability;
        if (app.PendingContainers == 0) app.Queue.Demanding.Remove(app);
        return new Allocation(container, isAm, locality);
    }
}

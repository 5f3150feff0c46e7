using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.ResourceManager.Scheduling;

/// <summary>
/// A queue in the tree (Hadoop's ParentQueue and LeafQueue in one type): absolute capacities, resources in use
/// (its own containers for a leaf, its descendants' for a parent) and, for a leaf, its applications.
/// </summary>
internal sealed class CapacityQueue
{
    private readonly SortedSet<SchedulerApp> _demanding = new(SchedulerApp.ServiceOrder);

    public CapacityQueue(QueueOptions options, CapacityQueue? parent)
    {
        Options = options;
        Parent = parent;
        Path = parent is null ? options.Name : $"{parent.Path}.{options.Name}";
        AbsoluteCapacity = (parent?.AbsoluteCapacity ?? 1.0) * options.CapacityPercent / 100;
        AbsoluteMaximumCapacity = (parent?.AbsoluteMaximumCapacity ?? 1.0) * options.MaximumCapacityPercent / 100;
        Children = options.IsLeaf ? [] : options.Children!.Select(c => new CapacityQueue(c, this)).ToArray();
    }

    public QueueOptions Options { get; }
    public CapacityQueue? Parent { get; }
    public string Name => Options.Name;
    public string Path { get; }
    public CapacityQueue[] Children { get; }
    public bool IsLeaf => Children.Length == 0;

    /// <summary>Guaranteed fraction of the cluster (product of the capacities down the path).</summary>
    public double AbsoluteCapacity { get; }

    /// <summary>Most of the cluster this queue may use (product of the maximum capacities down the path).</summary>
    public double AbsoluteMaximumCapacity { get; }

    /// <summary>Resources of the containers running in this queue (or its descendants).</summary>
    public Resource Used { get; private set; }

    /// <summary>Containers running in this queue (or its descendants).</summary>
    public int ContainersAllocated { get; private set; }

    /// <summary>Leaf only: every attempt in the queue, in submission order.</summary>
    public List<SchedulerApp> Apps { get; } = [];

    /// <summary>Leaf only: active attempts with pending asks, in service order (app priority, then submission).</summary>
    public SortedSet<SchedulerApp> Demanding => _demanding;

    /// <summary>Leaf only: attempts not yet let run by the AM limit, in submission order.</summary>
    public List<SchedulerApp> Inactive { get; } = [];

    /// <summary>Leaf only: containers still asked for by its attempts (the <c>*</c> asks' counts).</summary>
    public int PendingContainers { get; set; }

    /// <summary>Leaf only: resources still asked for by its attempts.</summary>
    public Resource PendingResource { get; set; }

    /// <summary>Leaf only: AM resources of the active attempts (counted against maximum-am-resource-percent).</summary>
    public Resource AmUsed { get; set; }

    /// <summary>Used capacity relative to this queue's guarantee under DominantResourceCalculator (1.0 = at capacity).</summary>
    public double UsedCapacityRatio(Resource cluster)
    {
        var share = Used.DominantShare(cluster);
        return AbsoluteCapacity > 0 ? share / AbsoluteCapacity : share > 0 ? double.PositiveInfinity : 0;
    }

    /// <summary>True when <paramref name="extra"/> more keeps this queue and all its ancestors within their maximum capacity.</summary>
    public bool CanTake(Resource extra, Resource cluster)
    {
        for (var q = this; q is not null; q = q.Parent)
        {
            // A small tolerance: the shares are quotients of integers and must not refuse an exact fit.
            if ((q.Used + extra).DominantShare(cluster) > q.AbsoluteMaximumCapacity + 1e-9) return false;
        }
        return true;
    }

    /// <summary>Adds (or with a negative count removes) a container's resources here and in every ancestor.</summary>
    public void Charge(Resource resource, int containers)
    {
        for (var q = this; q is not null; q = q.Parent)
        {
            q.Used += resource * containers;
            q.ContainersAllocated += containers;
        }
    }

    /// <summary>Leaf queues under this one, depth first.</summary>
    public IEnumerable<CapacityQueue> Leaves() => IsLeaf ? [this] : Children.SelectMany(c => c.Leaves());

    /// <summary>The AM limit: maximum-am-resource-percent of the queue's guaranteed share of <paramref name="cluster"/>.</summary>
    public Resource AmLimit(Resource cluster) => cluster.Scale(AbsoluteCapacity * Options.MaximumAmResourcePercent);

    /// <summary>Checks the tree's configuration, as the CapacityScheduler does when it loads it.</summary>
    /// <exception cref="ArgumentException">A capacity out of 0..100, maximum below capacity, siblings not adding up to 100, a bad AM percent, or a duplicate leaf name.</exception>
    public static void Validate(QueueOptions root)
    {
        if (root.Name != "root") throw new ArgumentException($"the top queue must be named root, not {root.Name}");
        if (root.IsLeaf) throw new ArgumentException("root must have at least one child queue");
        var leaves = new HashSet<string>(StringComparer.Ordinal);
        Check(root, leaves);
    }

    private static void Check(QueueOptions q, HashSet<string> leaves)
    {
        if (string.IsNullOrWhiteSpace(q.Name) || q.Name.Contains('.')) throw new ArgumentException($"invalid queue name '{q.Name}'");
        if (q.CapacityPercent is < 0 or > 100) throw new ArgumentException($"queue {q.Name}: capacity {q.CapacityPercent} is not 0 to 100");
        if (q.MaximumCapacityPercent < q.CapacityPercent || q.MaximumCapacityPercent > 100)
            throw new ArgumentException($"queue {q.Name}: maximum-capacity {q.MaximumCapacityPercent} is not between capacity {q.CapacityPercent} and 100");
        if (q.MaximumAmResourcePercent is < 0 or > 1) throw new ArgumentException($"queue {q.Name}: maximum-am-resource-percent {q.MaximumAmResourcePercent} is not 0 to 1");
        if (q.IsLeaf)
        {
            if (!leaves.Add(q.Name)) throw new ArgumentException($"leaf queue name {q.Name} is used twice");
            return;
        }
        var sum = q.Children!.Sum(c => c.CapacityPercent);
        if (Math.Abs(sum - 100) > 1e-6) throw new ArgumentException($"queue {q.Name}: children's capacities add up to {sum}, not 100");
        foreach (var c in q.Children!) Check(c, leaves);
    }
}

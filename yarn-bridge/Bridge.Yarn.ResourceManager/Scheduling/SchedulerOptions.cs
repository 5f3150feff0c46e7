using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.ResourceManager.Scheduling;

/// <summary>
/// One queue of the CapacityScheduler's tree (<c>yarn.scheduler.capacity.&lt;queue-path&gt;.*</c>). Percentages are
/// of the parent queue. Siblings' capacities must add up to 100, and maximum capacity must be at least capacity.
/// </summary>
/// <param name="Name">The queue's short name (unique among all leaf queues; submissions name leaf queues by it).</param>
/// <param name="CapacityPercent">Guaranteed share of the parent, 0 to 100 (<c>capacity</c>).</param>
/// <param name="MaximumCapacityPercent">Most of the parent it may use when others are idle, capacity to 100 (<c>maximum-capacity</c>, default 100).</param>
/// <param name="MaximumAmResourcePercent">Fraction (0 to 1) of the queue's guaranteed resources that ApplicationMasters may use; applications beyond it wait, except that one is always let run (<c>maximum-am-resource-percent</c>, default 0.1).</param>
/// <param name="Children">Child queues; none for a leaf queue.</param>
public sealed record QueueOptions(
    string Name,
    double CapacityPercent,
    double MaximumCapacityPercent = 100,
    double MaximumAmResourcePercent = 0.1,
    IReadOnlyList<QueueOptions>? Children = null)
{
    /// <summary>True when this queue has no children (applications are submitted to leaf queues).</summary>
    public bool IsLeaf => Children is null || Children.Count == 0;
}

/// <summary>Which scheduler the ResourceManager runs (<c>yarn.resourcemanager.scheduler.class</c>).</summary>
public enum SchedulerPolicy
{
    /// <summary>CapacityScheduler semantics over the configured queue tree.</summary>
    Capacity,
    /// <summary>FifoScheduler semantics: one <c>default</c> queue, no AM limit, no locality delay.</summary>
    Fifo,
}

/// <summary>The scheduler's configuration. Build with <see cref="Capacity"/> or <see cref="Fifo"/>.</summary>
public sealed record SchedulerOptions
{
    /// <summary>Which policy; set by the factory methods.</summary>
    public SchedulerPolicy Policy { get; init; } = SchedulerPolicy.Capacity;

    /// <summary>The queue tree; its root is always named <c>root</c> with capacity 100.</summary>
    public QueueOptions Root { get; init; } = new("root", 100, Children: [new QueueOptions("default", 100)]);

    /// <summary>Smallest container, and the step requests are rounded up to (<c>yarn.scheduler.minimum-allocation-mb/-vcores</c>, default 1024 MB, 1 vcore).</summary>
    public Resource MinimumAllocation { get; init; } = new(1024, 1);

    /// <summary>Largest container; larger asks are refused (<c>yarn.scheduler.maximum-allocation-mb/-vcores</c>, default 8192 MB, 4 vcores).</summary>
    public Resource MaximumAllocation { get; init; } = new(8192, 4);

    /// <summary>
    /// Node updates an ask with host or rack names waits for a node-local placement before taking a rack-local one
    /// (<c>yarn.scheduler.capacity.node-locality-delay</c>, default 40; capped at the number of nodes, as Hadoop does).
    /// </summary>
    public int NodeLocalityDelay { get; init; } = 40;

    /// <summary>Further node updates before an ask with host or rack names goes off-switch (<c>rack-locality-additional-delay</c>, default 0).</summary>
    public int RackLocalityAdditionalDelay { get; init; }

    /// <summary>The ResourceManager's epoch, written into container ids (default 0: the plain form).</summary>
    public int Epoch { get; init; }

    /// <summary>CapacityScheduler over <paramref name="queues"/> (root's children).</summary>
    public static SchedulerOptions Capacity(params QueueOptions[] queues) =>
        new() { Policy = SchedulerPolicy.Capacity, Root = new QueueOptions("root", 100, Children: queues) };

    /// <summary>FifoScheduler: one queue, <c>default</c>, 100%, no AM limit, node-locality-delay 0.</summary>
    public static SchedulerOptions Fifo() => new()
    {
        Policy = SchedulerPolicy.Fifo,
        Root = new QueueOptions("root", 100, Children: [new QueueOptions("default", 100, MaximumAmResourcePercent: 1.0)]),
        NodeLocalityDelay = 0,
    };
}

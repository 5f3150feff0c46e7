using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.ResourceManager.Scheduling;

/// <summary>Where a container landed relative to its ask (Hadoop's <c>NodeType</c>).</summary>
public enum NodeLocality
{
    /// <summary>On a host the ask named.</summary>
    NodeLocal,
    /// <summary>On a rack the ask named.</summary>
    RackLocal,
    /// <summary>Anywhere (<c>*</c>).</summary>
    OffSwitch,
}

/// <summary>A container the scheduler just allocated.</summary>
/// <param name="Container">The container (attempt, node, size, priority, id).</param>
/// <param name="IsAmContainer">True for an attempt's first container, the one its ApplicationMaster runs in.</param>
/// <param name="Locality">How local the placement was.</param>
public sealed record Allocation(Container Container, bool IsAmContainer, NodeLocality Locality);

/// <summary>A container the scheduler has stopped accounting for, and why.</summary>
/// <param name="Container">The container.</param>
/// <param name="IsAmContainer">True when it was its attempt's ApplicationMaster container.</param>
/// <param name="Status">Its final status (state Complete, exit status, diagnostics), as reported to its AM.</param>
public sealed record CompletedContainer(Container Container, bool IsAmContainer, ContainerStatus Status);

/// <summary>One queue's figures for <c>/ws/v1/cluster/scheduler</c>. Percentages are 0 to 100; capacities follow DominantResourceCalculator.</summary>
/// <param name="Name">Short name.</param>
/// <param name="Path">Full path (<c>root.a.b</c>).</param>
/// <param name="CapacityPercent">Configured capacity, % of parent.</param>
/// <param name="MaximumCapacityPercent">Configured maximum capacity, % of parent.</param>
/// <param name="AbsoluteCapacityPercent">Guaranteed % of the cluster.</param>
/// <param name="AbsoluteMaximumCapacityPercent">Maximum % of the cluster.</param>
/// <param name="UsedCapacityPercent">Used, % of its own guarantee (may exceed 100 when borrowing idle capacity).</param>
/// <param name="AbsoluteUsedCapacityPercent">Used, % of the cluster.</param>
/// <param name="Used">Resources of its running containers (MB, vcores).</param>
/// <param name="ContainersAllocated">Its running containers.</param>
/// <param name="ContainersPending">Containers its attempts still ask for.</param>
/// <param name="Pending">Resources its attempts still ask for.</param>
/// <param name="AppsPending">Attempts whose AM container is not yet allocated.</param>
/// <param name="AppsRunning">Attempts whose AM container is allocated.</param>
/// <param name="AmUsed">Leaf: AM resources of the attempts let run.</param>
/// <param name="AmLimit">Leaf: the AM limit (maximum-am-resource-percent of its guarantee).</param>
/// <param name="Children">Child queues (empty for a leaf).</param>
public sealed record QueueReport(
    string Name, string Path, double CapacityPercent, double MaximumCapacityPercent,
    double AbsoluteCapacityPercent, double AbsoluteMaximumCapacityPercent,
    double UsedCapacityPercent, double AbsoluteUsedCapacityPercent,
    Resource Used, int ContainersAllocated, int ContainersPending, Resource Pending,
    int AppsPending, int AppsRunning, Resource AmUsed, Resource AmLimit,
    IReadOnlyList<QueueReport> Children)
{
    /// <summary>True for a leaf queue.</summary>
    public bool IsLeaf => Children.Count == 0;
}

/// <summary>Cluster-wide scheduler figures (for <c>/ws/v1/cluster/metrics</c>).</summary>
/// <param name="Total">Sum of the NodeManagers' capacities (MB, vcores).</param>
/// <param name="Allocated">Resources of running containers.</param>
/// <param name="Available">Total minus allocated, at least 0.</param>
/// <param name="Pending">Resources still asked for.</param>
/// <param name="ContainersAllocated">Running containers.</param>
/// <param name="ContainersPending">Containers still asked for.</param>
/// <param name="AppsPending">Attempts whose AM container is not yet allocated.</param>
/// <param name="AppsRunning">Attempts whose AM container is allocated.</param>
/// <param name="Nodes">NodeManagers known to the scheduler.</param>
public sealed record SchedulerMetrics(
    Resource Total, Resource Allocated, Resource Available, Resource Pending,
    int ContainersAllocated, int ContainersPending, int AppsPending, int AppsRunning, int Nodes);

using Bridge.Yarn.ResourceManager;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;

namespace Bridge.Yarn.Cluster;

/// <summary>
/// <see cref="IYarnCluster"/> over the embedded <see cref="ResourceManagerCore"/>, in the same process and on the same
/// writer. <see cref="SetCapacity"/> also switches the node to capacity-follows-containers
/// (<see cref="ResourceManagerCore.SetCapacityFollowsContainers"/>), so a container that completes on a heartbeat frees
/// no room for another until a new offer arrives, exactly as fine-grained scaling needs.
/// </summary>
/// <param name="rm">The ResourceManager.</param>
/// <param name="onAllocated">Called with every allocation a capacity change made (AM containers included), for the
/// part of the ResourceManager that launches ApplicationMasters; null when nothing needs them.</param>
public sealed class EmbeddedYarnCluster(ResourceManagerCore rm, Action<IReadOnlyList<Allocation>>? onAllocated = null) : IYarnCluster
{
    /// <inheritdoc />
    public YarnNode? Node(NodeId id) => rm.Node(id) is { } n
        ? new YarnNode(n.Id, n.State, n.Capability, rm.Containers(id).Select(c => new YarnContainer(c.Container.Id, c.Container.Resource, c.IsAm)).ToList())
        : null;

    /// <inheritdoc />
    public IReadOnlyList<YarnContainer> SetCapacity(NodeId id, Resource capacity, DateTimeOffset now)
    {
        if (!rm.SetCapacityFollowsContainers(id, true).IsOk) return [];
        var (status, allocated) = rm.UpdateNodeCapacity(id, capacity, now);
        if (!status.IsOk) return [];
        if (allocated.Count > 0) onAllocated?.Invoke(allocated);
        return allocated.Select(a => new YarnContainer(a.Container.Id, a.Container.Resource, a.IsAmContainer)).ToList();
    }

    /// <inheritdoc />
    public bool Decommission(NodeId id, TimeSpan timeout, DateTimeOffset now) => rm.DecommissionNode(id, now, timeout).IsOk;

    /// <inheritdoc />
    public YarnDemand Demand()
    {
        var m = rm.Metrics();
        return new YarnDemand(m.ContainersPending, m.Pending, m.AppsPending);
    }
}

using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Cluster;

/// <summary>A live container on a NodeManager, as the YARN side reports it.</summary>
/// <param name="Id">The container.</param>
/// <param name="Resource">Its size (MB, vcores).</param>
/// <param name="IsAm">True when an ApplicationMaster runs in it.</param>
public readonly record struct YarnContainer(ContainerId Id, Resource Resource, bool IsAm);

/// <summary>A NodeManager as the YARN side knows it.</summary>
/// <param name="Id">Its id, <c>host:rpcPort</c>.</param>
/// <param name="State">RUNNING, DECOMMISSIONING, DECOMMISSIONED or LOST.</param>
/// <param name="Capability">Its capacity now (MB, vcores).</param>
/// <param name="Containers">Its live containers (empty unless RUNNING or DECOMMISSIONING).</param>
public sealed record YarnNode(NodeId Id, RmNodeState State, Resource Capability, IReadOnlyList<YarnContainer> Containers)
{
    /// <summary>True while it may run containers (RUNNING or DECOMMISSIONING).</summary>
    public bool IsActive => State is RmNodeState.Running or RmNodeState.Decommissioning;

    /// <summary>The sum of its live containers' resources.</summary>
    public Resource Used => Containers.Aggregate(Resource.None, (s, c) => s + c.Resource);
}

/// <summary>What YARN's applications are waiting for (the <c>pending*</c> and <c>appsPending</c> figures of
/// <c>/ws/v1/cluster/metrics</c>).</summary>
/// <param name="ContainersPending">Containers asked for and not allocated.</param>
/// <param name="Pending">Their resources (pendingMB, pendingVirtualCores).</param>
/// <param name="AppsPending">Applications whose ApplicationMaster container is not allocated yet.</param>
public readonly record struct YarnDemand(int ContainersPending, Resource Pending, int AppsPending)
{
    /// <summary>True when anything waits.</summary>
    public bool Any => ContainersPending > 0 || AppsPending > 0;
}

/// <summary>
/// The YARN side of the bridge: what the decision core asks of a ResourceManager. The embedded ResourceManager
/// implements it in-process (<see cref="EmbeddedYarnCluster"/>; <c>Bridge.Yarn.Hosting.ResourceManagerYarnCluster</c> over
/// the ResourceManager server's loop); an adapter to a real Hadoop ResourceManager's REST API is the other implementation. Container completions (exit, release, preemption, kill) are not pushed: the core sees a
/// container's end when it is no longer among its node's <see cref="YarnNode.Containers"/>. Calls are made from the
/// core's one writer; an implementation over a shared ResourceManager must run them on that ResourceManager's loop.
/// </summary>
public interface IYarnCluster
{
    /// <summary>The NodeManager <paramref name="id"/>, or null when it never registered (or the ResourceManager forgot it).</summary>
    YarnNode? Node(NodeId id);

    /// <summary>
    /// Fine-grained scaling: sets the NodeManager's capacity now and lets the ResourceManager allocate against it at
    /// once (not on the next heartbeat). From this call on, a container completing there takes its resource out of the
    /// capacity (so freed room is never reused without a new offer) where the ResourceManager can do that.
    /// </summary>
    /// <returns>The containers allocated on the node right then (empty when the node is not RUNNING).</returns>
    IReadOnlyList<YarnContainer> SetCapacity(NodeId id, Resource capacity, DateTimeOffset now);

    /// <summary>Starts a graceful decommission: no new containers; the ResourceManager sets the node DECOMMISSIONED when
    /// its containers have ended or <paramref name="timeout"/> passes.</summary>
    /// <returns>False when the node is not RUNNING or DECOMMISSIONING.</returns>
    bool Decommission(NodeId id, TimeSpan timeout, DateTimeOffset now);

    /// <summary>What applications wait for now.</summary>
    YarnDemand Demand();
}

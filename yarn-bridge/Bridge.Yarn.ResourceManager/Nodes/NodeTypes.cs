using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;

namespace Bridge.Yarn.ResourceManager.Nodes;

/// <summary>A NodeManager's state (Hadoop's <c>NodeState</c>; NEW, UNHEALTHY, REBOOTED and SHUTDOWN are not modelled).</summary>
public enum RmNodeState
{
    /// <summary>Registered and heartbeating.</summary>
    Running,
    /// <summary>Gracefully decommissioning: no new containers; decommissioned when its containers end or the timeout passes.</summary>
    Decommissioning,
    /// <summary>Decommissioned; told to shut down.</summary>
    Decommissioned,
    /// <summary>Missed heartbeats for nm.liveness-monitor.expiry-interval-ms; its containers were completed as ABORTED.</summary>
    Lost,
}

/// <summary>What a NodeManager must do after a heartbeat (Hadoop's <c>NodeAction</c>).</summary>
public enum NodeAction
{
    /// <summary>Carry on.</summary>
    Normal,
    /// <summary>Register again (the RM does not know it, or it was lost).</summary>
    Resync,
    /// <summary>Stop (decommissioned).</summary>
    Shutdown,
}

/// <summary>A NodeManager's registration (Hadoop's <c>RegisterNodeManagerRequest</c>).</summary>
/// <param name="NodeId">Its id, <c>host:port</c>.</param>
/// <param name="Capability">What it offers (MB, vcores); zero is allowed (fine-grained scaling raises it later).</param>
/// <param name="HttpAddress">Its web address, <c>host:port</c>.</param>
/// <param name="Rack">Its rack (default: the ResourceManager's default rack, <c>/default-rack</c>).</param>
/// <param name="RunningContainers">Containers it still runs, on re-registration (others the RM knew there are completed as ABORTED).</param>
public sealed record NodeRegistration(NodeId NodeId, Resource Capability, string HttpAddress = "", string? Rack = null, IReadOnlyList<ContainerId>? RunningContainers = null);

/// <summary>A NodeManager's heartbeat (Hadoop's <c>NodeHeartbeatRequest</c>, the container statuses part).</summary>
/// <param name="NodeId">Its id.</param>
/// <param name="ContainerStatuses">Statuses of its containers: Running, or Complete with an exit status.</param>
public sealed record NodeHeartbeat(NodeId NodeId, IReadOnlyList<ContainerStatus> ContainerStatuses);

/// <summary>The answer to a heartbeat (Hadoop's <c>NodeHeartbeatResponse</c>, plus what the scheduler allocated on the node).</summary>
/// <param name="Status">Ok, or <see cref="RmStatusCode.UnknownNode"/> with action Resync.</param>
/// <param name="Action">What the NodeManager must do.</param>
/// <param name="ContainersToCleanup">Containers it must kill (released, of finished or failed attempts).</param>
/// <param name="Allocated">Containers the scheduler placed on it during this heartbeat (AM containers flagged).</param>
public sealed record NodeHeartbeatResponse(RmStatus Status, NodeAction Action, IReadOnlyList<ContainerId> ContainersToCleanup, IReadOnlyList<Allocation> Allocated);

/// <summary>A NodeManager's state in the ResourceManager (Hadoop's RMNodeImpl).</summary>
internal sealed class RmNode(NodeId id, string rack, string httpAddress, Resource capability, DateTimeOffset now)
{
    public NodeId Id { get; } = id;
    public string Rack { get; } = rack;
    public string HttpAddress { get; } = httpAddress;
    public Resource Capability { get; set; } = capability;
    public RmNodeState State { get; set; } = RmNodeState.Running;
    public DateTimeOffset LastHeartbeat { get; set; } = now;
    public DateTimeOffset? DecommissionDeadline { get; set; }
    public List<ContainerId> ContainersToCleanup { get; } = [];

    /// <summary>True while it may run containers (Running or Decommissioning).</summary>
    public bool IsActive => State is RmNodeState.Running or RmNodeState.Decommissioning;
}

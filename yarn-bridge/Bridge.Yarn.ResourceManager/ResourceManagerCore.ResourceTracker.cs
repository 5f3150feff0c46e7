using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;

namespace Bridge.Yarn.ResourceManager;

/// <summary>What <see cref="ResourceManagerCore.Tick"/> found expired.</summary>
/// <param name="LostNodes">NodeManagers that missed the liveness expiry and are now LOST.</param>
/// <param name="DecommissionedNodes">Decommissioning NodeManagers whose timeout passed, now DECOMMISSIONED.</param>
/// <param name="ExpiredAttempts">Attempts whose AM missed the AM liveness expiry, now FAILED.</param>
public sealed record TickResult(IReadOnlyList<NodeId> LostNodes, IReadOnlyList<NodeId> DecommissionedNodes, IReadOnlyList<ApplicationAttemptId> ExpiredAttempts);

public sealed partial class ResourceManagerCore
{
    /// <summary>
    /// A NodeManager registers (Hadoop's <c>registerNodeManager</c>) with its capacity (zero allowed: fine-grained
    /// scaling). A node already RUNNING or DECOMMISSIONING re-registers: containers the RM had there and the node no
    /// longer lists complete as ABORTED; a LOST or DECOMMISSIONED node comes back as new.
    /// </summary>
    /// <returns><see cref="RmStatusCode.InvalidRequest"/> for a negative capability.</returns>
    public RmStatus RegisterNode(NodeRegistration registration, DateTimeOffset now)
    {
        if (registration.Capability.AnyNegative)
            return RmStatus.Fail(RmStatusCode.InvalidRequest, $"capability={registration.Capability} is negative");
        var id = registration.NodeId;
        if (_nodes.TryGetValue(id, out var known) && known.IsActive)
        {
            var still = registration.RunningContainers?.ToHashSet() ?? [];
            foreach (var c in _scheduler.ContainersOn(id).Where(c => !still.Contains(c)).ToList())
                OnCompleted(_scheduler.CompleteContainer(c, ContainerExitStatus.Aborted, "Container lost on NodeManager re-registration")!, now);
            known.Capability = registration.Capability;
            known.LastHeartbeat = now;
            _scheduler.UpdateNodeCapacity(id, registration.Capability);
            return RmStatus.Ok;
        }
        _nodes[id] = new RmNode(id, registration.Rack ?? _options.DefaultRack, registration.HttpAddress, registration.Capability, now);
        _scheduler.AddNode(id, registration.Capability, registration.Rack ?? _options.DefaultRack);
        return RmStatus.Ok;
    }

    /// <summary>
    /// A NodeManager's heartbeat (Hadoop's <c>nodeHeartbeat</c>): completed containers are accounted for (an AM's
    /// container ending fails its attempt unless it unregistered), a running AM container marks its attempt
    /// LAUNCHED, then the scheduler allocates on the node. A DECOMMISSIONING node with no containers left becomes
    /// DECOMMISSIONED and is told to shut down.
    /// </summary>
    /// <returns>The response; for an unknown or LOST node, <see cref="RmStatusCode.UnknownNode"/> with action RESYNC;
    /// for a DECOMMISSIONED node, action SHUTDOWN.</returns>
    public NodeHeartbeatResponse NodeHeartbeat(NodeHeartbeat heartbeat, DateTimeOffset now)
    {
        if (!_nodes.TryGetValue(heartbeat.NodeId, out var node) || node.State == RmNodeState.Lost)
            return new NodeHeartbeatResponse(RmStatus.Fail(RmStatusCode.UnknownNode, $"Node not found resyncing {heartbeat.NodeId}"), NodeAction.Resync, [], []);
        if (node.State == RmNodeState.Decommissioned)
            return new NodeHeartbeatResponse(RmStatus.Ok, NodeAction.Shutdown, [], []);
        node.LastHeartbeat = now;
        foreach (var s in heartbeat.ContainerStatuses)
        {
            if (s.State == ContainerState.Complete)
            {
                if (_scheduler.CompleteContainer(s.ContainerId, s.ExitStatus, s.Diagnostics) is { } done) OnCompleted(done, now);
            }
            else if (s.State == ContainerState.Running) MarkLaunched(s.ContainerId, now);
        }
        var cleanup = node.ContainersToCleanup.ToArray();
        node.ContainersToCleanup.Clear();
        if (node.State == RmNodeState.Decommissioning && _scheduler.ContainersOn(node.Id).Count == 0)
        {
            Decommissioned(node, now);
            return new NodeHeartbeatResponse(RmStatus.Ok, NodeAction.Shutdown, cleanup, []);
        }
        return new NodeHeartbeatResponse(RmStatus.Ok, NodeAction.Normal, cleanup, Allocated(_scheduler.NodeUpdate(node.Id)));
    }

    /// <summary>
    /// Sets a NodeManager's capacity now (fine-grained scaling: a kernel offer arrived or a placeholder finished) and
    /// allocates against it at once, without waiting for the node's next heartbeat.
    /// </summary>
    /// <returns>The containers allocated on the node, or <see cref="RmStatusCode.UnknownNode"/> / InvalidRequest for a negative capability.</returns>
    public (RmStatus Status, IReadOnlyList<Allocation> Allocated) UpdateNodeCapacity(NodeId id, Resource capability, DateTimeOffset now)
    {
        if (!_nodes.TryGetValue(id, out var node) || !node.IsActive) return (RmStatus.Fail(RmStatusCode.UnknownNode, $"node {id} is not registered"), []);
        if (capability.AnyNegative) return (RmStatus.Fail(RmStatusCode.InvalidRequest, $"capability={capability} is negative"), []);
        node.Capability = capability;
        _scheduler.UpdateNodeCapacity(id, capability);
        return (RmStatus.Ok, Allocated(_scheduler.NodeUpdate(id)));
    }

    /// <summary>
    /// Fine-grained scaling: while <paramref name="follows"/> is true, a container completing on the node (reported by
    /// its NodeManager, released, killed, preempted) takes its resource out of the node's capacity before anything
    /// else can be allocated there, so the node only runs what <see cref="UpdateNodeCapacity"/> explicitly made room
    /// for. Off by default; nothing else changes.
    /// </summary>
    /// <returns><see cref="RmStatusCode.UnknownNode"/> when the node is not RUNNING or DECOMMISSIONING.</returns>
    public RmStatus SetCapacityFollowsContainers(NodeId id, bool follows)
    {
        if (!_nodes.TryGetValue(id, out var node) || !node.IsActive) return RmStatus.Fail(RmStatusCode.UnknownNode, $"node {id} is not registered");
        _scheduler.SetCapacityFollowsContainers(id, follows);
        return RmStatus.Ok;
    }

    /// <summary>
    /// Starts a graceful decommission: the node gets no new containers and becomes DECOMMISSIONED when its containers
    /// have ended (seen at its next heartbeat) or when <paramref name="timeout"/> (default: DecommissioningTimeout) passes.
    /// </summary>
    /// <returns><see cref="RmStatusCode.UnknownNode"/> when the node is not RUNNING or DECOMMISSIONING.</returns>
    public RmStatus DecommissionNode(NodeId id, DateTimeOffset now, TimeSpan? timeout = null)
    {
        if (!_nodes.TryGetValue(id, out var node) || !node.IsActive) return RmStatus.Fail(RmStatusCode.UnknownNode, $"node {id} is not registered");
        node.State = RmNodeState.Decommissioning;
        node.DecommissionDeadline = now + (timeout ?? _options.DecommissioningTimeout);
        _scheduler.SetDecommissioning(id, true);
        return RmStatus.Ok;
    }

    /// <summary>
    /// Runs the liveness monitors and timeouts at <paramref name="now"/>: NodeManagers silent for NodeManagerExpiry
    /// become LOST (their containers complete as ABORTED, "Container released on a *lost* node"); decommissioning
    /// nodes past their deadline become DECOMMISSIONED (containers ABORTED); AMs silent for AmExpiry fail their attempts.
    /// </summary>
    public TickResult Tick(DateTimeOffset now)
    {
        var lost = new List<NodeId>();
        var decommissioned = new List<NodeId>();
        foreach (var node in _nodes.Values.Where(n => n.IsActive).ToList())
        {
            if (now - node.LastHeartbeat > _options.NodeManagerExpiry)
            {
                node.State = RmNodeState.Lost;
                RemoveFromScheduler(node, "Container released on a *lost* node", now);
                lost.Add(node.Id);
            }
            else if (node.State == RmNodeState.Decommissioning && now >= node.DecommissionDeadline)
            {
                Decommissioned(node, now);
                decommissioned.Add(node.Id);
            }
        }
        var expired = new List<ApplicationAttemptId>();
        foreach (var app in _apps.Values.Where(a => !a.IsFinal).ToList())
        {
            if (app.Current is { State: RmAppAttemptState.Launched or RmAppAttemptState.Running } attempt && now - attempt.LastActivity > _options.AmExpiry)
            {
                expired.Add(attempt.Id);
                FailAttempt(app, attempt, $"ApplicationMaster for attempt {attempt.Id} timed out", counts: true, now);
            }
        }
        return new TickResult(lost, decommissioned, expired);
    }

    private void Decommissioned(RmNode node, DateTimeOffset now)
    {
        node.State = RmNodeState.Decommissioned;
        RemoveFromScheduler(node, "Container released on a decommissioned node", now);
    }

    private void RemoveFromScheduler(RmNode node, string diagnostics, DateTimeOffset now)
    {
        node.ContainersToCleanup.Clear();
        foreach (var done in _scheduler.RemoveNode(node.Id, ContainerExitStatus.Aborted, diagnostics)) OnCompleted(done, now);
    }

    private void MarkLaunched(ContainerId id, DateTimeOffset now)
    {
        if (_scheduler.FindContainer(id) is not { IsAm: true }) return;
        if (_apps.TryGetValue(id.ApplicationAttemptId.ApplicationId, out var app)
            && app.Current is { State: RmAppAttemptState.Allocated } attempt && attempt.Id == id.ApplicationAttemptId)
        {
            attempt.State = RmAppAttemptState.Launched;
            attempt.LastActivity = now; // the AM liveness monitor starts at launch
        }
    }
}

using Bridge.Yarn.Cluster;
using Bridge.Yarn.Constraints;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.Profiles;
using Bridge.Yarn.ResourceManager.Nodes;

namespace Bridge.Yarn.Scheduling;

/// <summary>The outcome of a flexdown: how many NodeManagers of each state it took.</summary>
/// <param name="Pending">Pending ones, forgotten.</param>
/// <param name="Staging">Staging ones, killed at once (nothing runs on them yet).</param>
/// <param name="Active">Active ones, decommissioning gracefully.</param>
public readonly record struct FlexDownResult(int Pending, int Staging, int Active)
{
    /// <summary>All of them.</summary>
    public int Total => Pending + Staging + Active;
}

public sealed partial class YarnBridgeScheduler
{
    /// <summary>
    /// Flexes up <paramref name="instances"/> NodeManagers of <paramref name="profile"/> (Myriad's <c>flexUpCluster</c>):
    /// each becomes a pending task <c>nm.{profile}.{uuid}</c> waiting for an offer that fits.
    /// </summary>
    /// <returns>The new task ids.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="instances"/> is below 1 (the REST layer refuses that first).</exception>
    public IReadOnlyList<string> FlexUp(NodeManagerProfile profile, int instances, LikeConstraint? constraint, DateTimeOffset now, Decisions decisions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(instances, 1);
        var ids = AddPending(profile, instances, constraint, now, decisions, "flexup");
        UpdateOfferInterest(decisions);
        return ids;
    }

    /// <summary>
    /// Flexes down up to <paramref name="instances"/> NodeManagers of <paramref name="profile"/> that meet
    /// <paramref name="constraint"/> (Myriad's <c>flexDownCluster</c>): pending ones first (forgotten), then staging
    /// ones (killed), then active ones, those with the fewest ApplicationMasters and then the fewest containers first
    /// (Myriad's <c>LeastAMNodesFirstPolicy</c>). An active one is decommissioned gracefully: YARN places nothing new on
    /// it, and its task is killed when its containers are gone or <see cref="YarnBridgeOptions.DecommissionTimeout"/>
    /// passes. A NodeManager meets the constraint when it was flexed up with the same one, or (once launched) its host
    /// or agent attributes match it.
    /// </summary>
    public FlexDownResult FlexDown(NodeManagerProfile profile, int instances, LikeConstraint? constraint, DateTimeOffset now, Decisions decisions)
    {
        var candidates = _nodeManagers.Values
            .Where(t => t.Profile.Name == profile.Name && t.State != NodeManagerTaskState.Killable && Meets(t, constraint)).ToList();
        var pending = candidates.Where(t => t.State == NodeManagerTaskState.Pending).OrderByDescending(t => t.Since).ThenBy(t => t.TaskId, StringComparer.Ordinal).Take(instances).ToList();
        var staging = candidates.Where(t => t.State == NodeManagerTaskState.Staging).OrderByDescending(t => t.Since).ThenBy(t => t.TaskId, StringComparer.Ordinal)
            .Take(instances - pending.Count).ToList();
        var active = candidates.Where(t => t.State == NodeManagerTaskState.Active).Select(t => (Task: t, Node: t.NodeId is { } id ? _yarn.Node(id) : null))
            .OrderBy(x => x.Node?.Containers.Count(c => c.IsAm) ?? 0).ThenBy(x => x.Node?.Containers.Count ?? 0).ThenBy(x => x.Task.TaskId, StringComparer.Ordinal)
            .Take(instances - pending.Count - staging.Count).Select(x => x.Task).ToList();
        foreach (var t in pending) _nodeManagers.Remove(t.TaskId);
        foreach (var t in staging) Stop(t, now, decisions, "flexed down while staging");
        foreach (var t in active) StartDecommission(t, now, decisions);
        var result = new FlexDownResult(pending.Count, staging.Count, active.Count);
        if (result.Total > 0) decisions.Changed = true;
        decisions.Event("flexdown", now, $"flexdown of {instances} '{profile.Name}' NodeManager(s){(constraint is null ? "" : $" with '{constraint}'")}: " +
            $"{result.Pending} pending, {result.Staging} staging, {result.Active} active", profile.Name);
        SyncYarn(now, decisions);
        UpdateOfferInterest(decisions);
        return result;
    }

    /// <summary>The number of NodeManagers of <paramref name="profile"/> flexed up and not flexed down (pending, staging, active).</summary>
    public int FlexedUp(NodeManagerProfile profile) =>
        _nodeManagers.Values.Count(t => t.Profile.Name == profile.Name && t.State != NodeManagerTaskState.Killable);

    /// <summary>
    /// Looks at YARN for every launched NodeManager: a placeholder whose container is gone (completed, released,
    /// preempted, killed, lost) is killed; a fine-grained NodeManager's capacity is brought back to what its containers
    /// use; a decommissioning one is stopped once its containers are gone, it left YARN, or its deadline passed. The shell
    /// calls this after anything that may end containers (NodeManager heartbeats, ApplicationMaster releases, kills),
    /// and <see cref="Tick"/> does too.
    /// </summary>
    public void SyncYarn(DateTimeOffset now, Decisions decisions)
    {
        foreach (var nm in _nodeManagers.Values.Where(t => t.NodeId is not null && t.State != NodeManagerTaskState.Pending).ToList())
        {
            var node = _yarn.Node(nm.NodeId!.Value);
            EndGonePlaceholders(nm, node, now, decisions);
            if (nm.IsFineGrained && node is { State: RmNodeState.Running } && node.Capability != node.Used) _yarn.SetCapacity(node.Id, node.Used, now);
            if (nm.State == NodeManagerTaskState.Killable && !nm.KillSent && nm.DecommissionDeadline is { } deadline
                && (node is not { IsActive: true } || node.Containers.Count == 0 || now >= deadline))
            {
                if (node is { IsActive: true }) _yarn.Decommission(node.Id, TimeSpan.Zero, now);
                Stop(nm, now, decisions, node is { IsActive: true, Containers.Count: > 0 } ? "decommission timeout passed" : "decommissioned");
            }
            // A kill the master did not take (a failed call is logged, not retried) or that got lost: again, once its grace
            // period and KillRetryAfter have passed without the task's end.
            if (nm.KillSent && nm.KillSentAt is { } sent && now - sent >= _options.KillGracePeriod + KillRetryAfter)
            {
                nm.KillSentAt = now;
                decisions.Kills.Add(new Kill(nm.TaskId, nm.AgentId, _options.KillGracePeriod));
            }
            if (nm.State == NodeManagerTaskState.Active) nm.IdleSince = node is { Containers.Count: > 0 } ? null : nm.IdleSince ?? now;
        }
        UpdateOfferInterest(decisions);
    }

    /// <summary>How long past a kill's grace period the core waits for the task's end before killing it again (10 s).</summary>
    public static readonly TimeSpan KillRetryAfter = TimeSpan.FromSeconds(10);

    private void EndGonePlaceholders(NodeManagerTask nm, YarnNode? node, DateTimeOffset now, Decisions decisions)
    {
        foreach (var p in _placeholders.Values.Where(p => p.NodeManagerTaskId == nm.TaskId && p.State == PlaceholderState.Killing && now - p.Since >= KillRetryAfter))
        {
            p.Since = now;
            decisions.Kills.Add(new Kill(p.TaskId, p.AgentId, null));
        }
        var live = node is { IsActive: true } ? node.Containers.Select(c => c.Id).ToHashSet() : [];
        foreach (var (c, _) in _endedPlaceholders.Where(e => e.Value == nm.TaskId && !live.Contains(e.Key)).ToList()) _endedPlaceholders.Remove(c);
        foreach (var p in _placeholders.Values.Where(p => p.NodeManagerTaskId == nm.TaskId && p.State != PlaceholderState.Killing && !live.Contains(p.ContainerId)))
        {
            p.State = PlaceholderState.Killing;
            p.Since = now;
            decisions.Kills.Add(new Kill(p.TaskId, p.AgentId, null));
            decisions.Changed = true;
        }
    }

    private void StartDecommission(NodeManagerTask nm, DateTimeOffset now, Decisions decisions)
    {
        nm.Enter(NodeManagerTaskState.Killable, now);
        nm.DecommissionDeadline = now + _options.DecommissionTimeout;
        if (nm.NodeId is { } node) _yarn.Decommission(node, _options.DecommissionTimeout, now);
        decisions.Event("nodemanager_decommissioning", now,
            $"NodeManager {nm.TaskId} on {nm.Hostname} decommissioning: stopped when its containers are done, by {nm.DecommissionDeadline:O} at the latest", nm.TaskId);
    }

    private void Stop(NodeManagerTask nm, DateTimeOffset now, Decisions decisions, string why)
    {
        nm.Enter(NodeManagerTaskState.Killable, now);
        nm.KillSent = true;
        nm.KillSentAt = now;
        decisions.Kills.Add(new Kill(nm.TaskId, nm.AgentId, _options.KillGracePeriod));
        decisions.Changed = true;
        decisions.Event("nodemanager_stopping", now, $"NodeManager {nm.TaskId} on {nm.Hostname ?? "no host"} killed: {why}", nm.TaskId);
    }

    private static bool Meets(NodeManagerTask task, LikeConstraint? constraint)
    {
        if (constraint is null || constraint.Equals(task.Constraint)) return true;
        return task.Hostname is { } host && constraint.Matches(host, task.Attributes);
    }

    private List<string> AddPending(NodeManagerProfile profile, int instances, LikeConstraint? constraint, DateTimeOffset now, Decisions decisions, string why)
    {
        var ids = new List<string>(instances);
        for (var i = 0; i < instances; i++)
        {
            var task = new NodeManagerTask(NodeManagerTask.NewTaskId(profile, _options.NewId()), profile, constraint, now);
            _nodeManagers[task.TaskId] = task;
            ids.Add(task.TaskId);
        }
        decisions.Changed = true;
        decisions.Event("flexup", now, $"{why}: {instances} '{profile.Name}' NodeManager(s){(constraint is null ? "" : $" with '{constraint}'")} pending", profile.Name);
        return ids;
    }
}

using Bridge.Kernel;
using Bridge.Kernel.V1;
using Bridge.Yarn.Constraints;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.Profiles;
using Bridge.Yarn.State;
using Google.Protobuf;

namespace Bridge.Yarn.Scheduling;

public sealed partial class YarnBridgeScheduler
{
    /// <summary>The state to persist, as it is now (see <see cref="BridgeState"/>).</summary>
    public BridgeState Snapshot() => new(
        FrameworkId,
        NodeManagers.Select(t => new NodeManagerRecord(
            t.TaskId, t.Profile.Name, t.Profile.Cpus, t.Profile.MemoryMb, t.Constraint?.ToString(), t.State, t.Since,
            t.Hostname, t.AgentId, t.Attributes.ToString(), t.Ports, t.Executor?.ToByteArray(),
            t.Running, t.DecommissionDeadline, t.KillSent, t.NodeHost)).ToList(),
        Placeholders.Select(p => new PlaceholderRecord(p.ContainerId, p.NodeManagerTaskId, p.AgentId, p.Hostname, p.Resource, p.State, p.Since)).ToList());

    /// <summary>
    /// Puts back what a previous run saved, before any input. The shell then subscribes with <see cref="FrameworkId"/>;
    /// <see cref="Subscribed"/> reconciles, and the statuses that follow adopt the tasks still running and relaunch or
    /// forget the others. No initial flexup happens after a restore of a subscribed framework.
    /// </summary>
    /// <exception cref="InvalidOperationException">The core already has state.</exception>
    /// <exception cref="FormatException">A record does not hold together (a bad constraint, profile, attributes or executor).</exception>
    public void Restore(BridgeState state)
    {
        if (_nodeManagers.Count > 0 || _placeholders.Count > 0 || FrameworkId is not null)
            throw new InvalidOperationException("Restore must come before any input");
        FrameworkId = state.FrameworkId;
        _initialFlexDone = state.FrameworkId is not null;
        foreach (var r in state.NodeManagers) _nodeManagers[r.TaskId] = FromRecord(r);
        foreach (var r in state.Placeholders)
        {
            var p = new Placeholder(r.ContainerId, r.NodeManagerTaskId, r.AgentId, r.Hostname, r.Resource, r.Since) { State = r.State };
            _placeholders[p.TaskId] = p;
        }
    }

    private static NodeManagerTask FromRecord(NodeManagerRecord r)
    {
        var profile = new NodeManagerProfile(r.Profile, r.Cpus, r.MemoryMb);
        if (profile.Validate() is { } bad) throw new FormatException($"saved NodeManager {r.TaskId}: {bad}");
        var constraint = r.Constraint is null ? null
            : LikeConstraint.TryParse(r.Constraint, out var c, out var error) ? c : throw new FormatException($"saved NodeManager {r.TaskId}: {error}");
        Attributes attributes;
        ExecutorInfo? executor;
        try
        {
            attributes = r.Attributes.Length == 0 ? Attributes.Empty : Attributes.Parse(r.Attributes);
            executor = r.Executor is null ? null : ExecutorInfo.Parser.ParseFrom(r.Executor);
        }
        catch (Exception e) when (e is ResourceParseException or InvalidProtocolBufferException)
        {
            throw new FormatException($"saved NodeManager {r.TaskId}: {e.Message}", e);
        }
        return new NodeManagerTask(r.TaskId, profile, constraint, r.Since)
        {
            State = r.State,
            Hostname = r.Hostname,
            NodeHost = r.NodeHost,
            AgentId = r.AgentId,
            Attributes = attributes,
            Ports = r.Ports,
            Executor = executor,
            Running = r.Running,
            DecommissionDeadline = r.DecommissionDeadline,
            KillSent = r.KillSent,
        };
    }
}

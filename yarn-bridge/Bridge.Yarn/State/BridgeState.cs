using Bridge.Yarn.Protocol.Launching;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.State;

/// <summary>A NodeManager task as saved (every field <see cref="NodeManagerTask"/> has; the profile's figures too, so a
/// NodeManager outlives a change of its profile in the configuration).</summary>
/// <param name="TaskId">The task id.</param>
/// <param name="Profile">The profile's name.</param>
/// <param name="Cpus">The profile's vcores.</param>
/// <param name="MemoryMb">The profile's MB.</param>
/// <param name="Constraint">The LIKE constraint as written, or null.</param>
/// <param name="State">Its state.</param>
/// <param name="Since">When it entered the state.</param>
/// <param name="Hostname">Its host, once launched.</param>
/// <param name="AgentId">Its agent, once launched.</param>
/// <param name="Attributes">Its agent's attributes in the kernel's text form (<c>rack:r1;zone:a</c>), or empty.</param>
/// <param name="Ports">Its ports, once launched.</param>
/// <param name="Executor">Its executor (a serialized <c>ExecutorInfo</c>), once launched.</param>
/// <param name="Running">True once TASK_RUNNING was seen.</param>
/// <param name="DecommissionDeadline">When a flexdown stops it at the latest, or null.</param>
/// <param name="KillSent">True once its kill went out.</param>
/// <param name="NodeHost">The host YARN knows it by, once launched (null: its <paramref name="Hostname"/>).</param>
public sealed record NodeManagerRecord(
    string TaskId, string Profile, int Cpus, long MemoryMb, string? Constraint, NodeManagerTaskState State, DateTimeOffset Since,
    string? Hostname, string? AgentId, string Attributes, NodeManagerPorts? Ports, byte[]? Executor,
    bool Running, DateTimeOffset? DecommissionDeadline, bool KillSent, string? NodeHost = null);

/// <summary>A placeholder task as saved.</summary>
/// <param name="ContainerId">Its container.</param>
/// <param name="NodeManagerTaskId">Its NodeManager task.</param>
/// <param name="AgentId">Its agent.</param>
/// <param name="Hostname">Its host.</param>
/// <param name="Resource">The container's resource.</param>
/// <param name="State">Its state.</param>
/// <param name="Since">When it entered the state.</param>
public sealed record PlaceholderRecord(ContainerId ContainerId, string NodeManagerTaskId, string AgentId, string Hostname, Resource Resource,
    PlaceholderState State, DateTimeOffset Since);

/// <summary>
/// What the bridge persists so that a restarted bridge re-subscribes with the same framework id and reconciles (Myriad's
/// <c>StoreContext</c>): the framework id, the NodeManager tasks by state, the placeholders. A value: the shell saves
/// <see cref="Scheduling.YarnBridgeScheduler.Snapshot"/> whenever the decisions say <c>Changed</c>, and gives it back to
/// <see cref="Scheduling.YarnBridgeScheduler.Restore"/> after a restart. <see cref="BridgeStateJson"/> writes and reads it.
/// </summary>
/// <param name="FrameworkId">The framework id, or null before the first subscription.</param>
/// <param name="NodeManagers">Every NodeManager task, by task id.</param>
/// <param name="Placeholders">Every placeholder task, by task id.</param>
public sealed record BridgeState(string? FrameworkId, IReadOnlyList<NodeManagerRecord> NodeManagers, IReadOnlyList<PlaceholderRecord> Placeholders)
{
    /// <summary>Nothing saved yet.</summary>
    public static BridgeState Empty { get; } = new(null, [], []);
}

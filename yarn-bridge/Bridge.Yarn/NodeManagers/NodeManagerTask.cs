using Bridge.Yarn.Protocol.Launching;
using System.Globalization;
using Bridge.Yarn.Constraints;
using Bridge.Yarn.Profiles;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.NodeManagers;

/// <summary>A NodeManager task's state, Myriad's <c>SchedulerState</c> sets (its LOST set is not kept: a lost
/// NodeManager goes back to Pending and is launched again).</summary>
public enum NodeManagerTaskState
{
    /// <summary>Flexed up, waiting for an offer that fits.</summary>
    Pending,
    /// <summary>Launched; the kernel has not said it runs yet (TASK_STAGING, TASK_STARTING, or no status).</summary>
    Staging,
    /// <summary>Running (TASK_RUNNING).</summary>
    Active,
    /// <summary>Flexed down: decommissioning in YARN, or killed and waiting for its last status.</summary>
    Killable,
}

/// <summary>
/// One NodeManager the bridge runs or will run (Myriad's <c>NodeTask</c>): its profile and constraint, its state, and
/// once launched, where it runs and on which ports. Changed only by <see cref="Scheduling.YarnBridgeScheduler"/>.
/// </summary>
public sealed class NodeManagerTask
{
    /// <summary>Task ids start with this (Myriad's <c>nm</c> task prefix): <c>nm.{profile}.{uuid}</c>.</summary>
    public const string TaskIdPrefix = "nm";

    internal NodeManagerTask(string taskId, NodeManagerProfile profile, LikeConstraint? constraint, DateTimeOffset now)
    {
        TaskId = taskId;
        Profile = profile;
        Constraint = constraint;
        Since = now;
    }

    /// <summary>The kernel task id, <c>nm.{profile}.{uuid}</c> (Myriad's form).</summary>
    public string TaskId { get; }

    /// <summary>Its profile.</summary>
    public NodeManagerProfile Profile { get; }

    /// <summary>Where it may run, or null for anywhere.</summary>
    public LikeConstraint? Constraint { get; }

    /// <summary>Its state.</summary>
    public NodeManagerTaskState State { get; internal set; }

    /// <summary>When it entered <see cref="State"/>.</summary>
    public DateTimeOffset Since { get; internal set; }

    /// <summary>The agent's host name, once launched.</summary>
    public string? Hostname { get; internal set; }

    /// <summary>The host YARN knows it by, once launched: the host of the agent's URL (what ApplicationMasters dial to
    /// start containers), or the agent's host name when the offer carries no URL. One machine's agents may share it
    /// (<c>bridge up</c> runs them all on 127.0.0.1), so one-NodeManager-per-host looks at <see cref="Hostname"/>.</summary>
    public string? NodeHost { get; internal set; }

    /// <summary>The agent, once launched.</summary>
    public string? AgentId { get; internal set; }

    /// <summary>The agent's attributes, once launched (flexdown's attribute constraints look at them, as Myriad's).</summary>
    public Kernel.Attributes Attributes { get; internal set; } = Kernel.Attributes.Empty;

    /// <summary>Its ports, once launched.</summary>
    public NodeManagerPorts? Ports { get; internal set; }

    /// <summary>The executor it was launched on, kept so its placeholder tasks name the very same executor (Myriad keeps
    /// it in its state store for the same reason); null while Pending.</summary>
    public Kernel.V1.ExecutorInfo? Executor { get; internal set; }

    /// <summary>True once the kernel said TASK_RUNNING (also while Killable).</summary>
    public bool Running { get; internal set; }

    /// <summary>When flexdown started decommissioning it: the NodeManager is stopped at this time at the latest.</summary>
    public DateTimeOffset? DecommissionDeadline { get; internal set; }

    /// <summary>True once the kill of its task was sent (it waits for its last status).</summary>
    public bool KillSent { get; internal set; }

    /// <summary>When its kill last went out (not saved: after a restart reconciliation says whether it still runs).</summary>
    internal DateTimeOffset? KillSentAt { get; set; }

    /// <summary>While Pending: why the last offer looked at did not fit, or null.</summary>
    public string? LastRejection { get; internal set; }

    /// <summary>Autoscaling: since when its NodeManager has had no containers, or null while it has some.</summary>
    public DateTimeOffset? IdleSince { get; internal set; }

    /// <summary>Its id in YARN, <c>nodeHost:rpcPort</c>, once launched.</summary>
    public NodeId? NodeId => (NodeHost ?? Hostname) is { } host && Ports is { } ports ? new NodeId(host, ports.Rpc) : null;

    /// <summary>The id of the executor that hosts it and its placeholder tasks: <c>nm-executor.{taskId}</c>.</summary>
    public string ExecutorId => ExecutorIdFor(TaskId);

    /// <summary>True for a zero-profile NodeManager, scaled fine-grained.</summary>
    public bool IsFineGrained => Profile.IsZero;

    /// <summary>True while it holds or may hold a host (not Pending).</summary>
    public bool IsLaunched => State != NodeManagerTaskState.Pending;

    /// <summary>The executor id of NodeManager task <paramref name="taskId"/>.</summary>
    public static string ExecutorIdFor(string taskId) => "nm-executor." + taskId;

    /// <summary>A new task id for <paramref name="profile"/>: <c>nm.{profile}.{uuid}</c>.</summary>
    public static string NewTaskId(NodeManagerProfile profile, Guid uuid) =>
        string.Create(CultureInfo.InvariantCulture, $"{TaskIdPrefix}.{profile.Name}.{uuid:D}");

    internal void Enter(NodeManagerTaskState state, DateTimeOffset now)
    {
        if (State == state) return;
        State = state;
        Since = now;
    }
}

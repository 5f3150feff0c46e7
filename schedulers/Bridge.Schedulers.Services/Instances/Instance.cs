using Bridge.Kernel.V1;
using Bridge.Schedulers.Services.Constraints;
using Bridge.Schedulers.Services.Definitions;

namespace Bridge.Schedulers.Services.Instances;

/// <summary>An instance's condition, Marathon's names for the kernel's task states.</summary>
public enum Condition
{
    /// <summary>Launched on an offer; no status from the agent yet.</summary>
    Provisioned,
    /// <summary>TASK_STAGING.</summary>
    Staging,
    /// <summary>TASK_STARTING.</summary>
    Starting,
    /// <summary>TASK_RUNNING.</summary>
    Running,
    /// <summary>TASK_KILLING: a kill is under way (grace period).</summary>
    Killing,
    /// <summary>TASK_UNREACHABLE: its agent stopped answering; it may come back.</summary>
    Unreachable,
    /// <summary>TASK_FINISHED: exited 0.</summary>
    Finished,
    /// <summary>TASK_FAILED: exited non-zero, or could not start.</summary>
    Failed,
    /// <summary>TASK_KILLED.</summary>
    Killed,
    /// <summary>TASK_ERROR: the launch was invalid.</summary>
    Error,
    /// <summary>TASK_LOST, TASK_GONE, TASK_GONE_BY_OPERATOR, TASK_DROPPED, TASK_UNKNOWN: gone with its
    /// agent, never started, or unknown to the master (reconciliation).</summary>
    Gone,
}

/// <summary>
/// One instance of an app: a kernel task with Marathon's task id (<c>{app path with '_'}.{uuid}</c>),
/// where it runs, on which host ports, and how it is doing.
/// </summary>
/// <param name="TaskId">The kernel task id, e.g. <c>product_web.7c0e6c5a-...</c>.</param>
/// <param name="AppId">The app's id, e.g. <c>/product/web</c>.</param>
/// <param name="Version">The app's configuration version the instance was launched with (Marathon's
/// <c>versionInfo.lastConfigChangeAt</c>: scaling does not change it, any other change does).</param>
/// <param name="Agent">The agent it was launched on: id, hostname and attributes (what constraints look at).</param>
/// <param name="Ports">Host ports it was given, in portDefinitions order.</param>
/// <param name="Condition">How it is doing.</param>
/// <param name="Healthy">The agent's health-check verdict; null before the first one, or when the app has no checks.</param>
/// <param name="StagedAt">When it was launched.</param>
/// <param name="StartedAt">When it first reported TASK_RUNNING; null before.</param>
/// <param name="Since">When its condition or health last changed.</param>
/// <param name="Message">The kernel's last message about it (why it failed, ...), or null.</param>
public sealed record Instance(
    string TaskId, AppId AppId, DateTimeOffset Version, AgentFacts Agent, IReadOnlyList<int> Ports,
    Condition Condition, bool? Healthy, DateTimeOffset StagedAt, DateTimeOffset? StartedAt, DateTimeOffset Since, string? Message)
{
    /// <summary>Not ended: launched, starting, running, being killed, or unreachable.</summary>
    public bool IsActive => Condition is Condition.Provisioned or Condition.Staging or Condition.Starting
        or Condition.Running or Condition.Killing or Condition.Unreachable;

    /// <summary>Ended, and will never come back.</summary>
    public bool IsTerminal => !IsActive;

    /// <summary>Counts as healthy: running, and passing its health checks when it has any.</summary>
    /// <param name="hasHealthChecks">Whether the app defines health checks.</param>
    public bool IsHealthy(bool hasHealthChecks) => Condition == Condition.Running && (!hasHealthChecks || Healthy == true);

    /// <summary>Marathon's condition for a kernel state.</summary>
    public static Condition ConditionOf(TaskState state) => state switch
    {
        TaskState.TaskStaging => Condition.Staging,
        TaskState.TaskStarting => Condition.Starting,
        TaskState.TaskRunning => Condition.Running,
        TaskState.TaskKilling => Condition.Killing,
        TaskState.TaskUnreachable => Condition.Unreachable,
        TaskState.TaskFinished => Condition.Finished,
        TaskState.TaskFailed => Condition.Failed,
        TaskState.TaskKilled => Condition.Killed,
        TaskState.TaskError => Condition.Error,
        _ => Condition.Gone,
    };
}

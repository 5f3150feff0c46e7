using Bridge.Kernel.V1;

namespace Bridge.Schedulers.Services.Scheduling;

/// <summary>
/// An app's last failed task (Marathon's <c>TaskFailure</c>, what <c>lastTaskFailure</c> shows): recorded
/// when one of its tasks ends TASK_FAILED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE,
/// TASK_GONE_BY_OPERATOR or TASK_UNKNOWN (Marathon's task failure states), saved with the app, gone with it.
/// </summary>
/// <param name="TaskId">The task.</param>
/// <param name="State">The terminal state's name, e.g. <c>TASK_FAILED</c>.</param>
/// <param name="Message">The kernel's message ("" when none).</param>
/// <param name="Host">The agent's hostname.</param>
/// <param name="AgentId">The agent's id (Marathon's <c>slaveId</c>).</param>
/// <param name="Version">The configuration version the task ran.</param>
/// <param name="Timestamp">When the status arrived.</param>
public sealed record TaskFailure(string TaskId, string State, string Message, string Host, string AgentId, DateTimeOffset Version, DateTimeOffset Timestamp)
{
    /// <summary>Whether a task ending in <paramref name="state"/> is a failure Marathon records.</summary>
    public static bool IsFailure(TaskState state) => state is TaskState.TaskFailed or TaskState.TaskError or TaskState.TaskLost
        or TaskState.TaskDropped or TaskState.TaskGone or TaskState.TaskGoneByOperator or TaskState.TaskUnknown;
}

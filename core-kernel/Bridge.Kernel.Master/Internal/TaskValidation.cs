using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;

namespace Bridge.Kernel.Master.Internal;

/// <summary>
/// Checks a TaskInfo in an ACCEPT before anything is launched (Mesos <c>master/validation.cpp</c>,
/// task and executor validation): ids, exactly one of command and executor, a command to run,
/// resources that parse, an executor that agrees with the one already running. Pure; the answer
/// is the task's resources or the reason it is invalid, which becomes a TASK_ERROR.
/// </summary>
internal static class TaskValidation
{
    /// <summary>The task's own resources (without a new executor's), or an error naming the field.</summary>
    public static (Resources Resources, string? Error) Validate(TaskInfo task, FrameworkRecord framework, AgentId agent,
        IReadOnlyDictionary<(FrameworkId, ExecutorId), ExecutorRecord> runningExecutors)
    {
        if (IdValidation.Validate(task.TaskId?.Value) is { } idError) return Invalid($"task_id {idError}");
        var taskId = new TaskId(task.TaskId!.Value);
        if (framework.Tasks.TryGetValue(taskId, out var existing) && !existing.IsTerminal || framework.Unreachable.ContainsKey(taskId))
            return Invalid($"task_id '{taskId}' is already in use by a task of this framework");
        // Ended, but its terminal update is not acknowledged yet: its agent still holds it and would take a new launch
        // under the same id for a duplicate delivery of the old one.
        if (existing is not null)
            return Invalid($"task_id '{taskId}' belongs to a task whose end ({TaskStates.Name(existing.State)}) is not acknowledged yet; reuse it after the acknowledgement");
        if (task.AgentId is { Value.Length: > 0 } a && a.Value != agent.Value)
            return Invalid($"agent_id '{a.Value}' is not the offer's agent '{agent}'");
        if ((task.Command is null) == (task.Executor is null))
            return Invalid("exactly one of 'command' and 'executor' must be set");
        if (task.Command is { } command && CommandError(command, "command") is { } commandError) return Invalid(commandError);
        if (task.Executor is { } executor && ExecutorError(executor, framework, runningExecutors) is { } executorError) return Invalid(executorError);
        if (task.KillPolicy?.GracePeriod is { Nanoseconds: < 0 }) return Invalid("kill_policy.grace_period is negative");
        if (task.HealthCheck is { } check)
        {
            try
            {
                HealthCheckValidation.Validate(check);
            }
            catch (InvalidMessageException e)
            {
                return Invalid(e.Message);
            }
        }
        Resources resources;
        try
        {
            resources = ResourceConversion.ToModel(task.Resources, "resources");
        }
        catch (InvalidMessageException e)
        {
            return Invalid(e.Message);
        }
        if (resources.IsEmpty) return Invalid("resources: a task must use some resources");
        if (resources.GetScalar("cpus").IsZero && resources.GetScalar("mem").IsZero)
            return Invalid("resources: a task needs cpus or mem");
        return (resources, null);
    }

    /// <summary>Why a command cannot run, or null.</summary>
    public static string? CommandError(CommandInfo command, string field)
    {
        if (string.IsNullOrWhiteSpace(command.Value)) return $"{field}.value is empty";
        for (var i = 0; i < command.Uris.Count; i++)
            if (string.IsNullOrWhiteSpace(command.Uris[i].Value)) return $"{field}.uris[{i}].value is empty";
        for (var i = 0; i < (command.Environment?.Variables.Count ?? 0); i++)
            if (string.IsNullOrEmpty(command.Environment!.Variables[i].Name) || command.Environment.Variables[i].Name.Contains('='))
                return $"{field}.environment.variables[{i}].name is empty or contains '='";
        return null;
    }

    private static string? ExecutorError(ExecutorInfo executor, FrameworkRecord framework,
        IReadOnlyDictionary<(FrameworkId, ExecutorId), ExecutorRecord> running)
    {
        if (IdValidation.Validate(executor.ExecutorId?.Value) is { } idError) return $"executor.executor_id {idError}";
        if (executor.FrameworkId is { Value.Length: > 0 } f && f.Value != framework.Id.Value)
            return $"executor.framework_id '{f.Value}' is not this framework";
        if (executor.Command is null) return "executor.command is missing";
        if (CommandError(executor.Command, "executor.command") is { } commandError) return commandError;
        if (running.TryGetValue((framework.Id, new ExecutorId(executor.ExecutorId!.Value)), out var known) &&
            !known.Info.Command.Equals(executor.Command))
            return $"executor '{executor.ExecutorId.Value}' is already running on this agent with a different command";
        try
        {
            ResourceConversion.ToModel(executor.Resources, "executor.resources");
        }
        catch (InvalidMessageException e)
        {
            return e.Message;
        }
        return null;
    }

    private static (Resources, string?) Invalid(string error) => (Resources.Empty, error);
}

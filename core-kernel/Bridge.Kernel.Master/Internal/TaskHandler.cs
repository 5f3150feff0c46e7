using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Microsoft.Extensions.Logging;
using Call = Bridge.Kernel.V1.Scheduler.Call;
using Reason = Bridge.Kernel.V1.TaskStatus.Types.Reason;
using SchedulerEvent = Bridge.Kernel.V1.Scheduler.Event;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Kernel.Master.Internal;

/// <summary>
/// Task traffic after launch (Mesos v1 semantics): status updates from agents (forwarded to the
/// framework; a terminal one frees the task's resources at once), ACKNOWLEDGE (forwarded to the
/// agent; an acknowledged terminal update retires the task), KILL, RECONCILE (explicit and
/// implicit), framework/executor MESSAGEs, SHUTDOWN of an executor and executors ending.
/// </summary>
internal sealed class TaskHandler(MasterState s)
{
    public void StatusUpdate(AgentRecord agent, AgentMessage.Types.StatusUpdate update)
    {
        var status = update.Status ?? throw new InvalidMessageException("status_update.status", "is missing");
        if (IdValidation.Validate(status.TaskId?.Value) is { } idError) throw new InvalidMessageException("status_update.status.task_id", idError);
        if (status.Uuid.Length != 16) throw new InvalidMessageException("status_update.status.uuid", "must be 16 bytes");
        var frameworkId = new FrameworkId(update.FrameworkId?.Value ?? "");
        status.AgentId ??= new AgentID { Value = agent.Id.Value };
        if (!s.Frameworks.TryGetValue(frameworkId, out var framework))
        {
            // The framework is gone: nobody will acknowledge, so the master does (Mesos does the same).
            Acknowledge(agent, frameworkId, status.TaskId!, status.Uuid);
            return;
        }
        var taskId = new TaskId(status.TaskId!.Value);
        if (framework.Tasks.TryGetValue(taskId, out var task) || framework.Unreachable.Remove(taskId, out task))
        {
            framework.Tasks[taskId] = task;
            agent.Tasks[(frameworkId, taskId)] = task;
            var wasTerminal = task.IsTerminal;
            RevocationHandler.Annotate(task, status);
            // The latest state moves on; an older update delivered late does not move a terminal task back.
            if (!wasTerminal) task.Task.State = status.State;
            if (status.HasReason) task.Task.StatusReason = status.Reason;
            task.Task.Statuses.Add(status);
            if (task.Task.Statuses.Count > 10) task.Task.Statuses.RemoveAt(0);
            if (!wasTerminal && task.IsTerminal) s.Allocator.RemoveTask(frameworkId, taskId);
        }
        s.SendUpdate(framework, status, task?.State ?? status.State);
        s.Version++;
    }

    public void Acknowledge(FrameworkRecord framework, Call.Types.Acknowledge ack)
    {
        if (ack.Uuid.Length != 16) throw new InvalidMessageException("acknowledge.uuid", "must be the 16-byte uuid of the update");
        if (IdValidation.Validate(ack.TaskId?.Value) is { } idError) throw new InvalidMessageException("acknowledge.task_id", idError);
        var agentId = new AgentId(ack.AgentId?.Value ?? "");
        if (!s.Agents.TryGetValue(agentId, out var agent))
            throw new InvalidMessageException("acknowledge.agent_id", $"unknown agent '{agentId}'");
        Acknowledge(agent, framework.Id, ack.TaskId!, ack.Uuid);
        if (framework.Tasks.TryGetValue(new TaskId(ack.TaskId!.Value), out var task) && task.IsTerminal &&
            task.Task.Statuses.LastOrDefault(st => TaskStates.IsTerminal(st.State))?.Uuid == ack.Uuid)
            s.Complete(task);
    }

    private static void Acknowledge(AgentRecord agent, FrameworkId framework, TaskID taskId, Google.Protobuf.ByteString uuid) =>
        agent.Connection?.Send(new MasterMessage
        {
            Acknowledge = new() { FrameworkId = new FrameworkID { Value = framework.Value }, TaskId = taskId, Uuid = uuid },
        });

    public void Kill(FrameworkRecord framework, Call.Types.Kill kill)
    {
        if (IdValidation.Validate(kill.TaskId?.Value) is { } idError) throw new InvalidMessageException("kill.task_id", idError);
        if (kill.KillPolicy?.GracePeriod is { Nanoseconds: < 0 }) throw new InvalidMessageException("kill.kill_policy.grace_period", "is negative");
        var taskId = new TaskId(kill.TaskId!.Value);
        if (!framework.Tasks.ContainsKey(taskId) && !framework.Unreachable.ContainsKey(taskId) &&
            s.DeferWhileRecovering(AgentOf(kill.AgentId), () => Kill(framework, kill)))
            return; // the task may be on an agent that has not re-registered with this master yet
        if (!framework.Tasks.TryGetValue(taskId, out var task) || task.IsTerminal)
        {
            // Unknown to the master: the framework learns the task's fate the way reconciliation tells it.
            var state = task?.State ?? (framework.Unreachable.ContainsKey(taskId) ? TaskState.TaskUnreachable
                : framework.PartitionAware ? TaskState.TaskUnknown : TaskState.TaskLost);
            s.SendUpdate(framework, s.MasterStatus(kill.TaskId, task?.AgentId, state, Reason.Reconciliation, "Task is not running"), state);
            return;
        }
        var agent = s.Agents[task.AgentId];
        if (agent.Connection is null)
            return; // the agent is gone for now; its re-registration or removal settles the task
        agent.Connection.Send(new MasterMessage
        {
            KillTask = new() { FrameworkId = new FrameworkID { Value = framework.Id.Value }, TaskId = kill.TaskId, KillPolicy = kill.KillPolicy ?? task.Task.KillPolicy },
        });
    }

    /// <summary>RECONCILE: explicit for the listed tasks, implicit (every task the master knows) when none are listed.
    /// Answers are UPDATE events with REASON_RECONCILIATION and no uuid (nothing to acknowledge).</summary>
    public void Reconcile(FrameworkRecord framework, Call.Types.Reconcile reconcile)
    {
        if (reconcile.Tasks.Count == 0)
        {
            foreach (var task in framework.Tasks.Values.Concat(framework.Unreachable.Values))
                Answer(framework, task.Task.TaskId, task.AgentId, task.State, task.Task.Statuses.LastOrDefault());
            return;
        }
        for (var i = 0; i < reconcile.Tasks.Count; i++)
        {
            var item = reconcile.Tasks[i];
            if (IdValidation.Validate(item.TaskId?.Value) is { } idError) throw new InvalidMessageException($"reconcile.tasks[{i}].task_id", idError);
            Reconcile(framework, item);
        }
    }

    /// <summary>Answers one explicit RECONCILE entry; one for a task the master does not know, while the agent it
    /// names (or, naming none, any agent) has not re-registered after a failover, is answered once it has or has been
    /// removed (Mesos drops these and lets the framework retry; answering later loses nothing).</summary>
    private void Reconcile(FrameworkRecord framework, Call.Types.Reconcile.Types.Task item)
    {
        var taskId = new TaskId(item.TaskId!.Value);
        if (framework.Tasks.TryGetValue(taskId, out var task) || framework.Unreachable.TryGetValue(taskId, out task))
        {
            Answer(framework, item.TaskId, task.AgentId, task.State, task.Task.Statuses.LastOrDefault());
            return;
        }
        var agentId = AgentOf(item.AgentId);
        if (s.DeferWhileRecovering(agentId, () => Reconcile(framework, item))) return;
        var state = agentId is { } id && s.Agents.TryGetValue(id, out var agent) && !agent.Reachable ? TaskState.TaskUnreachable
            : framework.PartitionAware ? TaskState.TaskUnknown : TaskState.TaskLost;
        Answer(framework, item.TaskId, agentId, state, null);
    }

    private static AgentId? AgentOf(AgentID? id) => id is { Value.Length: > 0 } a ? new AgentId(a.Value) : null;

    private void Answer(FrameworkRecord framework, TaskID taskId, AgentId? agent, TaskState state, TaskStatus? last)
    {
        var status = s.MasterStatus(taskId, agent, state, Reason.Reconciliation, last?.Message ?? "Reconciliation");
        if (last is not null)
        {
            if (last.HasHealthy) status.Healthy = last.Healthy;
            if (last.HasExitCode) status.ExitCode = last.ExitCode;
            status.ExecutorId = last.ExecutorId;
        }
        s.Send(framework, new SchedulerEvent { Type = SchedulerEvent.Types.Type.Update, Update = new() { Status = status } });
    }

    public void FrameworkMessage(FrameworkRecord framework, Call.Types.Message message)
    {
        if (!s.Agents.TryGetValue(new AgentId(message.AgentId?.Value ?? ""), out var agent))
            throw new InvalidMessageException("message.agent_id", $"unknown agent '{message.AgentId?.Value}'");
        if (IdValidation.Validate(message.ExecutorId?.Value) is { } idError) throw new InvalidMessageException("message.executor_id", idError);
        agent.Connection?.Send(new MasterMessage
        {
            FrameworkMessage = new() { FrameworkId = new FrameworkID { Value = framework.Id.Value }, ExecutorId = message.ExecutorId, Data = message.Data },
        });
    }

    public void ExecutorMessage(AgentRecord agent, AgentMessage.Types.ExecutorToFramework message)
    {
        if (!s.Frameworks.TryGetValue(new FrameworkId(message.FrameworkId?.Value ?? ""), out var framework)) return;
        s.Send(framework, new SchedulerEvent
        {
            Type = SchedulerEvent.Types.Type.Message,
            Message = new() { AgentId = new AgentID { Value = agent.Id.Value }, ExecutorId = message.ExecutorId, Data = message.Data },
        });
    }

    public void ShutdownExecutor(FrameworkRecord framework, Call.Types.Shutdown shutdown)
    {
        if (!s.Agents.TryGetValue(new AgentId(shutdown.AgentId?.Value ?? ""), out var agent))
            throw new InvalidMessageException("shutdown.agent_id", $"unknown agent '{shutdown.AgentId?.Value}'");
        if (IdValidation.Validate(shutdown.ExecutorId?.Value) is { } idError) throw new InvalidMessageException("shutdown.executor_id", idError);
        agent.Connection?.Send(new MasterMessage
        {
            ShutdownExecutor = new() { FrameworkId = new FrameworkID { Value = framework.Id.Value }, ExecutorId = shutdown.ExecutorId },
        });
    }

    /// <summary>An executor ended on its agent: its resources return, its framework hears FAILURE.</summary>
    public void ExecutorExited(AgentRecord agent, AgentMessage.Types.ExitedExecutor exited)
    {
        var key = (new FrameworkId(exited.FrameworkId?.Value ?? ""), new ExecutorId(exited.ExecutorId?.Value ?? ""));
        if (!agent.Executors.Remove(key, out var executor)) return;
        s.Allocator.RemoveTask(executor.FrameworkId, executor.AllocationId);
        s.Logger.LogInformation("Executor {Executor} of {Framework} on {Agent} exited with {Status}", key.Item2, key.Item1, agent.Id,
            exited.HasStatus ? exited.Status : "no status");
        if (s.Frameworks.TryGetValue(key.Item1, out var framework))
        {
            var failure = new SchedulerEvent.Types.Failure { AgentId = new AgentID { Value = agent.Id.Value }, ExecutorId = exited.ExecutorId };
            if (exited.HasStatus) failure.Status = exited.Status;
            s.Send(framework, new SchedulerEvent { Type = SchedulerEvent.Types.Type.Failure, Failure = failure });
        }
        s.Version++;
    }
}

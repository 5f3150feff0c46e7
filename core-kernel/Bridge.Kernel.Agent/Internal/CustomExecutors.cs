using Bridge.Kernel.Agent.Containers;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using ExecutorCall = Bridge.Kernel.V1.Executor.Call;
using ExecutorEvent = Bridge.Kernel.V1.Executor.Event;
using Reason = Bridge.Kernel.V1.TaskStatus.Types.Reason;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Kernel.Agent.Internal;

/// <summary>What custom executors need from the agent.</summary>
internal sealed record ExecutorHost(
    Func<AgentId?> AgentId,
    Func<AgentInfo> AgentInfo,
    Func<string> Endpoint,
    Func<FrameworkId, FrameworkInfo?> Framework,
    Action<AgentTask, TaskStatus, bool> Report,
    Action<AgentMessage> SendToMaster,
    Action<Action> Post);

/// <summary>
/// Custom executors (Mesos' executor API, core-kernel/proto/bridge/v1/executor.proto): the agent
/// starts the framework's executor command in a container sized for the executor's resources plus
/// its live tasks', with <c>BRIDGE_AGENT_ENDPOINT</c>, <c>BRIDGE_FRAMEWORK_ID</c>,
/// <c>BRIDGE_EXECUTOR_ID</c>, <c>BRIDGE_AGENT_ID</c>, <c>BRIDGE_SANDBOX</c> and
/// <c>BRIDGE_CHECKPOINT</c> in its environment. Tasks wait until it SUBSCRIBEs, then go as LAUNCH
/// (LAUNCH_GROUP for task groups); KILL, MESSAGE and SHUTDOWN follow the framework's calls; its
/// UPDATEs become status updates under its own uuids, and ACKNOWLEDGED comes back once the
/// framework acknowledged. An executor that does not subscribe within
/// <see cref="AgentOptions.ExecutorRegistrationTimeout"/> (or re-subscribe within
/// <see cref="AgentOptions.ExecutorReregistrationTimeout"/> after an agent restart) is killed; when
/// an executor ends, its unfinished tasks fail with REASON_EXECUTOR_TERMINATED (or the timeout's
/// reason) and the master hears EXITED_EXECUTOR. Owned by the agent's loop.
/// </summary>
internal sealed class CustomExecutors(Containerizer containerizer, AgentOptions options, ILogger logger, Checkpoints checkpoints, ExecutorHost host)
{
    private readonly Dictionary<(FrameworkId, ExecutorId), AgentExecutor> _executors = new();

    public IEnumerable<AgentExecutor> All => _executors.Values;

    public bool TryGet(FrameworkId framework, ExecutorId executor, out AgentExecutor found) =>
        _executors.TryGetValue((framework, executor), out found!);

    // ------------------------------------------------------------------ launching

    /// <summary>Hands <paramref name="tasks"/> (one task, or a whole group) to their executor, starting it first if needed.</summary>
    public void Launch(FrameworkId framework, ExecutorInfo info, IReadOnlyList<AgentTask> tasks)
    {
        if (!_executors.TryGetValue((framework, new ExecutorId(info.ExecutorId.Value)), out var executor))
            executor = Start(framework, info);
        if (executor.Phase == ExecutorPhase.Terminating)
        {
            foreach (var task in tasks)
                host.Report(task, Status(task, TaskState.TaskLost, "The task's executor is shutting down", Reason.ExecutorTerminated), false);
            return;
        }
        executor.Tasks.AddRange(tasks);
        Resize(executor);
        if (executor.Connection is { } connection) Deliver(connection, tasks);
    }

    private AgentExecutor Start(FrameworkId framework, ExecutorInfo info)
    {
        info = info.Clone();
        info.FrameworkId ??= new FrameworkID { Value = framework.Value };
        var resources = ResourceConversion.ToModel(info.Resources, "executor.resources");
        var sandbox = Path.Combine(options.WorkDir, "sandboxes", framework.Value, "executors", info.ExecutorId.Value);
        var executor = new AgentExecutor(framework, info, resources, sandbox, AgentTask.NewContainerId());
        _executors[(framework, executor.Id)] = executor;
        checkpoints.WriteExecutor(framework, new ExecutorCheckpoint { Executor = info, ContainerId = executor.ContainerId });
        var spec = new ContainerSpec(executor.ContainerId, sandbox, CommandTasks.Argv(info.Command), Environment(executor), Limits(executor));
        executor.Deadline = options.TimeProvider.CreateTimer(_ => host.Post(() => RegistrationTimedOut(executor)), null,
            options.ExecutorRegistrationTimeout, Timeout.InfiniteTimeSpan);
        _ = System.Threading.Tasks.Task.Run(() =>
        {
            Container? container = null;
            string? error = null;
            try
            {
                container = containerizer.Launch(spec);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
            {
                error = e.Message;
            }
            host.Post(() => Started(executor, container, error));
        });
        logger.LogInformation("Starting executor {Executor} of framework {Framework}", executor.Id, framework);
        return executor;
    }

    private Dictionary<string, string> Environment(AgentExecutor executor)
    {
        var checkpoint = host.Framework(executor.FrameworkId)?.Checkpoint == true;
        var environment = CommandTasks.BaseEnvironment(executor.Sandbox);
        environment["BRIDGE_AGENT_ENDPOINT"] = host.Endpoint();
        environment["BRIDGE_FRAMEWORK_ID"] = executor.FrameworkId.Value;
        environment["BRIDGE_EXECUTOR_ID"] = executor.Id.Value;
        environment["BRIDGE_AGENT_ID"] = host.AgentId()?.Value ?? "";
        environment["BRIDGE_CHECKPOINT"] = checkpoint ? "1" : "0";
        foreach (var variable in executor.Info.Command?.Environment?.Variables ?? []) environment[variable.Name] = variable.Value;
        return environment;
    }

    private static ContainerLimits Limits(AgentExecutor executor)
    {
        var total = executor.Tasks.Where(t => !TaskStates.IsTerminal(t.State)).Aggregate(executor.Resources, (sum, t) => sum.Plus(t.Resources));
        return new ContainerLimits(total.GetScalar("cpus").ToDouble(), (long)total.GetScalar("mem").ToDouble());
    }

    /// <summary>Grows or shrinks the executor's container to its resources plus its live tasks'.</summary>
    public void Resize(AgentExecutor executor)
    {
        if (executor.Container is not { Exited.IsCompleted: false } container) return;
        try
        {
            container.Isolation.Update(Limits(executor));
        }
        catch (IOException e)
        {
            logger.LogWarning("Could not resize executor {Executor}'s container: {Error}", executor.Id, e.Message);
        }
    }

    private void Started(AgentExecutor executor, Container? container, string? error)
    {
        if (container is null)
        {
            logger.LogWarning("Executor {Executor} failed to launch: {Error}", executor.Id, error);
            executor.EndReason = Reason.ContainerLaunchFailed;
            Ended(executor, null, $"Failed to launch the executor's container: {error}");
            return;
        }
        Watch(executor, container);
        if (executor.Phase == ExecutorPhase.Terminating) Destroy(executor); // shut down while it started
        else Resize(executor); // tasks may have joined while it started
    }

    private void Watch(AgentExecutor executor, Container container)
    {
        executor.Container = container;
        container.Exited.ContinueWith(t => host.Post(() => Ended(executor, t.Result, null)), TaskScheduler.Default);
    }

    private void RegistrationTimedOut(AgentExecutor executor)
    {
        if (executor.Connection is not null || !IsCurrent(executor)) return;
        var recovered = executor.Phase == ExecutorPhase.Running;
        logger.LogWarning("Executor {Executor} did not {Verb} in time; killing it", executor.Id, recovered ? "re-subscribe" : "subscribe");
        executor.EndReason = recovered ? Reason.ExecutorReregistrationTimeout : Reason.ExecutorRegistrationTimeout;
        Destroy(executor);
    }

    // ------------------------------------------------------------------ the executor's calls

    /// <summary>SUBSCRIBE (or re-subscribe): opens the executor's event stream, answers SUBSCRIBED and
    /// delivers the tasks waiting for it.</summary>
    /// <exception cref="InvalidMessageException">The call is malformed (the field is named).</exception>
    /// <exception cref="KeyNotFoundException">The agent runs no such executor.</exception>
    /// <exception cref="InvalidOperationException">The executor is shutting down.</exception>
    public ExecutorConnection Subscribe(ExecutorCall call)
    {
        var executor = Find(call);
        if (executor.Phase == ExecutorPhase.Terminating) throw new InvalidOperationException($"Executor {executor.Id} is shutting down");
        executor.Connection?.Close();
        var connection = new ExecutorConnection();
        executor.Connection = connection;
        executor.Phase = ExecutorPhase.Running;
        executor.Deadline?.Dispose();
        executor.Deadline = null;
        connection.Send(new ExecutorEvent
        {
            Type = ExecutorEvent.Types.Type.Subscribed,
            Subscribed = new() { ExecutorInfo = executor.Info, FrameworkInfo = host.Framework(executor.FrameworkId), AgentInfo = host.AgentInfo() },
        });
        var subscribe = call.Subscribe ?? new ExecutorCall.Types.Subscribe();
        foreach (var update in subscribe.UnacknowledgedUpdates)
            if (update.Status is { } status && Owned(executor, status.TaskId?.Value) is { } task && task.State != status.State)
                host.Report(task, Stamp(executor, status), true); // sent before the agent restarted, never checkpointed
        var held = subscribe.UnacknowledgedTasks.Select(t => t.TaskId.Value).ToHashSet();
        // Tasks never delivered, or lost in flight when the agent restarted, go (again) now.
        Deliver(connection, executor.Tasks.Where(t => !TaskStates.IsTerminal(t.State) && (!t.Delivered || t.State == TaskState.TaskStaging && !held.Contains(t.Id.Value))).ToList());
        foreach (var task in executor.Tasks.Where(t => t.KillRequested && !TaskStates.IsTerminal(t.State)))
            connection.Send(KillEvent(task, null));
        logger.LogInformation("Executor {Executor} of framework {Framework} subscribed", executor.Id, executor.FrameworkId);
        return connection;
    }

    /// <summary>UPDATE or MESSAGE.</summary>
    /// <exception cref="InvalidMessageException">The call is malformed (the field is named).</exception>
    /// <exception cref="KeyNotFoundException">No such executor, or the update's task is not the executor's.</exception>
    public void Call(ExecutorCall call)
    {
        var executor = Find(call);
        switch (call.Type)
        {
            case ExecutorCall.Types.Type.Update:
                var status = call.Update?.Status ?? throw new InvalidMessageException("update.status", "is missing");
                if (status.Uuid.Length != 16) throw new InvalidMessageException("update.status.uuid", "must be 16 bytes");
                if (status.State == TaskState.TaskStaging) throw new InvalidMessageException("update.status.state", "TASK_STAGING is the agent's to report");
                var task = Owned(executor, status.TaskId?.Value)
                    ?? throw new KeyNotFoundException($"Executor {executor.Id} runs no task '{status.TaskId?.Value}'");
                if (host.Framework(executor.FrameworkId) is null) return;
                host.Report(task, Stamp(executor, status), true);
                if (TaskStates.IsTerminal(task.State)) Resize(executor);
                break;
            case ExecutorCall.Types.Type.Message:
                host.SendToMaster(new AgentMessage
                {
                    ExecutorMessage = new()
                    {
                        FrameworkId = new FrameworkID { Value = executor.FrameworkId.Value }, ExecutorId = executor.Info.ExecutorId,
                        Data = call.Message?.Data ?? ByteString.Empty,
                    },
                });
                break;
            default:
                throw new InvalidMessageException("type", $"Call takes UPDATE or MESSAGE, not {call.Type}");
        }
    }

    /// <summary>The executor's stream closed. It may re-subscribe (it does after an agent restart).</summary>
    public void Disconnected(ExecutorConnection connection)
    {
        foreach (var executor in _executors.Values.Where(e => e.Connection == connection))
        {
            executor.Connection = null;
            logger.LogInformation("Executor {Executor} disconnected", executor.Id);
        }
    }

    private AgentExecutor Find(ExecutorCall call)
    {
        if (IdValidation.Validate(call.FrameworkId?.Value) is { } fe) throw new InvalidMessageException("framework_id", fe);
        if (IdValidation.Validate(call.ExecutorId?.Value) is { } ee) throw new InvalidMessageException("executor_id", ee);
        return _executors.TryGetValue((new FrameworkId(call.FrameworkId!.Value), new ExecutorId(call.ExecutorId!.Value)), out var executor)
            ? executor
            : throw new KeyNotFoundException($"This agent runs no executor '{call.ExecutorId.Value}' of framework '{call.FrameworkId.Value}'");
    }

    private static AgentTask? Owned(AgentExecutor executor, string? taskId) => executor.Tasks.FirstOrDefault(t => t.Id.Value == taskId);

    private TaskStatus Stamp(AgentExecutor executor, TaskStatus status)
    {
        status = status.Clone();
        status.Source = TaskStatus.Types.Source.Executor;
        status.ExecutorId = executor.Info.ExecutorId;
        status.AgentId = host.AgentId() is { } a ? new AgentID { Value = a.Value } : null;
        if (status.Timestamp == 0) status.Timestamp = options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        return status;
    }

    // ------------------------------------------------------------------ the framework's calls

    /// <summary>KILL of a task run by a custom executor: a task not yet delivered ends KILLED here;
    /// otherwise the executor gets KILL (at once, or when it re-subscribes).</summary>
    public void Kill(AgentTask task, KillPolicy? policy)
    {
        if (!_executors.TryGetValue((task.FrameworkId, task.ExecutorId!.Value), out var executor)) return;
        task.KillRequested = true;
        if (!task.Delivered)
        {
            host.Report(task, Status(task, TaskState.TaskKilled, "Killed before its executor received it", Reason.TaskKilledDuringLaunch), false);
            Resize(executor);
            return;
        }
        executor.Connection?.Send(KillEvent(task, policy));
    }

    private static ExecutorEvent KillEvent(AgentTask task, KillPolicy? policy) =>
        new() { Type = ExecutorEvent.Types.Type.Kill, Kill = new() { TaskId = task.Info.TaskId, KillPolicy = policy ?? task.Info.KillPolicy } };

    /// <summary>MESSAGE from the framework to one of its executors (dropped if the executor is gone, as in Mesos).</summary>
    public void FrameworkMessage(FrameworkId framework, ExecutorId executor, ByteString data)
    {
        if (_executors.TryGetValue((framework, executor), out var e) && e.Connection is { } connection)
            connection.Send(new ExecutorEvent { Type = ExecutorEvent.Types.Type.Message, Message = new() { Data = data } });
    }

    /// <summary>The executor's task was acknowledged by the framework: tell the executor.</summary>
    public void Acknowledged(AgentTask task, ByteString uuid)
    {
        if (task.ExecutorId is { } id && _executors.TryGetValue((task.FrameworkId, id), out var executor) && executor.Connection is { } connection)
            connection.Send(new ExecutorEvent { Type = ExecutorEvent.Types.Type.Acknowledged, Acknowledged = new() { TaskId = task.Info.TaskId, Uuid = uuid } });
    }

    /// <summary>SHUTDOWN: the executor hears SHUTDOWN and is killed if still running after
    /// <see cref="AgentOptions.ExecutorShutdownGracePeriod"/> (at once when it is not subscribed).</summary>
    public void Shutdown(AgentExecutor executor)
    {
        if (executor.Phase == ExecutorPhase.Terminating) return;
        executor.Phase = ExecutorPhase.Terminating;
        executor.Deadline?.Dispose();
        foreach (var task in executor.Tasks) task.KillRequested = true;
        if (executor.Connection is not { } connection)
        {
            Destroy(executor);
            return;
        }
        connection.Send(new ExecutorEvent { Type = ExecutorEvent.Types.Type.Shutdown });
        executor.Deadline = options.TimeProvider.CreateTimer(_ => host.Post(() => Destroy(executor)), null,
            options.ExecutorShutdownGracePeriod, Timeout.InfiniteTimeSpan);
    }

    private void Destroy(AgentExecutor executor)
    {
        if (executor.Container is { } container) _ = containerizer.KillAsync(container, TimeSpan.Zero, requested: executor.EndReason is null);
        else if (IsCurrent(executor) && executor.EndReason is not null) Ended(executor, null, "The executor's container never started");
    }

    private bool IsCurrent(AgentExecutor executor) => _executors.TryGetValue((executor.FrameworkId, executor.Id), out var e) && e == executor;

    // ------------------------------------------------------------------ the end, and recovery

    private void Ended(AgentExecutor executor, ContainerExit? exit, string? why)
    {
        if (!IsCurrent(executor)) return;
        _executors.Remove((executor.FrameworkId, executor.Id));
        executor.Deadline?.Dispose();
        executor.Connection?.Close();
        var reason = executor.EndReason ?? Reason.ExecutorTerminated;
        var message = why ?? (exit is { SupervisorLost: true } ? "The executor ended while the agent was down"
            : exit is { MemoryLimitExceeded: true } ? "The executor's container exceeded its memory limit"
            : $"The executor exited with status {exit?.Status}");
        if (exit is { MemoryLimitExceeded: true }) reason = Reason.ContainerLimitationMemory;
        foreach (var task in executor.Tasks.Where(t => !TaskStates.IsTerminal(t.State)))
        {
            var killed = task.KillRequested && executor.EndReason is null;
            host.Report(task, Status(task, killed ? TaskState.TaskKilled : TaskState.TaskFailed, message, killed ? null : reason), false);
        }
        var exited = new AgentMessage.Types.ExitedExecutor { FrameworkId = new FrameworkID { Value = executor.FrameworkId.Value }, ExecutorId = executor.Info.ExecutorId };
        if (exit is { SupervisorLost: false }) exited.Status = exit.Status;
        host.SendToMaster(new AgentMessage { ExitedExecutor = exited });
        checkpoints.RemoveExecutor(executor.FrameworkId, executor.Id);
        containerizer.Forget(executor.ContainerId);
        logger.LogInformation("Executor {Executor} of framework {Framework} ended: {Message}", executor.Id, executor.FrameworkId, message);
    }

    /// <summary>Takes back an executor an earlier agent process started, with its recovered tasks: a
    /// live one gets <see cref="AgentOptions.ExecutorReregistrationTimeout"/> to re-subscribe; one
    /// that ended meanwhile fails its tasks.</summary>
    public void Recover(FrameworkId framework, ExecutorCheckpoint checkpoint, IReadOnlyList<AgentTask> tasks)
    {
        var info = checkpoint.Executor;
        var resources = ResourceConversion.ToModel(info.Resources, "executor.resources");
        var sandbox = Path.Combine(options.WorkDir, "sandboxes", framework.Value, "executors", info.ExecutorId.Value);
        var executor = new AgentExecutor(framework, info, resources, sandbox, checkpoint.ContainerId) { Phase = ExecutorPhase.Running };
        executor.Tasks.AddRange(tasks);
        foreach (var task in tasks) task.Delivered = true;
        _executors[(framework, executor.Id)] = executor;
        if (containerizer.Recover(checkpoint.ContainerId, Limits(executor)) is not { } container)
        {
            Ended(executor, null, "The executor's container never started");
            return;
        }
        Watch(executor, container);
        executor.Deadline = options.TimeProvider.CreateTimer(_ => host.Post(() => RegistrationTimedOut(executor)), null,
            options.ExecutorReregistrationTimeout, Timeout.InfiniteTimeSpan);
    }

    private void Deliver(ExecutorConnection connection, IReadOnlyList<AgentTask> tasks)
    {
        if (tasks.Count == 0) return;
        foreach (var task in tasks) task.Delivered = true;
        var group = new TaskGroupInfo();
        foreach (var task in tasks)
        {
            if (!task.InGroup)
                connection.Send(new ExecutorEvent { Type = ExecutorEvent.Types.Type.Launch, Launch = new() { Task = task.Info } });
            else group.Tasks.Add(task.Info);
        }
        if (group.Tasks.Count > 0)
            connection.Send(new ExecutorEvent { Type = ExecutorEvent.Types.Type.LaunchGroup, LaunchGroup = new() { TaskGroup = group } });
    }

    private TaskStatus Status(AgentTask task, TaskState state, string message, Reason? reason)
    {
        var status = new TaskStatus
        {
            TaskId = task.Info.TaskId, State = state, Message = message, Source = TaskStatus.Types.Source.Agent,
            ExecutorId = task.ExecutorId is { } e ? new ExecutorID { Value = e.Value } : null,
            AgentId = host.AgentId() is { } a ? new AgentID { Value = a.Value } : null,
            Timestamp = options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0,
        };
        if (reason is { } r) status.Reason = r;
        return status;
    }
}

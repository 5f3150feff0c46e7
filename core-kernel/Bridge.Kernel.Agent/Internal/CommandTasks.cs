using Bridge.Kernel.Agent.Containers;
using Bridge.Kernel.Agent.Fetching;
using Bridge.Kernel.Agent.Health;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Microsoft.Extensions.Logging;
using Reason = Bridge.Kernel.V1.TaskStatus.Types.Reason;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Kernel.Agent.Internal;

/// <summary>
/// The agent's built-in command executor: runs a task's CommandInfo in a container of its own,
/// reports TASK_RUNNING once the process started, and on exit TASK_FINISHED (status 0),
/// TASK_FAILED (other statuses; REASON_CONTAINER_LIMITATION_MEMORY when the memory limit killed
/// it) or TASK_KILLED (a kill was asked for). Launching runs off the agent's loop; results come
/// back through <c>post</c>.
/// </summary>
internal sealed class CommandTasks(Containerizer containerizer, UriFetcher fetcher, AgentOptions options, ILogger logger,
    Action<Action> post, Action<AgentTask, TaskStatus> report, Func<AgentId?> agentId)
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>The argv of a CommandInfo: <c>/bin/sh -c VALUE</c> when <c>shell</c> is unset or true
    /// (Mesos' default); otherwise VALUE is the program and <c>arguments</c> the whole argv (argv[0] included).</summary>
    public static List<string> Argv(CommandInfo command) =>
        !command.HasShell || command.Shell ? ["/bin/sh", "-c", command.Value]
        : command.Arguments.Count == 0 ? [command.Value] : [command.Value, .. command.Arguments.Skip(1)];

    /// <summary>What every container's environment starts with (nothing is inherited from the agent).</summary>
    public static Dictionary<string, string> BaseEnvironment(string sandbox)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = DefaultPath,
            ["LANG"] = "C.UTF-8",
            ["HOME"] = System.Environment.GetEnvironmentVariable("HOME") ?? "/root",
            ["BRIDGE_SANDBOX"] = sandbox,
            ["MESOS_SANDBOX"] = sandbox,
        };
        // A .NET executor or task finds its runtime where the agent found its own.
        if (System.Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnet) environment["DOTNET_ROOT"] = dotnet;
        return environment;
    }

    private Dictionary<string, string> Environment(AgentTask task)
    {
        var environment = BaseEnvironment(task.Sandbox);
        environment["BRIDGE_TASK_ID"] = task.Id.Value;
        environment["BRIDGE_FRAMEWORK_ID"] = task.FrameworkId.Value;
        environment["BRIDGE_AGENT_ID"] = agentId()?.Value ?? "";
        foreach (var variable in task.Info.Command.Environment?.Variables ?? []) environment[variable.Name] = variable.Value;
        return environment;
    }

    /// <summary>Fetches the command's URIs into the sandbox (the fetcher's log goes to its
    /// <c>stderr</c>), then starts the container; a failed fetch fails the task with
    /// REASON_CONTAINER_LAUNCH_FAILED, as in Mesos.</summary>
    public void Launch(AgentTask task)
    {
        var command = task.Info.Command;
        var environment = Environment(task);
        task.Environment = environment;
        var spec = new ContainerSpec(task.ContainerId, task.Sandbox, Argv(command), environment, Limits(task));
        _ = System.Threading.Tasks.Task.Run(async () =>
        {
            var (container, error) = await FetchAndLaunchAsync(containerizer, fetcher, command.Uris, spec);
            post(() => Started(task, container, error));
        });
    }

    /// <summary>Fetch, then launch; returns the container, or why there is none.</summary>
    internal static async Task<(Container?, string?)> FetchAndLaunchAsync(Containerizer containerizer, UriFetcher fetcher,
        IReadOnlyList<CommandInfo.Types.URI> uris, ContainerSpec spec)
    {
        // The runtime serialises process creation: more launchers than cores only queue up on the
        // thread pool and delay everything else the agent does (measured with 1000 tasks at once).
        await Launching.WaitAsync();
        try
        {
            if (uris.Count > 0)
            {
                Directory.CreateDirectory(spec.Sandbox);
                await fetcher.FetchAsync(uris, spec.Sandbox, "stderr");
            }
            return (containerizer.Launch(spec), null);
        }
        catch (FetchException e)
        {
            return (null, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return (null, $"Failed to launch container: {e.Message}");
        }
        finally
        {
            Launching.Release();
        }
    }

    private static readonly SemaphoreSlim Launching = new(System.Environment.ProcessorCount);

    private static ContainerLimits Limits(AgentTask task) =>
        new(task.Resources.GetScalar("cpus").ToDouble(), (long)task.Resources.GetScalar("mem").ToDouble());

    /// <summary>Takes back a command task's container after an agent restart: a live one is watched
    /// (and reported RUNNING if the earlier agent never said so); one that ended meanwhile is
    /// reported with the status its supervisor recorded.</summary>
    public void Recover(AgentTask task)
    {
        if (containerizer.Recover(task.ContainerId, Limits(task)) is not { } container)
        {
            report(task, Status(task, TaskState.TaskFailed, "The task's container never started before the agent restarted", Reason.ExecutorTerminated));
            return;
        }
        task.Container = container;
        task.Environment = Environment(task);
        if (task.State == TaskState.TaskStaging && !container.Exited.IsCompleted)
            report(task, Status(task, TaskState.TaskRunning, $"Command running (pid {container.Pid}, recovered)"));
        if (!container.Exited.IsCompleted) StartHealthCheck(task);
        container.Exited.ContinueWith(t => post(() => Exited(task, container, t.Result)), TaskScheduler.Default);
    }

    private void Started(AgentTask task, Container? container, string? error)
    {
        if (container is null)
        {
            logger.LogWarning("Task {Task} failed to launch: {Error}", task.Id, error);
            report(task, Status(task, TaskState.TaskFailed, error ?? "Failed to launch container", Reason.ContainerLaunchFailed));
            return;
        }
        task.Container = container;
        report(task, Status(task, TaskState.TaskRunning, $"Command running (pid {container.Pid}, {containerizer.Isolator.Name})"));
        if (task.KillRequested) Kill(task, null);
        else StartHealthCheck(task);
        container.Exited.ContinueWith(t => post(() => Exited(task, container, t.Result)), TaskScheduler.Default);
    }

    /// <summary>Starts the task's health check, if it has one: a change of health is a TASK_RUNNING
    /// update with <c>healthy</c> and REASON_TASK_HEALTH_CHECK_STATUS_UPDATED; reaching
    /// <c>consecutive_failures</c> kills the task, which ends TASK_KILLED and unhealthy (Mesos).</summary>
    private void StartHealthCheck(AgentTask task)
    {
        if (task.Info.HealthCheck is not { } check) return;
        try
        {
            task.Health = new HealthChecker(check, options.TimeProvider, task.Sandbox, task.Environment,
                (healthy, message) => post(() => HealthChanged(task, healthy, message)),
                message => post(() => Unhealthy(task, message)), logger: logger);
            task.Health.Start();
        }
        catch (InvalidMessageException e)
        {
            logger.LogWarning("Task {Task}: not health-checked: {Error}", task.Id, e.Message);
        }
    }

    private void HealthChanged(AgentTask task, bool healthy, string message)
    {
        if (task.State != TaskState.TaskRunning) return;
        var status = Status(task, TaskState.TaskRunning, $"Health check: {message}", Reason.TaskHealthCheckStatusUpdated);
        status.Healthy = healthy;
        report(task, status);
    }

    private void Unhealthy(AgentTask task, string message)
    {
        if (TaskStates.IsTerminal(task.State) || task.UnhealthyMessage is not null) return;
        logger.LogWarning("Task {Task} failed its health check: {Message}; killing it", task.Id, message);
        task.UnhealthyMessage = message;
        Kill(task, null);
    }

    /// <summary>Stops a task's health checker (it ended, or the agent stops).</summary>
    public static void StopHealthCheck(AgentTask task)
    {
        if (task.Health is { } health) _ = health.DisposeAsync().AsTask();
        task.Health = null;
    }

    private void Exited(AgentTask task, Container container, ContainerExit exit)
    {
        StopHealthCheck(task);
        var status = exit.Status;
        TaskStatus update;
        if (task.UnhealthyMessage is { } unhealthy)
        {
            update = Status(task, TaskState.TaskKilled, $"Killed after failing its health check: {unhealthy}");
            update.Healthy = false;
        }
        else if (container.KillRequested || task.KillRequested && exit.SupervisorLost)
            update = Status(task, TaskState.TaskKilled, $"Command terminated by a kill (status {status})");
        else if (exit.SupervisorLost)
            update = Status(task, TaskState.TaskFailed, "The task's container ended while the agent was down, without recording a status",
                Reason.ExecutorTerminated);
        else if (exit.MemoryLimitExceeded)
            update = Status(task, TaskState.TaskFailed,
                $"Memory limit exceeded: the task used more than its {task.Resources.GetScalar("mem")} MB (at least {ContainerLimits.MinMemoryMb} MB are allowed)",
                Reason.ContainerLimitationMemory);
        else if (status == 0)
            update = Status(task, TaskState.TaskFinished, "Command exited with status 0");
        else
            update = Status(task, TaskState.TaskFailed, status > 128 ? $"Command terminated by signal {status - 128}" : $"Command exited with status {status}",
                Reason.CommandExecutorFailed);
        if (!exit.SupervisorLost) update.ExitCode = status;
        report(task, update);
    }

    /// <summary>SIGTERM, then SIGKILL after the grace period (the kill's policy, else the task's, else 3 s).</summary>
    public void Kill(AgentTask task, KillPolicy? policy)
    {
        if (task.Container is not { } container)
        {
            task.KillRequested = true;
            return;
        }
        var grace = (policy ?? task.Info.KillPolicy)?.GracePeriod is { } g ? TimeSpan.FromTicks(g.Nanoseconds / 100) : options.DefaultKillGracePeriod;
        _ = containerizer.KillAsync(container, grace);
    }

    /// <summary>Checks limits the kernel does not enforce (posix isolation) and kills offenders.</summary>
    public void Monitor(IEnumerable<AgentTask> tasks)
    {
        foreach (var task in tasks)
        {
            if (task.Container is not { Exited.IsCompleted: false } container) continue;
            if (container.Isolation.Enforce(container.Pid) is not { } reason) continue;
            logger.LogWarning("Task {Task}: {Reason}; killing it", task.Id, reason);
            _ = containerizer.KillAsync(container, TimeSpan.Zero, requested: false);
        }
    }

    public TaskStatus Status(AgentTask task, TaskState state, string message, Reason? reason = null)
    {
        var status = new TaskStatus
        {
            TaskId = task.Info.TaskId,
            State = state,
            Message = message,
            Source = TaskStatus.Types.Source.Executor,
            AgentId = agentId() is { } a ? new AgentID { Value = a.Value } : null,
            Timestamp = options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0,
        };
        if (reason is { } r) status.Reason = r;
        return status;
    }
}

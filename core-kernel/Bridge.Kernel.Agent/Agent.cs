using Bridge.Kernel.Agent.Containers;
using Bridge.Kernel.Agent.Internal;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Kernel.Agent;

/// <summary>
/// An agent: offers this machine's resources to a master over one stream
/// (core-kernel/proto/bridge/v1/agent.proto), runs the tasks the master sends in containers
/// (<see cref="Containerizer"/>), reports their states as status updates kept until acknowledged,
/// answers pings, and reconnects with backoff when the master goes away. Like the master, it is
/// one event loop: everything that changes its state runs there, one thing at a time.
/// </summary>
public sealed class Agent : IAsyncDisposable
{
    private readonly EventLoop _loop;
    private readonly AgentOptions _options;
    private readonly ILogger _logger;
    private readonly Containerizer _containerizer;
    private readonly MasterLink _link;
    private readonly StatusUpdates _updates;
    private readonly CommandTasks _commands;
    private readonly CustomExecutors _executors;
    private readonly Checkpoints _checkpoints;
    private readonly HttpClient _http = new();
    private readonly Fetching.UriFetcher _fetcher;
    private readonly Dictionary<FrameworkId, FrameworkInfo> _frameworks = new();
    private readonly Dictionary<(FrameworkId, TaskId), AgentTask> _tasks = new();
    private readonly TaskCompletionSource<AgentId> _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _monitor;
    private Task _linkTask = Task.CompletedTask;
    private string _address = "";
    private Resources _checkpointed = Resources.Empty;
    private AgentId? _id;

    /// <summary>An agent not started yet: detects resources and isolation unless given. <see cref="AgentServer"/> starts it.</summary>
    /// <exception cref="IOException">The work dir cannot be created.</exception>
    public Agent(AgentOptions options, ILoggerFactory? loggerFactory = null)
    {
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Bridge.Kernel.Agent");
        _loop = new EventLoop(_logger);
        Directory.CreateDirectory(options.WorkDir);
        Total = options.Resources ?? ResourceDetection.Detect(options.WorkDir);
        var isolator = options.Isolator ?? Containerizer.DetectIsolator(CgroupName(options));
        _containerizer = new Containerizer(isolator, Path.Combine(options.WorkDir, "containers"), options.TimeProvider, options.MonitorInterval);
        _checkpoints = new Checkpoints(options.WorkDir, _logger);
        _link = new MasterLink(options, _logger, () => Run(Registration), m => Post(() => Received(m)), () => Post(Disconnected));
        _updates = new StatusUpdates(options, m => _link.Send(m), Post, _checkpoints.AppendUpdate);
        _fetcher = new Fetching.UriFetcher(Path.Combine(options.WorkDir, "cache"), _http, logger: _logger, timeProvider: options.TimeProvider);
        _commands = new CommandTasks(_containerizer, _fetcher, options, _logger, Post, (task, status) => Report(task, status), () => _id);
        _executors = new CustomExecutors(_containerizer, _fetcher, options, _logger, _checkpoints, new ExecutorHost(
            () => _id, AgentInfo, () => $"http://{_address}", f => _frameworks.GetValueOrDefault(f), Report, m => _link.Send(m), Post));
    }

    /// <summary>The agent's cgroup directory name: stable across restarts of an agent with the same
    /// hostname and work dir (so a restarted agent finds its containers), distinct between agents.</summary>
    private static string CgroupName(AgentOptions options)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(options.WorkDir)));
        return SafeName(options.Hostname) + "-" + Convert.ToHexStringLower(hash)[..8];
    }

    /// <summary>Starts the loop and connects to the master, advertising <paramref name="address"/> (host:port of the agent's endpoint).</summary>
    internal void Start(string address)
    {
        _address = address;
        _monitor = _options.TimeProvider.CreateTimer(_ => Post(() => _commands.Monitor(_tasks.Values)), null, _options.MonitorInterval, _options.MonitorInterval);
        _loop.Start();
        Post(Recover); // before the link's first registration, which also runs on the loop
        _linkTask = Task.Run(() => _link.RunAsync(_stop.Token));
        _logger.LogInformation("Agent {Hostname} at {Address} offering {Resources}, isolation {Isolator}", _options.Hostname, address, Total, Isolation);
    }

    /// <summary>The agent's settings.</summary>
    public AgentOptions Options => _options;

    /// <summary>The agent's work dir (sandboxes live under <c>sandboxes/FRAMEWORK/TASK</c>, custom
    /// executors' under <c>sandboxes/FRAMEWORK/executors/EXECUTOR</c>).</summary>
    public string WorkDir => _options.WorkDir;

    /// <summary>Usage of every running container: (framework, executor, usage). A command task's
    /// executor id is its task id, as in Mesos.</summary>
    public Task<IReadOnlyList<(FrameworkId Framework, ExecutorId Executor, ContainerUsage Usage)>> GetUsageAsync() =>
        Run<IReadOnlyList<(FrameworkId, ExecutorId, ContainerUsage)>>(() => _tasks.Values
            .Where(t => t.Container is { Exited.IsCompleted: false })
            .Select(t => (t.FrameworkId, new ExecutorId(t.Id.Value), t.Container!.Isolation.Usage(t.Container.Pid)))
            .Concat(_executors.All.Where(e => e.Container is { Exited.IsCompleted: false })
                .Select(e => (e.FrameworkId, e.Id, e.Container!.Isolation.Usage(e.Container.Pid))))
            .ToList());

    /// <summary>What this agent offers.</summary>
    public Resources Total { get; }

    /// <summary>The isolation in use (<c>cgroups/v1</c>, <c>cgroups/v2</c> or <c>posix</c>).</summary>
    public string Isolation => _containerizer.Isolator.Name;

    /// <summary>The hostname it reports.</summary>
    public string Hostname => _options.Hostname;

    /// <summary>Completes with the agent's id when the master first accepts it.</summary>
    public Task<AgentId> Registered => _registered.Task;

    /// <summary>Tasks the agent runs or has unacknowledged updates for, with their latest state.</summary>
    public Task<IReadOnlyList<(FrameworkId Framework, TaskId Task, TaskState State)>> GetTasksAsync() =>
        Run<IReadOnlyList<(FrameworkId, TaskId, TaskState)>>(() => _tasks.Values.Select(t => (t.FrameworkId, t.Id, t.State)).ToList());

    private static string SafeName(string name) => new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());

    private void Post(Action work) => _loop.Post(work);

    private Task<T> Run<T>(Func<T> work) => _loop.Run(work);

    // ------------------------------------------------------------------ master traffic

    private AgentInfo AgentInfo()
    {
        var port = uint.TryParse(_address.AsSpan(_address.LastIndexOf(':') + 1), out var p) ? p : 0;
        var info = new AgentInfo { Hostname = _options.Hostname, Address = _address, Port = port, Resources = { ResourceConversion.ToWire(Total) } };
        info.Attributes.AddRange(ResourceConversion.ToWire(_options.Attributes));
        if (_id is { } id) info.Id = new AgentID { Value = id.Value };
        return info;
    }

    private AgentMessage Registration()
    {
        var info = AgentInfo();
        if (info.Id is null) return new AgentMessage { Register = new() { AgentInfo = info, Version = AgentVersion } };
        var reregister = new AgentMessage.Types.Reregister { AgentInfo = info, Version = AgentVersion };
        reregister.CheckpointedResources.AddRange(ResourceConversion.ToWire(_checkpointed));
        reregister.Frameworks.AddRange(_frameworks.Values);
        reregister.Executors.AddRange(_executors.All.Select(e => e.Info));
        foreach (var task in _tasks.Values)
        {
            var wire = new V1.Task
            {
                Name = task.Info.Name, TaskId = task.Info.TaskId, FrameworkId = new FrameworkID { Value = task.FrameworkId.Value },
                AgentId = info.Id, State = task.State, KillPolicy = task.Info.KillPolicy, HealthCheck = task.Info.HealthCheck, Labels = task.Info.Labels,
                Role = task.Info.Resources.FirstOrDefault()?.AllocationInfo?.Role ?? "",
            };
            wire.Resources.AddRange(task.Info.Resources);
            reregister.Tasks.Add(wire);
        }
        return new AgentMessage { Reregister = reregister };
    }

    private static string AgentVersion => typeof(Agent).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private void Received(MasterMessage message)
    {
        switch (message.MessageCase)
        {
            case MasterMessage.MessageOneofCase.Registered:
            case MasterMessage.MessageOneofCase.Reregistered:
                var registered = message.Registered ?? message.Reregistered;
                var id = new AgentId(registered.AgentId.Value);
                if (_id != id) _checkpoints.WriteAgentId(id);
                _id = id;
                _logger.LogInformation("Agent {Hostname} {Event} as {Agent}", _options.Hostname, message.MessageCase, _id);
                _registered.TrySetResult(_id.Value);
                _link.PingTimeout = registered.TotalPingTimeoutSeconds > 0 ? TimeSpan.FromSeconds(registered.TotalPingTimeoutSeconds) : null;
                _updates.ResendAll();
                break;
            case MasterMessage.MessageOneofCase.RunTask:
                RunTask(message.RunTask.Framework, [message.RunTask.Task], group: null);
                break;
            case MasterMessage.MessageOneofCase.RunTaskGroup:
                RunTask(message.RunTaskGroup.Framework, message.RunTaskGroup.TaskGroup.Tasks, message.RunTaskGroup.Executor);
                break;
            case MasterMessage.MessageOneofCase.KillTask:
                KillTask(message.KillTask);
                break;
            case MasterMessage.MessageOneofCase.Acknowledge:
                Acknowledge(message.Acknowledge);
                break;
            case MasterMessage.MessageOneofCase.ShutdownFramework:
                ShutdownFramework(new FrameworkId(message.ShutdownFramework.FrameworkId.Value));
                break;
            case MasterMessage.MessageOneofCase.ShutdownExecutor:
                var shutdown = message.ShutdownExecutor;
                if (_executors.TryGet(new FrameworkId(shutdown.FrameworkId.Value), new ExecutorId(shutdown.ExecutorId.Value), out var executor))
                    _executors.Shutdown(executor);
                break;
            case MasterMessage.MessageOneofCase.FrameworkMessage:
                var toExecutor = message.FrameworkMessage;
                _executors.FrameworkMessage(new FrameworkId(toExecutor.FrameworkId.Value), new ExecutorId(toExecutor.ExecutorId.Value), toExecutor.Data);
                break;
            case MasterMessage.MessageOneofCase.Ping:
                _link.Send(new AgentMessage { Pong = new() { Sequence = message.Ping.Sequence } });
                break;
            case MasterMessage.MessageOneofCase.CheckpointResources:
                _checkpointed = ResourceConversion.ToModel(message.CheckpointResources.Resources, "checkpoint_resources.resources");
                break;
            case MasterMessage.MessageOneofCase.Refused:
                _logger.LogWarning("The master refused this agent: {Reason}; registering anew", message.Refused.Message);
                _id = null;
                _checkpoints.WriteAgentId(new AgentId(""));
                break;
            default:
                _logger.LogDebug("Agent: ignoring {Message}", message.MessageCase);
                break;
        }
    }

    private void Disconnected() => _logger.LogInformation("Agent {Hostname} lost its master; reconnecting", _options.Hostname);

    // ------------------------------------------------------------------ tasks

    private void RunTask(FrameworkInfo framework, IEnumerable<TaskInfo> tasks, ExecutorInfo? group)
    {
        var frameworkId = new FrameworkId(framework.Id.Value);
        if (!_frameworks.TryGetValue(frameworkId, out var known) || !known.Equals(framework)) _checkpoints.WriteFramework(framework);
        _frameworks[frameworkId] = framework;
        var forExecutor = new List<AgentTask>();
        ExecutorInfo? custom = null;
        foreach (var info in tasks)
        {
            var key = (frameworkId, new TaskId(info.TaskId.Value));
            if (_tasks.ContainsKey(key)) continue; // a duplicate delivery
            var executor = group ?? info.Executor;
            if (executor?.Type == ExecutorInfo.Types.Type.Default) executor = null; // the agent runs the command itself
            var task = NewTask(frameworkId, info, executor?.ExecutorId is { } e ? new ExecutorId(e.Value) : null, group is not null, AgentTask.NewContainerId());
            _tasks[key] = task;
            _checkpoints.WriteTask(frameworkId, new TaskCheckpoint
            {
                Task = info, ExecutorId = executor?.ExecutorId, ContainerId = task.ContainerId, InGroup = task.InGroup,
            });
            if (executor is not null)
            {
                custom = executor;
                forExecutor.Add(task);
            }
            else if (info.Command is null)
                Report(task, _commands.Status(task, TaskState.TaskFailed, "The task has neither a command nor an executor", TaskStatus.Types.Reason.TaskInvalid));
            else
                _commands.Launch(task);
        }
        if (custom is not null) _executors.Launch(frameworkId, custom, forExecutor);
    }

    private AgentTask NewTask(FrameworkId framework, TaskInfo info, ExecutorId? executor, bool inGroup, string containerId)
    {
        var resources = ResourceConversion.ToModel(info.Resources, "task.resources");
        var sandbox = executor is { } e
            ? Path.Combine(_options.WorkDir, "sandboxes", framework.Value, "executors", e.Value)
            : Path.Combine(_options.WorkDir, "sandboxes", framework.Value, info.TaskId.Value);
        return new AgentTask(framework, info, resources, sandbox)
        {
            ExecutorId = executor, InGroup = inGroup, ContainerId = executor is null ? containerId : "",
        };
    }

    private void KillTask(MasterMessage.Types.KillTask kill)
    {
        var frameworkId = new FrameworkId(kill.FrameworkId.Value);
        if (!_tasks.TryGetValue((frameworkId, new TaskId(kill.TaskId.Value)), out var task))
        {
            var state = _frameworks.TryGetValue(frameworkId, out var f) && f.Capabilities.Any(c => c.Type == FrameworkInfo.Types.Capability.Types.Type.PartitionAware)
                ? TaskState.TaskDropped : TaskState.TaskLost;
            var status = new TaskStatus
            {
                TaskId = kill.TaskId, State = state, Source = TaskStatus.Types.Source.Agent, Reason = TaskStatus.Types.Reason.TaskUnknown,
                Message = "Cannot kill a task this agent does not know", AgentId = _id is { } a ? new AgentID { Value = a.Value } : null,
                Timestamp = _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0,
            };
            _updates.Add(frameworkId, status);
            return;
        }
        if (TaskStates.IsTerminal(task.State)) return;
        if (task.ExecutorId is not null)
        {
            _executors.Kill(task, kill.KillPolicy); // the executor reports TASK_KILLING itself if it wants to
            return;
        }
        if (_frameworks.TryGetValue(frameworkId, out var framework) &&
            framework.Capabilities.Any(c => c.Type == FrameworkInfo.Types.Capability.Types.Type.TaskKillingState) && task.State != TaskState.TaskKilling)
            Report(task, _commands.Status(task, TaskState.TaskKilling, "Kill requested"));
        _commands.Kill(task, kill.KillPolicy);
    }

    /// <summary>A task's new state: checkpointed and sent as a status update (an executor's keep its uuid).</summary>
    private void Report(AgentTask task, TaskStatus status, bool fromExecutor = false)
    {
        if (task.Removed)
        {
            if (TaskStates.IsTerminal(status.State) && task.ContainerId.Length > 0) _containerizer.Forget(task.ContainerId);
            return;
        }
        if (TaskStates.IsTerminal(task.State)) return; // a task ends once
        task.State = status.State;
        _updates.Add(task.FrameworkId, status, keepUuid: fromExecutor);
        if (TaskStates.IsTerminal(status.State) && task.ExecutorId is { } e && _executors.TryGet(task.FrameworkId, e, out var executor))
            _executors.Resize(executor);
    }

    private void Acknowledge(MasterMessage.Types.AcknowledgeStatusUpdate ack)
    {
        var key = (new FrameworkId(ack.FrameworkId.Value), new TaskId(ack.TaskId.Value));
        var known = _tasks.TryGetValue(key, out var task) && _updates.IsPending(key.Item1, key.Item2, ack.Uuid);
        var done = _updates.Acknowledge(key.Item1, key.Item2, ack.Uuid);
        if (!known) return;
        _executors.Acknowledged(task!, ack.Uuid);
        if (done && TaskStates.IsTerminal(task!.State)) Forget(task);
    }

    /// <summary>Drops a task whose end was acknowledged, with its checkpoint and container records.</summary>
    private void Forget(AgentTask task)
    {
        _tasks.Remove((task.FrameworkId, task.Id));
        _checkpoints.RemoveTask(task.FrameworkId, task.Id);
        if (task.ContainerId.Length > 0) _containerizer.Forget(task.ContainerId);
        if (task.ExecutorId is { } e && _executors.TryGet(task.FrameworkId, e, out var executor)) executor.Tasks.Remove(task);
        if (!_tasks.Values.Any(t => t.FrameworkId == task.FrameworkId) && !_executors.All.Any(x => x.FrameworkId == task.FrameworkId))
        {
            _frameworks.Remove(task.FrameworkId);
            _checkpoints.RemoveFramework(task.FrameworkId);
        }
    }

    private void ShutdownFramework(FrameworkId framework)
    {
        foreach (var executor in _executors.All.Where(e => e.FrameworkId == framework).ToList()) _executors.Shutdown(executor);
        foreach (var task in _tasks.Values.Where(t => t.FrameworkId == framework).ToList())
        {
            if (task.ExecutorId is null) _commands.Kill(task, null);
            task.Removed = true;
            _tasks.Remove((framework, task.Id));
        }
        _updates.Forget(framework);
        _frameworks.Remove(framework);
        _checkpoints.RemoveFramework(framework);
    }

    // ------------------------------------------------------------------ recovery

    /// <summary>
    /// Agent recovery (Mesos' <c>Slave::recover</c>): reads the checkpoints an earlier agent process
    /// wrote, takes back its id, its frameworks, its unacknowledged status updates, and its
    /// containers: live ones keep running and are watched again; ones that ended meanwhile are
    /// reported with their recorded status (TASK_FAILED with REASON_EXECUTOR_TERMINATED when none was
    /// recorded). A framework without <c>checkpoint</c> does not get its tasks back, as in Mesos:
    /// they are killed and reported TASK_LOST with REASON_AGENT_RESTARTED.
    /// </summary>
    private void Recover()
    {
        _id = _checkpoints.ReadAgentId();
        var recovered = 0;
        foreach (var framework in _checkpoints.Read())
        {
            var frameworkId = new FrameworkId(framework.Info.Id.Value);
            _frameworks[frameworkId] = framework.Info;
            var tasks = new List<AgentTask>();
            foreach (var checkpointed in framework.Tasks)
            {
                var c = checkpointed.Checkpoint;
                var task = NewTask(frameworkId, c.Task, c.ExecutorId is { Value.Length: > 0 } e ? new ExecutorId(e.Value) : null, c.InGroup, c.ContainerId);
                task.State = _updates.Recover(frameworkId, task.Id, checkpointed.Updates)?.State ?? TaskState.TaskStaging;
                _tasks[(frameworkId, task.Id)] = task;
                tasks.Add(task);
            }
            foreach (var executor in framework.Executors)
            {
                var own = tasks.Where(t => t.ExecutorId?.Value == executor.Executor.ExecutorId.Value).ToList();
                if (framework.Info.Checkpoint) _executors.Recover(frameworkId, executor, own);
                else
                {
                    Abandon(executor.ContainerId, own, ContainerLimitsOf(executor.Executor.Resources));
                    _checkpoints.RemoveExecutor(frameworkId, new ExecutorId(executor.Executor.ExecutorId.Value));
                }
            }
            foreach (var task in tasks.Where(t => !TaskStates.IsTerminal(t.State)))
            {
                if (task.ExecutorId is { } e && !framework.Executors.Any(x => x.Executor.ExecutorId.Value == e.Value))
                    Report(task, _commands.Status(task, TaskState.TaskFailed, "The task's executor was never started", TaskStatus.Types.Reason.ExecutorTerminated));
                else if (task.ExecutorId is not null) continue;
                else if (framework.Info.Checkpoint) _commands.Recover(task);
                else Abandon(task.ContainerId, [task], ContainerLimitsOf(task.Info.Resources));
            }
            recovered += tasks.Count;
            foreach (var task in tasks.Where(t => TaskStates.IsTerminal(t.State) && _updates.Pending(frameworkId, t.Id).Count == 0)) Forget(task);
        }
        if (_id is not null) _logger.LogInformation("Agent {Hostname} recovered as {Agent} with {Tasks} tasks", _options.Hostname, _id, recovered);
    }

    private static Containers.ContainerLimits ContainerLimitsOf(IEnumerable<V1.Resource> resources)
    {
        var model = ResourceConversion.ToModel(resources, "resources");
        return new(model.GetScalar("cpus").ToDouble(), (long)model.GetScalar("mem").ToDouble());
    }

    /// <summary>Kills a recovered container of a framework that did not ask for checkpointing, and reports its tasks lost.</summary>
    private void Abandon(string containerId, IReadOnlyList<AgentTask> tasks, Containers.ContainerLimits limits)
    {
        if (_containerizer.Recover(containerId, limits) is { } container)
        {
            _ = _containerizer.KillAsync(container, TimeSpan.Zero);
            container.Exited.ContinueWith(_ => Post(() => _containerizer.Forget(containerId)), TaskScheduler.Default);
        }
        foreach (var task in tasks.Where(t => !TaskStates.IsTerminal(t.State)))
            Report(task, _commands.Status(task, TaskState.TaskLost, "The agent restarted and the framework does not checkpoint", TaskStatus.Types.Reason.AgentRestarted));
    }

    // ------------------------------------------------------------------ executor API (ExecutorService)

    internal Task<ExecutorConnection> ExecutorSubscribeAsync(V1.Executor.Call call) => Run(() => _executors.Subscribe(call));

    internal Task ExecutorCallAsync(V1.Executor.Call call) => _loop.Run(() => _executors.Call(call));

    internal void ExecutorDisconnected(ExecutorConnection connection) => Post(() => _executors.Disconnected(connection));

    // ------------------------------------------------------------------ stop

    /// <summary>Disconnects from the master. Without <paramref name="killTasks"/>, tasks and executors
    /// keep running and the next agent started with the same work dir recovers them (what
    /// <c>bridge agent</c> does on Ctrl-C, as a Mesos agent does). With it, every task and executor is
    /// killed (SIGTERM, then SIGKILL after its grace period) and awaited first, and the checkpoints
    /// are cleared, so nothing is left running (what <c>bridge up</c> does on Ctrl-C).</summary>
    public async Task StopAsync(bool killTasks)
    {
        if (killTasks)
        {
            var containers = await Run(() => _tasks.Values.Select(t => t.Container)
                .Concat(_executors.All.Select(e => e.Container)).OfType<Container>().ToList());
            await Task.WhenAll(containers.Select(c => _containerizer.KillAsync(c, _options.DefaultKillGracePeriod)));
            await Task.WhenAll(containers.Select(c => c.Exited.ContinueWith(_ => { }, TaskScheduler.Default)));
            await _loop.Run(_checkpoints.Clear); // nothing is left to recover
            _containerizer.Isolator.Release();
        }
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        await _linkTask;
        _monitor?.Dispose();
        await _loop.Run(() =>
        {
            foreach (var e in _executors.All) e.Connection?.Close();
            foreach (var t in _tasks.Values) CommandTasks.StopHealthCheck(t);
        });
        // Nothing runs on this agent's behalf any more: a container ending now is the next agent's to find.
        await _loop.StopAsync();
    }

    /// <summary>Stops the agent, killing its tasks.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync(killTasks: true);
        await _loop.StopAsync();
        _stop.Dispose();
        _fetcher.Dispose();
        _http.Dispose();
    }
}

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
        var isolator = options.Isolator ?? Containerizer.DetectIsolator(SafeName(options.Hostname) + "-" + System.Environment.ProcessId);
        _containerizer = new Containerizer(isolator, Path.Combine(options.WorkDir, "containers"), options.TimeProvider);
        _link = new MasterLink(options, _logger, () => Run(Registration), m => Post(() => Received(m)), () => Post(Disconnected));
        _updates = new StatusUpdates(options, m => _link.Send(m), Post);
        _commands = new CommandTasks(_containerizer, options, _logger, Post, Report, () => _id);
    }

    /// <summary>Starts the loop and connects to the master, advertising <paramref name="address"/> (host:port of the agent's endpoint).</summary>
    internal void Start(string address)
    {
        _address = address;
        _monitor = _options.TimeProvider.CreateTimer(_ => Post(() => _commands.Monitor(_tasks.Values)), null, _options.MonitorInterval, _options.MonitorInterval);
        _loop.Start();
        _linkTask = Task.Run(() => _link.RunAsync(_stop.Token));
        _logger.LogInformation("Agent {Hostname} at {Address} offering {Resources}, isolation {Isolator}", _options.Hostname, address, Total, Isolation);
    }

    /// <summary>The agent's work dir (sandboxes live under <c>sandboxes/FRAMEWORK/TASK</c>).</summary>
    public string WorkDir => _options.WorkDir;

    /// <summary>Usage of every running task: (framework, task, usage).</summary>
    public Task<IReadOnlyList<(FrameworkId Framework, TaskId Task, ContainerUsage Usage)>> GetUsageAsync() =>
        Run<IReadOnlyList<(FrameworkId, TaskId, ContainerUsage)>>(() => _tasks.Values
            .Where(t => t.Container is { Exited.IsCompleted: false })
            .Select(t => (t.FrameworkId, t.Id, t.Container!.Isolation.Usage(t.Container.Pid))).ToList());

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

    private AgentMessage Registration()
    {
        var port = uint.TryParse(_address.AsSpan(_address.LastIndexOf(':') + 1), out var p) ? p : 0;
        var info = new AgentInfo { Hostname = _options.Hostname, Address = _address, Port = port, Resources = { ResourceConversion.ToWire(Total) } };
        info.Attributes.AddRange(ResourceConversion.ToWire(_options.Attributes));
        if (_id is not { } id) return new AgentMessage { Register = new() { AgentInfo = info, Version = AgentVersion } };
        info.Id = new AgentID { Value = id.Value };
        var reregister = new AgentMessage.Types.Reregister { AgentInfo = info, Version = AgentVersion };
        reregister.CheckpointedResources.AddRange(ResourceConversion.ToWire(_checkpointed));
        reregister.Frameworks.AddRange(_frameworks.Values);
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
                _id = new AgentId(registered.AgentId.Value);
                _logger.LogInformation("Agent {Hostname} {Event} as {Agent}", _options.Hostname, message.MessageCase, _id);
                _registered.TrySetResult(_id.Value);
                _updates.ResendAll();
                break;
            case MasterMessage.MessageOneofCase.RunTask:
                RunTask(message.RunTask.Framework, [message.RunTask.Task]);
                break;
            case MasterMessage.MessageOneofCase.RunTaskGroup:
                RunTask(message.RunTaskGroup.Framework, message.RunTaskGroup.TaskGroup.Tasks);
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
            case MasterMessage.MessageOneofCase.Ping:
                _link.Send(new AgentMessage { Pong = new() { Sequence = message.Ping.Sequence } });
                break;
            case MasterMessage.MessageOneofCase.CheckpointResources:
                _checkpointed = ResourceConversion.ToModel(message.CheckpointResources.Resources, "checkpoint_resources.resources");
                break;
            case MasterMessage.MessageOneofCase.Refused:
                _logger.LogWarning("The master refused this agent: {Reason}; registering anew", message.Refused.Message);
                _id = null;
                break;
            default:
                _logger.LogDebug("Agent: ignoring {Message}", message.MessageCase);
                break;
        }
    }

    private void Disconnected() => _logger.LogInformation("Agent {Hostname} lost its master; reconnecting", _options.Hostname);

    // ------------------------------------------------------------------ tasks

    private void RunTask(FrameworkInfo framework, IEnumerable<TaskInfo> tasks)
    {
        var frameworkId = new FrameworkId(framework.Id.Value);
        _frameworks[frameworkId] = framework;
        foreach (var info in tasks)
        {
            var key = (frameworkId, new TaskId(info.TaskId.Value));
            if (_tasks.ContainsKey(key)) continue; // a duplicate delivery
            var resources = ResourceConversion.ToModel(info.Resources, "task.resources");
            var sandbox = Path.Combine(_options.WorkDir, "sandboxes", frameworkId.Value, info.TaskId.Value);
            var task = new AgentTask(frameworkId, info, resources, sandbox);
            _tasks[key] = task;
            if (info.Command is null)
            {
                Report(task, _commands.Status(task, TaskState.TaskFailed, "Custom executors are not supported by this agent yet",
                    TaskStatus.Types.Reason.ExecutorTerminated));
                continue;
            }
            _commands.Launch(task);
        }
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
        if (_frameworks.TryGetValue(frameworkId, out var framework) &&
            framework.Capabilities.Any(c => c.Type == FrameworkInfo.Types.Capability.Types.Type.TaskKillingState) && task.State != TaskState.TaskKilling)
            Report(task, _commands.Status(task, TaskState.TaskKilling, "Kill requested"));
        _commands.Kill(task, kill.KillPolicy);
    }

    private void Report(AgentTask task, TaskStatus status)
    {
        if (TaskStates.IsTerminal(task.State)) return; // a task ends once
        task.State = status.State;
        _updates.Add(task.FrameworkId, status);
    }

    private void Acknowledge(MasterMessage.Types.AcknowledgeStatusUpdate ack)
    {
        var key = (new FrameworkId(ack.FrameworkId.Value), new TaskId(ack.TaskId.Value));
        if (_updates.Acknowledge(key.Item1, key.Item2, ack.Uuid) && _tasks.TryGetValue(key, out var task) && TaskStates.IsTerminal(task.State))
            _tasks.Remove(key);
    }

    private void ShutdownFramework(FrameworkId framework)
    {
        foreach (var task in _tasks.Values.Where(t => t.FrameworkId == framework).ToList())
        {
            _commands.Kill(task, null);
            _tasks.Remove((framework, task.Id));
        }
        _updates.Forget(framework);
        _frameworks.Remove(framework);
    }

    // ------------------------------------------------------------------ stop

    /// <summary>Disconnects from the master. With <paramref name="killTasks"/>, every task is killed
    /// (SIGTERM, then SIGKILL after its grace period) and awaited first, so nothing is left running
    /// (what <c>bridge up</c> does on Ctrl-C).</summary>
    public async Task StopAsync(bool killTasks)
    {
        if (killTasks)
        {
            var containers = await Run(() => _tasks.Values.Select(t => t.Container).OfType<Container>().ToList());
            await Task.WhenAll(containers.Select(c => _containerizer.KillAsync(c, _options.DefaultKillGracePeriod)));
            await Task.WhenAll(containers.Select(c => c.Exited.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
        _stop.Cancel();
        await _linkTask;
        _monitor?.Dispose();
    }

    /// <summary>Stops the agent, killing its tasks.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync(killTasks: true);
        await _loop.StopAsync();
        _stop.Dispose();
    }
}

using Bridge.Yarn.Protocol.Launching;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Bridge.Rpc;
using Bridge.Yarn.NodeManager.Containers;
using Bridge.Yarn.ResourceManager.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ContainerStatus = Bridge.Yarn.ResourceManager.Records.ContainerStatus;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Yarn.NodeManager.Hosting;

/// <summary>
/// The YARN bridge's custom executor (Myriad's NM executor): its first task runs a NodeManager (the task's data is a
/// <see cref="NodeManagerLaunch"/>), reported TASK_RUNNING once the NodeManager has registered with the
/// ResourceManager; further tasks are placeholders (<c>yarn_CONTAINER-ID</c>), one per YARN container that fine-grained
/// scaling placed on this node, so the kernel accounts every container. A placeholder is TASK_RUNNING at once and
/// TASK_FINISHED when its container completes (even if the container completed before the placeholder arrived); a
/// KILL of a placeholder stops its container (exit status PREEMPTED for YARN) and ends TASK_KILLED. The NodeManager
/// task ends TASK_FINISHED when the ResourceManager shuts the node down (decommissioned), TASK_KILLED on KILL or
/// SHUTDOWN (its containers end ABORTED), TASK_FAILED when its spec is invalid or it cannot start; then
/// <see cref="Done"/> completes and the executor process exits.
/// </summary>
/// <param name="start">Starts the NodeManager a spec describes (in production, <see cref="NodeManagerServer.StartAsync"/>).</param>
/// <param name="logger">Where the executor logs.</param>
public sealed partial class NodeManagerExecutor(Func<NodeManagerLaunch, Task<INodeManagerHandle>> start, ILogger? logger = null) : Executor
{
    /// <summary>How many completed containers without a placeholder (yet) are remembered.</summary>
    public const int RememberedCompletions = 10_000;

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly object _gate = new();
    private readonly Dictionary<ContainerId, TaskID> _placeholders = new();
    private readonly HashSet<ContainerId> _killRequested = [];
    private readonly Dictionary<ContainerId, ContainerStatus> _completed = new();
    private readonly Queue<ContainerId> _completedOrder = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private INodeManagerHandle? _nodeManager;
    private TaskID? _nodeManagerTask;
    private ExecutorDriver? _driver;
    private bool _ending;

    /// <summary>Completes when the NodeManager task has ended (or could not start): the executor's work is over.</summary>
    public Task Done => _done.Task;

    /// <inheritdoc />
    public override async Task LaunchAsync(ExecutorDriver driver, TaskInfo task)
    {
        _driver = driver;
        if (PlaceholderTaskIds.TryParse(task.TaskId.Value, out var container))
        {
            await LaunchPlaceholderAsync(driver, task.TaskId, container);
            return;
        }
        lock (_gate)
        {
            if (_nodeManagerTask is not null)
            {
                _ = SendAsync(driver, task.TaskId, TaskState.TaskFailed, $"A NodeManager already runs in this executor (task {_nodeManagerTask.Value})");
                return;
            }
            _nodeManagerTask = task.TaskId;
        }
        if (!NodeManagerLaunch.TryParse(task.Data.Span, out var spec, out var invalid))
        {
            await EndNodeManagerAsync(driver, TaskState.TaskFailed, invalid);
            return;
        }
        INodeManagerHandle nm;
        try
        {
            nm = await start(spec);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            await EndNodeManagerAsync(driver, TaskState.TaskFailed, $"The NodeManager could not start: {e.Message}");
            return;
        }
        lock (_gate) _nodeManager = nm;
        nm.ContainerCompleted += status => OnContainerCompleted(driver, status);
        _ = FollowAsync(driver, nm, spec);
    }

    private async Task FollowAsync(ExecutorDriver driver, INodeManagerHandle nm, NodeManagerLaunch spec)
    {
        var registered = await Task.WhenAny(nm.Registered, nm.Stopped);
        if (registered == nm.Registered && !nm.Stopped.IsCompleted)
            await SendAsync(driver, _nodeManagerTask!, TaskState.TaskRunning, $"NodeManager {spec.NodeId} registered with the ResourceManager at {spec.ResourceManager}");
        var why = await nm.Stopped;
        bool killed;
        lock (_gate) killed = _ending;
        if (!killed) await EndNodeManagerAsync(driver, TaskState.TaskFinished, $"NodeManager {spec.NodeId} stopped: {why}");
    }

    private async Task LaunchPlaceholderAsync(ExecutorDriver driver, TaskID taskId, ContainerId container)
    {
        ContainerStatus? alreadyDone;
        lock (_gate)
        {
            if (_nodeManager is null || _ending)
            {
                _ = SendAsync(driver, taskId, TaskState.TaskLost, $"No NodeManager runs in this executor for YARN container {container}");
                return;
            }
            _placeholders[container] = taskId;
            alreadyDone = _completed.Remove(container, out var s) ? s : null;
        }
        LogPlaceholder(_logger, taskId.Value, alreadyDone is null ? "running" : "done already");
        await SendAsync(driver, taskId, TaskState.TaskRunning, $"Placeholder of YARN container {container}");
        if (alreadyDone is { } done) await FinishPlaceholderAsync(driver, container, done);
    }

    private void OnContainerCompleted(ExecutorDriver driver, ContainerStatus status)
    {
        lock (_gate)
        {
            if (!_placeholders.ContainsKey(status.ContainerId))
            {
                // Completed before its placeholder arrived (or it never had one: a NodeManager with static capacity).
                _completed[status.ContainerId] = status;
                _completedOrder.Enqueue(status.ContainerId);
                while (_completedOrder.Count > RememberedCompletions) _completed.Remove(_completedOrder.Dequeue());
                return;
            }
        }
        _ = FinishPlaceholderAsync(driver, status.ContainerId, status);
    }

    private async Task FinishPlaceholderAsync(ExecutorDriver driver, ContainerId container, ContainerStatus status)
    {
        TaskID? taskId;
        bool killed;
        lock (_gate)
        {
            if (!_placeholders.Remove(container, out taskId)) return;
            killed = _killRequested.Remove(container);
        }
        var text = $"YARN container {container} completed with exit status {status.ExitStatus}" + (status.Diagnostics.Length > 0 ? $": {status.Diagnostics}" : "");
        await SendAsync(driver, taskId, killed ? TaskState.TaskKilled : TaskState.TaskFinished, text);
    }

    /// <inheritdoc />
    public override async Task KillAsync(ExecutorDriver driver, TaskID taskId, KillPolicy? policy)
    {
        if (PlaceholderTaskIds.TryParse(taskId.Value, out var container))
        {
            INodeManagerHandle? nm;
            lock (_gate)
            {
                if (!_placeholders.ContainsKey(container)) return; // already ended
                _killRequested.Add(container);
                nm = _nodeManager;
            }
            var live = nm?.Containers.Any(c => c.Id == container && c.Phase != NmContainerPhase.Done) ?? false;
            if (live) nm!.StopContainers([container], StopRequester.Kernel);
            else
            {
                lock (_gate) _placeholders.Remove(container);
                await SendAsync(driver, taskId, TaskState.TaskKilled, $"Placeholder of YARN container {container} killed; the container was not running here");
            }
            return;
        }
        bool ours;
        lock (_gate) ours = _nodeManagerTask?.Value == taskId.Value;
        if (ours) await StopNodeManagerAsync(driver, TaskState.TaskKilled, "NodeManager killed");
    }

    /// <inheritdoc />
    public override Task ShutdownAsync(ExecutorDriver driver) => StopNodeManagerAsync(driver, TaskState.TaskKilled, "The executor was shut down");

    private async Task StopNodeManagerAsync(ExecutorDriver driver, TaskState state, string message)
    {
        INodeManagerHandle? nm;
        lock (_gate)
        {
            if (_ending) return;
            _ending = true;
            nm = _nodeManager;
        }
        if (nm is not null) await nm.DisposeAsync(); // its containers end ABORTED; their placeholders finish through ContainerCompleted
        await EndNodeManagerAsync(driver, state, message);
    }

    private async Task EndNodeManagerAsync(ExecutorDriver driver, TaskState state, string message)
    {
        List<(ContainerId, TaskID)> orphans;
        TaskID? nmTask;
        lock (_gate)
        {
            _ending = true;
            orphans = _placeholders.Select(p => (p.Key, p.Value)).ToList();
            _placeholders.Clear();
            nmTask = _nodeManagerTask;
        }
        foreach (var (container, taskId) in orphans)
            await SendAsync(driver, taskId, TaskState.TaskKilled, $"Placeholder of YARN container {container} ended with its NodeManager");
        if (nmTask is not null) await SendAsync(driver, nmTask, state, message);
        LogEnded(_logger, state.ToString(), message);
        _done.TrySetResult();
    }

    private async Task SendAsync(ExecutorDriver driver, TaskID taskId, TaskState state, string message)
    {
        try
        {
            await driver.SendStatusUpdateAsync(taskId, state, message);
            LogSent(_logger, taskId.Value, state.ToString());
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
        {
            // Kept by the driver and sent again when it re-subscribes.
        }
        catch (RpcException e)
        {
            LogUpdateRefused(_logger, taskId.Value, e.Status.Detail);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Placeholder {TaskId} launched; its container is {Phase}")]
    private static partial void LogPlaceholder(ILogger logger, string taskId, string phase);

    [LoggerMessage(Level = LogLevel.Information, Message = "Update {State} of {TaskId} sent")]
    private static partial void LogSent(ILogger logger, string taskId, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "NodeManager task ended {State}: {Message}")]
    private static partial void LogEnded(ILogger logger, string state, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The agent refused the update of {TaskId}: {Detail}")]
    private static partial void LogUpdateRefused(ILogger logger, string taskId, string detail);
}

/// <summary>What the executor needs of a running NodeManager (implemented by <see cref="NodeManagerServer"/>).</summary>
public interface INodeManagerHandle : IAsyncDisposable
{
    /// <summary>Completes once registered with the ResourceManager.</summary>
    Task Registered { get; }

    /// <summary>Completes when the NodeManager stopped, with why.</summary>
    Task<string> Stopped { get; }

    /// <summary>Raised when a container completes.</summary>
    event Action<ContainerStatus>? ContainerCompleted;

    /// <summary>Its containers now.</summary>
    IReadOnlyList<NmContainer> Containers { get; }

    /// <summary>Stops containers.</summary>
    IReadOnlyList<ContainerRequestOutcome> StopContainers(IReadOnlyList<ContainerId> ids, StopRequester by);
}

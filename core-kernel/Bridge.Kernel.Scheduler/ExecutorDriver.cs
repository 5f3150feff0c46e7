using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Rpc;
using Google.Protobuf;
using Call = Bridge.Kernel.V1.Executor.Call;
using Event = Bridge.Kernel.V1.Executor.Event;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Kernel.Scheduler;

/// <summary>Settings of an <see cref="ExecutorDriver"/>.</summary>
public sealed record ExecutorDriverOptions
{
    /// <summary>First wait before re-subscribing after the agent went away (default: 0.5 s); doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between re-subscriptions (default: 2 s, Mesos' executor subscription backoff).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a checkpointing executor waits for its agent to come back before it gives
    /// up and exits (default: 15 min, Mesos' <c>--recovery_timeout</c>).</summary>
    public TimeSpan RecoveryTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Clock for the backoff and the recovery timeout (default: system).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>
/// The client side of the executor API (core-kernel/proto/bridge/v1/executor.proto), in the shape
/// of Mesos' <c>ExecutorDriver</c>: <see cref="RunAsync"/> subscribes to the agent that started the
/// executor, dispatches events to the <see cref="Executor"/> one at a time, and, when the agent
/// restarts, re-subscribes with the tasks and updates not yet acknowledged (when the framework
/// checkpoints; otherwise the executor ends with its agent). Updates keep their uuid until the
/// agent's ACKNOWLEDGED, so none is lost across an agent restart.
/// </summary>
public sealed class ExecutorDriver : IAsyncDisposable
{
    private readonly RpcChannel _channel;
    private readonly ExecutorClient _client;
    private readonly Executor _executor;
    private readonly ExecutorDriverOptions _options;
    private readonly bool _checkpoint;
    private readonly object _gate = new();
    private readonly Dictionary<string, TaskInfo> _unacknowledgedTasks = new();
    private readonly Dictionary<ByteString, TaskStatus> _unacknowledgedUpdates = new();
    private readonly HashSet<string> _launched = new();

    /// <summary>A driver for the executor <paramref name="executorId"/> of <paramref name="frameworkId"/>
    /// whose agent serves the executor API at <paramref name="agent"/> (e.g. <c>http://127.0.0.1:5051</c>).</summary>
    public ExecutorDriver(Uri agent, FrameworkID frameworkId, ExecutorID executorId, Executor executor, bool checkpoint,
        ExecutorDriverOptions? options = null)
    {
        _channel = RpcChannel.ForAddress(agent);
        _client = new ExecutorClient(_channel);
        FrameworkId = frameworkId;
        ExecutorId = executorId;
        _executor = executor;
        _checkpoint = checkpoint;
        _options = options ?? new ExecutorDriverOptions();
    }

    /// <summary>A driver configured from the environment the agent gives an executor it starts:
    /// <c>BRIDGE_AGENT_ENDPOINT</c>, <c>BRIDGE_FRAMEWORK_ID</c>, <c>BRIDGE_EXECUTOR_ID</c>, <c>BRIDGE_CHECKPOINT</c>.</summary>
    /// <exception cref="InvalidOperationException">A variable is missing: the process was not started by an agent.</exception>
    public static ExecutorDriver FromEnvironment(Executor executor, ExecutorDriverOptions? options = null)
    {
        static string Require(string name) => System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
            ? v : throw new InvalidOperationException($"{name} is not set: executors are started by a Bridge agent");
        return new ExecutorDriver(new Uri(Require("BRIDGE_AGENT_ENDPOINT")), new FrameworkID { Value = Require("BRIDGE_FRAMEWORK_ID") },
            new ExecutorID { Value = Require("BRIDGE_EXECUTOR_ID") }, executor, System.Environment.GetEnvironmentVariable("BRIDGE_CHECKPOINT") == "1", options);
    }

    /// <summary>The executor's framework.</summary>
    public FrameworkID FrameworkId { get; }

    /// <summary>The executor's id.</summary>
    public ExecutorID ExecutorId { get; }

    /// <summary>The agent's id, once subscribed.</summary>
    public AgentID? AgentId { get; private set; }

    /// <summary>
    /// Subscribes and dispatches events until SHUTDOWN or ERROR was handled, <paramref name="cancellationToken"/>
    /// fires, or the agent stays away (at once without checkpointing; after
    /// <see cref="ExecutorDriverOptions.RecoveryTimeout"/> with it).
    /// </summary>
    /// <exception cref="RpcException">The agent rejected the subscription (INVALID_ARGUMENT, NOT_FOUND): it does not run this executor.</exception>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var backoff = _options.Backoff;
        var subscribedBefore = false;
        DateTimeOffset? lostAt = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var stream = _client.Subscribe(SubscribeCall(), new CallOptions(CancellationToken: cancellationToken));
                while (await stream.ResponseStream.MoveNext(cancellationToken))
                {
                    backoff = _options.Backoff;
                    lostAt = null;
                    var e = stream.ResponseStream.Current;
                    if (!await DispatchAsync(e, subscribedBefore)) return;
                    if (e.Type == Event.Types.Type.Subscribed) subscribedBefore = true;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.FailedPrecondition)
            {
                throw;
            }
            catch (RpcException) when (!cancellationToken.IsCancellationRequested)
            {
                // The agent is away (restarting, say): re-subscribe below.
            }
            catch (RpcException)
            {
                return;
            }
            if (!_checkpoint) return; // without checkpointing, an executor ends with its agent
            lostAt ??= _options.TimeProvider.GetUtcNow();
            if (_options.TimeProvider.GetUtcNow() - lostAt >= _options.RecoveryTimeout) return;
            try
            {
                await Task.Delay(backoff, _options.TimeProvider, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = backoff * 2 < _options.MaxBackoff ? backoff * 2 : _options.MaxBackoff;
        }
    }

    private Call SubscribeCall()
    {
        var subscribe = new Call.Types.Subscribe();
        lock (_gate)
        {
            subscribe.UnacknowledgedTasks.AddRange(_unacknowledgedTasks.Values);
            subscribe.UnacknowledgedUpdates.AddRange(_unacknowledgedUpdates.Values.Select(s => new Call.Types.Update { Status = s }));
        }
        return new Call { Type = Call.Types.Type.Subscribe, FrameworkId = FrameworkId, ExecutorId = ExecutorId, Subscribe = subscribe };
    }

    private async Task<bool> DispatchAsync(Event e, bool reconnected)
    {
        switch (e.Type)
        {
            case Event.Types.Type.Subscribed:
                AgentId = e.Subscribed.AgentInfo?.Id;
                await _executor.SubscribedAsync(this, e.Subscribed.ExecutorInfo ?? new(), e.Subscribed.FrameworkInfo ?? new(), e.Subscribed.AgentInfo ?? new(), reconnected);
                break;
            case Event.Types.Type.Launch:
                if (Track(e.Launch.Task)) await _executor.LaunchAsync(this, e.Launch.Task);
                break;
            case Event.Types.Type.LaunchGroup:
                var group = new TaskGroupInfo { Tasks = { e.LaunchGroup.TaskGroup.Tasks.Where(Track) } };
                if (group.Tasks.Count > 0) await _executor.LaunchGroupAsync(this, group);
                break;
            case Event.Types.Type.Kill:
                await _executor.KillAsync(this, e.Kill.TaskId, e.Kill.KillPolicy);
                break;
            case Event.Types.Type.Acknowledged:
                lock (_gate)
                {
                    _unacknowledgedUpdates.Remove(e.Acknowledged.Uuid);
                    _unacknowledgedTasks.Remove(e.Acknowledged.TaskId.Value);
                }
                await _executor.AcknowledgedAsync(this, e.Acknowledged.TaskId, e.Acknowledged.Uuid);
                break;
            case Event.Types.Type.Message:
                await _executor.MessageAsync(this, e.Message.Data.ToByteArray());
                break;
            case Event.Types.Type.Shutdown:
                await _executor.ShutdownAsync(this);
                return false;
            case Event.Types.Type.Error:
                await _executor.ErrorAsync(this, e.Error.Message);
                return false;
        }
        return true;
    }

    /// <summary>Records a launched task; false for a LAUNCH delivered again (after an agent restart).</summary>
    private bool Track(TaskInfo task)
    {
        lock (_gate)
        {
            if (!_launched.Add(task.TaskId.Value)) return false;
            _unacknowledgedTasks[task.TaskId.Value] = task;
            return true;
        }
    }

    /// <summary>UPDATE: reports a task's status to its framework. A uuid (16 random bytes), the
    /// timestamp (seconds since the epoch) and the executor id are filled in when missing; the update
    /// is kept until the agent's ACKNOWLEDGED, and re-sent on re-subscription.</summary>
    /// <exception cref="RpcException">UNAVAILABLE while the agent is away (the update is kept and re-sent
    /// when the executor re-subscribes); INVALID_ARGUMENT or NOT_FOUND for a malformed update or a task
    /// that is not this executor's.</exception>
    public async Task SendStatusUpdateAsync(TaskStatus status)
    {
        if (status.Uuid.Length == 0) status.Uuid = ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
        if (status.Timestamp == 0) status.Timestamp = _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        status.ExecutorId ??= ExecutorId;
        status.Source = TaskStatus.Types.Source.Executor;
        lock (_gate) _unacknowledgedUpdates[status.Uuid] = status;
        await _client.Call(new Call { Type = Call.Types.Type.Update, FrameworkId = FrameworkId, ExecutorId = ExecutorId, Update = new() { Status = status } });
    }

    /// <summary>UPDATE with just a state (and a message) for <paramref name="taskId"/>.</summary>
    public Task SendStatusUpdateAsync(TaskID taskId, TaskState state, string? message = null) =>
        SendStatusUpdateAsync(new TaskStatus { TaskId = taskId, State = state, Message = message ?? "" });

    /// <summary>MESSAGE: sends <paramref name="data"/> to the framework's scheduler (best effort, as in Mesos).</summary>
    public async Task SendMessageAsync(byte[] data) =>
        await _client.Call(new Call { Type = Call.Types.Type.Message, FrameworkId = FrameworkId, ExecutorId = ExecutorId, Message = new() { Data = ByteString.CopyFrom(data) } });

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        return ValueTask.CompletedTask;
    }
}

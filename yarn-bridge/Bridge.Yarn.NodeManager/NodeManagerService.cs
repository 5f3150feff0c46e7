using Bridge.Yarn.NodeManager.Containers;
using Bridge.Yarn.Protocol;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.Protocol.Security;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Yarn.NodeManager;

/// <summary>A NodeManager's settings (Hadoop's <c>yarn.nodemanager.*</c> names in brackets).</summary>
public sealed record NodeManagerOptions
{
    /// <summary>The node's id, <c>host:port</c>: the host the ResourceManager places by, the port its
    /// ContainerManagement endpoint listens on (<c>yarn.nodemanager.address</c>).</summary>
    public required NodeId NodeId { get; init; }

    /// <summary>Its web port (<c>yarn.nodemanager.webapp.address</c>), reported as NM_HTTP_PORT and in the registration.</summary>
    public int HttpPort { get; init; }

    /// <summary>What it offers YARN (MB, vcores; <c>resource.memory-mb</c>, <c>resource.cpu-vcores</c>). Zero for a
    /// fine-grained-scaling NodeManager, whose capacity the ResourceManager is told about separately.</summary>
    public Resource Capability { get; init; }

    /// <summary>Its rack (default: the ResourceManager's default rack).</summary>
    public string? Rack { get; init; }

    /// <summary>How often it heartbeats (<c>yarn.resourcemanager.nodemanagers.heartbeat-interval-ms</c>, default 1 s).
    /// A container's completion also sends one at once (Hadoop's out-of-band heartbeat).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Between SIGTERM and SIGKILL when a container is stopped (<c>sleep-delay-before-sigkill.ms</c>, default 250 ms).</summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>First wait before registering again after the ResourceManager could not be reached; doubles up to 10 s.</summary>
    public TimeSpan RegistrationBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The clock for heartbeats and backoffs.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>The answer to one container of a <c>startContainers</c> or <c>stopContainers</c> call.</summary>
/// <param name="ContainerId">The container; null when a start request's token does not name one (it does not parse).</param>
/// <param name="Succeeded">True when the container was accepted (or the stop was sent).</param>
/// <param name="Message">Why not, in Hadoop's words; empty on success.</param>
/// <param name="ExceptionClass">The Hadoop exception class a failure maps to (for SerializedExceptionProto.class_name), empty on success.</param>
public readonly record struct ContainerRequestOutcome(ContainerId? ContainerId, bool Succeeded, string Message, string ExceptionClass = "")
{
    /// <summary>Hadoop's exception for a refused start or stop.</summary>
    public const string YarnException = "org.apache.hadoop.yarn.exceptions.YarnException";
    /// <summary>Hadoop's exception for a forged or altered token.</summary>
    public const string InvalidToken = "org.apache.hadoop.security.token.SecretManager$InvalidToken";
    /// <summary>Hadoop's exception for a container this node cannot take (wrong node, expired token).</summary>
    public const string InvalidContainer = "org.apache.hadoop.yarn.exceptions.InvalidContainerException";
}

/// <summary>
/// Bridge's YARN NodeManager: registers with the ResourceManager, heartbeats every container's status (and at once
/// when one completes), runs the containers it is asked to start (by an ApplicationMaster through
/// ContainerManagementProtocol, or by the ResourceManager for an AM's container) with <see cref="ContainerRunner"/>,
/// and kills those the ResourceManager cleans up. A RESYNC answer makes it register again with the containers it still
/// runs; SHUTDOWN (decommissioned) stops it. Follows Hadoop's NodeStatusUpdaterImpl and ContainerManagerImpl.
/// </summary>
public sealed partial class NodeManagerService : IAsyncDisposable
{
    private readonly NodeManagerOptions _options;
    private readonly IResourceTracker _tracker;
    private readonly ContainerRunner _runner;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly ContainerTable _table = new();
    private readonly Dictionary<ContainerId, RunningContainer> _running = new();
    private readonly List<Task> _watchers = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<string> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private MasterKey? _containerKey;
    private bool _shuttingDown;

    /// <summary>A NodeManager that reaches its ResourceManager through <paramref name="tracker"/> and runs containers with <paramref name="runner"/>.</summary>
    public NodeManagerService(NodeManagerOptions options, IResourceTracker tracker, ContainerRunner runner, ILogger? logger = null)
    {
        _options = options;
        _tracker = tracker;
        _runner = runner;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The node's id.</summary>
    public NodeId NodeId => _options.NodeId;

    /// <summary>Completes once the first registration succeeded.</summary>
    public Task Registered => _registered.Task;

    /// <summary>Completes when the NodeManager has stopped, with why (the ResourceManager's SHUTDOWN diagnostics, or "stopped").</summary>
    public Task<string> Stopped => _stopped.Task;

    /// <summary>Raised (on a pool thread) when a container completes, with its final status.</summary>
    public event Action<ContainerStatus>? ContainerCompleted;

    /// <summary>Every container it knows now (live ones, and completed ones not yet reported).</summary>
    public IReadOnlyList<NmContainer> Containers
    {
        get { lock (_gate) return _table.All; }
    }

    /// <summary>Registers (retrying with backoff while the ResourceManager cannot be reached) and starts heartbeating.</summary>
    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>
    /// <c>startContainers</c>: for each request, checks its container token (signed with the key the ResourceManager
    /// gave at registration, for this node, not expired) and its launch context, then accepts the container if it is
    /// not already known and starts localising and running it. Refuses every container while the NodeManager is not
    /// registered or is shutting down (Hadoop: "Rejecting new containers as NodeManager has not yet connected with
    /// ResourceManager").
    /// </summary>
    /// <returns>One outcome per request, in order.</returns>
    public IReadOnlyList<ContainerRequestOutcome> StartContainers(IReadOnlyList<StartContainerRequestProto> requests)
    {
        var outcomes = new List<ContainerRequestOutcome>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            MasterKey? key;
            lock (_gate) key = _containerKey;
            if (key is null || !_registered.Task.IsCompleted || _shuttingDown)
            {
                outcomes.Add(new(TokenContainer(request), false, _shuttingDown
                    ? "Rejecting new containers as NodeManager is shutting down"
                    : "Rejecting new containers as NodeManager has not yet connected with ResourceManager", ContainerRequestOutcome.YarnException));
                continue;
            }
            var problem = ContainerTokens.Verify(key, request.ContainerToken, _options.NodeId, _options.Time.GetUtcNow(), out var granted, out var why);
            if (problem != TokenProblem.None)
            {
                outcomes.Add(new(TokenContainer(request), false, why,
                    problem is TokenProblem.BadPassword or TokenProblem.UnknownKey ? ContainerRequestOutcome.InvalidToken : ContainerRequestOutcome.InvalidContainer));
                continue;
            }
            ContainerLaunch launch;
            try
            {
                launch = new ContainerLaunch(granted!.ContainerId, granted.Resource, granted.AppSubmitter,
                    request.ContainerLaunchContext.ToRecord($"start_container_request[{i}].container_launch_context"));
            }
            catch (InvalidMessageException e)
            {
                outcomes.Add(new(granted!.ContainerId, false, e.Message, ContainerRequestOutcome.YarnException));
                continue;
            }
            outcomes.Add(Start(launch));
        }
        return outcomes;
    }

    private ContainerRequestOutcome Start(ContainerLaunch launch)
    {
        lock (_gate)
        {
            var accepted = _table.Start(launch.ContainerId, launch.Resource, _options.Time.GetUtcNow());
            if (!accepted.Accepted) return new(launch.ContainerId, false, accepted.Message, ContainerRequestOutcome.YarnException);
            var handle = _runner.Start(launch, OnRunning);
            _running[launch.ContainerId] = handle;
            _watchers.Add(WatchAsync(handle));
            return new(launch.ContainerId, true, "");
        }
    }

    private static ContainerId? TokenContainer(StartContainerRequestProto request)
    {
        try
        {
            return request.ContainerToken is { Identifier.IsEmpty: false } token
                ? ContainerTokenIdentifierProto.Parser.ParseFrom(token.Identifier).ContainerId.ToRecord("container_id")
                : null;
        }
        catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or InvalidMessageException)
        {
            return null;
        }
    }

    /// <summary><c>stopContainers</c>: kills each container (SIGTERM, <see cref="NodeManagerOptions.KillGrace"/>, SIGKILL).</summary>
    /// <param name="ids">The containers.</param>
    /// <param name="by">Who asks: decides the exit status the ResourceManager is told.</param>
    /// <returns>One outcome per id; an unknown id gets Hadoop's "Container X is not handled by this NodeManager".</returns>
    public IReadOnlyList<ContainerRequestOutcome> StopContainers(IReadOnlyList<ContainerId> ids, StopRequester by)
    {
        var outcomes = new List<ContainerRequestOutcome>(ids.Count);
        foreach (var id in ids)
        {
            RunningContainer? handle;
            lock (_gate)
            {
                if (_table.Find(id) is null)
                {
                    outcomes.Add(new(id, false, $"Container {id} is not handled by this NodeManager", ContainerRequestOutcome.YarnException));
                    continue;
                }
                _table.RequestStop(id, by);
                _running.TryGetValue(id, out handle);
            }
            outcomes.Add(new(id, true, ""));
            if (handle is not null) _ = _runner.StopAsync(handle, _options.KillGrace);
        }
        return outcomes;
    }

    /// <summary><c>getContainerStatuses</c>: the status of each container, or null for one this node does not know.</summary>
    public IReadOnlyList<(ContainerId Id, ContainerStatus? Status)> GetContainerStatuses(IReadOnlyList<ContainerId> ids)
    {
        lock (_gate) return ids.Select(id => (id, _table.Find(id)?.Status)).ToList();
    }

    /// <summary>Stops every container (exit status ABORTED), sends a last heartbeat so the ResourceManager hears of
    /// them, and stops heartbeating.</summary>
    public async Task StopAsync()
    {
        await ShutdownContainersAsync();
        await SendHeartbeatAsync(CancellationToken.None).ConfigureAwait(false);
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _stopped.TrySetResult("stopped");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stopped.Task.IsCompleted) await StopAsync();
        _stop.Dispose();
        _wake.Dispose();
    }

    private async Task ShutdownContainersAsync()
    {
        List<RunningContainer> all;
        Task[] watchers;
        lock (_gate)
        {
            _shuttingDown = true;
            foreach (var id in _table.Live) _table.RequestStop(id, StopRequester.NodeManager);
            all = _running.Values.ToList();
            watchers = _watchers.ToArray();
        }
        foreach (var handle in all) await _runner.StopAsync(handle, _options.KillGrace);
        // The watchers record each end in the table before the last heartbeat reads it.
        await Task.WhenAll(watchers);
    }

    private void OnRunning(ContainerId id)
    {
        lock (_gate) _table.Launched(id);
    }

    private async Task WatchAsync(RunningContainer handle)
    {
        var end = await handle.Ended.ConfigureAwait(false);
        ContainerStatus? status;
        lock (_gate)
        {
            _running.Remove(handle.Id);
            _watchers.RemoveAll(w => w.IsCompleted);
            _table.Exited(handle.Id, end.ExitCode, end.MemoryLimitExceeded, end.LaunchFailure);
            status = _table.Find(handle.Id)?.Status;
        }
        if (end.LaunchFailure is not null) LogLaunchFailed(_logger, handle.Id, end.LaunchFailure);
        if (status is { } s) ContainerCompleted?.Invoke(s);
        // Hadoop's out-of-band heartbeat: the ResourceManager hears of the completion now, not at the next interval.
        _wake.Release();
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        try
        {
            await RegisterAsync(token);
            Task? wake = null;
            while (!token.IsCancellationRequested)
            {
                wake ??= _wake.WaitAsync(token);
                if (await Task.WhenAny(wake, Task.Delay(_options.HeartbeatInterval, _options.Time, token)) == wake) wake = null;
                token.ThrowIfCancellationRequested();
                while (_wake.Wait(0)) { } // one heartbeat answers every completion so far
                var answer = await SendHeartbeatAsync(token);
                if (answer is null) continue;
                switch (answer.Action)
                {
                    case NodeAction.Resync:
                        LogResync(_logger, _options.NodeId, answer.Diagnostics);
                        await RegisterAsync(token);
                        break;
                    case NodeAction.Shutdown:
                        LogShutdown(_logger, _options.NodeId, answer.Diagnostics);
                        await ShutdownContainersAsync();
                        await SendHeartbeatAsync(token);
                        _stopped.TrySetResult(answer.Diagnostics.Length > 0 ? answer.Diagnostics : "The ResourceManager told the NodeManager to shut down");
                        return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private async Task RegisterAsync(CancellationToken token)
    {
        var backoff = _options.RegistrationBackoff;
        while (true)
        {
            IReadOnlyList<ContainerId> live;
            lock (_gate) live = _table.Live;
            var registration = new NodeRegistration(_options.NodeId, _options.Capability, $"{_options.NodeId.Host}:{_options.HttpPort}", _options.Rack,
                live.Count > 0 ? live : null);
            try
            {
                var answer = await _tracker.RegisterAsync(registration, token);
                if (answer.Action == NodeAction.Shutdown)
                {
                    _stopped.TrySetResult($"The ResourceManager refused the registration: {answer.Diagnostics}");
                    throw new OperationCanceledException(answer.Diagnostics);
                }
                lock (_gate) _containerKey = answer.ContainerTokenKey ?? _containerKey;
                LogRegistered(_logger, _options.NodeId, _options.Capability.ToString());
                _registered.TrySetResult();
                return;
            }
            catch (IOException e)
            {
                LogUnreachable(_logger, e.Message);
                await Task.Delay(backoff, _options.Time, token);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    /// <summary>One heartbeat; null when the ResourceManager could not be reached (nothing is lost: the statuses ride on the next).</summary>
    private async Task<HeartbeatAnswer?> SendHeartbeatAsync(CancellationToken token)
    {
        if (!_registered.Task.IsCompleted) return null;
        HeartbeatReport report;
        lock (_gate) report = _table.Report();
        HeartbeatAnswer answer;
        try
        {
            answer = await _tracker.HeartbeatAsync(new NodeHeartbeat(_options.NodeId, report.Statuses), token);
        }
        catch (IOException e)
        {
            LogUnreachable(_logger, e.Message);
            return null;
        }
        lock (_gate)
        {
            _table.Delivered(report);
            _containerKey = answer.ContainerTokenKey ?? _containerKey;
        }
        if (answer.Action == NodeAction.Normal)
        {
            if (answer.ContainersToCleanup.Count > 0) StopContainers(answer.ContainersToCleanup, StopRequester.ResourceManager);
            foreach (var app in answer.ApplicationsToCleanup) CleanupApplication(app);
            if (answer.ContainersToLaunch.Count > 0)
                foreach (var refused in StartContainers(answer.ContainersToLaunch).Where(o => !o.Succeeded))
                    LogLaunchRefused(_logger, refused.ContainerId?.ToString() ?? "(unnamed)", refused.Message);
        }
        return answer;
    }

    private void CleanupApplication(ApplicationId app)
    {
        List<ContainerId> ofApp;
        lock (_gate) ofApp = _table.Live.Where(c => c.ApplicationAttemptId.ApplicationId == app).ToList();
        StopContainers(ofApp, StopRequester.ResourceManager);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "NodeManager {NodeId} registered with capability {Capability}")]
    private static partial void LogRegistered(ILogger logger, NodeId nodeId, string capability);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ResourceManager unreachable: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "NodeManager {NodeId} resyncs with the ResourceManager: {Diagnostics}")]
    private static partial void LogResync(ILogger logger, NodeId nodeId, string diagnostics);

    [LoggerMessage(Level = LogLevel.Information, Message = "NodeManager {NodeId} shuts down at the ResourceManager's request: {Diagnostics}")]
    private static partial void LogShutdown(ILogger logger, NodeId nodeId, string diagnostics);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container {ContainerId} failed to launch: {Reason}")]
    private static partial void LogLaunchFailed(ILogger logger, ContainerId containerId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container {ContainerId} sent by the ResourceManager was refused: {Reason}")]
    private static partial void LogLaunchRefused(ILogger logger, string containerId, string reason);
}

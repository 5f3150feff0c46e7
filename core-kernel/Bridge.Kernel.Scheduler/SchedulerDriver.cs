using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Rpc;
using Google.Protobuf;
using Call = Bridge.Kernel.V1.Scheduler.Call;
using Event = Bridge.Kernel.V1.Scheduler.Event;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Kernel.Scheduler;

/// <summary>Settings of a <see cref="SchedulerDriver"/>.</summary>
public sealed record SchedulerDriverOptions
{
    /// <summary>First wait before re-subscribing after the stream broke (default: 1 s); doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between re-subscriptions (default: 30 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Acknowledge each update after <see cref="Scheduler.UpdateAsync"/> returns, without waiting for the
    /// master's answer before the next event (default: true).</summary>
    public bool AutoAcknowledge { get; init; } = true;

    /// <summary>Clock for the backoff (default: system).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The other masters when several elect a leader in etcd: when the master stops answering or ends the
    /// stream, the driver re-subscribes at the leader a standby names (at once), else at the next master (after the
    /// backoff) (default: none).</summary>
    public IReadOnlyList<Uri> OtherMasters { get; init; } = [];
}

/// <summary>
/// The client side of the scheduler API (core-kernel/proto/bridge/v1/scheduler.proto), in the shape
/// of Mesos' <c>SchedulerDriver</c>: <see cref="RunAsync"/> subscribes the framework, dispatches
/// events to the <see cref="Scheduler"/> one at a time, and when the stream breaks re-subscribes
/// with the same framework id (a failover, keeping the tasks) after a backoff; among several masters
/// (<see cref="SchedulerDriverOptions.OtherMasters"/>) it follows the leader a standby names. Calls made while
/// disconnected fail with UNAVAILABLE. Every call throws <see cref="RpcException"/> with the
/// master's status (INVALID_ARGUMENT naming the field, NOT_FOUND, FAILED_PRECONDITION).
/// </summary>
public sealed class SchedulerDriver : IAsyncDisposable
{
    private readonly Dictionary<Uri, RpcChannel> _channels = [];
    private readonly MasterTargets _targets;
    private volatile SchedulerClient _client;
    private readonly Scheduler _scheduler;
    private readonly SchedulerDriverOptions _options;
    private readonly FrameworkInfo _info;
    private string? _streamId;
    private volatile bool _tornDown;

    /// <summary>A driver for <paramref name="framework"/> at <paramref name="master"/> (e.g. <c>http://127.0.0.1:5050</c>).</summary>
    public SchedulerDriver(Uri master, FrameworkInfo framework, Scheduler scheduler, SchedulerDriverOptions? options = null)
    {
        _info = framework.Clone();
        _scheduler = scheduler;
        _options = options ?? new SchedulerDriverOptions();
        _targets = new MasterTargets(master, _options.OtherMasters);
        _client = ClientOf(master);
    }

    /// <summary>The master the driver subscribes at now.</summary>
    public Uri Master => _targets.Current;

    private SchedulerClient ClientOf(Uri master)
    {
        lock (_channels)
        {
            if (!_channels.TryGetValue(master, out var channel)) _channels[master] = channel = RpcChannel.ForAddress(master);
            return new SchedulerClient(channel);
        }
    }

    /// <summary>The framework's id once subscribed (kept across reconnections).</summary>
    public FrameworkID? FrameworkId => _info.Id;

    /// <summary>
    /// Subscribes and dispatches events until <paramref name="cancellationToken"/> fires, the
    /// framework is torn down (TEARDOWN), or the master sends ERROR.
    /// </summary>
    /// <exception cref="RpcException">The master rejected the subscription (INVALID_ARGUMENT): retrying would not help.</exception>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var backoff = _options.Backoff;
        var subscribedBefore = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            RpcException? failure = null;
            try
            {
                var call = new Call { Type = Call.Types.Type.Subscribe, FrameworkId = _info.Id, Subscribe = new() { FrameworkInfo = _info } };
                using var stream = _client.Subscribe(call, new CallOptions(CancellationToken: cancellationToken));
                while (await stream.ResponseStream.MoveNext(cancellationToken))
                {
                    backoff = _options.Backoff;
                    if (!await DispatchAsync(stream.ResponseStream.Current, subscribedBefore)) return;
                    if (stream.ResponseStream.Current.Type == Event.Types.Type.Subscribed) subscribedBefore = true;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument)
            {
                throw;
            }
            catch (RpcException e) when (cancellationToken.IsCancellationRequested && e.StatusCode == StatusCode.Cancelled)
            {
                return;
            }
            catch (RpcException e) when (!_tornDown)
            {
                // The master is away, restarting, or not the leader: subscribe again (at the leader it names, or the next master).
                failure = e;
            }
            catch (RpcException)
            {
            }
            if (_tornDown) return; // the master ends the stream after our TEARDOWN, one way or another
            _streamId = null;
            var redirected = _targets.After(failure);
            _client = ClientOf(_targets.Current);
            if (redirected) continue;
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

    private async Task<bool> DispatchAsync(Event e, bool reconnected)
    {
        switch (e.Type)
        {
            case Event.Types.Type.Subscribed:
                _info.Id = e.Subscribed.FrameworkId;
                _streamId = e.Subscribed.StreamId;
                await _scheduler.SubscribedAsync(this, e.Subscribed.FrameworkId, reconnected);
                break;
            case Event.Types.Type.Offers:
                await _scheduler.OffersAsync(this, e.Offers.Offers_);
                break;
            case Event.Types.Type.Rescind:
                await _scheduler.RescindAsync(this, e.Rescind.OfferId);
                break;
            case Event.Types.Type.Update:
                await _scheduler.UpdateAsync(this, e.Update.Status);
                // Not awaited: the next event need not wait for this round trip. A lost acknowledgement
                // only means the agent sends the update again, and it is acknowledged again.
                if (_options.AutoAcknowledge && e.Update.Status.Uuid.Length > 0) _ = AcknowledgeQuietlyAsync(e.Update.Status);
                break;
            case Event.Types.Type.Message:
                await _scheduler.MessageAsync(this, e.Message.AgentId, e.Message.ExecutorId, e.Message.Data.ToByteArray());
                break;
            case Event.Types.Type.Failure:
                await _scheduler.FailureAsync(this, e.Failure.AgentId, e.Failure.ExecutorId, e.Failure.HasStatus ? e.Failure.Status : null);
                break;
            case Event.Types.Type.Error:
                await _scheduler.ErrorAsync(this, e.Error.Message);
                return false;
        }
        return true;
    }

    /// <summary>ACCEPT: runs <paramref name="operations"/> on the offers (all from one agent); the rest is refused for <paramref name="refuseSeconds"/> (default 5).</summary>
    public Task AcceptAsync(IEnumerable<OfferID> offerIds, IEnumerable<Offer.Types.Operation> operations, double? refuseSeconds = null) =>
        SendAsync(new Call
        {
            Type = Call.Types.Type.Accept,
            Accept = new() { OfferIds = { offerIds }, Operations = { operations }, Filters = Filters(refuseSeconds) },
        });

    /// <summary>ACCEPT with one LAUNCH of <paramref name="tasks"/> on <paramref name="offer"/> (their agent id is filled in).</summary>
    public Task LaunchAsync(Offer offer, IEnumerable<TaskInfo> tasks, double? refuseSeconds = null)
    {
        var launch = new Offer.Types.Operation.Types.Launch();
        foreach (var task in tasks)
        {
            task.AgentId ??= offer.AgentId;
            launch.TaskInfos.Add(task);
        }
        return AcceptAsync([offer.Id], [new Offer.Types.Operation { Type = Offer.Types.Operation.Types.Type.Launch, Launch = launch }], refuseSeconds);
    }

    /// <summary>DECLINE: these offers' resources are not offered to this framework again for <paramref name="refuseSeconds"/> (default 5).</summary>
    /// <param name="offerIds">The offers.</param>
    /// <param name="refuseSeconds">The filter, seconds; null: the master's default (5 s).</param>
    /// <param name="reason">Why, for people (Bridge's <c>Decline.reason</c>, shown in <c>/api/v1/state</c>'s
    /// <c>recent_declines</c> and on the dashboard; the master keeps 200 characters).</param>
    public Task DeclineAsync(IEnumerable<OfferID> offerIds, double? refuseSeconds = null, string? reason = null) =>
        SendAsync(new Call { Type = Call.Types.Type.Decline, Decline = new() { OfferIds = { offerIds }, Filters = Filters(refuseSeconds), Reason = reason ?? "" } });

    /// <summary>REVIVE: clears filters and resumes offers (for <paramref name="roles"/>, or all roles).</summary>
    public Task ReviveAsync(params string[] roles) => SendAsync(new Call { Type = Call.Types.Type.Revive, Revive = new() { Roles = { roles } } });

    /// <summary>SUPPRESS: no offers (for <paramref name="roles"/>, or all roles) until REVIVE.</summary>
    public Task SuppressAsync(params string[] roles) => SendAsync(new Call { Type = Call.Types.Type.Suppress, Suppress = new() { Roles = { roles } } });

    /// <summary>KILL: asks the task's executor to stop it (SIGTERM, then SIGKILL after <paramref name="gracePeriod"/> or the task's own).</summary>
    public Task KillAsync(TaskID taskId, AgentID? agentId = null, TimeSpan? gracePeriod = null) =>
        SendAsync(new Call
        {
            Type = Call.Types.Type.Kill,
            Kill = new()
            {
                TaskId = taskId, AgentId = agentId,
                KillPolicy = gracePeriod is { } g ? new KillPolicy { GracePeriod = new DurationInfo { Nanoseconds = g.Ticks * 100 } } : null,
            },
        });

    /// <summary>ACKNOWLEDGE: the framework has processed <paramref name="status"/> (needed for updates with a uuid).</summary>
    public Task AcknowledgeAsync(TaskStatus status) =>
        SendAsync(new Call { Type = Call.Types.Type.Acknowledge, Acknowledge = new() { AgentId = status.AgentId, TaskId = status.TaskId, Uuid = status.Uuid } });

    private async Task AcknowledgeQuietlyAsync(TaskStatus status)
    {
        try
        {
            await AcknowledgeAsync(status);
        }
        catch (RpcException)
        {
            // Unacknowledged updates are retried by the agent; the retry is acknowledged then.
        }
    }

    /// <summary>RECONCILE: the master answers with an UPDATE per task (all of the framework's tasks when none are given).</summary>
    public Task ReconcileAsync(IEnumerable<(TaskID Task, AgentID? Agent)>? tasks = null) =>
        SendAsync(new Call
        {
            Type = Call.Types.Type.Reconcile,
            Reconcile = new() { Tasks = { (tasks ?? []).Select(t => new Call.Types.Reconcile.Types.Task { TaskId = t.Task, AgentId = t.Agent }) } },
        });

    /// <summary>MESSAGE: sends <paramref name="data"/> to an executor.</summary>
    public Task MessageAsync(AgentID agentId, ExecutorID executorId, byte[] data) =>
        SendAsync(new Call { Type = Call.Types.Type.Message, Message = new() { AgentId = agentId, ExecutorId = executorId, Data = ByteString.CopyFrom(data) } });

    /// <summary>TEARDOWN: ends the framework; the master kills its tasks.</summary>
    public async Task TeardownAsync()
    {
        _tornDown = true;
        try
        {
            await SendAsync(new Call { Type = Call.Types.Type.Teardown });
        }
        catch
        {
            _tornDown = false;
            throw;
        }
    }

    private async Task SendAsync(Call call)
    {
        if (_streamId is not { } streamId || _info.Id is null)
            throw new RpcException(new Status(StatusCode.Unavailable, "Not subscribed to a master"));
        call.FrameworkId = _info.Id;
        var headers = new Metadata { { "bridge-stream-id", streamId } };
        await _client.Call(call, new CallOptions(Headers: headers));
    }

    private static Filters? Filters(double? refuseSeconds) => refuseSeconds is { } s ? new Filters { RefuseSeconds = s } : null;

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        lock (_channels)
            foreach (var channel in _channels.Values) channel.Dispose();
        return ValueTask.CompletedTask;
    }
}

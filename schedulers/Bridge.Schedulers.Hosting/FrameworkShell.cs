using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Bridge.Kernel;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Microsoft.Extensions.Logging;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Schedulers.Hosting;

/// <summary>
/// A decision core run as a framework on the kernel, what the services and jobs schedulers share:
/// the SDK's <see cref="SchedulerDriver"/> (subscribing, re-subscribing after a broken stream), one
/// <see cref="EventLoop"/> on which every input runs one at a time (the master's events, the
/// clock's ticks, reads and changes from REST), and the subscribers of the event stream.
/// <para>
/// Each input's decisions are carried out before the next input runs, in this order: saved
/// (<see cref="FrameworkCore{TDecisions}.Save"/>, so a launched task is always known after a
/// restart), launched, declined, killed, reconciled, revive or suppress, events published. Status
/// updates that arrive one after another while the loop is busy are applied as one input (a
/// <em>status batch</em>: each given to the core in arrival order, one save for all), and each is
/// acknowledged explicitly only after its batch's decisions are carried out; a batch whose save
/// fails is not acknowledged, so the agents send its updates again. At most 4,096 updates wait
/// unapplied: beyond that the master's stream is not read until a batch is done. An update never
/// overtakes an event received before it, nor a later event it. A call to the master that fails is
/// logged, not thrown: the state is saved, and what the master did not take comes back as offers,
/// statuses or reconciliation. The shell subscribes with the saved framework id, so a restarted
/// scheduler fails over the old one and adopts its running tasks.
/// </para>
/// </summary>
/// <typeparam name="TDecisions">The core's decisions; a fresh one per input.</typeparam>
/// <typeparam name="TEvent">The core's events.</typeparam>
public sealed class FrameworkShell<TDecisions, TEvent> : IAsyncDisposable
    where TDecisions : IFrameworkDecisions<TEvent>, new()
{
    // Per subscriber: a reader that stops reading loses the oldest events, never stalls the loop.
    private const int SubscriberBuffer = 1024;

    // Status updates received and not yet applied before the driver waits for a batch: enough for a
    // batch per loop turn at the ~5,000 updates/s a deployment of thousands of instances sees here.
    private const int MaxWaitingStatuses = 4096;

    private readonly FrameworkShellOptions _options;
    private readonly FrameworkCore<TDecisions> _core;
    private readonly EventLoop _loop;
    private readonly SchedulerDriver _driver;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Channel<TEvent>> _subscribers = [];
    private Task _run = Task.CompletedTask;
    private ITimer? _ticker;
    private volatile string? _frameworkId;
    private volatile bool _subscribed;
    private readonly Lock _batching = new();
    private StatusBatch? _openBatch;
    private int _waitingStatuses;

    private FrameworkShell(FrameworkShellOptions options, FrameworkCore<TDecisions> core)
    {
        _options = options;
        _core = core;
        _frameworkId = core.FrameworkId;
        _logger = options.LoggerFactory.CreateLogger("Bridge.Schedulers.Hosting.FrameworkShell");
        _loop = new EventLoop(_logger);
        var info = new FrameworkInfo
        {
            Name = options.Name,
            FailoverTimeout = options.FailoverTimeout.TotalSeconds,
            Checkpoint = true,
            Roles = { options.Role },
        };
        if (core.FrameworkId is { } id) info.Id = new FrameworkID { Value = id };
        _driver = new SchedulerDriver(options.Master, info, new DriverEvents(this),
            new SchedulerDriverOptions { TimeProvider = options.TimeProvider, AutoAcknowledge = false, OtherMasters = options.OtherMasters });
    }

    /// <summary>The framework id: the saved one, then the one the master gave; null before the first subscription.</summary>
    public string? FrameworkId => _frameworkId;

    /// <summary>True once the master has accepted this shell's subscription (and stays true across
    /// re-subscriptions): calls to the master made from here on reach it unless it went away since.</summary>
    public bool HasSubscribed => _subscribed;

    /// <summary>The time inputs are given: <see cref="FrameworkShellOptions.TimeProvider"/>'s now.</summary>
    public DateTimeOffset Now => _options.TimeProvider.GetUtcNow();

    /// <summary>Starts the loop, the subscription and the ticks. The core must hold its restored state
    /// already: the first input may come at once.</summary>
    /// <param name="options">The shell's settings.</param>
    /// <param name="core">The core's inputs and the save steps.</param>
    /// <returns>The running shell; dispose it to stop.</returns>
    public static FrameworkShell<TDecisions, TEvent> Start(FrameworkShellOptions options, FrameworkCore<TDecisions> core)
    {
        var shell = new FrameworkShell<TDecisions, TEvent>(options, core);
        shell._loop.Start();
        shell._run = shell._driver.RunAsync(shell._stop.Token);
        shell._ticker = options.TimeProvider.CreateTimer(_ => shell.Tick(), null, options.TickInterval, options.TickInterval);
        return shell;
    }

    /// <summary>Runs <paramref name="read"/> on the loop with the current time and returns its result.
    /// It must not change the core.</summary>
    /// <exception cref="ObjectDisposedException">The shell is stopped.</exception>
    public Task<T> ReadAsync<T>(Func<DateTimeOffset, T> read) => _loop.Run(() => read(Now));

    /// <summary>Runs <paramref name="change"/> on the loop with the current time and fresh decisions,
    /// carries the decisions out, and returns the change's result.</summary>
    /// <exception cref="ObjectDisposedException">The shell is stopped.</exception>
    public Task<T> ChangeAsync<T>(Func<DateTimeOffset, TDecisions, T> change) => _loop.RunAsync(async () =>
    {
        var decisions = new TDecisions();
        var result = change(Now, decisions);
        await ExecuteAsync(decisions);
        return result;
    });

    /// <summary>Every event from now on, until <paramref name="cancellationToken"/> is cancelled or the
    /// shell stops. A reader more than 1,024 events behind loses the oldest.</summary>
    public async IAsyncEnumerable<TEvent> EventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<TEvent>(new BoundedChannelOptions(SubscriberBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true,
        });
        lock (_subscribers) _subscribers.Add(channel);
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken)) yield return e;
        }
        finally
        {
            lock (_subscribers) _subscribers.Remove(channel);
        }
    }

    /// <summary>Stops ticking and subscribing, lets queued inputs finish, and ends the event streams.
    /// The tasks keep running: the master keeps them for the failover timeout. The caller closes its store after.</summary>
    public async ValueTask DisposeAsync()
    {
        _ticker?.Dispose();
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
        }
        await _driver.DisposeAsync();
        await _loop.StopAsync();
        lock (_subscribers)
            foreach (var subscriber in _subscribers) subscriber.Writer.TryComplete();
        _stop.Dispose();
    }

    /// <summary>Queues <paramref name="status"/> in the open status batch (posting a new batch to the loop
    /// if none is open). Returns at once, unless too many updates wait: then when this one's batch is done.</summary>
    private Task OnStatusAsync(TaskStatus status)
    {
        StatusBatch batch;
        bool opened;
        lock (_batching)
        {
            opened = _openBatch is null;
            batch = _openBatch ??= new StatusBatch();
            batch.Statuses.Add(status);
        }
        if (opened) _ = _loop.RunAsync(() => RunBatchAsync(batch));
        return Interlocked.Increment(ref _waitingStatuses) > MaxWaitingStatuses ? batch.Done : Task.CompletedTask;
    }

    /// <summary>Closes the open status batch, so that updates received after the event about to be
    /// posted are applied after it.</summary>
    private void CloseBatch()
    {
        lock (_batching) _openBatch = null;
    }

    private async Task<bool> RunBatchAsync(StatusBatch batch)
    {
        lock (_batching)
            if (_openBatch == batch) _openBatch = null; // updates received from now on wait for the next turn
        try
        {
            var decisions = new TDecisions();
            foreach (var status in batch.Statuses) _core.Status(status, Now, decisions);
            await ExecuteAsync(decisions);
            foreach (var status in batch.Statuses)
                if (status.Uuid.Length > 0) _ = SendAsync("acknowledge", () => _driver.AcknowledgeAsync(status));
        }
        catch (Exception e)
        {
            // Not acknowledged: the agents send these updates again. A core that throws on an update is
            // a bug; the log says so instead of the driver (and with it the subscription) stopping.
            ShellLog.StatusBatchFailed(_logger, _options.Name, batch.Statuses.Count, e.GetBaseException().Message);
        }
        finally
        {
            Interlocked.Add(ref _waitingStatuses, -batch.Statuses.Count);
            batch.Finish();
        }
        return true;
    }

    private Task OnSubscribedAsync(FrameworkID frameworkId, bool reconnected) => OnLoopAsync(decisions =>
    {
        if (_frameworkId != frameworkId.Value)
        {
            _core.SaveFrameworkId(frameworkId.Value);
            _frameworkId = frameworkId.Value;
        }
        _subscribed = true;
        ShellLog.Subscribed(_logger, _options.Name, frameworkId.Value, reconnected);
        _core.Subscribed(Now, decisions);
    });

    private void Tick() => _ = OnLoopAsync(d => _core.Tick(Now, d)).ContinueWith(
        t => ShellLog.TickFailed(_logger, _options.Name, t.Exception!.GetBaseException().Message),
        CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private Task OnLoopAsync(Action<TDecisions> input)
    {
        CloseBatch();
        return _loop.RunAsync(async () =>
        {
            var decisions = new TDecisions();
            input(decisions);
            await ExecuteAsync(decisions);
            return true;
        });
    }

    /// <summary>Carries out <paramref name="decisions"/>: save, then tell the master, then publish the events.</summary>
    private async Task ExecuteAsync(TDecisions decisions)
    {
        if (decisions.Changed) _core.Save(decisions);
        await SendAsync("launch", () => Task.WhenAll(decisions.Launches.Select(l => _driver.AcceptAsync([l.OfferId],
            [new Offer.Types.Operation { Type = Offer.Types.Operation.Types.Type.Launch, Launch = new() { TaskInfos = { l.Tasks } } }]))));
        foreach (var group in decisions.Declines.GroupBy(id => decisions.DeclineReasons.GetValueOrDefault(id.Value, "")))
            await SendAsync("decline", () => _driver.DeclineAsync(group, _options.DeclineRefuse.TotalSeconds, group.Key));
        foreach (var (taskId, agentId, gracePeriod) in decisions.Kills)
            await SendAsync("kill", () => _driver.KillAsync(new TaskID { Value = taskId }, agentId is { } a ? new AgentID { Value = a } : null, gracePeriod));
        if (decisions.Reconcile is { } reconcile)
            await SendAsync("reconcile", () => _driver.ReconcileAsync(reconcile.Select(r => (new TaskID { Value = r.TaskId }, (AgentID?)new AgentID { Value = r.AgentId }))));
        if (decisions.WantOffers is { } want)
            await SendAsync(want ? "revive" : "suppress", () => want ? _driver.ReviveAsync(_options.Role) : _driver.SuppressAsync(_options.Role));
        if (decisions.Events.Count == 0) return;
        lock (_subscribers)
            foreach (var subscriber in _subscribers)
                foreach (var e in decisions.Events) subscriber.Writer.TryWrite(e);
    }

    /// <summary>A call to the master that fails is logged, not thrown (see the class's remarks).</summary>
    private async Task SendAsync(string what, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception e) when (e is Rpc.RpcException or InvalidOperationException or HttpRequestException)
        {
            ShellLog.CallFailed(_logger, _options.Name, what, e.Message);
        }
    }

    /// <summary>The master's events, handed to the shell's loop (kept apart so the shell's public
    /// surface is not the SDK's <see cref="Scheduler"/>).</summary>
    private sealed class DriverEvents(FrameworkShell<TDecisions, TEvent> shell) : Kernel.Scheduler.Scheduler
    {
        public override Task SubscribedAsync(SchedulerDriver driver, FrameworkID frameworkId, bool reconnected) =>
            shell.OnSubscribedAsync(frameworkId, reconnected);

        public override Task OffersAsync(SchedulerDriver driver, IReadOnlyList<Offer> offers) =>
            shell.OnLoopAsync(d => shell._core.Offers(offers, shell.Now, d));

        public override Task UpdateAsync(SchedulerDriver driver, TaskStatus status) => shell.OnStatusAsync(status);

        public override Task ErrorAsync(SchedulerDriver driver, string message)
        {
            ShellLog.Error(shell._logger, shell._options.Name, message);
            return Task.CompletedTask;
        }
    }

    /// <summary>Status updates applied in one turn of the loop, in arrival order.</summary>
    private sealed class StatusBatch
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<TaskStatus> Statuses { get; } = [];

        /// <summary>Completes when the batch has run, whether its decisions were carried out or not.</summary>
        public Task Done => _done.Task;

        public void Finish() => _done.TrySetResult();
    }
}

using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Bridge.Kernel;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Services.Scheduling;
using Bridge.Schedulers.Services.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Schedulers.Services.Framework;

/// <summary>Settings of a <see cref="ServicesFramework"/>. Immutable.</summary>
public sealed record ServicesOptions
{
    /// <summary>The master, e.g. <c>http://127.0.0.1:5050</c>.</summary>
    public required Uri Master { get; init; }

    /// <summary>Where the state lives (<c>services.db</c> in it).</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>The framework's name (default: <c>bridge-services</c>).</summary>
    public string Name { get; init; } = "bridge-services";

    /// <summary>The role its tasks run under (default: <c>*</c>).</summary>
    public string Role { get; init; } = "*";

    /// <summary>How long the master keeps the framework's tasks after it disconnects (default: 7 days, Marathon's).</summary>
    public TimeSpan FailoverTimeout { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long a declined offer's agent is not offered again (default: 5 s).</summary>
    public TimeSpan DeclineRefuse { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the clock ticks the scheduler (backoffs, rollbacks, reconciliation; default: 1 s).</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The decision core's settings.</summary>
    public ServiceSchedulerOptions Scheduler { get; init; } = new();

    /// <summary>Clock for ticks and the driver's backoffs (default: <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where it logs (default: nowhere).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}

/// <summary>
/// The services scheduler as a framework on the kernel: a <see cref="ServiceScheduler"/> driven on
/// one loop by the master's events (through the SDK's <see cref="SchedulerDriver"/>), by a clock,
/// and by REST changes (<see cref="IServicesControl"/>), with its state in a <see cref="ServicesStore"/>.
/// Each input's <see cref="Decisions"/> are carried out before the next input: saved first (so a
/// launched task is always known after a restart), then sent to the master. A status update is
/// acknowledged only after its effects are saved. At start it loads its apps and instances and
/// subscribes with its saved framework id, so a restarted scheduler adopts its running tasks; it
/// then reconciles them all.
/// </summary>
public sealed partial class ServicesFramework : Kernel.Scheduler.Scheduler, IServicesControl, IAsyncDisposable
{
    private readonly ServicesOptions _options;
    private readonly ServiceScheduler _core;
    private readonly ServicesStore _store;
    private readonly EventLoop _loop;
    private readonly SchedulerDriver _driver;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Channel<ServiceEvent>> _subscribers = [];
    private Task _run = Task.CompletedTask;
    private ITimer? _ticker;
    private string? _frameworkId;

    private ServicesFramework(ServicesOptions options, ServiceScheduler core, ServicesStore store, string? frameworkId)
    {
        _options = options;
        _core = core;
        _store = store;
        _frameworkId = frameworkId;
        _logger = options.LoggerFactory.CreateLogger<ServicesFramework>();
        _loop = new EventLoop(_logger);
        var info = new FrameworkInfo
        {
            Name = options.Name,
            FailoverTimeout = options.FailoverTimeout.TotalSeconds,
            Checkpoint = true,
            Roles = { options.Role },
        };
        if (frameworkId is not null) info.Id = new FrameworkID { Value = frameworkId };
        _driver = new SchedulerDriver(options.Master, info, this,
            new SchedulerDriverOptions { TimeProvider = options.TimeProvider });
    }

    /// <summary>The scheduler's state store.</summary>
    public ServicesStore Store => _store;

    /// <inheritdoc />
    public ServicesInfo Info => new(_options.Name, _frameworkId, _options.Master.ToString().TrimEnd('/'), typeof(ServicesFramework).Assembly.GetName().Version?.ToString(3) ?? "0");

    /// <summary>Opens the state in <see cref="ServicesOptions.WorkDirectory"/>, restores it, and starts subscribing to the master.</summary>
    /// <exception cref="InvalidOperationException">The state cannot be opened or does not parse.</exception>
    public static ServicesFramework Start(ServicesOptions options)
    {
        var store = ServicesStore.Open(Path.Combine(options.WorkDirectory, "services.db"));
        try
        {
            var saved = store.Load();
            var core = new ServiceScheduler(options.Scheduler);
            foreach (var app in saved.Apps) core.Restore(app);
            foreach (var instance in saved.Instances) core.Instances.Add(instance);
            var framework = new ServicesFramework(options, core, store, saved.FrameworkId);
            framework._loop.Start();
            framework._run = framework._driver.RunAsync(framework._stop.Token);
            framework._ticker = options.TimeProvider.CreateTimer(_ => framework.Tick(), null, options.TickInterval, options.TickInterval);
            return framework;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<T> ReadAsync<T>(Func<ServiceScheduler, DateTimeOffset, T> read) => _loop.Run(() => read(_core, Now));

    /// <inheritdoc />
    public Task<T> ChangeAsync<T>(Func<ServiceScheduler, DateTimeOffset, Decisions, T> change) => _loop.RunAsync(async () =>
    {
        var decisions = new Decisions();
        var result = change(_core, Now, decisions);
        await ExecuteAsync(decisions);
        return result;
    });

    /// <inheritdoc />
    public async IAsyncEnumerable<ServiceEvent> EventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Bounded per subscriber: a reader that stops reading loses the oldest events, never stalls the loop.
        var channel = Channel.CreateBounded<ServiceEvent>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
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

    /// <inheritdoc />
    public override Task SubscribedAsync(SchedulerDriver driver, FrameworkID frameworkId, bool reconnected) => OnLoopAsync(decisions =>
    {
        if (_frameworkId != frameworkId.Value)
        {
            _store.SaveFrameworkId(frameworkId.Value);
            _frameworkId = frameworkId.Value;
        }
        LogSubscribed(frameworkId.Value, reconnected);
        _core.Subscribed(Now, decisions);
    });

    /// <inheritdoc />
    public override Task OffersAsync(SchedulerDriver driver, IReadOnlyList<Offer> offers) => OnLoopAsync(d => _core.OnOffers(offers, Now, d));

    /// <inheritdoc />
    public override Task UpdateAsync(SchedulerDriver driver, TaskStatus status) => OnLoopAsync(d => _core.OnStatus(status, Now, d));

    /// <inheritdoc />
    public override Task ErrorAsync(SchedulerDriver driver, string message)
    {
        LogError(message);
        return Task.CompletedTask;
    }

    private DateTimeOffset Now => _options.TimeProvider.GetUtcNow();

    private void Tick() => _ = OnLoopAsync(d => _core.Tick(Now, d)).ContinueWith(t => LogTickFailed(t.Exception!.GetBaseException().Message),
        CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private Task OnLoopAsync(Action<Decisions> input) => _loop.RunAsync(async () =>
    {
        var decisions = new Decisions();
        input(decisions);
        await ExecuteAsync(decisions);
        return true;
    });

    /// <summary>Carries out <paramref name="decisions"/>: save, then tell the master, then publish the events.</summary>
    private async Task ExecuteAsync(Decisions decisions)
    {
        if (decisions.Changed) _store.Save(_core, decisions);
        await SendAsync("launch", () => Task.WhenAll(decisions.Launches.Select(l => _driver.AcceptAsync([l.OfferId],
            [new Offer.Types.Operation { Type = Offer.Types.Operation.Types.Type.Launch, Launch = new() { TaskInfos = { l.Tasks } } }]))));
        if (decisions.Declines.Count > 0)
            await SendAsync("decline", () => _driver.DeclineAsync(decisions.Declines, _options.DeclineRefuse.TotalSeconds));
        foreach (var kill in decisions.Kills)
            await SendAsync("kill", () => _driver.KillAsync(new TaskID { Value = kill.TaskId }, kill.AgentId is { } a ? new AgentID { Value = a } : null, kill.GracePeriod));
        if (decisions.Reconcile is { } reconcile)
            await SendAsync("reconcile", () => _driver.ReconcileAsync(reconcile.Select(r => (new TaskID { Value = r.TaskId }, (AgentID?)new AgentID { Value = r.AgentId }))));
        if (decisions.WantOffers is { } want)
            await SendAsync(want ? "revive" : "suppress", () => want ? _driver.ReviveAsync(_options.Role) : _driver.SuppressAsync(_options.Role));
        if (decisions.Events.Count == 0) return;
        lock (_subscribers)
            foreach (var subscriber in _subscribers)
                foreach (var e in decisions.Events) subscriber.Writer.TryWrite(e);
    }

    /// <summary>A call to the master that fails is logged, not thrown: the state is saved, and what the
    /// master did not take comes back as offers, statuses or reconciliation.</summary>
    private async Task SendAsync(string what, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception e) when (e is Rpc.RpcException or InvalidOperationException or HttpRequestException)
        {
            LogCallFailed(what, e.Message);
        }
    }

    /// <summary>Stops ticking and subscribing, and closes the state (the tasks keep running: the master keeps them for the failover timeout).</summary>
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
        _store.Dispose();
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "services: subscribed as framework {FrameworkId} (reconnected: {Reconnected})")]
    private partial void LogSubscribed(string frameworkId, bool reconnected);

    [LoggerMessage(Level = LogLevel.Error, Message = "services: the master ended the subscription: {Message}")]
    private partial void LogError(string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "services: {What} failed: {Error}")]
    private partial void LogCallFailed(string what, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "services: a tick failed: {Error}")]
    private partial void LogTickFailed(string error);
}

using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Scheduling;
using Bridge.Schedulers.Services.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Schedulers.Services.Framework;

/// <summary>Settings of a <see cref="ServicesFramework"/>. Immutable.</summary>
public sealed record ServicesOptions
{
    /// <summary>The master, e.g. <c>http://127.0.0.1:5050</c>.</summary>
    public required Uri Master { get; init; }

    /// <summary>The other masters when several elect a leader in etcd: the framework follows the leader a standby names,
    /// else tries the next master (default: none).</summary>
    public IReadOnlyList<Uri> OtherMasters { get; init; } = [];

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
/// one loop by the master's events, by a clock, and by REST changes (<see cref="IServicesControl"/>),
/// with its state in a <see cref="ServicesStore"/>, on the schedulers' shared
/// <see cref="FrameworkShell{TDecisions, TEvent}"/>. Each input's <see cref="Decisions"/> are carried
/// out before the next input: saved first (so a launched task is always known after a restart), then
/// sent to the master. A status update is acknowledged only after its effects are saved. At start it
/// loads its apps and instances and subscribes with its saved framework id, so a restarted scheduler
/// adopts its running tasks; it then reconciles them all.
/// </summary>
public sealed class ServicesFramework : IServicesControl, IAsyncDisposable
{
    private readonly ServicesOptions _options;
    private readonly ServiceScheduler _core;
    private readonly ServicesStore _store;
    private readonly FrameworkShell<Decisions, ServiceEvent> _shell;

    private ServicesFramework(ServicesOptions options, ServiceScheduler core, ServicesStore store, string? frameworkId)
    {
        _options = options;
        _core = core;
        _store = store;
        _shell = FrameworkShell<Decisions, ServiceEvent>.Start(new FrameworkShellOptions
        {
            Master = options.Master,
            OtherMasters = options.OtherMasters,
            Name = options.Name,
            Role = options.Role,
            FailoverTimeout = options.FailoverTimeout,
            DeclineRefuse = options.DeclineRefuse,
            TickInterval = options.TickInterval,
            TimeProvider = options.TimeProvider,
            LoggerFactory = options.LoggerFactory,
        }, new FrameworkCore<Decisions>
        {
            FrameworkId = frameworkId,
            Subscribed = core.Subscribed,
            Offers = core.OnOffers,
            Status = core.OnStatus,
            Tick = core.Tick,
            Save = decisions => store.Save(core, decisions),
            SaveFrameworkId = store.SaveFrameworkId,
        });
    }

    /// <summary>The scheduler's state store.</summary>
    public ServicesStore Store => _store;

    /// <summary>True once the master has accepted the subscription (a saved framework id alone does not make it true).</summary>
    public bool HasSubscribed => _shell.HasSubscribed;

    /// <inheritdoc />
    public ServicesInfo Info => new(_options.Name, _shell.FrameworkId, _options.Master.ToString().TrimEnd('/'), typeof(ServicesFramework).Assembly.GetName().Version?.ToString(3) ?? "0");

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
            return new ServicesFramework(options, core, store, saved.FrameworkId);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<T> ReadAsync<T>(Func<ServiceScheduler, DateTimeOffset, T> read) => _shell.ReadAsync(now => read(_core, now));

    /// <inheritdoc />
    public Task<T> ChangeAsync<T>(Func<ServiceScheduler, DateTimeOffset, Decisions, T> change) =>
        _shell.ChangeAsync((now, decisions) => change(_core, now, decisions));

    /// <inheritdoc />
    public Task<IReadOnlyList<DateTimeOffset>> VersionsAsync(AppId id) => _shell.ReadAsync(_ => _store.Versions(id));

    /// <inheritdoc />
    public Task<AppDefinition?> VersionAsync(AppId id, DateTimeOffset version) => _shell.ReadAsync(_ => _store.Version(id, version));

    /// <inheritdoc />
    public IAsyncEnumerable<ServiceEvent> EventsAsync(CancellationToken cancellationToken) => _shell.EventsAsync(cancellationToken);

    /// <summary>Stops ticking and subscribing, and closes the state (the tasks keep running: the master keeps them for the failover timeout).</summary>
    public async ValueTask DisposeAsync()
    {
        await _shell.DisposeAsync();
        _store.Dispose();
    }
}

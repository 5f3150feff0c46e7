using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Jobs.Runs;
using Bridge.Schedulers.Jobs.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Schedulers.Jobs.Framework;

/// <summary>Settings of a <see cref="JobsFramework"/>. Immutable.</summary>
public sealed record JobsOptions
{
    /// <summary>The master, e.g. <c>http://127.0.0.1:5050</c>.</summary>
    public required Uri Master { get; init; }

    /// <summary>The other masters when several elect a leader in etcd: the framework follows the leader a standby names,
    /// else tries the next master (default: none).</summary>
    public IReadOnlyList<Uri> OtherMasters { get; init; } = [];

    /// <summary>Where the state lives (<c>jobs.db</c> in it).</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>The framework's name (default: <c>bridge-jobs</c>).</summary>
    public string Name { get; init; } = "bridge-jobs";

    /// <summary>How long the master keeps the framework's tasks after it disconnects (default: 7 days,
    /// Chronos' <c>--failover_timeout</c> of 604,800 s).</summary>
    public TimeSpan FailoverTimeout { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long a declined offer's agent is not offered again (default: 5 s).</summary>
    public TimeSpan DeclineRefuse { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the clock ticks the scheduler: due times, retries, starting deadlines and
    /// reconciliation are decided on ticks, so a run starts up to this late (default: 1 s).</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The decision core's settings: retry delay, history limit, reconciliation interval, and
    /// the role the framework subscribes with and its runs take resources of.</summary>
    public JobSchedulerOptions Scheduler { get; init; } = new();

    /// <summary>Clock for ticks, every run's times and the driver's backoffs (default:
    /// <see cref="TimeProvider.System"/>). The agents keep their own clocks.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where it logs (default: nowhere).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}

/// <summary>
/// The jobs scheduler as a framework on the kernel: a <see cref="JobScheduler"/> driven on one loop
/// by the master's events, by a clock, and by REST changes (<see cref="IJobsControl"/>), with its
/// state in a <see cref="JobsStore"/>, on the schedulers' shared
/// <see cref="FrameworkShell{TDecisions, TEvent}"/>. Each input's <see cref="Decisions"/> are carried
/// out before the next input: saved first (so a launched run is always known after a restart), then
/// sent to the master. A status update is acknowledged only after its effects are saved. At start it
/// loads its jobs (definitions, status, schedule positions, active runs and history) and subscribes
/// with its saved framework id, so a restarted scheduler adopts its running tasks and reconciles
/// them; due times it missed while down go through the jobs' missed-run policy on the first tick
/// (one late run within the starting deadline, never a backlog; docs/jobs.md).
/// </summary>
public sealed class JobsFramework : IJobsControl, IAsyncDisposable
{
    private readonly JobScheduler _core;
    private readonly JobsStore _store;
    private readonly FrameworkShell<Decisions, JobEvent> _shell;

    private JobsFramework(JobsOptions options, JobScheduler core, JobsStore store, string? frameworkId)
    {
        _core = core;
        _store = store;
        _shell = FrameworkShell<Decisions, JobEvent>.Start(new FrameworkShellOptions
        {
            Master = options.Master,
            OtherMasters = options.OtherMasters,
            Name = options.Name,
            Role = options.Scheduler.Role,
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

    /// <summary>The framework id: the saved one, then the one the master gave; null before the first subscription.</summary>
    public string? FrameworkId => _shell.FrameworkId;

    /// <summary>True once the master has accepted this scheduler's subscription (a restarted scheduler
    /// knows its framework id before that; kills and launches reach the master only after).</summary>
    public bool HasSubscribed => _shell.HasSubscribed;

    /// <summary>Opens the state in <see cref="JobsOptions.WorkDirectory"/>, restores it, and starts subscribing to the master.</summary>
    /// <exception cref="InvalidOperationException">The state cannot be opened (another scheduler holds it) or does not parse.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The scheduler's options are out of range.</exception>
    public static JobsFramework Start(JobsOptions options)
    {
        var store = JobsStore.Open(Path.Combine(options.WorkDirectory, "jobs.db"));
        try
        {
            var core = new JobScheduler(options.Scheduler);
            var saved = store.Load(options.Scheduler.HistoryLimit);
            core.Restore(saved.Jobs);
            return new JobsFramework(options, core, store, saved.FrameworkId);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<T> ReadAsync<T>(Func<JobScheduler, DateTimeOffset, T> read) => _shell.ReadAsync(now => read(_core, now));

    /// <inheritdoc />
    public Task<T> ChangeAsync<T>(Func<JobScheduler, DateTimeOffset, Decisions, T> change) =>
        _shell.ChangeAsync((now, decisions) => change(_core, now, decisions));

    /// <inheritdoc />
    public IAsyncEnumerable<JobEvent> EventsAsync(CancellationToken cancellationToken) => _shell.EventsAsync(cancellationToken);

    /// <summary>Stops ticking and subscribing, and closes the state (running tasks keep running: the
    /// master keeps them for the failover timeout, and a restarted scheduler adopts them).</summary>
    public async ValueTask DisposeAsync()
    {
        await _shell.DisposeAsync();
        _store.Dispose();
    }
}

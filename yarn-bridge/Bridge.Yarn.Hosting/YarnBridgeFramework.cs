using Bridge.Schedulers.Hosting;
using Bridge.Yarn.Api;
using Bridge.Yarn.Cluster;
using Bridge.Yarn.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Yarn.Hosting;

/// <summary>Settings of a <see cref="YarnBridgeFramework"/>. Immutable.</summary>
public sealed record YarnBridgeFrameworkOptions
{
    /// <summary>The master, e.g. <c>http://127.0.0.1:5050</c>.</summary>
    public required Uri Master { get; init; }

    /// <summary>The other masters when several elect a leader in etcd: the framework follows the leader a standby names,
    /// else tries the next master (default: none).</summary>
    public IReadOnlyList<Uri> OtherMasters { get; init; } = [];

    /// <summary>Where the state lives (<c>yarn-bridge.db</c> in it).</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>The decision core's settings (profiles, overhead, the executor command, the ResourceManager's address, ...).</summary>
    public required YarnBridgeOptions Bridge { get; init; }

    /// <summary>The framework's name (default: <c>bridge-yarn</c>; Myriad's <c>frameworkName</c>).</summary>
    public string Name { get; init; } = "bridge-yarn";

    /// <summary>The role NodeManagers and placeholders run under, the one DRF charges YARN's share to (default: <c>*</c>;
    /// <c>bridge up</c> uses <c>yarn</c>).</summary>
    public string Role { get; init; } = "*";

    /// <summary>How long the master keeps the NodeManagers after the bridge disconnects (default: 1 day, Myriad's
    /// <c>frameworkFailoverTimeout</c> of 86,400,000 ms).</summary>
    public TimeSpan FailoverTimeout { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How long a declined offer's agent is not offered again (default: 5 s; the core REVIVEs when YARN has demand).</summary>
    public TimeSpan DeclineRefuse { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the clock ticks the core: YARN is looked at, decommissions and autoscaling decided (default: 1 s).</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Clock for ticks and the driver's backoffs (default: <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where it logs (default: nowhere).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}

/// <summary>
/// The YARN bridge as a framework on the kernel (Myriad's scheduler): a <see cref="YarnBridgeScheduler"/> driven on one
/// loop by the master's events, a clock and REST changes, on the schedulers' shared
/// <see cref="FrameworkShell{TDecisions, TEvent}"/>, with its state in a <see cref="BridgeStore"/> and the YARN side behind
/// an <see cref="IYarnCluster"/>. Each input's decisions are saved before they go to the master, so a NodeManager or a
/// placeholder is never launched that a restarted bridge does not know. At start it restores its NodeManagers and
/// placeholders and subscribes with its saved framework id, adopting what still runs and reconciling the rest.
/// </summary>
public sealed class YarnBridgeFramework : IAsyncDisposable
{
    private readonly YarnBridgeScheduler _core;
    private readonly BridgeStore _store;
    private readonly FrameworkShell<Decisions, BridgeEvent> _shell;

    private YarnBridgeFramework(YarnBridgeFrameworkOptions options, YarnBridgeScheduler core, BridgeStore store, string? frameworkId)
    {
        Options = options;
        _core = core;
        _store = store;
        var subscribedAs = frameworkId;
        _shell = FrameworkShell<Decisions, BridgeEvent>.Start(new FrameworkShellOptions
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
            Subscribed = (now, decisions) => core.Subscribed(subscribedAs!, now, decisions),
            Offers = core.OnOffers,
            Status = core.OnStatus,
            Tick = core.Tick,
            Save = _ => store.Save(core.Snapshot()),
            SaveFrameworkId = id =>
            {
                store.SaveFrameworkId(id);
                subscribedAs = id;
            },
        });
    }

    /// <summary>The settings.</summary>
    public YarnBridgeFrameworkOptions Options { get; }

    /// <summary>The state store.</summary>
    public BridgeStore Store => _store;

    /// <summary>True once the master has accepted the subscription.</summary>
    public bool HasSubscribed => _shell.HasSubscribed;

    /// <summary>The framework id: the saved one, then the master's; null before the first subscription.</summary>
    public string? FrameworkId => _shell.FrameworkId;

    /// <summary>The framework's settings as <c>GET /api/config</c> shows them.</summary>
    public FrameworkSettings Settings(int restApiPort) =>
        new(Options.Master.Authority, Options.Name, Options.Role, Options.FailoverTimeout, restApiPort);

    /// <summary>Opens the state in <see cref="YarnBridgeFrameworkOptions.WorkDirectory"/>, restores it, and starts subscribing.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="yarn">The YARN side (the embedded ResourceManager, or an adapter to a real one).</param>
    /// <exception cref="InvalidOperationException">The state cannot be opened or does not parse.</exception>
    /// <exception cref="ArgumentException">The core's options are invalid (the message names the setting).</exception>
    public static YarnBridgeFramework Start(YarnBridgeFrameworkOptions options, IYarnCluster yarn)
    {
        var store = BridgeStore.Open(Path.Combine(options.WorkDirectory, "yarn-bridge.db"));
        try
        {
            var saved = store.Load();
            var core = new YarnBridgeScheduler(options.Bridge, yarn);
            try
            {
                core.Restore(saved.State);
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException($"YARN bridge state {store.Path}: {e.Message}", e);
            }
            return new YarnBridgeFramework(options, core, store, saved.FrameworkId);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="read"/> on the bridge's loop (it must not change the core).</summary>
    /// <exception cref="ObjectDisposedException">The bridge is stopped.</exception>
    public Task<T> ReadAsync<T>(Func<YarnBridgeScheduler, DateTimeOffset, T> read) => _shell.ReadAsync(now => read(_core, now));

    /// <summary>Runs <paramref name="change"/> on the bridge's loop and carries out its decisions before answering.</summary>
    /// <exception cref="ObjectDisposedException">The bridge is stopped.</exception>
    public Task<T> ChangeAsync<T>(Func<YarnBridgeScheduler, DateTimeOffset, Decisions, T> change) =>
        _shell.ChangeAsync((now, decisions) => change(_core, now, decisions));

    /// <summary>The bridge's events from now on (flexup, nodemanager_running, capacity_raised, ...).</summary>
    public IAsyncEnumerable<BridgeEvent> EventsAsync(CancellationToken cancellationToken) => _shell.EventsAsync(cancellationToken);

    /// <summary>Stops ticking and subscribing and closes the state; NodeManagers keep running for the failover timeout.</summary>
    public async ValueTask DisposeAsync()
    {
        await _shell.DisposeAsync();
        _store.Dispose();
    }
}

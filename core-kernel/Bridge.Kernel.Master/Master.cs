using System.Diagnostics;
using System.Threading.Channels;
using Bridge.Kernel.Master.Internal;
using Bridge.Kernel.Master.Registry;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OperatorEvent = Bridge.Kernel.V1.Operator.Event;
using SchedulerCall = Bridge.Kernel.V1.Scheduler.Call;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.Master;

/// <summary>
/// The master: one event loop (an actor fed by a channel) owns frameworks, agents, offers and
/// tasks and drives the <see cref="Allocation.HierarchicalAllocator"/>. Everything that changes
/// state is posted to the <see cref="EventLoop"/> and runs there, one thing at a time, so the logic
/// takes no locks; allocation runs after each batch of work, revocation after a cycle when a
/// role below its quota guarantee is in use, and an OFFERS_SUMMARY operator event at most once per
/// allocation interval when offers changed. Changes to what the <see cref="IRegistry"/> keeps
/// (admitted agents, weights, quotas, reservations and volumes) are written there first, with the
/// loop held until the write is done; <see cref="StartAsync"/> recovers them.
/// State queries are answered from a <see cref="MasterSnapshot"/> taken on the loop when something
/// changed, so readers never hold the loop while they serialize.
/// The gRPC services (<see cref="SchedulerService"/>, <see cref="AgentMasterService"/>,
/// <see cref="OperatorService"/>) are thin shells over this class.
/// </summary>
public sealed class Master : IAsyncDisposable
{
    private readonly EventLoop _loop;
    private readonly MasterState _s;
    private readonly FrameworkHandler _frameworks;
    private readonly AcceptHandler _offers;
    private readonly TaskHandler _tasks;
    private readonly AgentHandler _agents;
    private readonly OperatorHandler _operator;
    private readonly RevocationHandler _revocations;
    private readonly OffersSummaryHandler _offersSummary;
    private readonly List<ITimer> _timers = new();
    private readonly bool _ownsRegistry;
    private MasterSnapshot? _snapshot;
    private bool _holding;

    private Master(MasterOptions options, string address, ILoggerFactory? loggerFactory, IRegistry registry, bool ownsRegistry)
    {
        var info = new MasterInfo { Id = options.MasterId, Address = address, Hostname = options.Hostname, Version = Version };
        _s = new MasterState(options, info, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Bridge.Kernel.Master"), new MasterMetrics(), registry);
        _ownsRegistry = ownsRegistry;
        _loop = new EventLoop(_s.Logger, afterBatch: Allocate);
        _frameworks = new FrameworkHandler(_s, Post);
        _offers = new AcceptHandler(_s);
        _tasks = new TaskHandler(_s);
        _agents = new AgentHandler(_s);
        _operator = new OperatorHandler(_s);
        _revocations = new RevocationHandler(_s);
        _offersSummary = new OffersSummaryHandler(_s);
    }

    /// <summary>
    /// Opens the registry (<see cref="MasterOptions.Registry"/>, else <c>WORK_DIR/registry.db</c>, else
    /// memory), recovers what it holds (weights and quotas go to the allocator; admitted agents are
    /// awaited for <see cref="MasterOptions.AgentReregisterTimeout"/>), and starts the loop and timers
    /// (allocation every <c>AllocationInterval</c>, pings, heartbeats).
    /// </summary>
    /// <param name="options">Settings.</param>
    /// <param name="address">The <c>host:port</c> clients reach this master at, for MasterInfo.</param>
    /// <param name="loggerFactory">Logs (default: none).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="RegistryException">The registry cannot be opened or read, or holds a weight or quota the allocator refuses.</exception>
    public static async Task<Master> StartAsync(MasterOptions options, string address, ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        var owns = options.Registry is null;
        var registry = options.Registry ?? (options.WorkDir is { } dir ? SqliteRegistry.Open(Path.Combine(dir, "registry.db")) : new InMemoryRegistry());
        try
        {
            var state = await registry.LoadAsync(cancellationToken);
            var master = new Master(options, address, loggerFactory, registry, owns);
            master.Recover(state);
            master.Start();
            return master;
        }
        catch
        {
            if (owns) await registry.DisposeAsync();
            throw;
        }
    }

    private void Recover(RegistryState state)
    {
        try
        {
            _s.Allocator.UpdateWeights(state.Weights);
            // Parents before children, so each child's guarantee is checked against its parent's.
            foreach (var (role, quota) in state.Quotas.OrderBy(kv => kv.Key.Count(c => c == '/')).ThenBy(kv => kv.Key, StringComparer.Ordinal))
                _s.Allocator.UpdateQuota(role, quota);
        }
        catch (ArgumentException e)
        {
            throw new RegistryException($"The registry holds a weight or quota the allocator refuses: {e.Message}", e);
        }
        foreach (var (role, weight) in state.Weights) _s.Weights[role] = weight;
        foreach (var (role, quota) in state.Quotas) _s.Quotas[role] = quota;
        foreach (var agent in state.Agents) _s.Recovered[agent.Id] = agent;
        _s.RecoveredDeadline = _s.Now + _s.Options.AgentReregisterTimeout;
        _s.OffersHeldUntil = _s.Now + _s.Options.OfferHoldOff;
        _holding = state.Agents.Count > 0;
        if (state.Agents.Count + state.Weights.Count + state.Quotas.Count > 0)
            _s.Logger.LogInformation("Recovered from the registry: {Agents} agents awaited for {Timeout} (offers held for at most {HoldOff} until they are back), {Weights} weights, {Quotas} quotas",
                state.Agents.Count, _s.Options.AgentReregisterTimeout, _s.Options.OfferHoldOff, state.Weights.Count, state.Quotas.Count);
    }

    private void Start()
    {
        var options = _s.Options;
        var time = options.TimeProvider;
        _timers.Add(time.CreateTimer(_ => Post(() => { }), null, options.Allocator.AllocationInterval, options.Allocator.AllocationInterval));
        _timers.Add(time.CreateTimer(_ => PingTick(), null, options.PingInterval, options.PingInterval));
        _timers.Add(time.CreateTimer(_ => Post(_frameworks.Heartbeat), null, options.HeartbeatInterval, options.HeartbeatInterval));
        _loop.Start();
    }

    private void PingTick()
    {
        Post(_agents.PingTick);
        _ = _loop.RunAsync(async () =>
        {
            if (!await _agents.ExpireRecoveredAsync()) return false;
            _s.RunDeferred();
            return true;
        }).ContinueWith(t =>
        {
            if (t.Exception!.GetBaseException() is not ObjectDisposedException) // not a master shutting down
                _s.Logger.LogError(t.Exception.GetBaseException(), "Removing agents that did not re-register failed; trying again at the next ping");
        }, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The version this master reports.</summary>
    public static string Version => typeof(Master).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>This master's MasterInfo.</summary>
    public MasterInfo Info => _s.Info;

    /// <summary>The settings it runs with.</summary>
    public MasterOptions Options => _s.Options;

    private void Post(Action work) => _loop.Post(work);

    /// <summary>Runs <paramref name="work"/> on the loop and returns its result (or its exception).</summary>
    internal Task<T> Run<T>(Func<T> work) => _loop.Run(work);

    internal Task Run(Action work) => _loop.Run(work);

    /// <summary>Runs <paramref name="work"/> on the loop, holding it until the work's registry writes are done.</summary>
    private Task<T> RunHolding<T>(Func<Task<T>> work) => _loop.RunAsync(work);

    private void Allocate()
    {
        RunCycle();
        _offersSummary.AfterBatch();
    }

    private void RunCycle()
    {
        if (_s.Options.StillLeading is { } leading && !leading()) return; // about to step down: no offers past the lease
        if (_holding)
        {
            if (_s.OffersHeld) return;
            _holding = false;
            _s.Version++;
            _s.Logger.LogInformation("Offers resume: {Back} agents re-registered, {Missing} not yet", _s.Agents.Count, _s.Recovered.Count);
        }
        foreach (var expired in _s.Allocator.ExpiredOffers()) _s.RescindOffer(expired);
        var started = Stopwatch.GetTimestamp();
        var result = _s.Allocator.Tick();
        if (result.AgentsConsidered == 0) return;
        _s.Metrics.ObserveCycle(Stopwatch.GetElapsedTime(started));
        _s.SendOffers(result.Offers);
        _revocations.AfterCycle();
    }

    // ------------------------------------------------------------------ scheduler API

    /// <summary>SUBSCRIBE: registers (or fails over) a framework and returns its event stream.</summary>
    /// <exception cref="InvalidMessageException">The call or its FrameworkInfo is malformed.</exception>
    internal Task<FrameworkConnection> SubscribeAsync(SchedulerCall call) => Run(() => _frameworks.Subscribe(call));

    /// <summary>The framework's Subscribe stream ended.</summary>
    internal void FrameworkDisconnected(FrameworkId id, FrameworkConnection connection) =>
        Post(() =>
        {
            if (_s.Frameworks.TryGetValue(id, out var framework)) _frameworks.Disconnected(framework, connection);
        });

    /// <summary>Every call but SUBSCRIBE, checked against the framework's current stream id.</summary>
    /// <exception cref="InvalidMessageException">Malformed call (INVALID_ARGUMENT).</exception>
    /// <exception cref="KeyNotFoundException">Unknown framework (NOT_FOUND).</exception>
    /// <exception cref="InvalidOperationException">Not the framework's current stream (FAILED_PRECONDITION).</exception>
    /// <exception cref="RegistryException">An ACCEPT's reservations or volumes could not be stored (UNAVAILABLE); nothing changed.</exception>
    internal Task CallAsync(SchedulerCall call, string? streamId) => RunHolding(async () =>
    {
        if (call.Type is SchedulerCall.Types.Type.Subscribe or SchedulerCall.Types.Type.Unknown)
            throw new InvalidMessageException("type", call.Type == SchedulerCall.Types.Type.Unknown ? "is missing" : "SUBSCRIBE goes through the Subscribe rpc");
        if (IdValidation.Validate(call.FrameworkId?.Value) is { } idError) throw new InvalidMessageException("framework_id", idError);
        if (!_s.Frameworks.TryGetValue(new FrameworkId(call.FrameworkId!.Value), out var framework))
            throw new KeyNotFoundException($"Framework {call.FrameworkId.Value} is not subscribed");
        if (framework.Connection is not { IsClosed: false } connection)
            throw new InvalidOperationException($"Framework {framework.Id} is not subscribed; subscribe again");
        if (streamId != connection.StreamId)
            throw new InvalidOperationException($"The bridge-stream-id header ('{streamId}') is not framework {framework.Id}'s current stream");
        if (call.Type == SchedulerCall.Types.Type.Accept) await _offers.AcceptAsync(framework, Require(call.Accept, "accept"));
        else Dispatch(framework, call);
        return true;
    });

    private void Dispatch(FrameworkRecord framework, SchedulerCall call)
    {
        switch (call.Type)
        {
            case SchedulerCall.Types.Type.Teardown: _frameworks.Remove(framework); break;
            case SchedulerCall.Types.Type.Decline: _offers.Decline(framework, Require(call.Decline, "decline")); break;
            case SchedulerCall.Types.Type.Revive: _s.Allocator.Revive(framework.Id, Roles(framework, call.Revive?.Roles, "revive.roles")); break;
            case SchedulerCall.Types.Type.Suppress: _s.Allocator.Suppress(framework.Id, Roles(framework, call.Suppress?.Roles, "suppress.roles")); break;
            case SchedulerCall.Types.Type.Kill: _tasks.Kill(framework, Require(call.Kill, "kill")); break;
            case SchedulerCall.Types.Type.Shutdown: _tasks.ShutdownExecutor(framework, Require(call.Shutdown, "shutdown")); break;
            case SchedulerCall.Types.Type.Acknowledge: _tasks.Acknowledge(framework, Require(call.Acknowledge, "acknowledge")); break;
            case SchedulerCall.Types.Type.Reconcile: _tasks.Reconcile(framework, call.Reconcile ?? new()); break;
            case SchedulerCall.Types.Type.Message: _tasks.FrameworkMessage(framework, Require(call.Message, "message")); break;
            case SchedulerCall.Types.Type.UpdateFramework: _frameworks.UpdateFramework(framework, Require(call.UpdateFramework, "update_framework")); break;
            default: throw new InvalidMessageException("type", $"{call.Type} is not a scheduler call");
        }
    }

    private static T Require<T>(T? part, string field) where T : class => part ?? throw new InvalidMessageException(field, "is missing");

    private static IReadOnlyCollection<string>? Roles(FrameworkRecord framework, IList<string>? roles, string field)
    {
        if (roles is null || roles.Count == 0) return null;
        for (var i = 0; i < roles.Count; i++)
            if (!framework.Roles.Contains(roles[i])) throw new InvalidMessageException($"{field}[{i}]", $"'{roles[i]}' is not one of the framework's roles");
        return roles.ToList();
    }

    // ------------------------------------------------------------------ agents

    /// <summary>The first message of an agent's stream: REGISTER or REREGISTER.</summary>
    /// <exception cref="InvalidMessageException">Not a registration, or a malformed one.</exception>
    /// <exception cref="RegistryException">The agent could not be admitted in the registry (UNAVAILABLE; it retries).</exception>
    internal Task<AgentId> AgentConnectedAsync(AgentConnection connection, AgentMessage first) => RunHolding(async () => first.MessageCase switch
    {
        AgentMessage.MessageOneofCase.Register => (await _agents.RegisterAsync(connection, first.Register)).Id,
        AgentMessage.MessageOneofCase.Reregister => await ReregisterAsync(connection, first.Reregister),
        _ => throw new InvalidMessageException("message", $"the first message must be register or reregister, not {first.MessageCase}"),
    });

    private async Task<AgentId> ReregisterAsync(AgentConnection connection, AgentMessage.Types.Reregister reregister)
    {
        var agent = await _agents.ReregisterAsync(connection, reregister);
        _s.RunDeferred();
        return agent.Id;
    }

    /// <summary>Any later message on an agent's stream.</summary>
    internal Task AgentMessageAsync(AgentId id, AgentConnection connection, AgentMessage message) => Run(() =>
    {
        if (!_s.Agents.TryGetValue(id, out var agent) || agent.Connection != connection) return; // a stale stream
        switch (message.MessageCase)
        {
            case AgentMessage.MessageOneofCase.StatusUpdate: _tasks.StatusUpdate(agent, message.StatusUpdate); break;
            case AgentMessage.MessageOneofCase.Pong: _agents.Pong(agent, message.Pong); break;
            case AgentMessage.MessageOneofCase.ExecutorMessage: _tasks.ExecutorMessage(agent, message.ExecutorMessage); break;
            case AgentMessage.MessageOneofCase.ExitedExecutor: _tasks.ExecutorExited(agent, message.ExitedExecutor); break;
            default: throw new InvalidMessageException("message", $"{message.MessageCase} is not expected after registration");
        }
    });

    /// <summary>An agent's stream ended.</summary>
    internal void AgentDisconnected(AgentId id, AgentConnection connection) => Post(() =>
    {
        if (_s.Agents.TryGetValue(id, out var agent)) _agents.Disconnected(agent, connection);
    });

    // ------------------------------------------------------------------ operator API and state

    /// <summary>An operator call (everything but SUBSCRIBE), answered once its change is in the registry.</summary>
    /// <exception cref="RegistryException">The change could not be stored (UNAVAILABLE); nothing changed.</exception>
    internal Task<V1.Operator.Response> OperatorCallAsync(V1.Operator.Call call) => RunHolding(() => _operator.CallAsync(call));

    /// <summary>Opens an operator event stream: the state now, then every change.</summary>
    internal Task<(V1.Operator.Response.Types.GetState State, ChannelReader<OperatorEvent> Events, Action Close)> OperatorSubscribeAsync() => Run(() =>
    {
        var events = Channel.CreateUnbounded<OperatorEvent>(new UnboundedChannelOptions { SingleReader = true });
        _s.OperatorSubscribers.Add(events);
        return (StateView.GetState(_s), events.Reader, (Action)(() => Post(() => _s.OperatorSubscribers.Remove(events))));
    });

    /// <summary>A consistent view of the whole master, taken on the loop when something changed since the last one.</summary>
    public Task<MasterSnapshot> SnapshotAsync() => Run(() =>
    {
        if (_snapshot is { } cached && cached.Version == _s.Version) return cached;
        var tasksByState = _s.Frameworks.Values.SelectMany(f => f.Tasks.Values.Concat(f.Unreachable.Values))
            .GroupBy(t => t.State).ToDictionary(g => g.Key, g => g.Count());
        _snapshot = new MasterSnapshot(_s.Version, _s.Now, _s.Info, StateView.GetState(_s), StateView.GetRoles(_s),
            _s.Metrics.Render(_s.Agents.Values.Count(a => a.Reachable), _s.Agents.Values.Count(a => !a.Reachable),
                _s.Frameworks.Values.Count(f => f.Connected), _s.Frameworks.Values.Count(f => !f.Connected), tasksByState), _holding)
        {
            Offers = _s.Allocator.GetOffers(),
            RecentDeclines = _s.RecentDeclines.ToList(),
        };
        return _snapshot;
    });

    /// <summary>Stops the loop and the timers; open streams end; the registry is closed if the master opened it.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var timer in _timers) timer.Dispose();
        await Run(() =>
        {
            foreach (var framework in _s.Frameworks.Values) framework.Connection?.Close();
            foreach (var agent in _s.Agents.Values) agent.Connection?.Close();
            foreach (var subscriber in _s.OperatorSubscribers) subscriber.Writer.TryComplete();
        });
        await _loop.StopAsync();
        if (_ownsRegistry) await _s.Registry.DisposeAsync();
    }
}

/// <summary>A frozen view of the master for readers (operator API, <c>/api/v1/state</c>, <c>/metrics</c>).</summary>
/// <param name="Version">The master's change counter when it was taken.</param>
/// <param name="TakenAt">When, on the master's clock.</param>
/// <param name="Master">The master's info.</param>
/// <param name="State">Agents, frameworks and tasks.</param>
/// <param name="Roles">Roles with weights, quota, allocation and dominant shares.</param>
/// <param name="Metrics">The metrics in Prometheus text format.</param>
/// <param name="OffersHeld">Whether offers are held back after a failover until the recovered agents re-register (<see cref="MasterOptions.OfferHoldOff"/>).</param>
public sealed record MasterSnapshot(long Version, DateTimeOffset TakenAt, MasterInfo Master, V1.Operator.Response.Types.GetState State,
    V1.Operator.Response.Types.GetRoles Roles, string Metrics, bool OffersHeld = false)
{
    /// <summary>Offers held by frameworks now (sent, not yet accepted, declined or rescinded).</summary>
    public IReadOnlyList<Allocation.Offer> Offers { get; init; } = [];

    /// <summary>The latest declines, oldest first, with the frameworks' reasons (at most 50).</summary>
    public IReadOnlyList<DeclinedOffer> RecentDeclines { get; init; } = [];
}

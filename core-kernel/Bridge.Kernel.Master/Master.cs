using System.Diagnostics;
using System.Threading.Channels;
using Bridge.Kernel.Master.Internal;
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
/// takes no locks; allocation runs after each batch of work.
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
    private readonly List<ITimer> _timers = new();
    private MasterSnapshot? _snapshot;

    /// <summary>Starts a master's loop and timers (allocation every <c>AllocationInterval</c>, pings, heartbeats).</summary>
    /// <param name="options">Settings.</param>
    /// <param name="address">The <c>host:port</c> clients reach this master at, for MasterInfo.</param>
    /// <param name="loggerFactory">Logs (default: none).</param>
    public Master(MasterOptions options, string address, ILoggerFactory? loggerFactory = null)
    {
        var info = new MasterInfo { Id = options.MasterId, Address = address, Hostname = options.Hostname, Version = Version };
        _s = new MasterState(options, info, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Bridge.Kernel.Master"), new MasterMetrics());
        _loop = new EventLoop(_s.Logger, afterBatch: Allocate);
        _frameworks = new FrameworkHandler(_s, Post);
        _offers = new AcceptHandler(_s);
        _tasks = new TaskHandler(_s);
        _agents = new AgentHandler(_s);
        _operator = new OperatorHandler(_s);
        var time = options.TimeProvider;
        _timers.Add(time.CreateTimer(_ => Post(() => { }), null, options.Allocator.AllocationInterval, options.Allocator.AllocationInterval));
        _timers.Add(time.CreateTimer(_ => Post(_agents.PingTick), null, options.PingInterval, options.PingInterval));
        _timers.Add(time.CreateTimer(_ => Post(_frameworks.Heartbeat), null, options.HeartbeatInterval, options.HeartbeatInterval));
        _loop.Start();
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

    private void Allocate()
    {
        foreach (var expired in _s.Allocator.ExpiredOffers()) _s.RescindOffer(expired);
        var started = Stopwatch.GetTimestamp();
        var result = _s.Allocator.Tick();
        if (result.AgentsConsidered == 0) return;
        _s.Metrics.ObserveCycle(Stopwatch.GetElapsedTime(started));
        _s.SendOffers(result.Offers);
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
    internal Task CallAsync(SchedulerCall call, string? streamId) => Run(() =>
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
        Dispatch(framework, call);
    });

    private void Dispatch(FrameworkRecord framework, SchedulerCall call)
    {
        switch (call.Type)
        {
            case SchedulerCall.Types.Type.Teardown: _frameworks.Remove(framework); break;
            case SchedulerCall.Types.Type.Accept: _offers.Accept(framework, Require(call.Accept, "accept")); break;
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
    internal Task<AgentId> AgentConnectedAsync(AgentConnection connection, AgentMessage first) => Run(() => first.MessageCase switch
    {
        AgentMessage.MessageOneofCase.Register => _agents.Register(connection, first.Register).Id,
        AgentMessage.MessageOneofCase.Reregister => _agents.Reregister(connection, first.Reregister).Id,
        _ => throw new InvalidMessageException("message", $"the first message must be register or reregister, not {first.MessageCase}"),
    });

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

    /// <summary>An operator call (everything but SUBSCRIBE).</summary>
    internal Task<V1.Operator.Response> OperatorCallAsync(V1.Operator.Call call) => Run(() => _operator.Call(call));

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
                _s.Frameworks.Values.Count(f => f.Connected), _s.Frameworks.Values.Count(f => !f.Connected), tasksByState));
        return _snapshot;
    });

    /// <summary>Stops the loop and the timers; open streams end.</summary>
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
    }
}

/// <summary>A frozen view of the master for readers (operator API, <c>/api/v1/state</c>, <c>/metrics</c>).</summary>
/// <param name="Version">The master's change counter when it was taken.</param>
/// <param name="TakenAt">When, on the master's clock.</param>
/// <param name="Master">The master's info.</param>
/// <param name="State">Agents, frameworks and tasks.</param>
/// <param name="Roles">Roles with weights, quota, allocation and dominant shares.</param>
/// <param name="Metrics">The metrics in Prometheus text format.</param>
public sealed record MasterSnapshot(long Version, DateTimeOffset TakenAt, MasterInfo Master, V1.Operator.Response.Types.GetState State,
    V1.Operator.Response.Types.GetRoles Roles, string Metrics);

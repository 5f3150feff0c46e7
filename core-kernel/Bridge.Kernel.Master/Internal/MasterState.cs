using System.Threading.Channels;
using Bridge.Kernel.Allocation;
using Bridge.Kernel.Master.Registry;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using OperatorEvent = Bridge.Kernel.V1.Operator.Event;
using SchedulerEvent = Bridge.Kernel.V1.Scheduler.Event;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;
using Offer = Bridge.Kernel.Allocation.Offer;

namespace Bridge.Kernel.Master.Internal;

/// <summary>
/// Everything the master's loop owns, and the small helpers every handler shares (sending events,
/// making status updates). Touched only from the loop: no locks.
/// </summary>
internal sealed class MasterState(MasterOptions options, MasterInfo info, ILogger logger, MasterMetrics metrics, IRegistry registry)
{
    private long _nextFramework;
    private long _nextAgent;
    private long _nextStream;

    public MasterOptions Options { get; } = options;
    public MasterInfo Info { get; } = info;
    public ILogger Logger { get; } = logger;
    public MasterMetrics Metrics { get; } = metrics;
    public TimeProvider Time => Options.TimeProvider;
    public DateTimeOffset Now => Options.TimeProvider.GetUtcNow();
    public HierarchicalAllocator Allocator { get; } = new(options.Allocator, options.TimeProvider);

    public Dictionary<FrameworkId, FrameworkRecord> Frameworks { get; } = new();
    public Queue<FrameworkRecord> CompletedFrameworks { get; } = new();
    public Dictionary<AgentId, AgentRecord> Agents { get; } = new();
    public List<Channel<OperatorEvent>> OperatorSubscribers { get; } = new();

    /// <summary>The latest declines, oldest first, at most <see cref="RecentDeclinesKept"/> (the dashboard's "why declined").</summary>
    public Queue<DeclinedOffer> RecentDeclines { get; } = new();

    /// <summary>How many declines <see cref="RecentDeclines"/> keeps.</summary>
    public const int RecentDeclinesKept = 50;

    /// <summary>The durable store: every change to what it keeps is written there before it is applied here.</summary>
    public IRegistry Registry { get; } = registry;

    /// <summary>Agents in the registry that have not re-registered since this master started.</summary>
    public Dictionary<AgentId, RegisteredAgent> Recovered { get; } = new();

    /// <summary>When agents still in <see cref="Recovered"/> are removed from the registry.</summary>
    public DateTimeOffset RecoveredDeadline { get; set; }

    /// <summary>Until when offers are held back after a recovery (see <see cref="MasterOptions.OfferHoldOff"/>).</summary>
    public DateTimeOffset OffersHeldUntil { get; set; }

    /// <summary>Whether offers are held back: agents recovered from the registry have not all re-registered and the
    /// hold-off has not run out (Mesos' allocator recovery, which pauses allocation the same way).</summary>
    public bool OffersHeld => Recovered.Count > 0 && Now < OffersHeldUntil;

    private readonly List<(AgentId? Agent, Action Work)> _deferred = new();

    /// <summary>
    /// Defers <paramref name="work"/> (a KILL or explicit RECONCILE for a task the master does not know) while
    /// <paramref name="agent"/> (or, when null, any agent) is recovered from the registry but has not re-registered:
    /// the task may be on it. Returns false, deferring nothing, when no such agent is awaited.
    /// <see cref="RunDeferred"/> runs the work once the agent re-registered or was removed.
    /// </summary>
    public bool DeferWhileRecovering(AgentId? agent, Action work)
    {
        if (!Awaited(agent)) return false;
        _deferred.Add((agent, work));
        return true;
    }

    /// <summary>Runs the deferred work no longer waiting on a recovered agent; call after a re-registration or removal.</summary>
    public void RunDeferred()
    {
        var ready = _deferred.Where(d => !Awaited(d.Agent)).ToList();
        _deferred.RemoveAll(d => !Awaited(d.Agent));
        foreach (var (_, work) in ready) work();
    }

    private bool Awaited(AgentId? agent) => agent is { } id ? Recovered.ContainsKey(id) : Recovered.Count > 0;

    /// <summary>Role weights set by operators (as stored in the registry).</summary>
    public Dictionary<string, double> Weights { get; } = new(StringComparer.Ordinal);

    /// <summary>Role quotas set by operators (as stored in the registry).</summary>
    public Dictionary<string, Quota> Quotas { get; } = new(StringComparer.Ordinal);

    /// <summary>Frameworks sent at least one offer since the last OFFERS_SUMMARY operator event.</summary>
    public HashSet<FrameworkId> FrameworksOffered { get; } = new();

    /// <summary>Agents whose resources were offered since the last OFFERS_SUMMARY operator event.</summary>
    public HashSet<AgentId> AgentsOffered { get; } = new();

    /// <summary>Bumped on every change, so readers know whether a cached state view is stale.</summary>
    public long Version { get; set; }

    public FrameworkId NewFrameworkId() => new($"{Options.MasterId}-{++_nextFramework:D4}");

    public AgentId NewAgentId() => new($"{Options.MasterId}-S{++_nextAgent}");

    public string NewStreamId() => $"{Options.MasterId}-stream-{++_nextStream}";

    public double NowSeconds => Now.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>Sends an event to a framework if it is connected; false otherwise.</summary>
    public bool Send(FrameworkRecord framework, SchedulerEvent e)
    {
        if (framework.Connection is not { IsClosed: false } connection) return false;
        connection.Send(e);
        return true;
    }

    /// <summary>A status made by the master itself (Mesos: SOURCE_MASTER; no uuid, so no acknowledgement is expected).</summary>
    public TaskStatus MasterStatus(TaskID taskId, AgentId? agentId, TaskState state, TaskStatus.Types.Reason reason, string message) => new()
    {
        TaskId = taskId,
        State = state,
        Source = TaskStatus.Types.Source.Master,
        Reason = reason,
        Message = message,
        AgentId = agentId is { } a ? new AgentID { Value = a.Value } : null,
        Timestamp = NowSeconds,
    };

    /// <summary>Tells a framework about a task update (UPDATE event) and operators (TASK_UPDATED).</summary>
    public void SendUpdate(FrameworkRecord framework, TaskStatus status, TaskState latest)
    {
        Send(framework, new SchedulerEvent { Type = SchedulerEvent.Types.Type.Update, Update = new SchedulerEvent.Types.Update { Status = status } });
        Metrics.CountTaskState(status.State);
        Publish(new OperatorEvent
        {
            Type = OperatorEvent.Types.Type.TaskUpdated,
            TaskUpdated = new OperatorEvent.Types.TaskUpdated { FrameworkId = new FrameworkID { Value = framework.Id.Value }, Status = status, State = latest },
        });
    }

    /// <summary>Sends an operator event to every SUBSCRIBE stream.</summary>
    public void Publish(OperatorEvent e)
    {
        Version++;
        foreach (var subscriber in OperatorSubscribers) subscriber.Writer.TryWrite(e);
    }

    /// <summary>Turns allocator offers into OFFERS events, one event per framework.</summary>
    public void SendOffers(IReadOnlyList<Offer> offers)
    {
        if (offers.Count == 0) return;
        foreach (var group in offers.GroupBy(o => o.FrameworkId))
        {
            if (!Frameworks.TryGetValue(group.Key, out var framework)) continue;
            var e = new SchedulerEvent { Type = SchedulerEvent.Types.Type.Offers, Offers = new SchedulerEvent.Types.Offers() };
            foreach (var offer in group) e.Offers.Offers_.Add(ToWire(offer));
            if (!Send(framework, e))
            {
                foreach (var offer in group) Allocator.Rescind(offer.Id); // it disconnected in between
                continue;
            }
            Metrics.OffersMade += e.Offers.Offers_.Count;
            FrameworksOffered.Add(framework.Id);
            foreach (var offer in group) AgentsOffered.Add(offer.AgentId);
        }
        Version++;
    }

    public V1.Offer ToWire(Offer offer)
    {
        var agent = Agents[offer.AgentId];
        var wire = new V1.Offer
        {
            Id = new OfferID { Value = offer.Id.Value },
            FrameworkId = new FrameworkID { Value = offer.FrameworkId.Value },
            AgentId = new AgentID { Value = offer.AgentId.Value },
            Hostname = agent.Hostname,
            AllocationInfo = new V1.Resource.Types.AllocationInfo { Role = offer.Role },
            Url = agent.Info.Address is { Length: > 0 } address ? $"http://{address}" : "",
        };
        wire.Resources.AddRange(ResourceConversion.ToWire(offer.Resources, offer.Role));
        wire.Attributes.AddRange(agent.Info.Attributes);
        foreach (var (framework, executor) in agent.Executors.Keys)
            if (framework == offer.FrameworkId) wire.ExecutorIds.Add(new ExecutorID { Value = executor.Value });
        return wire;
    }

    /// <summary>Rescinds an offer: the allocator takes its resources back and the framework hears RESCIND.</summary>
    public void RescindOffer(OfferId id)
    {
        var offer = Allocator.GetOffer(id);
        if (offer is null) return;
        Allocator.Rescind(id);
        NotifyRescinded(offer);
    }

    /// <summary>Tells a framework an offer it holds is gone (the allocator already dropped it).</summary>
    public void NotifyRescinded(Offer offer)
    {
        Metrics.OffersRescinded++;
        if (Frameworks.TryGetValue(offer.FrameworkId, out var framework))
            Send(framework, new SchedulerEvent
            {
                Type = SchedulerEvent.Types.Type.Rescind,
                Rescind = new SchedulerEvent.Types.Rescind { OfferId = new OfferID { Value = offer.Id.Value } },
            });
    }

    /// <summary>Tells an agent its checkpointed resources (after an operation changed them, or when it
    /// re-registered with others than the registry's).</summary>
    public static void SendCheckpoint(AgentRecord agent) =>
        agent.Connection?.Send(new V1.Agent.MasterMessage { CheckpointResources = new() { Resources = { ResourceConversion.ToWire(agent.Checkpointed) } } });

    /// <summary>Moves a task out of the live set into the framework's completed list (bounded).</summary>
    public void Complete(TaskRecord task)
    {
        if (!Frameworks.TryGetValue(task.FrameworkId, out var framework)) return;
        framework.Tasks.Remove(task.Id);
        if (Agents.TryGetValue(task.AgentId, out var agent)) agent.Tasks.Remove((task.FrameworkId, task.Id));
        framework.Completed.Enqueue(task.Task);
        while (framework.Completed.Count > Options.MaxCompletedTasksPerFramework) framework.Completed.Dequeue();
        Version++;
    }

    public static ByteString NewUuid() => ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
}

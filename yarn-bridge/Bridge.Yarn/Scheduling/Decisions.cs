using Bridge.Kernel.V1;
using Bridge.Schedulers.Hosting;

namespace Bridge.Yarn.Scheduling;

/// <summary>Tasks to launch on one offer (the rest of the offer goes back to the kernel with the ACCEPT).</summary>
/// <param name="OfferId">The offer.</param>
/// <param name="Tasks">The tasks, already recorded in the core (save before launching).</param>
public sealed record Launch(OfferID OfferId, IReadOnlyList<TaskInfo> Tasks);

/// <summary>A task to kill.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="AgentId">Its agent, when known.</param>
/// <param name="GracePeriod">Time between SIGTERM and SIGKILL (null: the task's own kill policy).</param>
public sealed record Kill(string TaskId, string? AgentId, TimeSpan? GracePeriod);

/// <summary>Something that happened, for the bridge's event stream and log.</summary>
/// <param name="Type">What: <c>flexup</c>, <c>flexdown</c>, <c>nodemanager_launched</c>, <c>nodemanager_running</c>,
/// <c>nodemanager_decommissioning</c>, <c>nodemanager_stopping</c>, <c>nodemanager_ended</c>, <c>capacity_raised</c>,
/// <c>placeholder_launched</c> (its message starts with the container id), <c>placeholder_ended</c>,
/// <c>unknown_task_killed</c>, <c>autoscale</c>.</param>
/// <param name="At">When.</param>
/// <param name="Message">A sentence with the ids and numbers.</param>
/// <param name="Subject">What it is about, for keying it on the bus: the NodeManager task id (its placeholders'
/// events included), the profile for flexup/flexdown/autoscale, the task id of an unknown task.</param>
public sealed record BridgeEvent(string Type, DateTimeOffset At, string Message, string Subject = "");

/// <summary>
/// What <see cref="YarnBridgeScheduler"/> decided in one step, for the framework shell to carry out in this order:
/// save (<see cref="Changed"/>: the core's <see cref="YarnBridgeScheduler.Snapshot"/>), launch, decline, kill,
/// reconcile, revive or suppress, publish events (<see cref="FrameworkShell{TDecisions, TEvent}"/> does).
/// </summary>
public sealed class Decisions : IFrameworkDecisions<BridgeEvent>
{
    /// <summary>Launches, one per offer used.</summary>
    public List<Launch> Launches { get; } = [];

    /// <summary>Offers not used at all.</summary>
    public List<OfferID> Declines { get; } = [];

    /// <summary>Why each offer in <see cref="Declines"/> was not used, by offer id.</summary>
    public Dictionary<string, string> DeclineReasons { get; } = [];

    /// <summary>Declines <paramref name="offer"/>, saying why (for people: the master shows it on its dashboard).</summary>
    public void Decline(OfferID offer, string reason)
    {
        Declines.Add(offer);
        DeclineReasons[offer.Value] = reason;
    }

    /// <summary>Tasks to kill.</summary>
    public List<Kill> Kills { get; } = [];

    /// <summary>Events, in order.</summary>
    public List<BridgeEvent> Events { get; } = [];

    /// <summary>Tasks to reconcile (explicit), an empty list for implicit reconciliation, or null for none.</summary>
    public List<(string TaskId, string AgentId)>? Reconcile { get; set; }

    /// <summary>True: offers are wanted again (REVIVE); false: none are (SUPPRESS); null: no change.</summary>
    public bool? WantOffers { get; set; }

    /// <summary>The persisted state changed: save <see cref="YarnBridgeScheduler.Snapshot"/> before the launches go out.</summary>
    public bool Changed { get; set; }

    /// <summary>Nothing to do.</summary>
    public bool IsEmpty => Launches.Count == 0 && Declines.Count == 0 && Kills.Count == 0 && Events.Count == 0
        && Reconcile is null && WantOffers is null && !Changed;

    IEnumerable<(OfferID OfferId, IReadOnlyList<TaskInfo> Tasks)> IFrameworkDecisions<BridgeEvent>.Launches =>
        Launches.Select(l => (l.OfferId, l.Tasks));

    IReadOnlyCollection<OfferID> IFrameworkDecisions<BridgeEvent>.Declines => Declines;

    IReadOnlyDictionary<string, string> IFrameworkDecisions<BridgeEvent>.DeclineReasons => DeclineReasons;

    IEnumerable<(string TaskId, string? AgentId, TimeSpan? GracePeriod)> IFrameworkDecisions<BridgeEvent>.Kills =>
        Kills.Select(k => (k.TaskId, k.AgentId, k.GracePeriod));

    IReadOnlyCollection<(string TaskId, string AgentId)>? IFrameworkDecisions<BridgeEvent>.Reconcile => Reconcile;

    IReadOnlyList<BridgeEvent> IFrameworkDecisions<BridgeEvent>.Events => Events;

    internal void Event(string type, DateTimeOffset at, string message, string subject = "") => Events.Add(new BridgeEvent(type, at, message, subject));
}

using Bridge.Kernel.V1;
using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Deployments;
using Bridge.Schedulers.Services.Instances;

namespace Bridge.Schedulers.Services.Scheduling;

/// <summary>Tasks to launch on one offer.</summary>
/// <param name="OfferId">The offer.</param>
/// <param name="Tasks">The tasks, each an instance already tracked (persist them before launching).</param>
public sealed record Launch(OfferID OfferId, IReadOnlyList<TaskInfo> Tasks);

/// <summary>A task to kill.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="AgentId">Its agent, when known.</param>
/// <param name="GracePeriod">Time between SIGTERM and SIGKILL (null: the task's own kill policy).</param>
public sealed record Kill(string TaskId, string? AgentId, TimeSpan? GracePeriod);

/// <summary>
/// An event for <c>/v2/events</c>, with Marathon's event type names: <c>deployment_info</c>,
/// <c>deployment_success</c>, <c>deployment_failed</c>, <c>deployment_step_success</c>,
/// <c>status_update_event</c>, <c>health_status_changed_event</c>, <c>app_terminated_event</c>,
/// <c>api_post_event</c>, <c>unknown_instance_terminated_event</c>.
/// </summary>
/// <param name="Type">The event type.</param>
/// <param name="At">When it happened.</param>
/// <param name="Fields">Its fields, Marathon's names (values: strings, numbers, booleans, lists).</param>
public sealed record ServiceEvent(string Type, DateTimeOffset At, IReadOnlyDictionary<string, object?> Fields);

/// <summary>
/// What the scheduler core decided in one step, for the framework shell to carry out in this order:
/// persist (<see cref="Changed"/>), launch, decline, kill, reconcile, revive or suppress, publish events
/// (<see cref="FrameworkShell{TDecisions, TEvent}"/> does, through <see cref="IFrameworkDecisions{TEvent}"/>).
/// </summary>
public sealed class Decisions : IFrameworkDecisions<ServiceEvent>
{
    /// <summary>Launches, one per offer used.</summary>
    public List<Launch> Launches { get; } = [];

    /// <summary>Offers not used.</summary>
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

    /// <summary>Events that happened.</summary>
    public List<ServiceEvent> Events { get; } = [];

    /// <summary>Instances to reconcile with the master (explicit reconciliation), or null; an empty list asks for implicit reconciliation.</summary>
    public List<(string TaskId, string AgentId)>? Reconcile { get; set; }

    /// <summary>True: some app wants offers again (REVIVE); false: none does (SUPPRESS); null: no change.</summary>
    public bool? WantOffers { get; set; }

    /// <summary>Apps whose definition, versions or deployment changed (or that are gone): save them before the launches go out.</summary>
    public HashSet<AppId> ChangedApps { get; } = [];

    /// <summary>Instances added, changed or gone (by task id): save them before the launches go out.</summary>
    public HashSet<string> ChangedInstances { get; } = new(StringComparer.Ordinal);

    /// <summary>Something must be saved.</summary>
    public bool Changed => ChangedApps.Count > 0 || ChangedInstances.Count > 0;

    /// <summary>Notes that <paramref name="app"/> changed.</summary>
    public void AppChanged(AppId app) => ChangedApps.Add(app);

    /// <summary>Notes that the instance <paramref name="taskId"/> changed.</summary>
    public void InstanceChanged(string taskId) => ChangedInstances.Add(taskId);

    /// <summary>Nothing to do.</summary>
    public bool IsEmpty => Launches.Count == 0 && Declines.Count == 0 && Kills.Count == 0 && Events.Count == 0
        && Reconcile is null && WantOffers is null && !Changed;

    IEnumerable<(OfferID OfferId, IReadOnlyList<TaskInfo> Tasks)> IFrameworkDecisions<ServiceEvent>.Launches =>
        Launches.Select(l => (l.OfferId, l.Tasks));

    IReadOnlyCollection<OfferID> IFrameworkDecisions<ServiceEvent>.Declines => Declines;

    IReadOnlyDictionary<string, string> IFrameworkDecisions<ServiceEvent>.DeclineReasons => DeclineReasons;

    IEnumerable<(string TaskId, string? AgentId, TimeSpan? GracePeriod)> IFrameworkDecisions<ServiceEvent>.Kills =>
        Kills.Select(k => (k.TaskId, k.AgentId, k.GracePeriod));

    IReadOnlyCollection<(string TaskId, string AgentId)>? IFrameworkDecisions<ServiceEvent>.Reconcile => Reconcile;

    IReadOnlyList<ServiceEvent> IFrameworkDecisions<ServiceEvent>.Events => Events;
}

/// <summary>Why a change of an app was refused, as a value (the REST layer maps it to HTTP).</summary>
public enum SubmitError
{
    /// <summary>No error.</summary>
    None,
    /// <summary>The app does not exist (404).</summary>
    UnknownApp,
    /// <summary>The app exists and creation was asked (409).</summary>
    AppExists,
    /// <summary>A deployment of the app is under way; retry with force to replace it (409, Marathon's "locked").</summary>
    Locked,
}

/// <summary>The outcome of a change: the deployment started, or why none.</summary>
/// <param name="Deployment">The deployment, or null.</param>
/// <param name="Error">Why not, or <see cref="SubmitError.None"/>.</param>
/// <param name="Blocking">For <see cref="SubmitError.Locked"/>: the deployment in the way.</param>
public sealed record SubmitResult(Deployment? Deployment, SubmitError Error = SubmitError.None, Deployment? Blocking = null);

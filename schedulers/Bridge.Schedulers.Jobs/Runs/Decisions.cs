using Bridge.Kernel.V1;
using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Jobs.Definitions;

namespace Bridge.Schedulers.Jobs.Runs;

/// <summary>Tasks to launch on one offer.</summary>
/// <param name="OfferId">The offer.</param>
/// <param name="Tasks">The tasks, one per run, each already recorded as launched (save the runs
/// before launching).</param>
public sealed record Launch(OfferID OfferId, IReadOnlyList<TaskInfo> Tasks);

/// <summary>A task to kill.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="AgentId">Its agent, when known.</param>
/// <param name="GracePeriod">Time between SIGTERM and SIGKILL (null: the agent's default, 3 s).</param>
public sealed record Kill(string TaskId, string? AgentId, TimeSpan? GracePeriod);

/// <summary>
/// An event for the scheduler's event stream. Types, with Metronome's names where Metronome has
/// the event: <c>job_created</c>, <c>job_updated</c>, <c>job_deleted</c>, <c>job_run_started</c>
/// (a run was made and queued, or a retry is waiting), <c>job_run_update</c> (launched, running),
/// <c>job_run_finished</c> (succeeded), <c>job_run_failed</c>, and Bridge's own
/// <c>job_run_killed</c>, <c>job_run_skipped</c> and <c>unknown_task_killed</c>.
/// </summary>
/// <param name="Type">The event type.</param>
/// <param name="At">When it happened.</param>
/// <param name="Fields">Its fields: <c>jobName</c>; for runs also <c>run</c> (number), <c>attempt</c>,
/// <c>taskId</c>, <c>state</c> (<c>QUEUED</c>, ...), <c>dueAt</c> (ISO 8601 UTC with milliseconds),
/// <c>message</c>, and when known <c>agentId</c>, <c>host</c>, <c>exitCode</c> (values: strings,
/// numbers, booleans, null).</param>
public sealed record JobEvent(string Type, DateTimeOffset At, IReadOnlyDictionary<string, object?> Fields);

/// <summary>
/// What the jobs scheduler core decided in one step, for the framework shell to carry out in this
/// order: persist (<see cref="Changed"/>), launch, decline, kill, reconcile, revive or suppress,
/// publish events. The same shape as the services scheduler's, so one shell serves both
/// (<see cref="FrameworkShell{TDecisions, TEvent}"/>, through <see cref="IFrameworkDecisions{TEvent}"/>).
/// </summary>
public sealed class Decisions : IFrameworkDecisions<JobEvent>
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
    public List<JobEvent> Events { get; } = [];

    /// <summary>Tasks to reconcile with the master (explicit reconciliation), or null; an empty list
    /// asks for implicit reconciliation.</summary>
    public List<(string TaskId, string AgentId)>? Reconcile { get; set; }

    /// <summary>True: a run is queued and offers are wanted (REVIVE); false: none is (SUPPRESS);
    /// null: no change.</summary>
    public bool? WantOffers { get; set; }

    /// <summary>Jobs whose definition, status or schedule position changed, or that are gone: save
    /// them before the launches go out.</summary>
    public HashSet<JobName> ChangedJobs { get; } = [];

    /// <summary>Runs made or changed, by <see cref="Run.TaskId"/> (a run's record is found with
    /// <see cref="JobScheduler.FindRun"/>; gone when its job is gone): save them before the
    /// launches go out.</summary>
    public HashSet<string> ChangedRuns { get; } = new(StringComparer.Ordinal);

    /// <summary>Something must be saved.</summary>
    public bool Changed => ChangedJobs.Count > 0 || ChangedRuns.Count > 0;

    /// <summary>Nothing to do.</summary>
    public bool IsEmpty => Launches.Count == 0 && Declines.Count == 0 && Kills.Count == 0 && Events.Count == 0
        && Reconcile is null && WantOffers is null && !Changed;

    IEnumerable<(OfferID OfferId, IReadOnlyList<TaskInfo> Tasks)> IFrameworkDecisions<JobEvent>.Launches =>
        Launches.Select(l => (l.OfferId, l.Tasks));

    IReadOnlyCollection<OfferID> IFrameworkDecisions<JobEvent>.Declines => Declines;

    IReadOnlyDictionary<string, string> IFrameworkDecisions<JobEvent>.DeclineReasons => DeclineReasons;

    IEnumerable<(string TaskId, string? AgentId, TimeSpan? GracePeriod)> IFrameworkDecisions<JobEvent>.Kills =>
        Kills.Select(k => (k.TaskId, k.AgentId, k.GracePeriod));

    IReadOnlyCollection<(string TaskId, string AgentId)>? IFrameworkDecisions<JobEvent>.Reconcile => Reconcile;

    IReadOnlyList<JobEvent> IFrameworkDecisions<JobEvent>.Events => Events;
}

/// <summary>Why a change was refused, as a value (the REST layer maps it to HTTP).</summary>
public enum JobChangeError
{
    /// <summary>No error.</summary>
    None,

    /// <summary>No job of that name (404).</summary>
    UnknownJob,

    /// <summary>A job of that name exists and adding was asked (409; Chronos' POST replaces, so the
    /// REST layer calls <see cref="JobScheduler.Replace"/> instead).</summary>
    JobExists,

    /// <summary>A parent is not a job (400).</summary>
    UnknownParent,

    /// <summary>The parents would close a cycle (400).</summary>
    Cycle,

    /// <summary>The name is longer than <see cref="RunTaskIds.MaxJobNameLength"/> (400).</summary>
    NameTooLong,

    /// <summary>A run's own arguments cannot be split into words for a job without a shell (an unterminated
    /// quote, a trailing backslash; 400 naming <c>arguments</c>).</summary>
    InvalidArguments,
}

/// <summary>The outcome of a change.</summary>
/// <param name="Error">Why it was refused, or <see cref="JobChangeError.None"/>.</param>
/// <param name="Message">One line saying why (naming the jobs, or the cycle's path); null on success.</param>
public sealed record JobChange(JobChangeError Error, string? Message)
{
    /// <summary>The change was made.</summary>
    public static JobChange Done { get; } = new(JobChangeError.None, null);

    /// <summary>True when the change was made.</summary>
    public bool Succeeded => Error == JobChangeError.None;
}

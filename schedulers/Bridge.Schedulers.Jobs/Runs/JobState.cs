using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Dependencies;
using Bridge.Schedulers.Jobs.Schedules;

namespace Bridge.Schedulers.Jobs.Runs;

/// <summary>
/// One job as the scheduler holds it: its definition, its status (Chronos' counts and dates), where
/// its schedule has been handled up to, its active runs and its run history. Owned by the
/// <see cref="JobScheduler"/>'s single thread; read it there (the REST layer reads snapshots).
/// What a shell saves is the properties here plus every run (<see cref="Runs"/>); the public
/// constructor puts a saved job back.
/// </summary>
public sealed class JobState
{
    private readonly List<Run> _active = [];
    private readonly LinkedList<Run> _history = [];

    /// <summary>A job as saved, for <see cref="JobScheduler.Restore"/>.</summary>
    /// <param name="definition">The definition.</param>
    /// <param name="status">Its status.</param>
    /// <param name="scheduledFrom">When its schedule was built (what an empty ISO start means).</param>
    /// <param name="handledUntil">Due times at or before this instant have been handled.</param>
    /// <param name="lastRunNumber">The number of its latest run (0 if none).</param>
    /// <param name="lastRunCreated">When its latest run that was not skipped was made; null if none.</param>
    /// <param name="runs">Its runs, active and ended, in any order; ended ones beyond
    /// <paramref name="historyLimit"/> (the newest kept) are dropped.</param>
    /// <param name="historyLimit">How many ended runs to keep (at least 1).</param>
    /// <exception cref="ArgumentException">A run belongs to another job.</exception>
    public JobState(JobDefinition definition, JobStatus status, DateTimeOffset scheduledFrom, DateTimeOffset handledUntil,
        long lastRunNumber, DateTimeOffset? lastRunCreated, IEnumerable<Run> runs, int historyLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historyLimit, 1);
        Definition = definition;
        Status = status;
        ScheduledFrom = scheduledFrom;
        Schedule = ScheduleOf(definition, scheduledFrom);
        HandledUntil = handledUntil;
        LastRunNumber = lastRunNumber;
        LastRunCreated = lastRunCreated;
        foreach (var run in runs.OrderBy(r => r.EndedAt ?? r.CreatedAt).ThenBy(r => r.Number).ThenBy(r => r.Attempt))
        {
            if (run.Job != definition.Name) throw new ArgumentException($"run {run.TaskId} is not of job {definition.Name}", nameof(runs));
            if (run.IsActive) _active.Add(run);
            else Ended(run, historyLimit);
        }
    }

    /// <summary>The definition.</summary>
    public JobDefinition Definition { get; internal set; }

    /// <summary>Chronos' status fields: successes, errors (runs that failed after their retries),
    /// and when the last of each ended.</summary>
    public JobStatus Status { get; internal set; }

    /// <summary>The schedule (ISO or cron); null for a dependent job.</summary>
    public JobSchedule? Schedule { get; private set; }

    /// <summary>When <see cref="Schedule"/> was built: an empty ISO start means this instant.</summary>
    public DateTimeOffset ScheduledFrom { get; private set; }

    /// <summary>Due times at or before this instant have been handled (run or skipped). A new job
    /// starts just before its submission: due times before it are not missed runs.</summary>
    public DateTimeOffset HandledUntil { get; internal set; }

    /// <summary>The number of the latest run made (0 before the first).</summary>
    public long LastRunNumber { get; internal set; }

    /// <summary>When the latest run that was not skipped was made: the "last run" after which
    /// parents must succeed again (<see cref="JobGraph.StateOf"/>). Null before the first.</summary>
    public DateTimeOffset? LastRunCreated { get; internal set; }

    /// <summary>Active runs (waiting, queued, launched, running), oldest first.</summary>
    public IReadOnlyList<Run> Active => _active;

    /// <summary>Ended runs, newest first, at most the scheduler's history limit (default 100).</summary>
    public IEnumerable<Run> History => _history;

    /// <summary>Every run kept: active ones, then the history.</summary>
    public IEnumerable<Run> Runs => _active.Concat(_history);

    /// <summary>The run times dependencies are decided on.</summary>
    public JobRunTimes RunTimes => new(Status.LastSuccess, LastRunCreated);

    /// <summary>Sets a new definition, rebuilding the schedule from <paramref name="now"/>.</summary>
    internal void Redefine(JobDefinition definition, DateTimeOffset now)
    {
        Definition = definition;
        ScheduledFrom = now;
        Schedule = ScheduleOf(definition, now);
    }

    /// <summary>The active run with <paramref name="taskId"/>, or null.</summary>
    internal Run? ActiveRun(string taskId) => _active.Find(r => r.TaskId == taskId);

    /// <summary>Adds a new active run.</summary>
    internal void Add(Run run) => _active.Add(run);

    /// <summary>Replaces the active run with <paramref name="run"/>'s task id.</summary>
    internal void Update(Run run) => _active[_active.FindIndex(r => r.TaskId == run.TaskId)] = run;

    /// <summary>Moves an active run (by task id) to the history as <paramref name="run"/>.</summary>
    internal void End(Run run, int historyLimit)
    {
        _active.RemoveAt(_active.FindIndex(r => r.TaskId == run.TaskId));
        Ended(run, historyLimit);
    }

    /// <summary>Puts an ended run at the head of the history, dropping the oldest past the limit.</summary>
    internal void Ended(Run run, int historyLimit)
    {
        _history.AddFirst(run);
        while (_history.Count > historyLimit) _history.RemoveLast();
    }

    private static JobSchedule? ScheduleOf(JobDefinition definition, DateTimeOffset from) =>
        definition.Kind == JobKind.Dependent ? null : JobSchedule.For(definition, from);
}

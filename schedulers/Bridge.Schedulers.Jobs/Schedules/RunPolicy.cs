using Bridge.Schedulers.Jobs.Definitions;

namespace Bridge.Schedulers.Jobs.Schedules;

/// <summary>What to do about due runs.</summary>
public enum RunAction
{
    /// <summary>Start one run now, for <see cref="RunDecision.DueAt"/>.</summary>
    Run,

    /// <summary>Start nothing; the due runs are dropped (see <see cref="RunDecision.Reason"/>).</summary>
    Skip,
}

/// <summary>Why due runs were skipped.</summary>
public enum SkipReason
{
    /// <summary>Not skipped.</summary>
    None,

    /// <summary>The latest due time is further back than the job's starting deadline.</summary>
    PastStartingDeadline,

    /// <summary>The job's concurrency policy is FORBID and a run is still active.</summary>
    ConcurrentRunActive,
}

/// <summary>The decision about a job's due runs.</summary>
/// <param name="Action">Run one now, or skip.</param>
/// <param name="DueAt">The due time the decision is about: the latest one that was due.</param>
/// <param name="Late">How late a run started now is: <c>now - DueAt</c> (zero or more).</param>
/// <param name="Skipped">How many due times get no run (all of them on a skip; all but the
/// latest on a run).</param>
/// <param name="Reason">Why they were skipped; <see cref="SkipReason.None"/> on a run.</param>
/// <param name="Explanation">One line for logs and the run history.</param>
public sealed record RunDecision(
    RunAction Action, DateTimeOffset DueAt, TimeSpan Late, long Skipped, SkipReason Reason, string Explanation);

/// <summary>
/// The missed-run and concurrency policies, as pure decisions.
/// </summary>
/// <remarks>
/// <para>Missed runs (the scheduler was down, or no offer fitted, at the due time): of all the due
/// times not yet handled, only the latest counts. If it is no further back than the starting
/// deadline (Chronos' <c>epsilon</c>, Metronome's <c>startingDeadlineSeconds</c>; inclusive), one
/// run starts now, late; otherwise none does. A backlog is never replayed: many missed due times
/// give at most one run. In Quartz's terms this is a misfire threshold equal to the starting
/// deadline, with <c>MisfireInstruction.CronTrigger.FireOnceNow</c> (fire and proceed) inside it
/// and <c>DoNothing</c> beyond it, never <c>IgnoreMisfirePolicy</c>.</para>
/// <para>Concurrency: with FORBID a due run is skipped while one of the job's runs is active; with
/// ALLOW another run starts. The deadline is checked first, so a run that is too late is reported
/// as such even when another run is active.</para>
/// </remarks>
public static class RunPolicy
{
    /// <summary>Decides what to do about the due times of one job.</summary>
    /// <param name="due">The due times not yet handled, all at or before <paramref name="now"/>
    /// (<see cref="JobSchedule.DueBetween"/> from the last handled instant to now).</param>
    /// <param name="now">The current instant.</param>
    /// <param name="startingDeadline">How late a run may start (positive).</param>
    /// <param name="concurrency">The job's concurrency policy.</param>
    /// <param name="activeRuns">How many of the job's runs are active now.</param>
    /// <returns>Run one now, or skip them all, with the reason.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A due time is after <paramref name="now"/>, the
    /// deadline is not positive, or <paramref name="activeRuns"/> is negative.</exception>
    public static RunDecision Decide(DueTimes due, DateTimeOffset now, TimeSpan startingDeadline,
        ConcurrencyPolicy concurrency, int activeRuns)
    {
        if (due.Latest > now) throw new ArgumentOutOfRangeException(nameof(due), due.Latest, "due times must not be after now");
        if (due.Count < 1) throw new ArgumentOutOfRangeException(nameof(due), due.Count, "at least one due time");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(startingDeadline, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(activeRuns);

        var late = now - due.Latest;
        var earlier = due.Count > 1 ? $" ({due.Count - 1} earlier due time(s) since {due.First:O} dropped, never replayed)" : "";
        if (late > startingDeadline)
        {
            return new RunDecision(RunAction.Skip, due.Latest, late, due.Count, SkipReason.PastStartingDeadline,
                $"skipped: due at {due.Latest:O}, {Format(late)} ago, past the starting deadline of {Format(startingDeadline)}{earlier}");
        }
        if (concurrency == ConcurrencyPolicy.Forbid && activeRuns > 0)
        {
            return new RunDecision(RunAction.Skip, due.Latest, late, due.Count, SkipReason.ConcurrentRunActive,
                $"skipped: due at {due.Latest:O} while {activeRuns} run(s) active and the concurrency policy is FORBID{earlier}");
        }
        var when = late == TimeSpan.Zero ? "on time" : $"{Format(late)} late, within the starting deadline of {Format(startingDeadline)}";
        return new RunDecision(RunAction.Run, due.Latest, late, due.Count - 1, SkipReason.None,
            $"run: due at {due.Latest:O}, {when}{earlier}");
    }

    /// <summary>Decides about a single due time; see <see cref="Decide(DueTimes, DateTimeOffset, TimeSpan, ConcurrencyPolicy, int)"/>.</summary>
    public static RunDecision Decide(DateTimeOffset due, DateTimeOffset now, TimeSpan startingDeadline,
        ConcurrencyPolicy concurrency, int activeRuns) =>
        Decide(new DueTimes(due, due, 1), now, startingDeadline, concurrency, activeRuns);

    private static string Format(TimeSpan span) =>
        span.TotalSeconds < 1 ? $"{span.TotalMilliseconds:0} ms" : $"{(long)span.TotalSeconds} s";
}

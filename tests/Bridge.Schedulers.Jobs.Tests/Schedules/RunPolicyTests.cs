using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Schedules;

namespace Bridge.Schedulers.Jobs.Tests.Schedules;

public class RunPolicyTests
{
    private static readonly DateTimeOffset Due = new(2026, 3, 8, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public void OnTime_Runs()
    {
        var decision = RunPolicy.Decide(Due, Due, Deadline, ConcurrencyPolicy.Forbid, 0);

        Assert.Equal(RunAction.Run, decision.Action);
        Assert.Equal(TimeSpan.Zero, decision.Late);
        Assert.Equal(0, decision.Skipped);
        Assert.Equal(SkipReason.None, decision.Reason);
    }

    [Fact]
    public void LateWithinTheDeadline_RunsOnceLate()
    {
        var decision = RunPolicy.Decide(Due, Due.AddSeconds(45), Deadline, ConcurrencyPolicy.Forbid, 0);

        Assert.Equal(RunAction.Run, decision.Action);
        Assert.Equal(TimeSpan.FromSeconds(45), decision.Late);
        Assert.Contains("45 s late", decision.Explanation);
    }

    [Fact]
    public void LateExactlyTheDeadline_StillRuns() =>
        Assert.Equal(RunAction.Run, RunPolicy.Decide(Due, Due + Deadline, Deadline, ConcurrencyPolicy.Allow, 0).Action);

    [Fact]
    public void PastTheDeadline_Skips()
    {
        var decision = RunPolicy.Decide(Due, Due + Deadline + TimeSpan.FromSeconds(1), Deadline, ConcurrencyPolicy.Allow, 0);

        Assert.Equal(RunAction.Skip, decision.Action);
        Assert.Equal(SkipReason.PastStartingDeadline, decision.Reason);
        Assert.Equal(1, decision.Skipped);
        Assert.Contains("past the starting deadline of 60 s", decision.Explanation);
    }

    [Fact]
    public void Backlog_WithTheLatestInsideTheDeadline_RunsOnceForTheLatest()
    {
        var missed = new DueTimes(Due.AddHours(-4), Due, 5);

        var decision = RunPolicy.Decide(missed, Due.AddSeconds(10), Deadline, ConcurrencyPolicy.Forbid, 0);

        Assert.Equal(RunAction.Run, decision.Action);
        Assert.Equal(Due, decision.DueAt);
        Assert.Equal(4, decision.Skipped);
        Assert.Contains("never replayed", decision.Explanation);
    }

    [Fact]
    public void Backlog_AllPastTheDeadline_SkipsThemAll()
    {
        var missed = new DueTimes(Due.AddHours(-4), Due, 5);

        var decision = RunPolicy.Decide(missed, Due.AddMinutes(30), Deadline, ConcurrencyPolicy.Forbid, 0);

        Assert.Equal(RunAction.Skip, decision.Action);
        Assert.Equal(5, decision.Skipped);
    }

    [Fact]
    public void Forbid_WithARunActive_Skips()
    {
        var decision = RunPolicy.Decide(Due, Due, Deadline, ConcurrencyPolicy.Forbid, 1);

        Assert.Equal(RunAction.Skip, decision.Action);
        Assert.Equal(SkipReason.ConcurrentRunActive, decision.Reason);
        Assert.Contains("FORBID", decision.Explanation);
    }

    [Fact]
    public void Allow_WithARunActive_StartsAnother() =>
        Assert.Equal(RunAction.Run, RunPolicy.Decide(Due, Due, Deadline, ConcurrencyPolicy.Allow, 3).Action);

    [Fact]
    public void PastTheDeadlineAndARunActive_ReportsTheDeadline() =>
        Assert.Equal(SkipReason.PastStartingDeadline,
            RunPolicy.Decide(Due, Due.AddHours(1), Deadline, ConcurrencyPolicy.Forbid, 1).Reason);

    [Fact]
    public void DueAfterNow_IsABug() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RunPolicy.Decide(Due, Due.AddSeconds(-1), Deadline, ConcurrencyPolicy.Allow, 0));

    [Fact]
    public void NonPositiveDeadline_IsABug() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RunPolicy.Decide(Due, Due, TimeSpan.Zero, ConcurrencyPolicy.Allow, 0));

    [Fact]
    public void SchedulerDownForHours_CronCatchUp_RunsAtMostOnce()
    {
        // An hourly cron; the scheduler handled 09:00, went down, and is back at 12:00:20 in virtual time.
        Assert.True(JobSchedule.TryCreate(CronSpec.Parse("0 * * * *"), "Europe/Berlin", out var schedule, out _));
        var lastHandled = Due.AddHours(-3);
        var now = Due.AddSeconds(20);

        var due = schedule.DueBetween(lastHandled, now)!.Value;
        var decision = RunPolicy.Decide(due, now, TimeSpan.FromMinutes(15), ConcurrencyPolicy.Allow, 0);

        Assert.Equal(3, due.Count);
        Assert.Equal(RunAction.Run, decision.Action);
        Assert.Equal(Due, decision.DueAt);
        Assert.Equal(2, decision.Skipped);
        Assert.Equal(Due.AddHours(1), schedule.NextFireAfter(now));
    }
}

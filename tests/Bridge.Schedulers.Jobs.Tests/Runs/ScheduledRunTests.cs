using Bridge.Kernel.V1;
using Bridge.Schedulers.Jobs.Runs;
using static Bridge.Schedulers.Jobs.Tests.Runs.Harness;

namespace Bridge.Schedulers.Jobs.Tests.Runs;

/// <summary>Runs made by schedules on virtual time: exact due times, DST, missed runs, concurrency.</summary>
public sealed class ScheduledRunTests
{
    private readonly Harness _h = new();

    /// <summary>Ticks every <paramref name="step"/> from <paramref name="from"/> to <paramref name="until"/>
    /// (inclusive), running each queued run to success at once, and returns every run queued as
    /// (due time, the tick that queued it).</summary>
    private List<(DateTimeOffset Due, DateTimeOffset QueuedAt)> Drive(string job, DateTimeOffset from, DateTimeOffset until, TimeSpan step)
    {
        var queued = new List<(DateTimeOffset, DateTimeOffset)>();
        for (var now = from; now <= until; now += step)
        {
            _h.Tick(now);
            queued.AddRange(_h.Active(job).Where(r => r.State == RunState.Queued).Select(r => (r.DueAt.ToUniversalTime(), now)));
            _h.RunAll(now);
        }
        return queued;
    }

    [Fact]
    public void Tick_CronEveryMinute_QueuesOneRunExactlyAtEachMinute()
    {
        var t0 = Utc(2026, 5, 4, 12, 0, 30);
        _h.Add("""{"name": "minutely", "command": "date", "cron": "* * * * *"}""", t0);

        var queued = Drive("minutely", t0, t0.AddMinutes(4).AddSeconds(30), TimeSpan.FromSeconds(10));

        var minutes = Enumerable.Range(1, 5).Select(m => Utc(2026, 5, 4, 12, m)).ToList();
        Assert.Equal(minutes, queued.Select(q => q.Due));
        Assert.All(queued, q => Assert.Equal(q.Due, q.QueuedAt)); // on the tick at the minute, not later
        Assert.Equal(5, _h.State("minutely").Status.SuccessCount);
        Assert.All(_h.History("minutely"), r => Assert.Equal(RunTrigger.Schedule, r.Trigger));
    }

    [Fact]
    public void Tick_CronEveryMinute_BetweenMinutesQueuesNothing()
    {
        var t0 = Utc(2026, 5, 4, 12, 0, 0);
        _h.Add("""{"name": "minutely", "command": "date", "cron": "* * * * *"}""", t0.AddSeconds(1));
        _h.Tick(t0.AddSeconds(59));
        Assert.Empty(_h.State("minutely").Runs);
        _h.Tick(t0.AddSeconds(60));
        Assert.Equal(t0.AddMinutes(1), Assert.Single(_h.Active("minutely")).DueAt);
    }

    [Fact]
    public void Tick_DailyCronInBerlin_RunsAtTheInstantsDocsJobsMdGivesAcrossTheSpringChange()
    {
        // docs/jobs.md: 02:30 does not exist on 29 March 2026, the cron runs once at 03:30 CEST (01:30Z).
        var from = Utc(2026, 3, 27);
        _h.Add("""{"name": "daily", "command": "true", "cron": "30 2 * * *", "timezone": "Europe/Berlin"}""", from);
        var queued = Drive("daily", from, Utc(2026, 3, 31), TimeSpan.FromMinutes(15));
        Assert.Equal([Utc(2026, 3, 27, 1, 30), Utc(2026, 3, 28, 1, 30), Utc(2026, 3, 29, 1, 30), Utc(2026, 3, 30, 0, 30)],
            queued.Select(q => q.Due));
        Assert.All(queued, q => Assert.Equal(q.Due, q.QueuedAt));
    }

    [Fact]
    public void Tick_DailyCronInBerlin_RunsOnceAtTheFirst0230InTheAutumn()
    {
        // 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET) on 25 October; only the first runs.
        var from = Utc(2026, 10, 24);
        _h.Add("""{"name": "daily", "command": "true", "cron": "30 2 * * *", "timezone": "Europe/Berlin"}""", from);
        var queued = Drive("daily", from, Utc(2026, 10, 27), TimeSpan.FromMinutes(15));
        Assert.Equal([Utc(2026, 10, 24, 0, 30), Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 26, 1, 30)], queued.Select(q => q.Due));
    }

    [Fact]
    public void Tick_DailyIsoScheduleInBerlin_RunsAtTheEndOfTheSpringGapThenKeepsTheHour()
    {
        // docs/jobs.md: a daily ISO schedule at 02:30 runs at 03:00 CEST (01:00Z) on the spring day.
        var from = Utc(2026, 3, 27);
        _h.Add("""{"name": "daily", "command": "true", "schedule": "R/2026-03-27T02:30:00/P1D", "scheduleTimeZone": "Europe/Berlin"}""", from);
        var queued = Drive("daily", from, Utc(2026, 3, 31), TimeSpan.FromMinutes(15));
        Assert.Equal([Utc(2026, 3, 27, 1, 30), Utc(2026, 3, 28, 1, 30), Utc(2026, 3, 29, 1, 0), Utc(2026, 3, 30, 0, 30)],
            queued.Select(q => q.Due));
    }

    [Fact]
    public void Tick_MissedRunWithinTheStartingDeadline_StartsOnceLate()
    {
        // Hourly cron (Metronome's default deadline, 900 s); the scheduler is down from 10:30 to 11:10.
        _h.Add("""{"name": "hourly", "command": "true", "cron": "0 * * * *"}""", Utc(2026, 5, 4, 10, 30));
        var tick = _h.Tick(Utc(2026, 5, 4, 11, 10));
        var run = Assert.Single(_h.Active("hourly"));
        Assert.Equal((RunState.Queued, Utc(2026, 5, 4, 11)), (run.State, run.DueAt));
        Assert.Contains("600 s late, within the starting deadline of 900 s", run.Message);
        Assert.Empty(_h.History("hourly"));
        Assert.True(tick.WantOffers);
    }

    [Fact]
    public void Tick_Backlog_IsNotReplayed_OneLateRunAndTheRestSkipped()
    {
        _h.Add("""{"name": "hourly", "command": "true", "cron": "0 * * * *"}""", Utc(2026, 5, 4, 10, 30));
        _h.Tick(Utc(2026, 5, 4, 15, 5)); // down across 11:00, 12:00, 13:00, 14:00 and 15:00

        var run = Assert.Single(_h.Active("hourly"));
        Assert.Equal(Utc(2026, 5, 4, 15), run.DueAt);
        var skipped = Assert.Single(_h.History("hourly"));
        Assert.Equal((RunState.Skipped, RunSkipReason.Backlog, Utc(2026, 5, 4, 11)), (skipped.State, skipped.SkipReason, skipped.DueAt));
        Assert.StartsWith("4 due time(s)", skipped.Message);
    }

    [Fact]
    public void Tick_MissedRunPastTheStartingDeadline_IsSkippedWithTheReason()
    {
        // A Chronos job: epsilon 60 s by default. Due at 11:00, the scheduler is back at 11:02.
        _h.Add("""{"name": "hourly", "command": "true", "schedule": "R/2026-05-04T11:00:00Z/PT1H"}""", Utc(2026, 5, 4, 10, 30));
        var tick = _h.Tick(Utc(2026, 5, 4, 11, 2));
        Assert.Empty(_h.Active("hourly"));
        var skipped = Assert.Single(_h.History("hourly"));
        Assert.Equal(RunSkipReason.PastStartingDeadline, skipped.SkipReason);
        Assert.Contains("past the starting deadline of 60 s", skipped.Message);
        Assert.Contains(tick.Events, e => e.Type == "job_run_skipped");
        // The next due time runs normally.
        _h.Tick(Utc(2026, 5, 4, 12));
        Assert.Equal(Utc(2026, 5, 4, 12), Assert.Single(_h.Active("hourly")).DueAt);
    }

    [Fact]
    public void Forbid_ADueRunWhileOneIsActive_IsSkippedAndTheHistorySaysWhy()
    {
        var t0 = Utc(2026, 5, 4, 12);
        _h.Add("""{"name": "slow", "command": "sleep 300", "schedule": "R/2026-05-04T12:00:00Z/PT1M"}""", t0); // concurrent: false
        var task = Assert.Single(_h.LaunchAll(t0));
        _h.Status(task, TaskState.TaskRunning, t0.AddSeconds(1));

        _h.Tick(t0.AddMinutes(1));

        var active = Assert.Single(_h.Active("slow"));
        Assert.Equal(RunState.Running, active.State);
        var skipped = Assert.Single(_h.History("slow"));
        Assert.Equal((RunState.Skipped, RunSkipReason.ConcurrentRunActive, t0.AddMinutes(1)), (skipped.State, skipped.SkipReason, skipped.DueAt));
        Assert.Contains("concurrency policy is FORBID", skipped.Message);

        // Once the long run ended, the next due time runs.
        _h.Status(task, TaskState.TaskFinished, t0.AddSeconds(90), 0);
        _h.Tick(t0.AddMinutes(2));
        Assert.Equal(t0.AddMinutes(2), Assert.Single(_h.Active("slow")).DueAt);
    }

    [Fact]
    public void Allow_ADueRunWhileOneIsActive_StartsASecond()
    {
        var t0 = Utc(2026, 5, 4, 12);
        _h.Add("""{"name": "slow", "command": "sleep 300", "schedule": "R/2026-05-04T12:00:00Z/PT1M", "concurrent": true}""", t0);
        var first = Assert.Single(_h.LaunchAll(t0));
        _h.Status(first, TaskState.TaskRunning, t0.AddSeconds(1));

        _h.Tick(t0.AddMinutes(1));
        var second = Assert.Single(_h.LaunchAll(t0.AddMinutes(1)));

        Assert.NotEqual(first, second);
        Assert.Equal([RunState.Running, RunState.Launched], _h.Active("slow").Select(r => r.State));
        Assert.Empty(_h.History("slow"));
    }

    [Fact]
    public void Add_EmptyIsoStart_RunsAtOnce()
    {
        var t0 = Utc(2026, 5, 4, 12);
        Assert.False(_h.Step(d => _h.Scheduler.Subscribed(t0, d)).WantOffers); // nothing queued: suppress
        var added = _h.Add("""{"name": "now", "command": "true", "schedule": "R1//PT24H"}""", t0);
        var run = Assert.Single(_h.Active("now"));
        Assert.Equal((RunState.Queued, t0), (run.State, run.DueAt));
        Assert.True(added.WantOffers); // revive
        Assert.Contains("now", added.ChangedJobs.Select(j => j.Value));
        Assert.Contains(run.TaskId, added.ChangedRuns);
    }

    [Fact]
    public void Add_ADueTimeAtTheSubmissionInstant_RunsAtOnce_OneBeforeItDoesNot()
    {
        var t0 = Utc(2026, 5, 4, 12);
        _h.Add("""{"name": "on-the-minute", "command": "true", "cron": "* * * * *"}""", t0);
        Assert.Equal(t0, Assert.Single(_h.Active("on-the-minute")).DueAt);
        _h.Add("""{"name": "just-after", "command": "true", "cron": "* * * * *"}""", t0.AddMilliseconds(1));
        Assert.Empty(_h.State("just-after").Runs);
    }

    [Fact]
    public void Disabled_DueTimesAreDropped_AndEnablingReplaysNothing()
    {
        var t0 = Utc(2026, 5, 4, 12);
        _h.Add("""{"name": "off", "command": "true", "cron": "* * * * *", "enabled": false}""", t0);
        for (var m = 1; m <= 5; m++) _h.Tick(t0.AddMinutes(m));
        Assert.Empty(_h.State("off").Runs);

        _h.Step(d => _h.Scheduler.SetDisabled(Jobs.Definitions.JobName.Parse("off"), false, t0.AddMinutes(5).AddSeconds(30), d));
        _h.Tick(t0.AddMinutes(5).AddSeconds(40));
        Assert.Empty(_h.State("off").Runs);
        _h.Tick(t0.AddMinutes(6));
        Assert.Equal(t0.AddMinutes(6), Assert.Single(_h.Active("off")).DueAt);
    }

    [Fact]
    public void Queued_NoOfferFitsWithinTheStartingDeadline_RunIsSkipped()
    {
        var t0 = Utc(2026, 5, 4, 12);
        _h.Add("""{"name": "big", "command": "true", "schedule": "R1//PT1H", "cpus": 8}""", t0);
        var declined = _h.Offers(t0.AddSeconds(30), _h.OfferOn("a1", "cpus:1;mem:4096;disk:10000"));
        Assert.Single(declined.Declines);
        Assert.Equal(RunState.Queued, Assert.Single(_h.Active("big")).State);

        var tick = _h.Tick(t0.AddSeconds(61));
        var skipped = Assert.Single(_h.History("big"));
        Assert.Equal((RunState.Skipped, RunSkipReason.PastStartingDeadline), (skipped.State, skipped.SkipReason));
        Assert.Contains("no offer fitted within the starting deadline of 60 s", skipped.Message);
        Assert.False(tick.WantOffers); // nothing queued any more: suppress
    }
}

using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Schedules;

namespace Bridge.Schedulers.Jobs.Tests.Schedules;

public class JobScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 8, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Utc(int d, int h, int mi = 0, int s = 0) => new(2026, 3, d, h, mi, s, TimeSpan.Zero);

    private static JobSchedule Iso(string schedule, string? zone = null, DateTimeOffset? now = null) =>
        JobSchedule.TryCreate(RepeatingInterval.Parse(schedule), zone, now ?? Now, out var s, out var e)
            ? s
            : throw new InvalidOperationException(e);

    [Fact]
    public void R5_Hourly_FiresFiveTimesThenNoMore()
    {
        var schedule = Iso("R5/2026-03-08T01:30:00Z/PT1H");

        var fires = new List<DateTimeOffset>();
        for (var t = Now; schedule.NextFireAfter(t) is { } next; t = next) fires.Add(next);

        Assert.Equal([Utc(8, 1, 30), Utc(8, 2, 30), Utc(8, 3, 30), Utc(8, 4, 30), Utc(8, 5, 30)], fires);
    }

    [Fact]
    public void RemainingAfter_CountsTheRunsStillToCome()
    {
        var schedule = Iso("R5/2026-03-08T01:30:00Z/PT1H");

        Assert.Equal(5, schedule.RemainingAfter(Now));
        Assert.Equal(4, schedule.RemainingAfter(Utc(8, 1, 30)));
        Assert.Equal(3, schedule.RemainingAfter(Utc(8, 2, 45)));
        Assert.Equal(0, schedule.RemainingAfter(Utc(8, 5, 30)));
        Assert.Equal(0, schedule.RemainingAfter(Utc(20, 0)));
    }

    [Fact]
    public void R0_NeverFires() 
    {
        var schedule = Iso("R0/2026-03-08T01:30:00Z/PT1H");

        Assert.Null(schedule.NextFireAfter(Now));
        Assert.Equal(0, schedule.RemainingAfter(Now));
    }

    [Fact]
    public void R_RepeatsForever_WithNoCount()
    {
        var schedule = Iso("R/2014-03-08T20:00:00.000Z/PT2H");

        Assert.Null(schedule.RemainingAfter(Now));
        Assert.Equal(Utc(8, 0), schedule.NextFireAfter(Now.AddTicks(-1)));
        Assert.Equal(Utc(8, 2), schedule.NextFireAfter(Now));
    }

    [Fact]
    public void R3_Daily_CountsAcrossTheSpringChange()
    {
        var schedule = Iso("R3/2026-03-28T02:30:00/P1D", "Europe/Berlin");

        Assert.Equal(new DateTimeOffset(2026, 3, 30, 0, 30, 0, TimeSpan.Zero), schedule.NextFireAfter(Utc(29, 2)));
        Assert.Equal(1, schedule.RemainingAfter(Utc(29, 2)));
        Assert.Null(schedule.NextFireAfter(Utc(30, 1)));
    }

    [Fact]
    public void R3_Monthly_FromTheThirtyFirst_DriftsAsQuartzDoes()
    {
        var schedule = Iso("R3/2026-01-31T10:00:00Z/P1M");
        var jan = new DateTimeOffset(2026, 1, 31, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(jan.AddDays(28), schedule.NextFireAfter(jan));               // 28 February
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 10, 0, 0, TimeSpan.Zero), schedule.NextFireAfter(jan.AddDays(28)));
        Assert.Null(schedule.NextFireAfter(new DateTimeOffset(2026, 3, 28, 10, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void R2_MixedPeriod_CountsToo()
    {
        var schedule = Iso("R2/2026-01-31T10:00:00Z/P1M1D");

        Assert.Equal(2, schedule.RemainingAfter(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        // 31 January + 1 month (28 February) + 1 day.
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero),
            schedule.NextFireAfter(new DateTimeOffset(2026, 1, 31, 10, 0, 0, TimeSpan.Zero)));
        Assert.Null(schedule.NextFireAfter(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void EmptyStart_IsNowRoundedUpToTheSecond()
    {
        var now = Utc(8, 10, 0, 0).AddMilliseconds(300);
        var schedule = Iso("R1//PT24H", now: now);

        Assert.Equal(Utc(8, 10, 0, 1), schedule.Start);
        Assert.Equal(Utc(8, 10, 0, 1), schedule.NextFireAfter(now));
        Assert.Null(schedule.NextFireAfter(Utc(8, 10, 0, 1)));
    }

    [Fact]
    public void StartWithFraction_IsTruncatedToTheSecond() =>
        Assert.Equal(Utc(8, 1, 30, 0), Iso("R/2026-03-08T01:30:00.750Z/PT1H").Start);

    [Fact]
    public void TimeZone_TakesPrecedenceOverTheWrittenOffset_AsChronosDocuments()
    {
        // 09:00 read in New York (EDT from 8 March), the Z ignored.
        var schedule = Iso("R/2026-06-01T09:00:00Z/P1D", "America/New_York");

        Assert.Equal(new DateTimeOffset(2026, 6, 1, 13, 0, 0, TimeSpan.Zero), schedule.Start);
        Assert.Equal("America/New_York", schedule.TimeZone.Id);
    }

    [Fact]
    public void NoTimeZoneNoOffset_IsUtc() => Assert.Equal(TimeSpan.Zero, Iso("R/2026-03-08T09:00:00/P1D").Start!.Value.Offset);

    [Fact]
    public void TryCreate_StartInsideTheGap_IsRefused()
    {
        Assert.False(JobSchedule.TryCreate(RepeatingInterval.Parse("R/2026-03-08T02:30:00/P1D"), "America/New_York", Now, out _, out var error));
        Assert.Contains("does not exist in America/New_York", error);
    }

    [Fact]
    public void TryCreate_UnknownZone_IsRefused()
    {
        Assert.False(JobSchedule.TryCreate(CronSpec.Parse("* * * * *"), "Mars/Olympus", out _, out var error));
        Assert.Contains("IANA", error);
    }

    [Fact]
    public void TryCreate_FractionalPeriod_IsRefused()
    {
        Assert.False(JobSchedule.TryCreate(RepeatingInterval.Parse("R//PT1.5S"), null, Now, out _, out var error));
        Assert.Contains("whole seconds", error);
    }

    [Fact]
    public void Cron_DefaultsToUtc_AndHasNoCount()
    {
        Assert.True(JobSchedule.TryCreate(CronSpec.Parse("0 * * * *"), null, out var schedule, out _));

        Assert.Equal(TimeZoneInfo.Utc, schedule.TimeZone);
        Assert.Null(schedule.RemainingAfter(Now));
        Assert.Equal(Utc(8, 1), schedule.NextFireAfter(Utc(8, 0, 0, 0)));
        Assert.Equal(Utc(8, 1), schedule.NextFireAfter(Utc(8, 0, 59, 59).AddMilliseconds(999)));
    }

    [Fact]
    public void DueBetween_CountsAndFindsTheLatest()
    {
        var schedule = Iso("R/2026-03-08T00:00:00Z/PT1H");

        Assert.Equal(new DueTimes(Utc(8, 1), Utc(8, 5), 5), schedule.DueBetween(Utc(8, 0), Utc(8, 5, 30)));
        Assert.Equal(new DueTimes(Utc(8, 5), Utc(8, 5), 1), schedule.DueBetween(Utc(8, 4, 30), Utc(8, 5)));
        Assert.Null(schedule.DueBetween(Utc(8, 5), Utc(8, 5, 59)));
    }

    [Fact]
    public void DueBetween_Cron_CountsByWalking()
    {
        Assert.True(JobSchedule.TryCreate(CronSpec.Parse("*/10 * * * *"), null, out var schedule, out _));

        Assert.Equal(new DueTimes(Utc(8, 0, 10), Utc(8, 3, 0), 18), schedule.DueBetween(Utc(8, 0), Utc(8, 3, 5)));
    }

    [Fact]
    public void DueBetween_LongOutage_IsCheapForIsoSchedules()
    {
        // Five years of one-second runs: counted, not walked.
        var schedule = Iso("R/2021-03-08T00:00:00Z/PT1S");

        var due = schedule.DueBetween(new DateTimeOffset(2021, 3, 8, 0, 0, 0, TimeSpan.Zero), Now);

        Assert.Equal(Now, due!.Value.Latest);
        Assert.Equal((long)(Now - new DateTimeOffset(2021, 3, 8, 0, 0, 0, TimeSpan.Zero)).TotalSeconds, due.Value.Count);
    }

    [Fact]
    public void For_DependentJob_Throws()
    {
        var job = JobJson.Parse("""{ "name": "c", "command": "true", "parents": ["p"] }""").Definition!;

        Assert.Throws<ArgumentException>(() => JobSchedule.For(job, Now));
    }

    [Fact]
    public void For_ScheduledJob_UsesItsZone()
    {
        var job = JobJson.Parse("""
            { "name": "j", "command": "true", "schedule": "R/2026-03-08T09:00:00/P1D", "scheduleTimeZone": "Europe/Berlin" }
            """).Definition!;

        Assert.Equal(Utc(8, 8), JobSchedule.For(job, Now).NextFireAfter(Now));
    }
}

using Bridge.Schedulers.Jobs.Schedules;

namespace Bridge.Schedulers.Jobs.Tests.Schedules;

/// <summary>
/// Schedules across both DST changes, as Quartz computes them. 2026 dates: Europe/Berlin springs
/// forward 29 March 02:00 CET to 03:00 CEST and falls back 25 October 03:00 CEST to 02:00 CET;
/// America/New_York springs forward 8 March 02:00 EST to 03:00 EDT and falls back 1 November
/// 02:00 EDT to 01:00 EST.
/// </summary>
public class JobScheduleDstTests
{
    private const string Berlin = "Europe/Berlin";
    private const string NewYork = "America/New_York";

    private static DateTimeOffset Utc(int mo, int d, int h, int mi = 0) => new(2026, mo, d, h, mi, 0, TimeSpan.Zero);

    private static JobSchedule Cron(string cron, string zone) =>
        JobSchedule.TryCreate(CronSpec.Parse(cron), zone, out var s, out var e) ? s : throw new InvalidOperationException(e);

    private static JobSchedule Iso(string schedule, string? zone) =>
        JobSchedule.TryCreate(RepeatingInterval.Parse(schedule), zone, DateTimeOffset.UnixEpoch, out var s, out var e)
            ? s
            : throw new InvalidOperationException(e);

    /// <summary>The first <paramref name="count"/> fire times after <paramref name="after"/>, in UTC.</summary>
    private static List<DateTimeOffset> Fires(JobSchedule schedule, DateTimeOffset after, int count)
    {
        var fires = new List<DateTimeOffset>();
        for (var t = after; fires.Count < count && schedule.NextFireAfter(t) is { } next; t = next) fires.Add(next.ToUniversalTime());
        return fires;
    }

    [Fact]
    public void Cron_Berlin_SpringGap_TheMissingTimeRunsOnceAnHourLater()
    {
        // 02:30 CET, then 02:30 does not exist: Quartz runs at 03:30 CEST (01:30Z), then 02:30 CEST.
        Assert.Equal([Utc(3, 28, 1, 30), Utc(3, 29, 1, 30), Utc(3, 30, 0, 30)],
            Fires(Cron("30 2 * * *", Berlin), Utc(3, 28, 0), 3));
    }

    [Fact]
    public void Cron_Berlin_AutumnRepeat_RunsOnceAtTheFirstOccurrence()
    {
        // 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET); only the first runs.
        Assert.Equal([Utc(10, 24, 0, 30), Utc(10, 25, 0, 30), Utc(10, 26, 1, 30)],
            Fires(Cron("30 2 * * *", Berlin), Utc(10, 24, 0), 3));
    }

    [Fact]
    public void Cron_Berlin_EveryHalfHourAcrossBothChanges_NoDoubleAndNoRunInTheRepeatedHour()
    {
        // Spring: 01:30 CET, then 03:00 CEST; nothing runs twice.
        Assert.Equal([Utc(3, 29, 0, 30), Utc(3, 29, 1, 0), Utc(3, 29, 1, 30)],
            Fires(Cron("*/30 * * * *", Berlin), Utc(3, 29, 0, 10), 3));
        // Autumn: 02:00 and 02:30 CEST run, their CET repeats (01:00Z, 01:30Z) do not, then 03:00 CET.
        Assert.Equal([Utc(10, 25, 0, 0), Utc(10, 25, 0, 30), Utc(10, 25, 2, 0)],
            Fires(Cron("*/30 * * * *", Berlin), Utc(10, 24, 23, 50), 3));
    }

    [Fact]
    public void Cron_NewYork_SpringGapAndAutumnRepeat()
    {
        Assert.Equal([Utc(3, 7, 7, 30), Utc(3, 8, 7, 30), Utc(3, 9, 6, 30)],
            Fires(Cron("30 2 * * *", NewYork), Utc(3, 7, 0), 3));
        Assert.Equal([Utc(10, 31, 5, 30), Utc(11, 1, 5, 30), Utc(11, 2, 6, 30)],
            Fires(Cron("30 1 * * *", NewYork), Utc(10, 31, 0), 3));
    }

    [Fact]
    public void Cron_Rome_NextDayAfterTheSpringChange_AsMetronomesRegressionTest()
    {
        // dcos/metronome ScheduleSpecTest "nextExecution when close to daylight savings".
        var schedule = JobSchedule.TryCreate(CronSpec.Parse("55 23 * * *"), "Europe/Rome", out var s, out _) ? s : null;
        Assert.Equal(new DateTimeOffset(2019, 3, 31, 21, 55, 0, TimeSpan.Zero),
            schedule!.NextFireAfter(new DateTimeOffset(2019, 3, 30, 22, 55, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Iso_Berlin_DailyAcrossSpringGap_RunsAtTheEndOfTheGapThenKeepsTheHour()
    {
        // Quartz's calendar trigger keeps 02:30 local; on the spring day it moves to 03:00 CEST.
        Assert.Equal([Utc(3, 27, 1, 30), Utc(3, 28, 1, 30), Utc(3, 29, 1, 0), Utc(3, 30, 0, 30)],
            Fires(Iso("R/2026-03-27T02:30:00/P1D", Berlin), Utc(3, 27, 0), 4));
    }

    [Fact]
    public void Iso_Berlin_DailyAcrossAutumnRepeat_RunsOnceAtTheFirstOccurrence()
    {
        Assert.Equal([Utc(10, 24, 0, 30), Utc(10, 25, 0, 30), Utc(10, 26, 1, 30)],
            Fires(Iso("R/2026-10-24T02:30:00/P1D", Berlin), Utc(10, 24, 0), 3));
    }

    [Fact]
    public void Iso_NewYork_DailyAcrossBothChanges()
    {
        Assert.Equal([Utc(3, 7, 7, 30), Utc(3, 8, 7, 0), Utc(3, 9, 6, 30)],
            Fires(Iso("R/2026-03-07T02:30:00/P1D", NewYork), Utc(3, 7, 0), 3));
        Assert.Equal([Utc(10, 31, 5, 30), Utc(11, 1, 5, 30), Utc(11, 2, 6, 30)],
            Fires(Iso("R/2026-10-31T01:30:00/P1D", NewYork), Utc(10, 31, 0), 3));
    }

    [Fact]
    public void Iso_Hourly_IsElapsedTime_SoTheRepeatedHourRunsTwice()
    {
        // PT1H is 3600 s whatever the wall clock says: 01:30 and 02:30 CEST, 02:30 CET, 03:30 CET.
        Assert.Equal([Utc(10, 24, 23, 30), Utc(10, 25, 0, 30), Utc(10, 25, 1, 30), Utc(10, 25, 2, 30)],
            Fires(Iso("R/2026-10-25T00:30:00/PT1H", Berlin), Utc(10, 24, 23, 0), 4));
        // Spring: 01:30 CET is followed by 03:30 CEST, one hour later.
        Assert.Equal([Utc(3, 29, 0, 30), Utc(3, 29, 1, 30)],
            Fires(Iso("R/2026-03-29T01:30:00/PT1H", Berlin), Utc(3, 29, 0, 0), 2));
    }

    [Fact]
    public void Iso_Weekly_KeepsTheHourAcrossTheChange()
    {
        Assert.Equal([Utc(3, 23, 8, 0), Utc(3, 30, 7, 0)],
            Fires(Iso("R/2026-03-23T09:00:00/P1W", Berlin), Utc(3, 1, 0), 2));
    }

    [Fact]
    public void Iso_OneDayAndTwelveHours_StepsTheWallClock()
    {
        // Mixed periods step the local time by every part: 20:00, then 08:00 two days on, then 20:00.
        Assert.Equal([Utc(3, 28, 19, 0), Utc(3, 30, 6, 0), Utc(3, 31, 18, 0)],
            Fires(Iso("R/2026-03-28T20:00:00/P1DT12H", Berlin), Utc(3, 28, 0), 3));
    }

    [Fact]
    public void Iso_MixedPeriodLandingInTheSpringGap_RunsAtTheEndOfTheGap()
    {
        // 28 Feb 02:30 + 1 month + 1 day = 29 March 02:30, which does not exist: 03:00 CEST.
        Assert.Equal([Utc(2, 28, 1, 30), Utc(3, 29, 1, 0)],
            Fires(Iso("R/2026-02-28T02:30:00/P1M1D", Berlin), Utc(2, 27, 0), 2));
    }

    [Fact]
    public void Cron_BothDayFields_FirstMondayInTheJobsZone()
    {
        // First Monday of April 2026 is the 6th; 09:00 CEST is 07:00Z.
        Assert.Equal([Utc(4, 6, 7, 0), Utc(5, 4, 7, 0)], Fires(Cron("0 9 1-7 * 1", Berlin), Utc(3, 31, 0), 2));
    }

    [Fact]
    public void Iso_WithoutTimeZone_UsesTheStartsFixedOffset_NoDst()
    {
        // +01:00 all year: 02:30+01:00 is 01:30Z every day, spring change or not.
        Assert.Equal([Utc(3, 28, 1, 30), Utc(3, 29, 1, 30), Utc(3, 30, 1, 30)],
            Fires(Iso("R/2026-03-28T02:30:00+01:00/P1D", null), Utc(3, 28, 0), 3));
    }
}

using System.Diagnostics.CodeAnalysis;
using Bridge.Schedulers.Jobs.Definitions;
using Quartz;

namespace Bridge.Schedulers.Jobs.Schedules;

/// <summary>
/// The due times in a span: the first and the latest, and how many there are.
/// </summary>
/// <param name="First">The earliest due time in the span.</param>
/// <param name="Latest">The latest due time in the span (equal to <paramref name="First"/> when
/// there is one).</param>
/// <param name="Count">How many due times the span holds (at least 1).</param>
public readonly record struct DueTimes(DateTimeOffset First, DateTimeOffset Latest, long Count);

/// <summary>
/// When a job fires: an ISO 8601 repeating interval (Chronos' <c>schedule</c>) or a Metronome cron,
/// in the job's time zone, computed with Quartz triggers on given instants. Pure: no scheduler
/// thread and no clock, so virtual time works. Resolution is one second (Quartz's); fire times are
/// whole seconds.
/// </summary>
/// <remarks>
/// <para>Cron: a Quartz cron trigger (<see cref="CronScheduleBuilder"/> <c>.InTimeZone</c>). ISO
/// periods of one unit: a Quartz calendar-interval trigger (<see cref="CalendarIntervalScheduleBuilder"/>
/// in the zone, with <c>PreserveHourOfDayAcrossDaylightSavings</c> for days and longer); hours,
/// minutes and seconds are elapsed time. Periods that mix months and days, or days and hours,
/// step the wall clock by every part (see docs/jobs.md).</para>
/// <para>DST, as Quartz does it (checked by tests in Europe/Berlin and America/New_York):
/// a wall-clock time that does not exist (02:30 on the spring day) runs once, at 03:30 for a
/// cron and at 03:00 (the end of the gap) for a daily ISO schedule; a wall-clock time that occurs
/// twice (autumn) runs once, at its first occurrence, in daylight time.</para>
/// </remarks>
public sealed class JobSchedule
{
    private readonly IFireSequence _fires;

    /// <summary>How many runs the schedule has in all (<c>Rn</c>); null when it repeats forever
    /// (<c>R</c>, and every cron).</summary>
    public long? Repetitions { get; }

    /// <summary>The zone the schedule is read in: the job's time zone; for an ISO schedule without
    /// one, a fixed zone at the start's offset (UTC when the start has none or is empty).</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The first due time of an ISO schedule; null for a cron.</summary>
    public DateTimeOffset? Start { get; }

    private readonly string _text;

    private JobSchedule(IFireSequence fires, long? repetitions, TimeZoneInfo zone, DateTimeOffset? start, string text)
    {
        (_fires, Repetitions, TimeZone, Start, _text) = (fires, repetitions, zone, start, text);
    }

    /// <summary>The schedule of a job that has one (<see cref="JobKind.Scheduled"/> or <see cref="JobKind.Cron"/>).</summary>
    /// <param name="job">A job as <see cref="JobJson.Parse(string)"/> returns it.</param>
    /// <param name="now">The instant an empty ISO start means (Chronos: "start immediately").</param>
    /// <exception cref="ArgumentException">The job is dependent, or its schedule cannot be built
    /// (JobJson.Parse refuses such jobs, so this is a bug in the caller).</exception>
    public static JobSchedule For(JobDefinition job, DateTimeOffset now)
    {
        string? error;
        JobSchedule? schedule;
        bool ok = job.Kind switch
        {
            JobKind.Scheduled => TryCreate(job.Schedule!, job.TimeZone, now, out schedule, out error),
            JobKind.Cron => TryCreate(job.Cron!, job.TimeZone, out schedule, out error),
            _ => Fail(out schedule, out error, "a dependent job has no schedule; it runs after its parents"),
        };
        return ok ? schedule! : throw new ArgumentException($"job {job.Name}: {error}", nameof(job));
    }

    private static bool Fail(out JobSchedule? schedule, out string error, string message)
    {
        schedule = null;
        error = message;
        return false;
    }

    /// <summary>Builds a cron schedule in a zone.</summary>
    /// <param name="cron">The cron.</param>
    /// <param name="timeZoneId">An IANA zone id; null for UTC (Metronome's default).</param>
    /// <param name="schedule">The schedule on success.</param>
    /// <param name="error">Why not (an unknown zone); null on success.</param>
    public static bool TryCreate(CronSpec cron, string? timeZoneId, [NotNullWhen(true)] out JobSchedule? schedule,
        [NotNullWhen(false)] out string? error)
    {
        schedule = null;
        var zone = TimeZoneInfo.Utc;
        if (timeZoneId is not null && !TimeZones.TryFind(timeZoneId, out zone, out error)) return false;
        schedule = new JobSchedule(new CronFireSequence(cron, zone), null, zone, null, $"cron {cron.Text} in {zone.Id}");
        error = null;
        return true;
    }

    /// <summary>Builds an ISO 8601 schedule.</summary>
    /// <param name="interval">The repeating interval.</param>
    /// <param name="timeZoneId">Chronos' <c>scheduleTimeZone</c> (IANA id): when given, the start's
    /// wall-clock time is read in this zone and its written offset is ignored, as Chronos does.</param>
    /// <param name="now">What an empty start means; it is rounded up to a whole second so the
    /// first run is due at or just after <paramref name="now"/>.</param>
    /// <param name="schedule">The schedule on success.</param>
    /// <param name="error">Why not: an unknown zone, a start that does not exist in the zone
    /// (inside a spring-forward gap), or a period that is not whole seconds or is too long for
    /// Quartz (more than 2^31-1 units). Null on success.</param>
    public static bool TryCreate(RepeatingInterval interval, string? timeZoneId, DateTimeOffset now,
        [NotNullWhen(true)] out JobSchedule? schedule, [NotNullWhen(false)] out string? error)
    {
        schedule = null;
        if (!TryZoneAndStart(interval, timeZoneId, now, out var zone, out var start, out error)) return false;
        if (!TrySequence(interval.Period, start, zone, out var fires, out error)) return false;
        schedule = new JobSchedule(fires, interval.Repetitions, zone, start, $"{interval} in {zone.Id}");
        return true;
    }

    private static bool TryZoneAndStart(RepeatingInterval interval, string? timeZoneId, DateTimeOffset now,
        out TimeZoneInfo zone, out DateTimeOffset start, [NotNullWhen(false)] out string? error)
    {
        zone = TimeZoneInfo.Utc;
        start = TimeZones.CeilingToSecond(now);
        if (timeZoneId is not null && !TimeZones.TryFind(timeZoneId, out zone!, out error)) return false;
        error = null;
        if (interval.Start is not { } written)
        {
            start = TimeZoneInfo.ConvertTime(start, zone);
            return true;
        }
        // Whole seconds, as Quartz's triggers count them.
        var local = written.LocalTime.AddTicks(-(written.LocalTime.Ticks % TimeSpan.TicksPerSecond));
        if (timeZoneId is null)
        {
            zone = TimeZones.Fixed(written.Offset ?? TimeSpan.Zero);
            start = new DateTimeOffset(local, written.Offset ?? TimeSpan.Zero);
            return true;
        }
        if (zone.IsInvalidTime(local))
        {
            error = $"the start {local:yyyy-MM-dd'T'HH:mm:ss} does not exist in {zone.Id} (the clocks skip it for daylight saving time)";
            return false;
        }
        start = TimeZones.Resolve(local, zone);
        return true;
    }

    private static bool TrySequence(IsoDuration period, DateTimeOffset start, TimeZoneInfo zone,
        [NotNullWhen(true)] out IFireSequence? fires, [NotNullWhen(false)] out string? error)
    {
        fires = null;
        error = null;
        if (period.Seconds != decimal.Truncate(period.Seconds))
        {
            error = $"the period {period} is not whole seconds (schedules have one-second resolution)";
            return false;
        }
        long? count = null;
        IntervalUnit unit = IntervalUnit.Second;
        if (!period.HasTimePart && period is { Weeks: 0, Days: 0 })
            (count, unit) = period.Months == 0 ? (period.Years, IntervalUnit.Year) : (period.Years * 12L + period.Months, IntervalUnit.Month);
        else if (!period.HasTimePart && period is { Years: 0, Months: 0 })
            (count, unit) = period.Days == 0 ? (period.Weeks, IntervalUnit.Week) : (period.Weeks * 7L + period.Days, IntervalUnit.Day);
        else if (!period.HasDatePart)
        {
            long seconds = period.Hours * 3600L + period.Minutes * 60L + (long)period.Seconds;
            (count, unit) = seconds % 3600 == 0 ? (seconds / 3600, IntervalUnit.Hour)
                : seconds % 60 == 0 ? (seconds / 60, IntervalUnit.Minute) : (seconds, IntervalUnit.Second);
        }
        if (count is null)
        {
            fires = new CompoundFireSequence(TimeZoneInfo.ConvertTime(start, zone).DateTime, period, zone);
            return true;
        }
        if (count > int.MaxValue)
        {
            error = $"the period {period} is {count} {unit.ToString().ToLowerInvariant()}s, more than Quartz counts (2147483647)";
            return false;
        }
        fires = new CalendarFireSequence(start, (int)count, unit, zone);
        return true;
    }

    /// <summary>The first due time strictly after <paramref name="instant"/>; null when the schedule
    /// has no more runs (its <c>Rn</c> are used up, or a cron that never matches again).</summary>
    /// <remarks>Cost: O(1) for cron and one-unit periods up to hours; days and longer follow Quartz
    /// (a jump most of the way, then steps); mixed periods O(runs since the start).</remarks>
    public DateTimeOffset? NextFireAfter(DateTimeOffset instant)
    {
        if (Repetitions == 0) return null;
        var next = _fires.NextAfter(TimeZones.FloorToSecond(instant));
        if (next is not { } fire) return null;
        if (Repetitions is { } n && _fires.IndexOf(fire) >= n) return null;
        return fire;
    }

    /// <summary>How many runs are due strictly after <paramref name="instant"/>; null when the
    /// schedule repeats forever. <c>R5</c> before its start has 5; after its fifth run, 0.</summary>
    public long? RemainingAfter(DateTimeOffset instant)
    {
        if (Repetitions is not { } n) return null;
        if (n == 0) return 0;
        var next = _fires.NextAfter(TimeZones.FloorToSecond(instant));
        return next is { } fire ? Math.Max(0, n - _fires.IndexOf(fire)!.Value) : 0;
    }

    /// <summary>The due times in <c>(after, until]</c>, or null when there are none. Used to catch
    /// up after the scheduler was down (<see cref="RunPolicy"/>).</summary>
    /// <remarks>Cost: finding the latest takes a few calls; counting is O(1) for ISO schedules with
    /// one-unit periods and O(due times) for cron and mixed periods.</remarks>
    public DueTimes? DueBetween(DateTimeOffset after, DateTimeOffset until)
    {
        if (until <= after || NextFireAfter(after) is not { } first || first > until) return null;
        var latest = LatestAtOrBefore(until, first);
        long count;
        if (_fires.IndexOf(first) is { } i && _fires.IndexOf(latest) is { } j) count = j - i + 1;
        else
        {
            count = 1;
            for (var t = first; t < latest && NextFireAfter(t) is { } next; t = next) count++;
        }
        return new DueTimes(first, latest, count);
    }

    private DateTimeOffset LatestAtOrBefore(DateTimeOffset until, DateTimeOffset first)
    {
        // Widen a window back from `until` until it holds a due time, then walk it forward; the
        // window is never much wider than the gap before `until`, so the walk is a few steps.
        var candidate = first;
        for (var window = TimeSpan.FromSeconds(1); until - window > first; window *= 2)
        {
            if (NextFireAfter(until - window) is { } probe && probe <= until)
            {
                candidate = probe;
                break;
            }
        }
        while (NextFireAfter(candidate) is { } next && next <= until) candidate = next;
        return candidate;
    }

    /// <summary>The schedule and its zone, e.g. <c>R5/2026-03-08T01:30:00.000Z/PT1H in UTC</c>.</summary>
    public override string ToString() => _text;
}

using Quartz;

namespace Bridge.Schedulers.Jobs.Schedules;

/// <summary>The instants a schedule fires at, in order, computed on given instants (no clock).</summary>
internal interface IFireSequence
{
    /// <summary>The first fire time strictly after <paramref name="instant"/> (a whole second), or
    /// null when there is none.</summary>
    DateTimeOffset? NextAfter(DateTimeOffset instant);

    /// <summary>The 0-based position of a fire time in the sequence; null when the sequence does
    /// not count its fire times (cron).</summary>
    long? IndexOf(DateTimeOffset fire);
}

/// <summary>A Quartz cron trigger in the job's zone, plus Metronome's day-of-week filter when
/// both day fields are restricted.</summary>
internal sealed class CronFireSequence : IFireSequence
{
    // A filter that never matches (say Feb 29 and a weekday in no leap year before 2100) must end.
    private const int MaxFilteredDays = 20_000;

    private readonly ITrigger _trigger;
    private readonly CronExpression? _dayFilter;
    private readonly TimeZoneInfo _zone;

    public CronFireSequence(CronSpec cron, TimeZoneInfo zone)
    {
        _zone = zone;
        // An explicit start keeps Quartz from reading the clock; no job runs before 1970.
        _trigger = TriggerBuilder.Create()
            .StartAt(DateTimeOffset.UnixEpoch)
            .WithSchedule(CronScheduleBuilder.CronSchedule(cron.QuartzExpression).InTimeZone(zone))
            .Build();
        if (cron.DayOfWeekFilter is { } filter) _dayFilter = new CronExpression(filter) { TimeZone = zone };
    }

    public DateTimeOffset? NextAfter(DateTimeOffset instant)
    {
        var next = _trigger.GetFireTimeAfter(instant);
        for (int days = 0; next is { } t && _dayFilter is not null && !_dayFilter.IsSatisfiedBy(t); days++)
        {
            if (days >= MaxFilteredDays) return null;
            // Wrong day of week: go on from the end of that local day, not fire by fire.
            var local = TimeZoneInfo.ConvertTime(t, _zone).DateTime.Date.AddDays(1);
            next = _trigger.GetFireTimeAfter(TimeZones.Resolve(local, _zone).AddSeconds(-1));
        }
        return next;
    }

    public long? IndexOf(DateTimeOffset fire) => null;
}

/// <summary>A Quartz calendar-interval trigger: one unit (seconds to years) in the job's zone,
/// keeping the hour of day across DST changes for a day or longer.</summary>
internal sealed class CalendarFireSequence : IFireSequence
{
    private readonly ITrigger _trigger;
    private readonly DateTimeOffset _start;
    private readonly int _interval;
    private readonly IntervalUnit _unit;
    private readonly TimeZoneInfo _zone;

    public CalendarFireSequence(DateTimeOffset start, int interval, IntervalUnit unit, TimeZoneInfo zone)
    {
        (_start, _interval, _unit, _zone) = (start, interval, unit, zone);
        bool calendarDays = unit >= IntervalUnit.Day;
        _trigger = TriggerBuilder.Create()
            .StartAt(start)
            .WithCalendarIntervalSchedule(b => b
                .WithInterval(interval, unit)
                .InTimeZone(zone)
                .PreserveHourOfDayAcrossDaylightSavings(calendarDays)
                .SkipDayIfHourDoesNotExist(false))
            .Build();
    }

    public DateTimeOffset? NextAfter(DateTimeOffset instant) => _trigger.GetFireTimeAfter(instant);

    public long? IndexOf(DateTimeOffset fire)
    {
        // Quartz adds seconds, minutes and hours as elapsed time, and keeps the start's wall-clock
        // hour for days and longer, so the position follows from elapsed time or the local date.
        var startLocal = TimeZoneInfo.ConvertTime(_start, _zone).DateTime;
        var fireLocal = TimeZoneInfo.ConvertTime(fire, _zone).DateTime;
        int months = (fireLocal.Year - startLocal.Year) * 12 + fireLocal.Month - startLocal.Month;
        return _unit switch
        {
            IntervalUnit.Second => (long)(fire - _start).TotalSeconds / _interval,
            IntervalUnit.Minute => (long)(fire - _start).TotalSeconds / (60L * _interval),
            IntervalUnit.Hour => (long)(fire - _start).TotalSeconds / (3600L * _interval),
            IntervalUnit.Day => (long)(fireLocal.Date - startLocal.Date).TotalDays / _interval,
            IntervalUnit.Week => (long)(fireLocal.Date - startLocal.Date).TotalDays / (7L * _interval),
            IntervalUnit.Month => months / _interval,
            _ => months / (12L * _interval),
        };
    }
}

/// <summary>
/// A period that mixes units Quartz's calendar-interval trigger keeps apart (months and days,
/// or days and hours: <c>P1M15D</c>, <c>P1DT12H</c>, <c>P1Y2M10DT2H30M</c>). Each run's
/// wall-clock time is the previous one's plus every part of the period, read in the job's zone
/// with Quartz's rules (<see cref="TimeZones.Resolve"/>); stepping from run to run lets month ends
/// drift (Jan 31, Feb 28, Mar 28) as Quartz's month steps and Chronos' do.
/// </summary>
/// <remarks>Cost: O(runs since the start) per call.</remarks>
internal sealed class CompoundFireSequence(DateTime startLocal, IsoDuration period, TimeZoneInfo zone) : IFireSequence
{
    public DateTimeOffset? NextAfter(DateTimeOffset instant)
    {
        foreach (var (fire, _) in Fires())
            if (fire > instant) return fire;
        return null;
    }

    public long? IndexOf(DateTimeOffset fire)
    {
        foreach (var (at, index) in Fires())
            if (at >= fire) return index;
        return null;
    }

    private IEnumerable<(DateTimeOffset Fire, long Index)> Fires()
    {
        var local = startLocal;
        for (long index = 0; ; index++)
        {
            yield return (TimeZones.Resolve(local, zone), index);
            if (!TryStep(local, out local)) yield break;
        }
    }

    private bool TryStep(DateTime local, out DateTime next)
    {
        next = local;
        if (local.Year >= 9000) return false;
        next = local.AddYears(period.Years).AddMonths(period.Months).AddDays(period.Weeks * 7 + period.Days)
            .AddHours(period.Hours).AddMinutes(period.Minutes).AddSeconds((double)period.Seconds);
        return true;
    }
}

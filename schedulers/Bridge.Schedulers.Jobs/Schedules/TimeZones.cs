using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bridge.Schedulers.Jobs.Schedules;

/// <summary>Time zones by IANA id, and wall-clock times resolved to instants the way Quartz does.</summary>
internal static class TimeZones
{
    /// <summary>Finds a zone by IANA id (<c>Europe/Berlin</c>, <c>America/New_York</c>, <c>UTC</c>)
    /// in the machine's tz database. Windows ids and abbreviations such as <c>PST</c> are refused.</summary>
    public static bool TryFind(string id, [NotNullWhen(true)] out TimeZoneInfo? zone, [NotNullWhen(false)] out string? error)
    {
        zone = null;
        try
        {
            var found = TimeZoneInfo.FindSystemTimeZoneById(id);
            if (found.HasIanaId)
            {
                zone = found;
                error = null;
                return true;
            }
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
        }
        error = $"'{id}' is not an IANA time zone id known here (e.g. Europe/Berlin, America/New_York, UTC)";
        return false;
    }

    /// <summary>A zone with a fixed offset and no daylight saving time.</summary>
    public static TimeZoneInfo Fixed(TimeSpan offset)
    {
        if (offset == TimeSpan.Zero) return TimeZoneInfo.Utc;
        var abs = offset.Duration();
        var name = string.Create(CultureInfo.InvariantCulture,
            $"UTC{(offset < TimeSpan.Zero ? '-' : '+')}{abs.Hours:00}:{abs.Minutes:00}");
        return TimeZoneInfo.CreateCustomTimeZone(name, offset, name, name);
    }

    /// <summary>
    /// The instant of a wall-clock time in a zone, as Quartz's calendar-interval trigger resolves
    /// one: a time that occurs twice (autumn) is the first occurrence, in daylight time; a time
    /// that does not occur (spring) moves forward, a minute at a time, to the end of the gap
    /// (02:30 in a 02:00-03:00 gap becomes 03:00).
    /// </summary>
    public static DateTimeOffset Resolve(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // No real gap is near 48 hours; the guard only keeps a broken zone from looping.
        for (int guard = 0; zone.IsInvalidTime(local) && guard < 48 * 60; guard++) local = local.AddMinutes(1);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>The instant truncated to a whole second.</summary>
    public static DateTimeOffset FloorToSecond(DateTimeOffset t) => t.AddTicks(-(t.Ticks % TimeSpan.TicksPerSecond));

    /// <summary>The instant rounded up to a whole second.</summary>
    public static DateTimeOffset CeilingToSecond(DateTimeOffset t)
    {
        long rest = t.Ticks % TimeSpan.TicksPerSecond;
        return rest == 0 ? t : t.AddTicks(TimeSpan.TicksPerSecond - rest);
    }
}

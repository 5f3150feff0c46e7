using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bridge.Schedulers.Jobs.Schedules;

/// <summary>
/// The start of a <see cref="RepeatingInterval"/>: a wall-clock date and time with the UTC offset
/// it was written with, if any (<c>2026-03-08T01:30:00Z</c>, <c>…+01:00</c>, or no offset).
/// </summary>
/// <param name="LocalTime">The date and time as written (<see cref="DateTimeKind.Unspecified"/>), to
/// the millisecond.</param>
/// <param name="Offset">The written offset (<c>Z</c> is zero); null when none was written.</param>
/// <remarks>
/// Which zone the wall-clock time is read in is decided with the job's time zone: Chronos'
/// <c>scheduleTimeZone</c> "takes precedence over any time zone specified in schedule", so with a
/// zone the offset is ignored and <see cref="LocalTime"/> is read in that zone; without one the
/// offset (or UTC when none is written) applies. See <see cref="JobSchedule"/>.
/// </remarks>
public readonly record struct ScheduleStart(DateTime LocalTime, TimeSpan? Offset)
{
    /// <summary>Chronos' text for the start (Joda's <c>dateTime</c> format):
    /// <c>2014-03-08T20:00:00.000Z</c>, <c>…+01:00</c>, or no offset.</summary>
    public override string ToString()
    {
        var text = LocalTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture);
        if (Offset is not { } offset) return text;
        if (offset == TimeSpan.Zero) return text + "Z";
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return $"{text}{sign}{abs.Hours:00}:{abs.Minutes:00}";
    }
}

/// <summary>
/// An ISO 8601 repeating interval as Chronos' <c>schedule</c> field writes it:
/// <c>R[n]/[start]/period</c>, e.g. <c>R5/2026-03-08T01:30:00Z/PT1H</c>.
/// </summary>
/// <param name="Repetitions">How many runs in all: <c>Rn</c> is n runs (the first at the start),
/// <c>R0</c> none; null for <c>R</c>, which repeats forever.</param>
/// <param name="Start">When the first run is due; null for an empty start, which Chronos reads as
/// "now" (resolved when the schedule is built, <see cref="JobSchedule"/>).</param>
/// <param name="Period">The time between runs, an <see cref="IsoDuration"/> that is not zero.</param>
public sealed record RepeatingInterval(long? Repetitions, ScheduleStart? Start, IsoDuration Period)
{
    /// <summary>
    /// Parses <c>R[n]/[start]/period</c>. The start is <c>yyyy-MM-ddThh:mm[:ss[.s]]</c> with an
    /// optional offset (<c>Z</c>, <c>±hh:mm</c>, <c>±hhmm</c>, <c>±hh</c>); the period follows
    /// <see cref="IsoDuration"/>.
    /// </summary>
    /// <param name="text">The schedule text.</param>
    /// <param name="interval">The interval, when the text parses.</param>
    /// <param name="error">Why the text does not parse, naming the part; null on success.</param>
    /// <returns>True when <paramref name="text"/> is a repeating interval.</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out RepeatingInterval? interval,
        [NotNullWhen(false)] out string? error)
    {
        interval = null;
        var parts = (text ?? "").Split('/');
        if (parts.Length != 3)
        {
            error = $"'{text}' is not an ISO 8601 repeating interval: expected three parts R[n]/start/period separated by '/' " +
                    "(e.g. R/2026-03-08T01:30:00Z/PT1H; the start may be empty for now)";
            return false;
        }
        if (!TryParseRepetitions(parts[0], out var repetitions))
        {
            error = $"'{text}': the repetitions '{parts[0]}' must be R (forever) or R followed by a count (R5, R0)";
            return false;
        }
        ScheduleStart? start = null;
        if (parts[1].Length > 0)
        {
            if (!TryParseStart(parts[1], out var s, out var startError))
            {
                error = $"'{text}': the start {startError}";
                return false;
            }
            start = s;
        }
        if (!IsoDuration.TryParse(parts[2], out var period, out var periodError))
        {
            error = $"'{text}': the period {periodError}";
            return false;
        }
        if (period.IsZero)
        {
            error = $"'{text}': the period {parts[2]} is zero; a schedule needs a period of at least one second";
            return false;
        }
        interval = new RepeatingInterval(repetitions, start, period);
        error = null;
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/>.</summary>
    /// <exception cref="FormatException">Not a repeating interval; the message says why.</exception>
    public static RepeatingInterval Parse(string text) =>
        TryParse(text, out var i, out var error) ? i : throw new FormatException(error);

    private static bool TryParseRepetitions(string text, out long? repetitions)
    {
        repetitions = null;
        if (text.Length == 0 || text[0] != 'R') return false;
        if (text.Length == 1) return true;
        foreach (char c in text.AsSpan(1)) if (!char.IsAsciiDigit(c)) return false;
        if (!long.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
        repetitions = n;
        return true;
    }

    private static readonly string[] LocalFormats =
    [
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss.f", "yyyy-MM-dd'T'HH:mm:ss.ff", "yyyy-MM-dd'T'HH:mm:ss.fff",
        "yyyy-MM-dd'T'HH:mm:ss.ffff", "yyyy-MM-dd'T'HH:mm:ss.fffff", "yyyy-MM-dd'T'HH:mm:ss.ffffff",
        "yyyy-MM-dd'T'HH:mm:ss.fffffff",
    ];

    private static bool TryParseStart(string text, out ScheduleStart start, [NotNullWhen(false)] out string? error)
    {
        start = default;
        var (local, offsetText) = SplitOffset(text);
        TimeSpan? offset = null;
        if (offsetText is not null)
        {
            if (!TryParseOffset(offsetText, out var o))
            {
                error = $"'{text}' has an invalid UTC offset '{offsetText}' (use Z or ±hh:mm within ±14:00)";
                return false;
            }
            offset = o;
        }
        if (!DateTime.TryParseExact(local, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            error = $"'{text}' is not an ISO 8601 date-time (yyyy-MM-ddThh:mm:ss[.s][Z|±hh:mm], e.g. 2026-03-08T01:30:00Z)";
            return false;
        }
        // Millisecond precision, as Chronos (Joda) keeps it.
        time = new DateTime(time.Ticks - time.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Unspecified);
        start = new ScheduleStart(time, offset);
        error = null;
        return true;
    }

    private static (string Local, string? Offset) SplitOffset(string text)
    {
        if (text.EndsWith('Z')) return (text[..^1], "Z");
        int t = text.IndexOf('T');
        if (t < 0) return (text, null);
        int sign = text.IndexOfAny(['+', '-'], t);
        return sign < 0 ? (text, null) : (text[..sign], text[sign..]);
    }

    private static bool TryParseOffset(string text, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (text == "Z") return true;
        int sign = text[0] == '-' ? -1 : 1;
        var body = text[1..].Replace(":", "", StringComparison.Ordinal);
        if (body.Length is not (2 or 4) || !body.All(char.IsAsciiDigit)) return false;
        int hours = int.Parse(body[..2], CultureInfo.InvariantCulture);
        int minutes = body.Length == 4 ? int.Parse(body[2..], CultureInfo.InvariantCulture) : 0;
        if (minutes > 59 || hours * 60 + minutes > 14 * 60) return false;
        offset = sign * new TimeSpan(hours, minutes, 0);
        return true;
    }

    /// <summary>
    /// Chronos' text: <c>R</c> or <c>Rn</c>, the start in Joda's format (empty when none), the
    /// period in canonical form. Parses back to an equal value.
    /// </summary>
    public override string ToString() =>
        $"R{Repetitions?.ToString(CultureInfo.InvariantCulture)}/{Start?.ToString()}/{Period}";
}

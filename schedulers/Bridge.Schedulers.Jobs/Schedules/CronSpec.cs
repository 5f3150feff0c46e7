using System.Diagnostics.CodeAnalysis;

namespace Bridge.Schedulers.Jobs.Schedules;

/// <summary>
/// A cron schedule as Metronome reads it (<c>ScheduleSpec.cron</c>, parsed by cron-utils with
/// Metronome's definition), converted to a Quartz <see cref="Quartz.CronExpression"/>.
/// </summary>
/// <remarks>
/// <para>Metronome's cron has five fields and an optional sixth:
/// <c>minute hour day-of-month month day-of-week [year]</c>. Minutes 0-59, hours 0-23, days of
/// month 1-31 (and <c>L</c>, <c>LW</c>, <c>L-n</c>, <c>nW</c>), months 1-12 or JAN-DEC, days of
/// week 0-7 or SUN-SAT with 0 and 7 both Sunday (and <c>nL</c>, the last such day of the month,
/// and <c>n#k</c>, the k-th), years 1970-2099. Each field takes <c>*</c>, a value, a range
/// <c>a-b</c>, a step <c>*/s</c>, <c>a/s</c> or <c>a-b/s</c>, and comma lists of those; <c>?</c>
/// means the same as <c>*</c> in the two day fields.</para>
/// <para>When both day-of-month and day-of-week are restricted, a day must match <em>both</em>
/// (Metronome's <c>matchDayOfWeekAndDayOfMonth</c>: <c>0 9 1-7 * 1</c> is the first Monday),
/// unlike Vixie cron's either-or. Quartz cannot restrict both fields in one expression, so the
/// day-of-week part becomes a second expression, <see cref="DayOfWeekFilter"/>, that each fire
/// time must also satisfy.</para>
/// <para>Refused, with a message naming the field: macros such as <c>@hourly</c> (Metronome's
/// cron definition has none; the message gives the five-field equivalent), values out of range,
/// reversed ranges, steps of zero, and a day of month that exists in none of the given months
/// (<c>0 0 31 2 *</c>, as Metronome's <c>CronDaysInMonthValidation</c>).</para>
/// </remarks>
public sealed record CronSpec
{
    /// <summary>The cron text as given (trimmed).</summary>
    public string Text { get; }

    /// <summary>The Quartz expression (seconds first, <c>?</c> in one day field), e.g.
    /// <c>0 30 2 * * ?</c> for <c>30 2 * * *</c>.</summary>
    public string QuartzExpression { get; }

    /// <summary>A Quartz expression (<c>* * * ? * days</c>) that a fire time's day must also
    /// satisfy when both day fields are restricted; null otherwise.</summary>
    public string? DayOfWeekFilter { get; }

    private CronSpec(string text, string quartz, string? filter)
    {
        Text = text; QuartzExpression = quartz; DayOfWeekFilter = filter;
    }

    private static readonly Dictionary<string, string> Macros = new(StringComparer.OrdinalIgnoreCase)
    {
        ["@yearly"] = "0 0 1 1 *", ["@annually"] = "0 0 1 1 *", ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0", ["@daily"] = "0 0 * * *", ["@midnight"] = "0 0 * * *", ["@hourly"] = "0 * * * *",
    };

    /// <summary>Parses a Metronome cron such as <c>30 2 * * *</c> and converts it for Quartz.</summary>
    /// <param name="text">The cron text.</param>
    /// <param name="cron">The schedule, when the text parses.</param>
    /// <param name="error">Why the text does not parse, naming the field; null on success.</param>
    /// <returns>True when <paramref name="text"/> is a valid Metronome cron.</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out CronSpec? cron, [NotNullWhen(false)] out string? error)
    {
        cron = null;
        var trimmed = (text ?? "").Trim();
        if (trimmed.StartsWith('@'))
        {
            error = Macros.TryGetValue(trimmed, out var equivalent)
                ? $"'{trimmed}': Metronome's cron has no @ macros; write \"{equivalent}\" instead"
                : $"'{trimmed}': Metronome's cron has no @ macros; write five fields: minute hour day-of-month month day-of-week";
            return false;
        }
        var fields = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (5 or 6))
        {
            error = $"'{trimmed}' has {fields.Length} fields; Metronome's cron has five (minute hour day-of-month month day-of-week) " +
                    "and an optional year";
            return false;
        }
        var parsed = new CronField[fields.Length];
        for (int i = 0; i < fields.Length; i++)
        {
            if (!CronField.TryParse(fields[i], CronField.Kinds[i], out var field, out var fieldError))
            {
                error = $"'{trimmed}': {fieldError}";
                return false;
            }
            parsed[i] = field;
        }
        if (!CronField.DaysExistInMonths(parsed[2], parsed[3], out var dayError))
        {
            error = $"'{trimmed}': {dayError}";
            return false;
        }
        var built = Build(trimmed, parsed);
        // The conversion keeps to what Quartz accepts; this catches any combination it still refuses.
        foreach (var expression in new[] { built.QuartzExpression, built.DayOfWeekFilter })
        {
            if (expression is null) continue;
            try { _ = new Quartz.CronExpression(expression); }
            catch (FormatException e)
            {
                error = $"'{trimmed}': Quartz cannot run it as '{expression}': {e.Message}";
                return false;
            }
        }
        cron = built;
        error = null;
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/>.</summary>
    /// <exception cref="FormatException">Not a valid Metronome cron; the message says why.</exception>
    public static CronSpec Parse(string text) =>
        TryParse(text, out var c, out var error) ? c : throw new FormatException(error);

    private static CronSpec Build(string text, CronField[] f)
    {
        var year = f.Length == 6 ? " " + f[5].Quartz : "";
        var (minute, hour, dom, month, dow) = (f[0].Quartz, f[1].Quartz, f[2], f[3].Quartz, f[4]);
        string quartz;
        string? filter = null;
        if (!dow.Restricted) quartz = $"0 {minute} {hour} {dom.Quartz} {month} ?{year}";
        else if (!dom.Restricted) quartz = $"0 {minute} {hour} ? {month} {dow.Quartz}{year}";
        else
        {
            quartz = $"0 {minute} {hour} {dom.Quartz} {month} ?{year}";
            filter = $"* * * ? * {dow.Quartz}";
        }
        return new CronSpec(text, quartz, filter);
    }

    /// <summary>The cron text as given.</summary>
    public override string ToString() => Text;
}

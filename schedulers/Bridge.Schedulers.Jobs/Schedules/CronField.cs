using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bridge.Schedulers.Jobs.Schedules;

/// <summary>One field of a Metronome cron, checked and rewritten in Quartz's syntax.</summary>
/// <remarks>Day-of-week numbers differ: cron counts Sunday as 0 (or 7) and Monday as 1, Quartz
/// counts Sunday as 1 and Saturday as 7, so day-of-week fields are expanded to explicit Quartz
/// day lists (<c>1-5</c> becomes <c>2,3,4,5,6</c>), which also avoids ranges that wrap.</remarks>
internal sealed class CronField
{
    internal enum FieldKind { Minute, Hour, DayOfMonth, Month, DayOfWeek, Year }

    internal static readonly FieldKind[] Kinds =
        [FieldKind.Minute, FieldKind.Hour, FieldKind.DayOfMonth, FieldKind.Month, FieldKind.DayOfWeek, FieldKind.Year];

    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    private static readonly int[] MaxDaysOfMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

    /// <summary>False for <c>*</c> and <c>?</c>.</summary>
    public bool Restricted { get; private init; }

    /// <summary>The field in Quartz's syntax.</summary>
    public string Quartz { get; private init; } = "";

    /// <summary>The values the field allows, when it is plain numbers (no L, W or #).</summary>
    public SortedSet<int>? Values { get; private init; }

    private static (int Min, int Max) Range(FieldKind kind) => kind switch
    {
        FieldKind.Minute => (0, 59), FieldKind.Hour => (0, 23), FieldKind.DayOfMonth => (1, 31),
        FieldKind.Month => (1, 12), FieldKind.DayOfWeek => (0, 7), _ => (1970, 2099),
    };

    private static string Name(FieldKind kind) => kind switch
    {
        FieldKind.Minute => "minute", FieldKind.Hour => "hour", FieldKind.DayOfMonth => "day-of-month",
        FieldKind.Month => "month", FieldKind.DayOfWeek => "day-of-week", _ => "year",
    };

    public static bool TryParse(string text, FieldKind kind, [NotNullWhen(true)] out CronField? field,
        [NotNullWhen(false)] out string? error)
    {
        field = null;
        var name = Name(kind);
        var (min, max) = Range(kind);
        bool dayField = kind is FieldKind.DayOfMonth or FieldKind.DayOfWeek;
        if (text == "*" || (text == "?" && dayField))
        {
            field = new CronField { Restricted = false, Quartz = "*", Values = All(kind) };
            error = null;
            return true;
        }
        if (text == "?") { error = $"{name} field: '?' is only allowed in the day-of-month and day-of-week fields"; return false; }

        var upper = text.ToUpperInvariant();
        if (TrySpecial(upper, kind, out var special, out error))
        {
            field = special;
            return true;
        }
        if (error is not null) { error = $"{name} field '{text}': {error}"; return false; }

        var values = new SortedSet<int>();
        var quartzParts = new List<string>();
        foreach (var element in upper.Split(','))
        {
            if (!TryElement(element, kind, min, max, values, out var quartz, out error))
            {
                error = $"{name} field '{text}': {error}";
                return false;
            }
            quartzParts.Add(quartz);
        }
        string quartzText = kind == FieldKind.DayOfWeek
            ? string.Join(',', values.Select(d => d % 7 + 1).Distinct().Order())
            : string.Join(',', quartzParts);
        field = new CronField { Restricted = true, Quartz = quartzText, Values = values };
        error = null;
        return true;
    }

    /// <summary>Day-of-month L, LW, L-n, nW and day-of-week nL, n#k; each must stand alone.</summary>
    private static bool TrySpecial(string text, FieldKind kind, [NotNullWhen(true)] out CronField? field, out string? error)
    {
        field = null; error = null;
        bool hasSpecial = kind switch
        {
            FieldKind.DayOfMonth => text.Contains('L') || text.Contains('W'),
            // No day name contains L, so any L or # here is the special syntax.
            FieldKind.DayOfWeek => text.Contains('#') || text.Contains('L'),
            _ => false,
        };
        if (!hasSpecial) return false;
        if (text.Contains(','))
        {
            error = "L, W and # must stand alone in their field (no lists)";
            return false;
        }
        if (kind == FieldKind.DayOfMonth)
        {
            if (text is "L" or "LW") { field = Special(text); return true; }
            if (text.StartsWith("L-", StringComparison.Ordinal) && int.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var back))
            {
                if (back is < 1 or > 30) { error = $"L-{back}: the offset from the last day must be 1-30"; return false; }
                field = Special(text); return true;
            }
            if (text.EndsWith('W') && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var day))
            {
                if (day is < 1 or > 31) { error = $"{day}W: the day must be 1-31"; return false; }
                field = Special(text); return true;
            }
            error = "day-of-month takes L (last day), LW (last weekday), L-n (n days before the last) or nW (weekday nearest day n)";
            return false;
        }
        if (text == "L") { error = "a bare L is ambiguous; write nL for the last day n of the month (e.g. 5L, the last Friday)"; return false; }
        int hash = text.IndexOf('#');
        var dayText = hash >= 0 ? text[..hash] : text[..^1];
        if (!TryValue(dayText, FieldKind.DayOfWeek, out var dow) || dow is < 0 or > 7)
        {
            error = $"'{dayText}' is not a day of week (0-7 or SUN-SAT)";
            return false;
        }
        int quartzDay = dow % 7 + 1;
        if (hash < 0) { field = Special($"{quartzDay}L"); return true; }
        if (!int.TryParse(text.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var nth) || nth is < 1 or > 5)
        {
            error = $"{text}: the week after # must be 1-5";
            return false;
        }
        field = Special($"{quartzDay}#{nth}");
        return true;
    }

    private static CronField Special(string quartz) => new() { Restricted = true, Quartz = quartz, Values = null };

    private static bool TryElement(string element, FieldKind kind, int min, int max, SortedSet<int> values,
        out string quartz, [NotNullWhen(false)] out string? error)
    {
        quartz = "";
        int slash = element.IndexOf('/');
        var rangeText = slash < 0 ? element : element[..slash];
        int step = 1;
        if (slash >= 0 && (!int.TryParse(element.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1 || step > max))
        {
            error = $"'{element}': the step after / must be a number from 1 to {max}";
            return false;
        }
        // Day-of-week 7 is Sunday again; ranges run over 0-7, values fold 7 onto 0.
        int lo, hi;
        if (rangeText == "*") { lo = min; hi = kind == FieldKind.DayOfWeek ? 6 : max; }
        else
        {
            int dash = rangeText.IndexOf('-');
            var loText = dash < 0 ? rangeText : rangeText[..dash];
            if (!TryValue(loText, kind, out lo) || lo < min || lo > max)
            {
                error = $"'{loText}' is not a value from {min} to {max}{NamesHint(kind)}";
                return false;
            }
            hi = slash >= 0 && dash < 0 ? (kind == FieldKind.DayOfWeek ? 6 : max) : lo;
            if (dash >= 0)
            {
                var hiText = rangeText[(dash + 1)..];
                if (!TryValue(hiText, kind, out hi) || hi < min || hi > max)
                {
                    error = $"'{hiText}' is not a value from {min} to {max}{NamesHint(kind)}";
                    return false;
                }
                if (hi < lo) { error = $"the range {rangeText} runs backwards"; return false; }
            }
        }
        for (int v = lo; v <= hi; v += step) values.Add(kind == FieldKind.DayOfWeek ? v % 7 : v);
        quartz = (rangeText, slash >= 0) switch
        {
            ("*", true) => $"{min}/{step}",
            (_, true) when !rangeText.Contains('-') => $"{lo}/{step}",
            (_, true) => $"{lo}-{hi}/{step}",
            ("*", false) => "*",
            _ when lo == hi => $"{lo}",
            _ => $"{lo}-{hi}",
        };
        error = null;
        return true;
    }

    private static bool TryValue(string text, FieldKind kind, out int value)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)) return true;
        var names = kind switch { FieldKind.Month => MonthNames, FieldKind.DayOfWeek => DayNames, _ => null };
        int index = names is null ? -1 : Array.IndexOf(names, text);
        value = kind == FieldKind.Month ? index + 1 : index;
        return index >= 0;
    }

    private static string NamesHint(FieldKind kind) => kind switch
    {
        FieldKind.Month => " or JAN-DEC",
        FieldKind.DayOfWeek => " or SUN-SAT (0 and 7 are Sunday)",
        _ => "",
    };

    private static SortedSet<int> All(FieldKind kind)
    {
        var (min, max) = Range(kind);
        return new SortedSet<int>(Enumerable.Range(min, (kind == FieldKind.DayOfWeek ? 6 : max) - min + 1));
    }

    /// <summary>Metronome's check that the day of month exists in at least one given month
    /// (February counted with 29 days).</summary>
    public static bool DaysExistInMonths(CronField dayOfMonth, CronField month, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (dayOfMonth.Values is not { } days || month.Values is not { } months) return true;
        if (months.Any(m => days.Any(d => d <= MaxDaysOfMonth[m - 1]))) return true;
        error = $"day-of-month {string.Join(',', days)} never occurs in month {string.Join(',', months)}, so the job would never run";
        return false;
    }
}

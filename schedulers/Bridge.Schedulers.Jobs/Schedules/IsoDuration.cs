using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Bridge.Schedulers.Jobs.Schedules;

/// <summary>
/// An ISO 8601 duration, <c>PnYnMnWnDTnHnMnS</c>, as Chronos reads it (Joda's
/// <c>ISOPeriodFormat.standard</c>): every part optional but at least one present, <c>T</c> before
/// the time parts, a decimal fraction only on seconds (<c>PT1.5S</c>, dot or comma), weeks mixable
/// with other parts. Examples: <c>P1D</c>, <c>PT90M</c>, <c>P1M</c>, <c>P1Y2M10DT2H30M</c>.
/// </summary>
/// <remarks>
/// The parts are kept as written (<c>PT90M</c> stays 90 minutes, it is not folded into hours):
/// years and months are calendar units of varying length, so a duration is not a
/// <see cref="TimeSpan"/> unless it has neither (<see cref="TryGetFixedLength"/>).
/// Negative parts are not accepted.
/// </remarks>
public readonly record struct IsoDuration(
    int Years, int Months, int Weeks, int Days, int Hours, int Minutes, decimal Seconds)
{
    /// <summary>True when the duration has a year, month, week or day part.</summary>
    public bool HasDatePart => Years != 0 || Months != 0 || Weeks != 0 || Days != 0;

    /// <summary>True when the duration has an hour, minute or second part.</summary>
    public bool HasTimePart => Hours != 0 || Minutes != 0 || Seconds != 0;

    /// <summary>True when every part is zero (<c>PT0S</c>).</summary>
    public bool IsZero => !HasDatePart && !HasTimePart;

    /// <summary>
    /// The length as elapsed time when the duration has no year or month part, counting a week as
    /// 7 days and a day as 24 hours.
    /// </summary>
    /// <returns>False when the duration has years or months, whose length varies.</returns>
    public bool TryGetFixedLength(out TimeSpan length)
    {
        length = TimeSpan.Zero;
        if (Years != 0 || Months != 0) return false;
        decimal seconds = ((Weeks * 7m + Days) * 24m + Hours) * 3600m + Minutes * 60m + Seconds;
        if (seconds > (decimal)TimeSpan.MaxValue.TotalSeconds) return false;
        length = TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    /// <summary>Parses an ISO 8601 duration such as <c>P1Y2M10DT2H30M</c>.</summary>
    /// <param name="text">The duration text.</param>
    /// <param name="duration">The duration, when the text parses.</param>
    /// <param name="error">Why the text does not parse, naming the offending part; null on success.</param>
    /// <returns>True when <paramref name="text"/> is a duration.</returns>
    public static bool TryParse(string? text, out IsoDuration duration, [NotNullWhen(false)] out string? error)
    {
        duration = default;
        if (string.IsNullOrEmpty(text)) { error = "an ISO 8601 duration such as PT1H or P1D is required"; return false; }
        if (text[0] != 'P')
        {
            error = $"'{text}' is not an ISO 8601 duration: it must start with P (e.g. PT1H, P1D, P1Y2M10DT2H30M)";
            return false;
        }
        // Units in the order ISO 8601 requires; the index only moves forward.
        const string dateUnits = "YMWD", timeUnits = "HMS";
        var values = new decimal[7];
        bool inTime = false, any = false, anyAfterT = false;
        int order = 0, i = 1;
        while (i < text.Length)
        {
            if (text[i] == 'T')
            {
                if (inTime) { error = $"'{text}': T appears twice"; return false; }
                inTime = true; order = 4; i++;
                continue;
            }
            int start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] is '.' or ',')) i++;
            if (i == start)
            {
                error = $"'{text}': expected a number at position {start + 1}, found '{text[start]}'";
                return false;
            }
            if (i == text.Length) { error = $"'{text}': the number {text[start..]} has no unit"; return false; }
            char unit = text[i];
            int slot = inTime ? timeUnits.IndexOf(unit) : dateUnits.IndexOf(unit);
            if (slot < 0)
            {
                error = inTime
                    ? $"'{text}': unit '{unit}' is not a time unit (H, M, S after T)"
                    : $"'{text}': unit '{unit}' is not a date unit (Y, M, W, D before T; hours, minutes and seconds need a T, e.g. PT10M)";
                return false;
            }
            slot += inTime ? 4 : 0;
            if (slot < order)
            {
                error = $"'{text}': unit '{unit}' is out of order or repeated (the order is Y M W D T H M S)";
                return false;
            }
            var number = text.AsSpan(start, i - start);
            bool fraction = number.IndexOfAny('.', ',') >= 0;
            if (fraction && slot != 6)
            {
                error = $"'{text}': only seconds may have a fraction ({number.ToString()}{unit})";
                return false;
            }
            if (!TryNumber(number, slot == 6, out values[slot]))
            {
                error = $"'{text}': {number.ToString()}{unit} is not a valid amount";
                return false;
            }
            order = slot + 1; any = true; anyAfterT |= inTime; i++;
        }
        if (!any) { error = $"'{text}': a duration needs at least one part (e.g. PT1H)"; return false; }
        if (inTime && !anyAfterT) { error = $"'{text}': T must be followed by hours, minutes or seconds"; return false; }
        duration = new IsoDuration((int)values[0], (int)values[1], (int)values[2], (int)values[3],
            (int)values[4], (int)values[5], values[6]);
        error = null;
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/>.</summary>
    /// <exception cref="FormatException">The text is not an ISO 8601 duration; the message says why.</exception>
    public static IsoDuration Parse(string text) =>
        TryParse(text, out var d, out var error) ? d : throw new FormatException(error);

    private static bool TryNumber(ReadOnlySpan<char> number, bool allowFraction, out decimal value)
    {
        value = 0;
        int sep = number.IndexOfAny('.', ',');
        if (sep == 0 || sep == number.Length - 1) return false;
        if (sep >= 0 && (!allowFraction || number[(sep + 1)..].IndexOfAny('.', ',') >= 0)) return false;
        var normal = sep < 0 ? number.ToString() : string.Concat(number[..sep], ".", number[(sep + 1)..]);
        if (!decimal.TryParse(normal, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)) return false;
        return value <= int.MaxValue;
    }

    /// <summary>
    /// The canonical text: parts in order, zero parts left out, <c>PT0S</c> for zero
    /// (as Joda prints a period). Parses back to an equal value.
    /// </summary>
    public override string ToString()
    {
        if (IsZero) return "PT0S";
        var sb = new StringBuilder("P");
        Append(sb, Years, 'Y'); Append(sb, Months, 'M'); Append(sb, Weeks, 'W'); Append(sb, Days, 'D');
        if (HasTimePart)
        {
            sb.Append('T');
            Append(sb, Hours, 'H'); Append(sb, Minutes, 'M');
            if (Seconds != 0) sb.Append(Seconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('S');
        }
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, int value, char unit)
    {
        if (value != 0) sb.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
    }

    /// <summary>
    /// A duration of whole seconds written with the largest units that divide it exactly
    /// (<c>PT1H30M</c> for 5400 s, <c>PT60S</c> is written <c>PT1M</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or not whole seconds.</exception>
    public static IsoDuration FromSeconds(long seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        if (seconds / 3600 > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "too long");
        return new IsoDuration(0, 0, 0, 0, (int)(seconds / 3600), (int)(seconds % 3600 / 60), seconds % 60);
    }
}

using System.Globalization;

namespace Bridge.Schedulers.Events.Internal;

/// <summary>Event field values as Avro datums of a column's kind; a value of another type is an error, never a guess.</summary>
internal static class ColumnValues
{
    /// <summary>
    /// <paramref name="value"/> as a datum of <paramref name="kind"/> (null stays null), or false with
    /// <paramref name="error"/> saying what it is instead (e.g. <c>Int32 42, not text</c>).
    /// </summary>
    public static bool TryConvert(object? value, ColumnKind kind, out object? datum, out string error)
    {
        error = "";
        datum = value is null ? null : kind switch
        {
            ColumnKind.Text => value as string,
            ColumnKind.Long => Integer(value, long.MinValue, long.MaxValue) is { } l ? l : null,
            ColumnKind.Int => Integer(value, int.MinValue, int.MaxValue) is { } i ? (int)i : null,
            ColumnKind.Bool => value as bool?,
            ColumnKind.Instant => Instant(value),
            _ => null,
        };
        if (value is null || datum is not null) return true;
        error = $"{value.GetType().Name} {Describe(value)}, not {Name(kind)}";
        return false;
    }

    /// <summary>An instant as timestamp-millis' datum: a UTC DateTime truncated to the millisecond.</summary>
    public static DateTime Millis(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        return new DateTime(ticks - ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }

    private static long? Integer(object value, long min, long max) => value switch
    {
        sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(value, CultureInfo.InvariantCulture) is var l && l >= min && l <= max ? l : null,
        ulong u => u <= (ulong)max ? (long)u : null,
        _ => null,
    };

    private static DateTime? Instant(object value) => value switch
    {
        DateTimeOffset at => Millis(at),
        DateTime at => Millis(at.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(at, TimeSpan.Zero) : new DateTimeOffset(at.ToUniversalTime())),
        string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) => Millis(at),
        _ => null,
    };

    private static string Describe(object value)
    {
        var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        return text.Length <= 40 ? $"'{text}'" : $"'{text[..40]}...'";
    }

    private static string Name(ColumnKind kind) => kind switch
    {
        ColumnKind.Text => "text",
        ColumnKind.Long => "an integer",
        ColumnKind.Int => "an integer within int's range",
        ColumnKind.Bool => "a boolean",
        _ => "an instant",
    };
}

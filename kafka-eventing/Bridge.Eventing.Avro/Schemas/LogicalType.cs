namespace Bridge.Eventing.Avro.Schemas;

/// <summary>The logical types of the Avro 1.11 specification ("Logical Types").</summary>
public enum LogicalTypeKind
{
    /// <summary><c>decimal</c> on <c>bytes</c> or <c>fixed</c>: a two's-complement big-endian unscaled integer.</summary>
    Decimal,
    /// <summary><c>uuid</c> on <c>string</c> (RFC 4122 text).</summary>
    Uuid,
    /// <summary><c>date</c> on <c>int</c>: days since 1970-01-01.</summary>
    Date,
    /// <summary><c>time-millis</c> on <c>int</c>: milliseconds after midnight.</summary>
    TimeMillis,
    /// <summary><c>time-micros</c> on <c>long</c>: microseconds after midnight.</summary>
    TimeMicros,
    /// <summary><c>timestamp-millis</c> on <c>long</c>: milliseconds since the Unix epoch, UTC.</summary>
    TimestampMillis,
    /// <summary><c>timestamp-micros</c> on <c>long</c>: microseconds since the Unix epoch, UTC.</summary>
    TimestampMicros,
    /// <summary><c>local-timestamp-millis</c> on <c>long</c>: milliseconds since 1970-01-01 00:00 in an unspecified local zone.</summary>
    LocalTimestampMillis,
    /// <summary><c>local-timestamp-micros</c> on <c>long</c>: microseconds since 1970-01-01 00:00 in an unspecified local zone.</summary>
    LocalTimestampMicros,
    /// <summary><c>duration</c> on <c>fixed</c> of size 12: three little-endian unsigned 32-bit counts (months, days, milliseconds).</summary>
    Duration,
}

/// <summary>
/// A valid logical type annotating a schema (<see cref="AvroSchema.LogicalType"/>). Only valid
/// ones exist: the parser ignores an unknown or invalid <c>logicalType</c> attribute, as the
/// specification requires, and leaves it among the schema's <see cref="AvroSchema.Properties"/>.
/// Values compare by kind, precision and scale.
/// </summary>
public sealed record LogicalType
{
    private LogicalType(LogicalTypeKind kind, string name, int precision = 0, int scale = 0)
    {
        Kind = kind;
        Name = name;
        Precision = precision;
        Scale = scale;
    }

    /// <summary>Which logical type.</summary>
    public LogicalTypeKind Kind { get; }

    /// <summary>The <c>logicalType</c> attribute's value, e.g. <c>"timestamp-millis"</c>.</summary>
    public string Name { get; }

    /// <summary>For <c>decimal</c>: the maximum number of base-10 digits (at least 1); otherwise 0.</summary>
    public int Precision { get; }

    /// <summary>For <c>decimal</c>: digits after the point, 0 to <see cref="Precision"/>; otherwise 0.</summary>
    public int Scale { get; }

    /// <summary><c>uuid</c> (on <c>string</c>).</summary>
    public static LogicalType Uuid { get; } = new(LogicalTypeKind.Uuid, "uuid");
    /// <summary><c>date</c> (on <c>int</c>).</summary>
    public static LogicalType Date { get; } = new(LogicalTypeKind.Date, "date");
    /// <summary><c>time-millis</c> (on <c>int</c>).</summary>
    public static LogicalType TimeMillis { get; } = new(LogicalTypeKind.TimeMillis, "time-millis");
    /// <summary><c>time-micros</c> (on <c>long</c>).</summary>
    public static LogicalType TimeMicros { get; } = new(LogicalTypeKind.TimeMicros, "time-micros");
    /// <summary><c>timestamp-millis</c> (on <c>long</c>).</summary>
    public static LogicalType TimestampMillis { get; } = new(LogicalTypeKind.TimestampMillis, "timestamp-millis");
    /// <summary><c>timestamp-micros</c> (on <c>long</c>).</summary>
    public static LogicalType TimestampMicros { get; } = new(LogicalTypeKind.TimestampMicros, "timestamp-micros");
    /// <summary><c>local-timestamp-millis</c> (on <c>long</c>).</summary>
    public static LogicalType LocalTimestampMillis { get; } = new(LogicalTypeKind.LocalTimestampMillis, "local-timestamp-millis");
    /// <summary><c>local-timestamp-micros</c> (on <c>long</c>).</summary>
    public static LogicalType LocalTimestampMicros { get; } = new(LogicalTypeKind.LocalTimestampMicros, "local-timestamp-micros");
    /// <summary><c>duration</c> (on <c>fixed</c> of size 12).</summary>
    public static LogicalType Duration { get; } = new(LogicalTypeKind.Duration, "duration");

    /// <summary>A <c>decimal</c> with the given precision and scale.</summary>
    /// <exception cref="ArgumentOutOfRangeException">precision &lt; 1, or scale outside 0..precision.</exception>
    public static LogicalType Decimal(int precision, int scale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(precision, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, precision);
        return new LogicalType(LogicalTypeKind.Decimal, "decimal", precision, scale);
    }

    /// <summary>
    /// The most decimal digits a <c>fixed</c> of <paramref name="size"/> bytes can hold:
    /// floor(log10(2^(8 × size − 1) − 1)), 0 for size 0 (specification, "Decimal").
    /// Exact for every int size: computed in <see cref="decimal"/> arithmetic, 28 digits of
    /// log10(2), whose error (below 1e-17) is far inside the distance of 8·size−1 times log10(2)
    /// from an integer; 2^k − 1 and 2^k have the same number of digits since 2^k is never a power of ten for k ≥ 1.
    /// </summary>
    public static long MaxDecimalPrecision(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (size == 0) return 0;
        const decimal log10Of2 = 0.3010299956639811952137388947m;
        return (long)decimal.Floor((8m * size - 1) * log10Of2);
    }

    /// <summary>The logical type's JSON name.</summary>
    public override string ToString() => Kind == LogicalTypeKind.Decimal ? $"decimal({Precision},{Scale})" : Name;
}

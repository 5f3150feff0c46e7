using System.Buffers.Binary;
using System.Numerics;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Codec;

/// <summary>
/// Conversions between logical-type values (<see cref="DatumModel"/>) and their underlying Avro
/// values (Avro 1.11 specification, "Logical Types"): days, milliseconds and microseconds since
/// the Unix epoch or midnight, UUID text, two's-complement big-endian decimals, 12-byte durations.
/// </summary>
internal static class LogicalValues
{
    private const int EpochDayNumber = 719_162; // DateOnly.DayNumber of 1970-01-01
    private const long MaxTimeMicros = 86_400_000_000L - 1;

    /// <summary>The logical value of a decoded underlying value, or an error message when it has none.</summary>
    public static object FromUnderlying(LogicalType logical, object raw, out string? error)
    {
        error = null;
        switch (logical.Kind)
        {
            case LogicalTypeKind.Date:
                var days = (long)(int)raw + EpochDayNumber;
                if (days is >= 0 and <= 3_652_058) return DateOnly.FromDayNumber((int)days);
                error = $"date {(int)raw} days from 1970-01-01 is outside years 1-9999";
                return raw;
            case LogicalTypeKind.TimeMillis:
                var ms = (int)raw;
                if (ms is >= 0 and < 86_400_000) return new TimeOnly(ms * TimeSpan.TicksPerMillisecond);
                error = $"time-millis {ms} is not within a day (0 to 86399999)";
                return raw;
            case LogicalTypeKind.TimeMicros:
                var us = (long)raw;
                if (us is >= 0 and <= MaxTimeMicros) return new TimeOnly(us * 10);
                error = $"time-micros {us} is not within a day (0 to {MaxTimeMicros})";
                return raw;
            case LogicalTypeKind.TimestampMillis or LogicalTypeKind.LocalTimestampMillis:
                return Timestamp((long)raw, TimeSpan.TicksPerMillisecond, logical, out error) ?? raw;
            case LogicalTypeKind.TimestampMicros or LogicalTypeKind.LocalTimestampMicros:
                return Timestamp((long)raw, 10, logical, out error) ?? raw;
            case LogicalTypeKind.Uuid:
                if (Guid.TryParse((string)raw, out var guid)) return guid;
                error = $"uuid {DatumModel.Describe(raw)} is not a UUID";
                return raw;
            case LogicalTypeKind.Decimal:
                var bytes = raw is GenericFixed f ? f.Value : (byte[])raw;
                return new AvroDecimal(new BigInteger(bytes, isUnsigned: false, isBigEndian: true), logical.Scale);
            case LogicalTypeKind.Duration:
                var d = ((GenericFixed)raw).Value;
                return new AvroDuration(BinaryPrimitives.ReadUInt32LittleEndian(d), BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(4)),
                    BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(8)));
            default:
                return raw;
        }
    }

    private static DateTime? Timestamp(long count, long ticksPerUnit, LogicalType logical, out string? error)
    {
        error = null;
        var kind = logical.Kind is LogicalTypeKind.TimestampMillis or LogicalTypeKind.TimestampMicros ? DateTimeKind.Utc : DateTimeKind.Unspecified;
        var maxUnits = (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / ticksPerUnit;
        var minUnits = -DateTime.UnixEpoch.Ticks / ticksPerUnit;
        if (count >= minUnits && count <= maxUnits) return new DateTime(DateTime.UnixEpoch.Ticks + count * ticksPerUnit, kind);
        error = $"{logical.Name} {count} is outside years 1-9999";
        return null;
    }

    /// <summary>
    /// The underlying value of <paramref name="value"/> under <paramref name="schema"/>'s logical
    /// type: the value itself when it already is one (an <c>int</c> for a date), else its
    /// conversion. AvroEncodeException when a decimal's scale or precision does not fit.
    /// </summary>
    public static object? ToUnderlying(AvroSchema schema, object? value)
    {
        var logical = schema.LogicalType!;
        switch (value)
        {
            case DateOnly date when logical.Kind == LogicalTypeKind.Date:
                return date.DayNumber - EpochDayNumber;
            case TimeOnly time when logical.Kind == LogicalTypeKind.TimeMillis:
                return (int)(time.Ticks / TimeSpan.TicksPerMillisecond);
            case TimeOnly time when logical.Kind == LogicalTypeKind.TimeMicros:
                return time.Ticks / 10;
            case DateTime at when logical.Kind is LogicalTypeKind.TimestampMillis or LogicalTypeKind.TimestampMicros:
                return Units(at.Kind == DateTimeKind.Local ? at.ToUniversalTime() : at, logical.Kind == LogicalTypeKind.TimestampMillis);
            case DateTimeOffset at when logical.Kind is LogicalTypeKind.TimestampMillis or LogicalTypeKind.TimestampMicros:
                return Units(at.UtcDateTime, logical.Kind == LogicalTypeKind.TimestampMillis);
            case DateTime at when logical.Kind is LogicalTypeKind.LocalTimestampMillis or LogicalTypeKind.LocalTimestampMicros:
                return Units(at, logical.Kind == LogicalTypeKind.LocalTimestampMillis);
            case Guid guid when logical.Kind == LogicalTypeKind.Uuid:
                return guid.ToString("D");
            case AvroDecimal dec when logical.Kind == LogicalTypeKind.Decimal:
                return DecimalBytes(schema, logical, dec);
            case decimal dec when logical.Kind == LogicalTypeKind.Decimal:
                try
                {
                    return DecimalBytes(schema, logical, AvroDecimal.FromDecimal(dec, logical.Scale));
                }
                catch (ArgumentException e)
                {
                    throw new AvroEncodeException("", e.Message);
                }
            case AvroDuration duration when logical.Kind == LogicalTypeKind.Duration:
                var bytes = new byte[12];
                BinaryPrimitives.WriteUInt32LittleEndian(bytes, duration.Months);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), duration.Days);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), duration.Milliseconds);
                return bytes;
            default:
                return value;
        }
    }

    /// <summary>Whole units since the epoch, rounded toward the past (so 1969-12-31T23:59:59.9995 is -1 ms, not 0).</summary>
    private static long Units(DateTime at, bool millis)
    {
        var unit = millis ? TimeSpan.TicksPerMillisecond : 10;
        var delta = at.Ticks - DateTime.UnixEpoch.Ticks;
        var units = delta / unit;
        return delta % unit < 0 ? units - 1 : units;
    }

    private static byte[] DecimalBytes(AvroSchema schema, LogicalType logical, AvroDecimal value)
    {
        if (value.Scale != logical.Scale)
            throw new AvroEncodeException("", $"decimal {value} has scale {value.Scale}, the schema's is {logical.Scale}");
        if (BigInteger.Abs(value.Unscaled) >= BigInteger.Pow(10, logical.Precision))
            throw new AvroEncodeException("", $"decimal {value} has more than the schema's {logical.Precision} digits");
        var minimal = value.Unscaled.ToByteArray(isUnsigned: false, isBigEndian: true);
        if (schema is not FixedSchema fixedSchema) return minimal;
        // A fixed holds exactly Size bytes: sign-extend on the left (precision already bounds the length).
        var bytes = new byte[fixedSchema.Size];
        bytes.AsSpan(0, bytes.Length - minimal.Length).Fill(value.Unscaled.Sign < 0 ? (byte)0xFF : (byte)0);
        minimal.CopyTo(bytes, bytes.Length - minimal.Length);
        return bytes;
    }
}

using System.Text.Json;

namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// Reads a schema object's <c>logicalType</c> (specification, "Logical Types"). Returns null for
/// none, and also for an unknown or invalid one, which the specification says to ignore in favour
/// of the underlying type: a name not in 1.11's list, a logical type on the wrong underlying type
/// (<c>date</c> on <c>long</c>), <c>duration</c> on a fixed whose size is not 12, or a decimal
/// whose precision is not an integer ≥ 1 (at most what a fixed's size holds) or whose scale is
/// not an integer from 0 to the precision.
/// </summary>
internal static class LogicalTypes
{
    public static LogicalType? Resolve(JsonElement json, AvroType underlying, int fixedSize)
    {
        if (!json.TryGetProperty("logicalType", out var nameJson) || nameJson.ValueKind != JsonValueKind.String) return null;
        return (nameJson.GetString(), underlying) switch
        {
            ("decimal", AvroType.Bytes or AvroType.Fixed) => Decimal(json, underlying, fixedSize),
            ("uuid", AvroType.String) => LogicalType.Uuid,
            ("date", AvroType.Int) => LogicalType.Date,
            ("time-millis", AvroType.Int) => LogicalType.TimeMillis,
            ("time-micros", AvroType.Long) => LogicalType.TimeMicros,
            ("timestamp-millis", AvroType.Long) => LogicalType.TimestampMillis,
            ("timestamp-micros", AvroType.Long) => LogicalType.TimestampMicros,
            ("local-timestamp-millis", AvroType.Long) => LogicalType.LocalTimestampMillis,
            ("local-timestamp-micros", AvroType.Long) => LogicalType.LocalTimestampMicros,
            ("duration", AvroType.Fixed) when fixedSize == 12 => LogicalType.Duration,
            _ => null,
        };
    }

    private static LogicalType? Decimal(JsonElement json, AvroType underlying, int fixedSize)
    {
        if (!json.TryGetProperty("precision", out var precisionJson) || !IsInt(precisionJson, out var precision) || precision < 1)
            return null;
        var scale = 0;
        if (json.TryGetProperty("scale", out var scaleJson) && (!IsInt(scaleJson, out scale) || scale < 0)) return null;
        if (scale > precision) return null;
        if (underlying == AvroType.Fixed && precision > LogicalType.MaxDecimalPrecision(fixedSize)) return null;
        return LogicalType.Decimal(precision, scale);
    }

    private static bool IsInt(JsonElement json, out int value)
    {
        value = 0;
        return json.ValueKind == JsonValueKind.Number && json.TryGetInt32(out value);
    }
}

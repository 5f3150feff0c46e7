using System.Text.Json;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Codec;

/// <summary>
/// A field's JSON <c>default</c> as a generic datum (Avro 1.11 specification, "Records": a union's
/// default is a value of its first branch; bytes and fixed defaults are strings whose code points
/// 0–255 are the bytes). The parser has validated every default against its schema.
/// </summary>
internal static class DefaultValues
{
    public static object? ToDatum(AvroSchema schema, JsonElement json)
    {
        var raw = Underlying(schema, json);
        if (schema.LogicalType is null || raw is null) return raw;
        var value = LogicalValues.FromUnderlying(schema.LogicalType, raw, out var error);
        return error is null ? value : throw new AvroResolutionException("", $"the default {json.GetRawText()} is not a valid {schema.LogicalType}: {error}");
    }

    private static object? Underlying(AvroSchema schema, JsonElement json)
    {
        switch (schema)
        {
            case UnionSchema union: return ToDatum(union.Branches[0], json);
            case RecordSchema record:
                var value = new GenericRecord(record);
                foreach (var field in record.Fields)
                    value[field.Position] = ToDatum(field.Schema, json.TryGetProperty(field.Name, out var member) ? member : field.Default!.Value);
                return value;
            case EnumSchema e: return new GenericEnum(e, json.GetString()!);
            case FixedSchema f: return new GenericFixed(f, Latin1(json));
            case ArraySchema array: return json.EnumerateArray().Select(item => ToDatum(array.Items, item)).ToList();
            case MapSchema map: return json.EnumerateObject().ToDictionary(m => m.Name, m => ToDatum(map.Values, m.Value), StringComparer.Ordinal);
        }
        return schema.Type switch
        {
            AvroType.Null => null,
            AvroType.Boolean => json.GetBoolean(),
            AvroType.Int => json.GetInt32(),
            AvroType.Long => json.GetInt64(),
            AvroType.Float => (float)json.GetDouble(),
            AvroType.Double => json.GetDouble(),
            AvroType.Bytes => Latin1(json),
            _ => json.GetString(),
        };
    }

    private static byte[] Latin1(JsonElement json) => json.GetString()!.Select(c => (byte)c).ToArray();
}


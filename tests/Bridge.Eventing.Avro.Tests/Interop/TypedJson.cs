using System.Globalization;
using System.Text.Json.Nodes;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Tests.Interop;

/// <summary>
/// A generic datum as the "typed JSON" tests/interop/avro/datum_peer.py reads with the schema's
/// guidance: floats as the hex of their IEEE bits, bytes as hex, unions as {"branch", "value"},
/// logical values as readable text (dates, times and timestamps in ISO form, decimals in plain
/// notation) that python converts with its own datetime and decimal arithmetic, not ours.
/// </summary>
public static class TypedJson
{
    public static JsonNode? Of(AvroSchema schema, object? datum)
    {
        if (schema is UnionSchema union)
        {
            var branch = UnionBranches.For(union, datum);
            return new JsonObject { ["branch"] = branch, ["value"] = Of(union.Branches[branch], datum) };
        }
        switch (datum)
        {
            case null: return null;
            case DateOnly date: return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            case TimeOnly time: return time.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
            case DateTime at when at.Kind == DateTimeKind.Utc: return at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);
            case DateTime at: return at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
            case AvroDecimal dec: return dec.ToString();
            case Guid id: return id.ToString("D");
            case AvroDuration d: return new JsonObject { ["months"] = d.Months, ["days"] = d.Days, ["millis"] = d.Milliseconds };
            case bool b: return b;
            case int i when schema.Type == AvroType.Float: return Hex((float)i);
            case int i: return i;
            case long l when schema.Type == AvroType.Double: return Hex((double)l);
            case long l: return l;
            case float f when schema.Type == AvroType.Double: return Hex((double)f);
            case float f: return Hex(f);
            case double d: return Hex(d);
            case byte[] bytes: return Convert.ToHexString(bytes);
            case GenericFixed f: return Convert.ToHexString(f.Value);
            case string s: return s;
            case GenericEnum e: return e.Symbol;
            case GenericRecord record:
                var fields = new JsonObject();
                foreach (var field in ((RecordSchema)schema).Fields) fields[field.Name] = Of(field.Schema, record[field.Position]);
                return fields;
            case IDictionary<string, object?> map:
                var entries = new JsonObject();
                foreach (var (key, value) in map) entries[key] = Of(((MapSchema)schema).Values, value);
                return entries;
            case IEnumerable<object?> items:
                return new JsonArray(items.Select(item => Of(((ArraySchema)schema).Items, item)).ToArray());
            default:
                throw new ArgumentException($"no typed JSON for {DatumModel.Describe(datum)} as {schema.Type}");
        }
    }

    private static string Hex(float f) => BitConverter.SingleToUInt32Bits(f).ToString("x8");

    private static string Hex(double d) => BitConverter.DoubleToUInt64Bits(d).ToString("x16");
}

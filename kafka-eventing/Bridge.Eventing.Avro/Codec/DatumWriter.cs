using System.Buffers;
using System.Collections;
using Bridge.Eventing.Avro.Binary;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Codec;

/// <summary>
/// Encodes generic datums (<see cref="DatumModel"/>) in Avro's binary encoding (Avro 1.11
/// specification, "Binary Encoding") under one schema. Arrays and maps are written as one block
/// (count, items, 0), as Java and Python do. Stateless after construction and thread-safe.
/// </summary>
public sealed class DatumWriter
{
    /// <summary>How deeply records, arrays and maps may nest in a datum (unions add no level); deeper is a cycle or a mistake. As <see cref="DecodeLimits.MaxDepth"/>'s default.</summary>
    public const int MaxDepth = 256;

    /// <summary>A writer for datums of <paramref name="schema"/>.</summary>
    public DatumWriter(AvroSchema schema) => Schema = schema;

    /// <summary>The schema datums are written with.</summary>
    public AvroSchema Schema { get; }

    /// <summary>
    /// Appends the encoding of <paramref name="datum"/> to <paramref name="output"/>.
    /// AvroEncodeException, naming the path, when the datum does not fit the schema; part of the
    /// datum may then have been written, so encode into a buffer of your own.
    /// </summary>
    public void Write(object? datum, IBufferWriter<byte> output) => WriteValue(Schema, datum, new AvroBinaryWriter(output), 0);

    /// <summary>The encoding of <paramref name="datum"/> as a new array. AvroEncodeException as <see cref="Write"/>.</summary>
    public byte[] Encode(object? datum)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(datum, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteValue(AvroSchema schema, object? datum, AvroBinaryWriter writer, int depth)
    {
        if (schema.LogicalType is not null) datum = LogicalValues.ToUnderlying(schema, datum);
        switch (schema.Type)
        {
            case AvroType.Null:
                if (datum is not null) throw Mismatch("null", datum);
                break;
            case AvroType.Boolean:
                writer.WriteBoolean(datum is bool b ? b : throw Mismatch("a boolean", datum));
                break;
            case AvroType.Int:
                writer.WriteInt(datum is int n ? n : throw Mismatch("an int", datum));
                break;
            case AvroType.Long:
                writer.WriteLong(datum switch { long l => l, int _ => (int)datum, _ => throw Mismatch("a long", datum) });
                break;
            case AvroType.Float:
                writer.WriteFloat(datum switch { float f => f, int _ => (int)datum, long _ => (long)datum, _ => throw Mismatch("a float", datum) });
                break;
            case AvroType.Double:
                writer.WriteDouble(datum switch { double d => d, float _ => (float)datum, int _ => (int)datum, long _ => (long)datum, _ => throw Mismatch("a double", datum) });
                break;
            case AvroType.Bytes:
                writer.WriteBytes(datum is byte[] bytes ? bytes : throw Mismatch("bytes (byte[])", datum));
                break;
            case AvroType.String:
                writer.WriteString(datum is string s ? s : throw Mismatch("a string", datum));
                break;
            case AvroType.Fixed:
                WriteFixed((FixedSchema)schema, datum, writer);
                break;
            case AvroType.Enum:
                WriteEnum((EnumSchema)schema, datum, writer);
                break;
            case AvroType.Union:
                // No level of its own (a union cannot hold a union), so a linked list's node is one level, as when reading.
                var union = (UnionSchema)schema;
                var branch = UnionBranches.For(union, datum);
                if (branch < 0) throw Mismatch($"a value of one of the union's branches {UnionBranches.Describe(union)}", datum);
                writer.WriteInt(branch);
                WriteValue(union.Branches[branch], datum, writer, depth);
                break;
            default:
                if (++depth > MaxDepth) throw new AvroEncodeException("", $"the datum nests deeper than {MaxDepth} levels (a cycle?)");
                WriteComplex(schema, datum, writer, depth);
                break;
        }
    }

    private static void WriteComplex(AvroSchema schema, object? datum, AvroBinaryWriter writer, int depth)
    {
        switch (schema)
        {
            case RecordSchema record: WriteRecord(record, datum, writer, depth); break;
            case ArraySchema array: WriteArray(array, datum, writer, depth); break;
            case MapSchema map: WriteMap(map, datum, writer, depth); break;
        }
    }

    private static void WriteRecord(RecordSchema schema, object? datum, AvroBinaryWriter writer, int depth)
    {
        if (datum is not GenericRecord record || record.Schema.FullName != schema.FullName)
            throw Mismatch($"a record {schema.FullName}", datum);
        var sameSchema = ReferenceEquals(record.Schema, schema);
        foreach (var field in schema.Fields)
        {
            object? value;
            if (sameSchema) value = record[field.Position];
            else if (!record.TryGet(field.Name, out value))
                throw new AvroEncodeException(field.Name, $"the record (of another version of {schema.FullName}) has no such field");
            try
            {
                WriteValue(field.Schema, value, writer, depth);
            }
            catch (AvroEncodeException e)
            {
                throw e.Under(field.Name);
            }
        }
    }

    private static void WriteArray(ArraySchema schema, object? datum, AvroBinaryWriter writer, int depth)
    {
        if (datum is not IEnumerable items || datum is string or byte[] or IDictionary) throw Mismatch("an array (a list)", datum);
        var list = items as IList ?? items.Cast<object?>().ToList();
        if (list.Count > 0)
        {
            writer.WriteLong(list.Count);
            for (var i = 0; i < list.Count; i++)
            {
                try
                {
                    WriteValue(schema.Items, list[i], writer, depth);
                }
                catch (AvroEncodeException e)
                {
                    throw e.Under($"[{i}]");
                }
            }
        }
        writer.WriteLong(0);
    }

    private static void WriteMap(MapSchema schema, object? datum, AvroBinaryWriter writer, int depth)
    {
        if (datum is not IDictionary map) throw Mismatch("a map (a dictionary with string keys)", datum);
        if (map.Count > 0)
        {
            writer.WriteLong(map.Count);
            foreach (DictionaryEntry entry in map)
            {
                if (entry.Key is not string key) throw new AvroEncodeException("", $"map keys must be strings, not {DatumModel.Describe(entry.Key)}");
                writer.WriteString(key);
                try
                {
                    WriteValue(schema.Values, entry.Value, writer, depth);
                }
                catch (AvroEncodeException e)
                {
                    throw e.Under($"[\"{key}\"]");
                }
            }
        }
        writer.WriteLong(0);
    }

    private static void WriteEnum(EnumSchema schema, object? datum, AvroBinaryWriter writer)
    {
        writer.WriteInt(schema.IndexOf(EnumSymbol(schema, datum)));
    }

    private static void WriteFixed(FixedSchema schema, object? datum, AvroBinaryWriter writer)
    {
        writer.WriteFixed(FixedBytes(schema, datum));
    }

    /// <summary>The symbol <paramref name="datum"/> (a <see cref="GenericEnum"/> of this enum, or a string) stands for, checked
    /// against <paramref name="schema"/>; shared with the JSON writer.</summary>
    /// <exception cref="AvroEncodeException">Not an enum value, or not one of the schema's symbols.</exception>
    internal static string EnumSymbol(EnumSchema schema, object? datum)
    {
        var symbol = datum switch
        {
            GenericEnum e when e.Schema.FullName == schema.FullName => e.Symbol,
            string s => s,
            _ => throw Mismatch($"a symbol of enum {schema.FullName}", datum),
        };
        return schema.IndexOf(symbol) >= 0 ? symbol : throw new AvroEncodeException("", $"'{symbol}' is not a symbol of enum {schema.FullName}");
    }

    /// <summary>The bytes of <paramref name="datum"/> (a <see cref="GenericFixed"/> of this fixed, or a byte array) of exactly the
    /// schema's size; shared with the JSON writer.</summary>
    /// <exception cref="AvroEncodeException">Not fixed bytes, or the wrong size.</exception>
    internal static byte[] FixedBytes(FixedSchema schema, object? datum)
    {
        var bytes = datum switch
        {
            GenericFixed f when f.Schema.FullName == schema.FullName => f.Value,
            byte[] b => b,
            _ => throw Mismatch($"a fixed {schema.FullName} ({schema.Size} bytes)", datum),
        };
        return bytes.Length == schema.Size ? bytes : throw new AvroEncodeException("", $"fixed {schema.FullName} holds {schema.Size} bytes, not {bytes.Length}");
    }

    private static AvroEncodeException Mismatch(string expected, object? datum) =>
        new("", $"expected {expected}, got {DatumModel.Describe(datum)}");
}

using System.Buffers;
using System.Collections;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Json;

/// <summary>
/// Writes generic datums (<see cref="DatumModel"/>, as the binary <see cref="DatumWriter"/> takes
/// them) in Avro's JSON encoding (Avro 1.11 specification, "JSON Encoding"), as Java's JsonEncoder
/// does: a record as an object of its fields in schema order; an enum as its symbol; an array as an
/// array; a map as an object; bytes and fixed as a string with one code point U+0000–U+00FF per
/// byte (ISO-8859-1); int and long as integers; float and double as the shortest number that reads
/// back exactly, with <c>.0</c> when integral (<c>5.0</c>, as Java), and the non-finite values as the
/// strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c> (JSON has no such numbers; Java's
/// Jackson writes these strings); a union per <see cref="AvroJsonOptions.UnionMode"/> (tagged:
/// <c>null</c> or <c>{"branch name": value}</c>); a logical value as its underlying type (a date as
/// its day number, a decimal as its two's-complement bytes, a uuid as its string). Strings with an
/// unpaired surrogate are written with U+FFFD in its place, as the binary encoding's UTF-8 does.
/// Stateless and thread-safe.
/// </summary>
public sealed class AvroJsonWriter
{
    // Readable text for terminals and files (é stays é); the output is not meant for HTML pages.
    private static readonly JsonWriterOptions TextOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// A writer with <paramref name="options"/> (default: <see cref="AvroJsonOptions.Default"/>).
    /// ArgumentOutOfRangeException when <see cref="AvroJsonOptions.MaxDepth"/> is negative.
    /// </summary>
    public AvroJsonWriter(AvroJsonOptions? options = null)
    {
        Options = options ?? AvroJsonOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(Options.MaxDepth);
    }

    /// <summary>The options in force.</summary>
    public AvroJsonOptions Options { get; }

    /// <summary>
    /// <paramref name="datum"/> as one line of compact JSON (no line breaks: JSON lines).
    /// AvroEncodeException, naming the path in the datum (<c>tasks[3].state</c>), when the datum
    /// does not fit <paramref name="schema"/> or nests deeper than MaxDepth.
    /// </summary>
    public string Write(AvroSchema schema, object? datum)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var output = new Utf8JsonWriter(buffer, TextOptions)) Write(schema, datum, output);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Writes <paramref name="datum"/> as the next value of <paramref name="output"/> (its own options
    /// decide indenting and escaping); does not flush. AvroEncodeException as
    /// <see cref="Write(AvroSchema, object)"/>, after which part of the value may have been written.
    /// </summary>
    public void Write(AvroSchema schema, object? datum, Utf8JsonWriter output) => WriteValue(schema, datum, output, 0);

    private void WriteValue(AvroSchema schema, object? datum, Utf8JsonWriter output, int depth)
    {
        if (schema.LogicalType is not null) datum = LogicalValues.ToUnderlying(schema, datum);
        switch (schema.Type)
        {
            case AvroType.Null:
                if (datum is not null) throw Mismatch("null", datum);
                output.WriteNullValue();
                break;
            case AvroType.Boolean:
                output.WriteBooleanValue(datum is bool b ? b : throw Mismatch("a boolean", datum));
                break;
            case AvroType.Int:
                output.WriteNumberValue(datum is int n ? n : throw Mismatch("an int", datum));
                break;
            case AvroType.Long:
                output.WriteNumberValue(datum switch { long l => l, int i => i, _ => throw Mismatch("a long", datum) });
                break;
            case AvroType.Float:
                WriteFloating(output, datum switch { float f => f, int i => i, long l => l, _ => throw Mismatch("a float", datum) }, single: true);
                break;
            case AvroType.Double:
                WriteFloating(output, datum switch { double d => d, float f => f, int i => i, long l => l, _ => throw Mismatch("a double", datum) }, single: false);
                break;
            case AvroType.Bytes:
                output.WriteStringValue(Encoding.Latin1.GetString(datum is byte[] bytes ? bytes : throw Mismatch("bytes (byte[])", datum)));
                break;
            case AvroType.String:
                output.WriteStringValue(datum is string s ? s : throw Mismatch("a string", datum));
                break;
            case AvroType.Fixed:
                WriteFixed((FixedSchema)schema, datum, output);
                break;
            case AvroType.Enum:
                WriteEnum((EnumSchema)schema, datum, output);
                break;
            case AvroType.Union:
                WriteUnion((UnionSchema)schema, datum, output, depth);
                break;
            default:
                if (++depth > Options.MaxDepth) throw new AvroEncodeException("", $"the datum nests deeper than {Options.MaxDepth} levels (a cycle?)");
                if (schema is RecordSchema record) WriteRecord(record, datum, output, depth);
                else if (schema is ArraySchema array) WriteArray(array, datum, output, depth);
                else WriteMap((MapSchema)schema, datum, output, depth);
                break;
        }
    }

    /// <summary>
    /// A float is formatted as a float (0.1f is <c>0.1</c>, not the double <c>0.10000000149011612</c>),
    /// since <paramref name="value"/> holds it exactly and its shortest text reads back to it.
    /// </summary>
    private static void WriteFloating(Utf8JsonWriter output, double value, bool single)
    {
        if (!double.IsFinite(value))
        {
            output.WriteStringValue(JsonScalars.NonFiniteText(value));
            return;
        }
        Span<byte> text = stackalloc byte[40];
        output.WriteRawValue(text[..JsonScalars.FormatFloat(value, single, text)], skipInputValidation: true);
    }

    private void WriteUnion(UnionSchema union, object? datum, Utf8JsonWriter output, int depth)
    {
        // No level of its own (a union cannot hold a union), as in the binary writer.
        var index = UnionBranches.For(union, datum);
        if (index < 0) throw Mismatch($"a value of one of the union's branches {JsonUnions.Describe(union)}", datum);
        var branch = union.Branches[index];
        if (branch.Type == AvroType.Null || Options.UnionMode == JsonUnionMode.Untagged)
        {
            WriteValue(branch, datum, output, depth);
            return;
        }
        output.WriteStartObject();
        output.WritePropertyName(JsonUnions.BranchName(branch));
        WriteValue(branch, datum, output, depth);
        output.WriteEndObject();
    }

    private void WriteRecord(RecordSchema schema, object? datum, Utf8JsonWriter output, int depth)
    {
        if (datum is not GenericRecord record || record.Schema.FullName != schema.FullName)
            throw Mismatch($"a record {schema.FullName}", datum);
        var sameSchema = ReferenceEquals(record.Schema, schema);
        output.WriteStartObject();
        foreach (var field in schema.Fields)
        {
            object? value;
            if (sameSchema) value = record[field.Position];
            else if (!record.TryGet(field.Name, out value))
                throw new AvroEncodeException(field.Name, $"the record (of another version of {schema.FullName}) has no such field");
            output.WritePropertyName(field.Name);
            try
            {
                WriteValue(field.Schema, value, output, depth);
            }
            catch (AvroEncodeException e)
            {
                throw e.Under(field.Name);
            }
        }
        output.WriteEndObject();
    }

    private void WriteArray(ArraySchema schema, object? datum, Utf8JsonWriter output, int depth)
    {
        if (datum is not IEnumerable items || datum is string or byte[] or IDictionary) throw Mismatch("an array (a list)", datum);
        output.WriteStartArray();
        var i = 0;
        foreach (var item in items)
        {
            try
            {
                WriteValue(schema.Items, item, output, depth);
            }
            catch (AvroEncodeException e)
            {
                throw e.Under($"[{i}]");
            }
            i++;
        }
        output.WriteEndArray();
    }

    private void WriteMap(MapSchema schema, object? datum, Utf8JsonWriter output, int depth)
    {
        if (datum is not IDictionary map) throw Mismatch("a map (a dictionary with string keys)", datum);
        output.WriteStartObject();
        foreach (DictionaryEntry entry in map)
        {
            if (entry.Key is not string key) throw new AvroEncodeException("", $"map keys must be strings, not {DatumModel.Describe(entry.Key)}");
            output.WritePropertyName(key);
            try
            {
                WriteValue(schema.Values, entry.Value, output, depth);
            }
            catch (AvroEncodeException e)
            {
                throw e.Under($"[\"{key}\"]");
            }
        }
        output.WriteEndObject();
    }

    private static void WriteEnum(EnumSchema schema, object? datum, Utf8JsonWriter output)
    {
        output.WriteStringValue(DatumWriter.EnumSymbol(schema, datum));
    }

    private static void WriteFixed(FixedSchema schema, object? datum, Utf8JsonWriter output)
    {
        output.WriteStringValue(Encoding.Latin1.GetString(DatumWriter.FixedBytes(schema, datum)));
    }

    private static AvroEncodeException Mismatch(string expected, object? datum) =>
        new("", $"expected {expected}, got {DatumModel.Describe(datum)}");
}

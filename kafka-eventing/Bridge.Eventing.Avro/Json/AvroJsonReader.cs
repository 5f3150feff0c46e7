using System.Text.Json;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Json;

/// <summary>
/// Reads Avro's JSON encoding (Avro 1.11 specification, "JSON Encoding") into generic datums
/// (<see cref="DatumModel"/>): the same values the binary <see cref="Codec.DatumReader"/> returns
/// for the same datum, so <see cref="DatumEquality"/> holds between the two decodes.
/// <list type="bullet">
/// <item>null, boolean, string: JSON <c>null</c>, <c>true</c>/<c>false</c>, a string.</item>
/// <item>int, long: an integer literal within range (<c>5</c>; not <c>5.0</c> or <c>5e0</c>).</item>
/// <item>float, double: any JSON number that is finite in the type (<c>1e39</c> is not a float), or
/// <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>, which is what Java's JsonEncoder writes.</item>
/// <item>bytes, fixed: a string of code points U+0000–U+00FF, one per byte (a fixed's exactly <c>size</c>).</item>
/// <item>enum: a symbol. array: an array. map: an object, keys unique.</item>
/// <item>record: an object, members in any order, each naming a field once; a missing field takes
/// its default, and is an error without one. A member naming no field is an error.</item>
/// <item>union: per <see cref="AvroJsonOptions.UnionMode"/>; tagged, <c>null</c> or an object of one
/// member named by the branch's full name or type name (<see cref="JsonUnionMode"/>).</item>
/// <item>logical types: their underlying type's JSON, converted to the logical value as the binary
/// reader does (a date outside years 1–9999 or a malformed uuid is an error); a decimal with more
/// digits than its precision is an error too (the binary reader takes it, but it cannot be written).</item>
/// </list>
/// Errors are <see cref="AvroJsonException"/>s naming the JSON path; no other exception comes out of
/// bad input (a fuzz test checks). Stateless and thread-safe. Cost: linear in the JSON, which is
/// parsed into a <see cref="JsonDocument"/> first.
/// </summary>
public sealed class AvroJsonReader
{
    private readonly JsonDocumentOptions _documentOptions;

    /// <summary>
    /// A reader with <paramref name="options"/> (default: <see cref="AvroJsonOptions.Default"/>).
    /// ArgumentOutOfRangeException when <see cref="AvroJsonOptions.MaxDepth"/> is negative.
    /// </summary>
    public AvroJsonReader(AvroJsonOptions? options = null)
    {
        Options = options ?? AvroJsonOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(Options.MaxDepth);
        // Each datum level may sit inside a union's wrapper object, and a leaf too.
        _documentOptions = new JsonDocumentOptions { MaxDepth = (int)Math.Min(2L * Options.MaxDepth + 1, int.MaxValue) };
    }

    /// <summary>The options in force.</summary>
    public AvroJsonOptions Options { get; }

    /// <summary>
    /// The datum of <paramref name="schema"/> that <paramref name="json"/>, one JSON value (blank
    /// space around it allowed, nothing else), encodes. AvroJsonException for malformed JSON, JSON
    /// nested deeper than 2 × MaxDepth + 1, or a value that does not fit the schema.
    /// </summary>
    public object? Read(AvroSchema schema, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, _documentOptions);
        }
        catch (JsonException e)
        {
            throw new AvroJsonException("$", $"not valid JSON: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            // An unpaired surrogate in the .NET string: not Unicode, so it has no UTF-8 form to parse.
            throw new AvroJsonException("$", $"not valid JSON: {e.Message}", e);
        }
        using (document) return Read(schema, document.RootElement);
    }

    /// <summary>
    /// The datum encoded by the JSON value at <paramref name="reader"/>'s position (the next value
    /// when it is before one), leaving the reader on that value's last token; for JSON lines or a
    /// stream of values. The reader's own <see cref="JsonReaderOptions"/> apply (its MaxDepth
    /// defaults to 64: set 2 × MaxDepth + 1 for deep datums). AvroJsonException as
    /// <see cref="Read(AvroSchema, string)"/>, the path relative to that value.
    /// </summary>
    public object? Read(AvroSchema schema, ref Utf8JsonReader reader)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new AvroJsonException("$", $"not valid JSON: {e.Message}", e);
        }
        using (document) return Read(schema, document.RootElement);
    }

    /// <summary>
    /// The datum encoded by <paramref name="json"/>, already parsed. Duplicate member names are
    /// found here, whatever the parser allowed. AvroJsonException as <see cref="Read(AvroSchema, string)"/>
    /// except that the JSON's depth is the caller's parser's business (datums still stop at MaxDepth).
    /// </summary>
    public object? Read(AvroSchema schema, JsonElement json) => new JsonDatumBuilder(Options).Value(schema, json);
}

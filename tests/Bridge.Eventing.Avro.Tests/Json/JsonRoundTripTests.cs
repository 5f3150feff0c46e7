using System.Text.Json;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Json;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Avro.Tests.Codec;

namespace Bridge.Eventing.Avro.Tests.Json;

/// <summary>
/// Datum → JSON → datum for every type and logical type, and agreement with the binary codec: the
/// JSON decode of a datum equals its binary decode (DatumEquality), value types included.
/// </summary>
public class JsonRoundTripTests
{
    [Fact]
    public void EveryDatum_RoundTripsThroughTaggedJson_ToWhatTheBinaryReaderReturns()
    {
        foreach (var (schema, datum) in JsonCorpus.All())
        {
            var json = JsonCorpus.Tagged.Write(schema, datum);
            var fromJson = JsonCorpus.TaggedReader.Read(schema, json);
            var fromBinary = new DatumReader(schema).Read(new DatumWriter(schema).Encode(datum));
            Assert.True(DatumEquality.DatumEquals(datum, fromJson), json);
            Assert.True(DatumEquality.DatumEquals(fromBinary, fromJson), json);
            AssertSameTypes(fromBinary, fromJson);
        }
    }

    [Fact]
    public void Json_IsOneLine_AndWritingItAgainGivesTheSameText()
    {
        foreach (var (schema, datum) in JsonCorpus.All())
        {
            var json = JsonCorpus.Tagged.Write(schema, datum);
            Assert.DoesNotContain('\n', json);
            Assert.Equal(json, JsonCorpus.Tagged.Write(schema, JsonCorpus.TaggedReader.Read(schema, json)));
        }
    }

    [Fact]
    public void Everything_IsWrittenAsTheSpecificationSays()
    {
        var json = JsonDocument.Parse(JsonCorpus.Tagged.Write(DatumCorpus.Everything, DatumCorpus.EverythingDatum(1))).RootElement;
        // Fields in schema order.
        Assert.Equal(DatumCorpus.Everything.Fields.Select(f => f.Name), json.EnumerateObject().Select(m => m.Name));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("n").ValueKind);
        Assert.True(json.GetProperty("flag").GetBoolean());
        Assert.Equal("-1000", json.GetProperty("i").GetRawText());
        Assert.Equal("9223372036854775806", json.GetProperty("l").GetRawText());
        Assert.Equal("1.5", json.GetProperty("f").GetRawText());
        Assert.Equal("-2.25", json.GetProperty("d").GetRawText());
        Assert.Equal("\u0000\u0001\u0002\u00FF\u0001", json.GetProperty("raw").GetString());
        Assert.Equal("DIAMONDS", json.GetProperty("suit").GetString());
        Assert.Equal(16, json.GetProperty("hash").GetString()!.Length);
        Assert.Equal("""["a","b","c1"]""", json.GetProperty("tags").GetRawText());
        Assert.Equal("""{"one":1,"many":1099511627776}""", json.GetProperty("counts").GetRawText());
        Assert.Equal("""{"bridge.test.Suit":"CLUBS"}""", json.GetProperty("maybe").GetRawText());
        Assert.Equal("""{"bridge.test.Node":{"value":1,"next":{"bridge.test.Node":{"value":2,"next":null}}}}""", json.GetProperty("list").GetRawText());
    }

    public static TheoryData<string, object> LogicalValues => new()
    {
        // Each logical type is written as its underlying type (specification, "Logical Types"; Java does the same):
        // a JSON string (bytes and fixed as code points 0-255) or a JSON integer.
        { "price", "\u00CF\u00C7" },                         // decimal -123.45 (scale 2): -12345 as two's-complement big-endian bytes CF C7
        { "money", "\0\0\0\0\0\0\0\0" },                   // decimal 0 in a fixed of 8
        { "id", "6f1c2a3b-4d5e-4f60-8a9b-000000000001" },
        { "day", 20780L },                                     // 2026-11-23 is day 20,780 after 1970-01-01
        { "tms", 49530123L },                                  // 13:45:30.123 in ms
        { "tus", 49530123456L },
        { "tsms", 1795341601123L },                            // 2026-11-22T10:00:01.123Z
        { "tsus", 1795341600123456L },
        { "ltsms", -14182939995L },                            // 1969-07-20T20:17:40.005, before the epoch
        { "ltsus", 946684800000001L },
        { "span", "\u0001\0\0\0\u0002\0\0\0\u00B9\u000B\0\0" }, // months 1, days 2, ms 3001 (0x0BB9), each little-endian
    };

    [Theory]
    [MemberData(nameof(LogicalValues))]
    public void LogicalValue_IsWrittenAsItsUnderlyingValue(string field, object expected)
    {
        var datum = DatumCorpus.EverythingDatum(1);
        if (field == "money") datum["money"] = new AvroDecimal(0, 4);
        var json = JsonDocument.Parse(JsonCorpus.Tagged.Write(DatumCorpus.Everything, datum)).RootElement.GetProperty(field);
        if (expected is string text) Assert.Equal(text, json.GetString());
        else Assert.Equal(expected, json.GetInt64());
        Assert.Equal(datum[field], JsonCorpus.TaggedReader.Read(DatumCorpus.Everything.GetField(field)!.Schema, json));
    }

    [Fact]
    public void AllBranches_TagsEachBranchWithItsTypeOrFullName()
    {
        var json = JsonDocument.Parse(JsonCorpus.Tagged.Write(JsonCorpus.AllBranches, JsonCorpus.AllBranchesDatum())).RootElement;
        var tags = json.GetProperty("values").EnumerateArray()
            .Select(v => v.ValueKind == JsonValueKind.Null ? "null" : v.EnumerateObject().Single().Name);
        Assert.Equal(["null", "boolean", "int", "long", "float", "double", "bytes", "string", "array", "map",
            "bridge.json.Pair", "bridge.json.Color", "bridge.json.Point"], tags);
        // A logical type's branch is named by its underlying type.
        Assert.Equal("long", json.GetProperty("stamp").EnumerateObject().Single().Name);
        Assert.Equal("bridge.json.Amount", json.GetProperty("amount").EnumerateObject().Single().Name);
        Assert.Equal("string", json.GetProperty("ref").EnumerateObject().Single().Name);
    }

    public static TheoryData<string, double, string> Floats => new()
    {
        { "float", 0.1f, "0.1" },
        { "float", 16777216f, "16777216.0" },
        { "float", float.MaxValue, "3.4028235E+38" },
        { "float", float.Epsilon, "1E-45" },
        { "float", float.NaN, "\"NaN\"" },
        { "float", float.PositiveInfinity, "\"Infinity\"" },
        { "double", 0.1, "0.1" },
        { "double", 5.0, "5.0" },
        { "double", -0.0, "-0.0" },
        { "double", 1e21, "1E+21" },
        { "double", double.Epsilon, "5E-324" },
        { "double", double.NegativeInfinity, "\"-Infinity\"" },
    };

    [Theory]
    [MemberData(nameof(Floats))]
    public void Floats_AreTheShortestTextThatReadsBack_AndNonFiniteOnesAreJavasStrings(string type, double value, string expected)
    {
        var schema = AvroSchema.Parse($"\"{type}\"");
        var datum = type == "float" ? (object)(float)value : value;
        var json = JsonCorpus.Tagged.Write(schema, datum);
        Assert.Equal(expected, json);
        Assert.True(DatumEquality.DatumEquals(datum, JsonCorpus.TaggedReader.Read(schema, json)));
    }

    [Fact]
    public void NarrowerNumbers_AreWrittenAsTheSchemasType()
    {
        Assert.Equal("3", JsonCorpus.Tagged.Write(AvroSchema.Long, 3));
        Assert.Equal("3.0", JsonCorpus.Tagged.Write(AvroSchema.Double, 3));
        Assert.Equal("0.10000000149011612", JsonCorpus.Tagged.Write(AvroSchema.Double, 0.1f));
        Assert.IsType<double>(JsonCorpus.TaggedReader.Read(AvroSchema.Double, "3"));
        Assert.IsType<long>(JsonCorpus.TaggedReader.Read(AvroSchema.Long, "3"));
        Assert.IsType<float>(JsonCorpus.TaggedReader.Read(AvroSchema.Float, "3"));
    }

    [Fact]
    public void Bytes_AreCodePoints0To255_AllOfThem()
    {
        var all = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var json = JsonCorpus.Tagged.Write(AvroSchema.Bytes, all);
        Assert.Equal(new string(all.Select(b => (char)b).ToArray()), JsonDocument.Parse(json).RootElement.GetString());
        Assert.Equal(all, JsonCorpus.TaggedReader.Read(AvroSchema.Bytes, json));
        // Escaped or not, the same code points are the same bytes.
        Assert.Equal(new byte[] { 0xFF, 0x41 }, JsonCorpus.TaggedReader.Read(AvroSchema.Bytes, "\"\\u00ffA\""));
    }

    [Fact]
    public void Strings_KeepEveryCharacter_AndAreNotEscapedMoreThanJsonNeeds()
    {
        const string text = "nul \u0000, quote \", astral \U0001D11E, é, <tag> & 'x'";
        var json = JsonCorpus.Tagged.Write(AvroSchema.String, text);
        Assert.Contains("é", json);
        Assert.Contains("<tag> &", json);
        Assert.Equal(text, JsonCorpus.TaggedReader.Read(AvroSchema.String, json));
    }

    [Fact]
    public void UnpairedSurrogate_IsWrittenAsTheReplacementCharacter_AsInTheBinaryEncoding()
    {
        var json = JsonCorpus.Tagged.Write(AvroSchema.String, "a\ud800b");
        Assert.Equal("a\uFFFDb", JsonCorpus.TaggedReader.Read(AvroSchema.String, json));
        Assert.Equal("a\uFFFDb", new DatumReader(AvroSchema.String).Read(new DatumWriter(AvroSchema.String).Encode("a\ud800b")));
    }

    [Fact]
    public void Write_ToAUtf8JsonWriter_WritesValuesOneAfterAnother()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var output = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            output.WriteStartArray();
            JsonCorpus.Tagged.Write(JsonCorpus.AllBranches, JsonCorpus.AllBranchesDatum(), output);
            JsonCorpus.Tagged.Write(AvroSchema.Int, 5, output);
            output.WriteEndArray();
        }
        var array = JsonDocument.Parse(buffer.WrittenMemory).RootElement;
        Assert.Equal(JsonCorpus.AllBranchesDatum(), JsonCorpus.TaggedReader.Read(JsonCorpus.AllBranches, array[0]));
        Assert.Equal(5, JsonCorpus.TaggedReader.Read(AvroSchema.Int, array[1]));
    }

    [Fact]
    public void Read_FromAUtf8JsonReader_ReadsJsonLinesOneValueAtATime()
    {
        var lines = string.Join('\n', JsonCorpus.All().Take(3).Select(p => JsonCorpus.Tagged.Write(p.Schema, p.Datum)));
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(lines), new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = 513 });
        var expected = JsonCorpus.All().Take(3).ToList();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(reader.Read());
            Assert.Equal(expected[i].Datum, JsonCorpus.TaggedReader.Read(expected[i].Schema, ref reader));
        }
        Assert.False(reader.Read());
    }

    [Fact]
    public void RecordOfAnotherVersion_IsWrittenByFieldName()
    {
        var older = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"P","fields":[{"name":"b","type":"int"},{"name":"a","type":"string"}]}""");
        var newer = AvroSchema.Parse("""{"type":"record","name":"P","fields":[{"name":"a","type":"string"},{"name":"b","type":"long"}]}""");
        Assert.Equal("""{"a":"x","b":2}""", JsonCorpus.Tagged.Write(newer, new GenericRecord(older) { ["a"] = "x", ["b"] = 2 }));
    }

    private static void AssertSameTypes(object? expected, object? actual)
    {
        Assert.Equal(expected?.GetType(), actual?.GetType());
        switch (expected)
        {
            case GenericRecord r:
                for (var i = 0; i < r.Schema.Fields.Length; i++) AssertSameTypes(r[i], ((GenericRecord)actual!)[i]);
                break;
            case List<object?> list:
                for (var i = 0; i < list.Count; i++) AssertSameTypes(list[i], ((List<object?>)actual!)[i]);
                break;
            case Dictionary<string, object?> map:
                foreach (var (key, value) in map) AssertSameTypes(value, ((Dictionary<string, object?>)actual!)[key]);
                break;
        }
    }
}

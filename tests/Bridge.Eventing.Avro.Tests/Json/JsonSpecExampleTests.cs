using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Tests.Json;

/// <summary>
/// The Avro 1.11 specification's "JSON Encoding" section: its table of types and example values,
/// and its union example (<c>["null","string","Foo"]</c>: null, <c>{"string": "a"}</c>, <c>{"Foo": {...}}</c>).
/// </summary>
public class JsonSpecExampleTests
{
    public static TheoryData<string, string, object?> Table => new()
    {
        // schema, the specification's example JSON, the datum it stands for
        { "\"null\"", "null", null },
        { "\"boolean\"", "true", true },
        { "\"int\"", "1", 1 },
        { "\"long\"", "1", 1L },
        { "\"float\"", "1.1", 1.1f },
        { "\"double\"", "1.1", 1.1 },
        { "\"bytes\"", "\"\\u00FF\"", new byte[] { 0xFF } },
        { "\"string\"", "\"foo\"", "foo" },
        { """{"type": "array", "items": "int"}""", "[1]", new List<object?> { 1 } },
        { """{"type": "map", "values": "int"}""", """{"a": 1}""", new Dictionary<string, object?> { ["a"] = 1 } },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void TableExample_ReadsAsTheDatum_AndTheDatumWritesBackToTheSameJson(string schemaJson, string json, object? datum)
    {
        var schema = AvroSchema.Parse(schemaJson);
        Assert.True(DatumEquality.DatumEquals(datum, JsonCorpus.TaggedReader.Read(schema, json)));
        Assert.True(System.Text.Json.JsonElement.DeepEquals(Parse(json), Parse(JsonCorpus.Tagged.Write(schema, datum))));
    }

    [Fact]
    public void TableExamples_RecordEnumAndFixed()
    {
        var record = (RecordSchema)AvroSchema.Parse("""{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]}""");
        var e = (EnumSchema)AvroSchema.Parse("""{"type": "enum", "name": "E", "symbols": ["FOO", "BAR"]}""");
        var f = (FixedSchema)AvroSchema.Parse("""{"type": "fixed", "name": "F", "size": 1}""");
        Assert.Equal(new GenericRecord(record) { ["a"] = 1 }, JsonCorpus.TaggedReader.Read(record, """{"a": 1}"""));
        Assert.Equal(new GenericEnum(e, "FOO"), JsonCorpus.TaggedReader.Read(e, "\"FOO\""));
        Assert.Equal(new GenericFixed(f, [0xFF]), JsonCorpus.TaggedReader.Read(f, "\"\\u00ff\""));
        Assert.Equal("""{"a":1}""", JsonCorpus.Tagged.Write(record, new GenericRecord(record) { ["a"] = 1 }));
        Assert.Equal("\"FOO\"", JsonCorpus.Tagged.Write(e, "FOO"));
        Assert.Equal("\"ÿ\"", JsonCorpus.Tagged.Write(f, new byte[] { 0xFF }));
    }

    [Fact]
    public void UnionExample_NullStringAndFoo()
    {
        var schema = (UnionSchema)AvroSchema.Parse("""["null", "string", {"type": "record", "name": "Foo", "fields": [{"name": "x", "type": "int"}]}]""");
        var foo = new GenericRecord((RecordSchema)schema.Branches[2]) { ["x"] = 3 };
        Assert.Equal("null", JsonCorpus.Tagged.Write(schema, null));
        Assert.Equal("""{"string":"a"}""", JsonCorpus.Tagged.Write(schema, "a"));
        Assert.Equal("""{"Foo":{"x":3}}""", JsonCorpus.Tagged.Write(schema, foo));
        Assert.Null(JsonCorpus.TaggedReader.Read(schema, "null"));
        Assert.Equal("a", JsonCorpus.TaggedReader.Read(schema, """{"string": "a"}"""));
        Assert.Equal(foo, JsonCorpus.TaggedReader.Read(schema, """{"Foo": {"x": 3}}"""));
    }

    [Fact]
    public void NamedBranches_AreTaggedWithTheirFullName_NotTheShortOne()
    {
        var schema = AvroSchema.Parse("""["null", {"type": "enum", "name": "Suit", "namespace": "cards", "symbols": ["SPADES"]}]""");
        Assert.Equal("""{"cards.Suit":"SPADES"}""", JsonCorpus.Tagged.Write(schema, "SPADES"));
        var error = Assert.Throws<Bridge.Eventing.Avro.Json.AvroJsonException>(() => JsonCorpus.TaggedReader.Read(schema, """{"Suit": "SPADES"}"""));
        Assert.Equal("$.Suit", error.Path);
    }

    [Fact]
    public void Records_MayListTheirFieldsInAnyOrder()
    {
        var schema = AvroSchema.Parse("""{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "string"}]}""");
        Assert.Equal(JsonCorpus.TaggedReader.Read(schema, """{"a": 1, "b": "x"}"""), JsonCorpus.TaggedReader.Read(schema, """{"b": "x", "a": 1}"""));
    }

    private static System.Text.Json.JsonElement Parse(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement;
}

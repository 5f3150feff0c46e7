using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Json;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Avro.Tests.Codec;

namespace Bridge.Eventing.Avro.Tests.Json;

/// <summary>
/// JsonUnionMode.Untagged: a bare value picks the one branch it fits; null the null branch; a value
/// fitting several is an error naming them, and a value fitting none may be given tagged.
/// </summary>
public class JsonUntaggedTests
{
    private static object? Read(string schemaJson, string json) => JsonCorpus.UntaggedReader.Read(AvroSchema.Parse(schemaJson), json);

    private static AvroJsonException Refused(string schemaJson, string json) =>
        Assert.Throws<AvroJsonException>(() => Read(schemaJson, json));

    public static TheoryData<string, string, object?> Picks => new()
    {
        // union, bare JSON, the datum read
        { """["null", "string"]""", "null", null },
        { """["null", "string"]""", "\"a\"", "a" },
        { """["null", "long"]""", "5", 5L },
        { """["null", "double"]""", "5", 5.0 },
        { """["int", "double"]""", "5.5", 5.5 },
        { """["int", "double"]""", "5.0", 5.0 },
        { """["int", "long"]""", "2147483648", 2147483648L },
        { """["null", "float"]""", "\"NaN\"", float.NaN },
        { """["null", "double"]""", "\"-Infinity\"", double.NegativeInfinity },
        { """["boolean", "string"]""", "false", false },
        { """["null", "bytes"]""", "\"\\u00ff\"", new byte[] { 0xFF } },
        { """["bytes", "string"]""", "\"€\"", "€" },
        { """["null", {"type": "array", "items": "int"}]""", "[1]", new List<object?> { 1 } },
        { """["null", {"type": "map", "values": "int"}]""", """{"int": 1}""", new Dictionary<string, object?> { ["int"] = 1 } },
        { """["null", {"type": "int", "logicalType": "date"}]""", "0", new DateOnly(1970, 1, 1) },
    };

    [Theory]
    [MemberData(nameof(Picks))]
    public void BareValue_PicksTheOneBranchItFits(string union, string json, object? datum) =>
        Assert.True(DatumEquality.DatumEquals(datum, Read(union, json)), $"{json} as {union}");

    public static TheoryData<string, string, string> Ambiguities => new()
    {
        // union, bare JSON, the branches named
        { """["null", "int", "long"]""", "5", "int, long" },
        { """["int", "double"]""", "5", "int, double" },
        { """["string", "double"]""", "\"NaN\"", "double, string" },
        { """["bytes", "string"]""", "\"a\"", "bytes, string" },
        { """["null", "string", {"type": "enum", "name": "Suit", "symbols": ["CLUBS"]}]""", "\"CLUBS\"", "string, Suit" },
        { """[{"type": "fixed", "name": "Two", "size": 2}, "bytes"]""", "\"ab\"", "Two, bytes" },
        { """[{"type": "map", "values": "int"}, {"type": "record", "name": "P", "fields": [{"name": "x", "type": "int"}]}]""", """{"x": 1}""", "map, P" },
    };

    [Theory]
    [MemberData(nameof(Ambiguities))]
    public void BareValueFittingSeveralBranches_IsRefused_NamingThem(string union, string json, string candidates)
    {
        var error = Refused(union, json);
        Assert.Equal("$", error.Path);
        foreach (var candidate in candidates.Split(", ")) Assert.Contains(candidate, error.Detail);
        Assert.Contains("fits more than one branch", error.Detail);
        Assert.Contains("tag it to choose", error.Detail);
    }

    [Fact]
    public void AmbiguousValue_CanBeGivenTagged()
    {
        Assert.Equal(5L, Read("""["null", "int", "long"]""", """{"long": 5}"""));
        var suit = Read("""["null", "string", {"type": "enum", "name": "Suit", "symbols": ["CLUBS"]}]""", """{"Suit": "CLUBS"}""");
        Assert.Equal("CLUBS", Assert.IsType<GenericEnum>(suit).Symbol);
        Assert.Equal("CLUBS", Read("""["null", "string", {"type": "enum", "name": "Suit", "symbols": ["CLUBS"]}]""", """{"string": "CLUBS"}"""));
    }

    [Fact]
    public void Records_AreTellApartByTheirFields()
    {
        const string union = """
        ["null",
         {"type": "record", "name": "Started", "fields": [{"name": "task", "type": "string"}, {"name": "host", "type": "string"}]},
         {"type": "record", "name": "Finished", "fields": [{"name": "task", "type": "string"}, {"name": "code", "type": "int"}, {"name": "note", "type": "string", "default": ""}]}]
        """;
        Assert.Equal("Started", ((GenericRecord)Read(union, """{"task": "t", "host": "h"}""")!).Schema.Name);
        Assert.Equal("Finished", ((GenericRecord)Read(union, """{"task": "t", "code": 0}""")!).Schema.Name);
        Assert.Equal("Finished", ((GenericRecord)Read(union, """{"code": 0, "note": "n", "task": "t"}""")!).Schema.Name);
        // Only a required field of each: fits neither record (and is not tagged either).
        Assert.Contains("fits no branch of the union [null, Started, Finished]", Refused(union, """{"task": "t"}""").Detail);
    }

    [Fact]
    public void ValueFittingNoBranch_IsRefused()
    {
        Assert.Equal("5 fits no branch of the union [null, string]", Refused("""["null", "string"]""", "5").Detail);
        Assert.Equal("1.5 fits no branch of the union [null, int, long]", Refused("""["null", "int", "long"]""", "1.5").Detail);
        Assert.Equal("1e39 fits no branch of the union [null, float]", Refused("""["null", "float"]""", "1e39").Detail);
        Assert.Equal("\"€\" fits no branch of the union [null, bytes]", Refused("""["null", "bytes"]""", "\"€\"").Detail);
        Assert.Contains("null is not a value of the union", Refused("""["int", "string"]""", "null").Detail);
        // An object of one member naming no branch is not taken as tagged.
        Assert.Equal("an object fits no branch of the union [null, string]", Refused("""["null", "string"]""", """{"boolean": true}""").Detail);
    }

    [Fact]
    public void Errors_InsideTheChosenBranch_NameThePathWithoutAWrapper()
    {
        var schema = AvroSchema.Parse("""{"type": "array", "items": ["null", {"type": "record", "name": "P", "fields": [{"name": "x", "type": "int"}]}]}""");
        var error = Assert.Throws<AvroJsonException>(() => JsonCorpus.UntaggedReader.Read(schema, """[null, {"x": "1"}]"""));
        Assert.Equal("$[1].x", error.Path);
    }

    [Fact]
    public void Writing_DropsTheWrappers()
    {
        var json = System.Text.Json.JsonDocument.Parse(JsonCorpus.Untagged.Write(JsonCorpus.AllBranches, JsonCorpus.AllBranchesDatum())).RootElement;
        var expected = System.Text.Json.JsonDocument.Parse(
            """[null,true,-7,1099511627776,0.25,-1E+300,"\u0000\u007F\u0080\u00FF","text é ✓",[1,2],{"k":"v"},"\u00AB\u0000","GREEN",{"x":1,"y":-1}]""");
        Assert.True(System.Text.Json.JsonElement.DeepEquals(expected.RootElement, json.GetProperty("values")), json.GetProperty("values").GetRawText());
        Assert.Equal(1767323045006, json.GetProperty("stamp").GetInt64());
        Assert.Equal(4, json.GetProperty("amount").GetString()!.Length);
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e", json.GetProperty("ref").GetString());
    }

    [Fact]
    public void UntaggedJson_ReadsBack_WhereNoValueFitsTwoBranches()
    {
        var datum = DatumCorpus.EverythingDatum(2);
        datum["maybe"] = "free text";
        var json = JsonCorpus.Untagged.Write(DatumCorpus.Everything, datum);
        Assert.Contains("\"maybe\":\"free text\"", json);
        Assert.Contains("\"list\":{\"value\":2,\"next\":{\"value\":3,\"next\":null}}", json);
        Assert.Equal(datum, JsonCorpus.UntaggedReader.Read(DatumCorpus.Everything, json));
    }

    [Fact]
    public void UntaggedJson_OfAValueFittingTwoBranches_DoesNotReadBack()
    {
        // The corpus's "maybe" holds the enum symbol CLUBS in ["null", "string", "Suit"]: bare, it is also a string.
        var json = JsonCorpus.Untagged.Write(DatumCorpus.Everything, DatumCorpus.EverythingDatum(1));
        var error = Assert.Throws<AvroJsonException>(() => JsonCorpus.UntaggedReader.Read(DatumCorpus.Everything, json));
        Assert.Equal("$.maybe", error.Path);
        Assert.Contains("string, bridge.test.Suit", error.Detail);
    }

    [Fact]
    public void TaggedJson_IsReadInUntaggedMode_WhenNoBranchTakesTheObjectAsItIs()
    {
        // Everything's unions have no map branch and no record branch that a one-member wrapper fits.
        foreach (var (schema, datum) in JsonCorpus.All().Where(p => p.Schema == DatumCorpus.Everything))
        {
            var tagged = JsonCorpus.Tagged.Write(schema, datum);
            Assert.True(DatumEquality.DatumEquals(datum, JsonCorpus.UntaggedReader.Read(schema, tagged)), tagged);
        }
        // With a map branch, an object is a map: the bare reading comes first, so it never misreads one.
        var error = Assert.Throws<AvroJsonException>(() => JsonCorpus.UntaggedReader.Read(JsonCorpus.AllBranches, """{"values": [{"boolean": true}]}"""));
        Assert.Equal("$.values[0].boolean", error.Path);
    }
}

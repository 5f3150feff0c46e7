using System.Text.Json;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Json;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Avro.Tests.Codec;

namespace Bridge.Eventing.Avro.Tests.Json;

/// <summary>
/// What AvroJsonReader refuses, and where it says the fault is: every error is an
/// AvroJsonException whose Path is the JSONPath of the offending value.
/// </summary>
public class JsonReadErrorTests
{
    private static string Task(int i, string state = "RUNNING") => $$"""{"id": "t{{i}}", "state": "{{state}}"}""";

    private static AvroJsonException Refused(AvroSchema schema, string json, JsonUnionMode mode = JsonUnionMode.Tagged) =>
        Assert.Throws<AvroJsonException>(() => (mode == JsonUnionMode.Tagged ? JsonCorpus.TaggedReader : JsonCorpus.UntaggedReader).Read(schema, json));

    [Fact]
    public void UnknownEnumSymbol_IsReportedAtItsPath()
    {
        var json = $$"""{"tasks": [{{Task(0)}}, {{Task(1)}}, {{Task(2)}}, {{Task(3, "RUNNIN")}}]}""";
        var error = Refused(JsonCorpus.Tasks, json);
        Assert.Equal("$.tasks[3].state", error.Path);
        Assert.Equal("\"RUNNIN\" is not a symbol of enum bridge.json.TaskState (STAGING, RUNNING, FINISHED)", error.Detail);
        Assert.Equal("$.tasks[3].state: " + error.Detail, error.Message);
    }

    [Fact]
    public void MissingFields_TakeTheirDefaults_FreshForEachRecord()
    {
        var list = (GenericRecord)JsonCorpus.TaggedReader.Read(JsonCorpus.Tasks, $$"""{"tasks": [{{Task(0)}}, {{Task(1)}}]}""")!;
        Assert.Null(list["owner"]);
        var tasks = (List<object?>)list["tasks"]!;
        var first = (GenericRecord)tasks[0]!;
        Assert.Equal(1.0, first["cpus"]);
        Assert.Equal(new List<object?> { 8080 }, first["ports"]);
        Assert.Empty((Dictionary<string, object?>)first["labels"]!);
        Assert.NotSame(first["ports"], ((GenericRecord)tasks[1]!)["ports"]);
    }

    [Fact]
    public void MissingFieldWithoutDefault_IsReportedAtTheFieldsPath()
    {
        var error = Refused(JsonCorpus.Tasks, """{"tasks": [{"id": "a", "state": "RUNNING"}, {"id": "b"}]}""");
        Assert.Equal("$.tasks[1].state", error.Path);
        Assert.Equal("the field is missing and has no default", error.Detail);
    }

    public static TheoryData<string, string, string, string> Refusals => new()
    {
        // schema, JSON, path, the start of the detail
        { "\"int\"", "1.0", "$", "expected an int, got 1.0: an integer is written without a fraction or exponent" },
        { "\"int\"", "1e2", "$", "expected an int, got 1e2: an integer" },
        { "\"int\"", "2147483648", "$", "expected an int, got 2147483648: outside -2147483648 to 2147483647" },
        { "\"int\"", "\"5\"", "$", "expected an int (a JSON integer), got \"5\"" },
        { "\"long\"", "9223372036854775808", "$", "expected a long, got 9223372036854775808: outside" },
        { "\"long\"", "true", "$", "expected a long (a JSON integer), got true" },
        { "\"float\"", "1e39", "$", "expected a float, got 1e39: outside its range" },
        { "\"double\"", "-1e309", "$", "expected a double, got -1e309: outside its range" },
        { "\"double\"", "\"nan\"", "$", "expected a double (a JSON number, or \"NaN\", \"Infinity\", \"-Infinity\"), got \"nan\"" },
        { "\"boolean\"", "0", "$", "expected a boolean (true or false), got 0" },
        { "\"null\"", "{}", "$", "expected null, got an object" },
        { "\"string\"", "[]", "$", "expected a string (a JSON string), got an array" },
        { "\"string\"", "\"\\ud800\"", "$", "expected a string, got a string escaping half a surrogate pair" },
        { "\"bytes\"", "\"a€b\"", "$", "expected bytes, got a string with U+20AC at index 1" },
        { """{"type": "fixed", "name": "F", "size": 2}""", "\"abc\"", "$", "fixed F holds 2 bytes, the string has 3" },
        { """{"type": "array", "items": "int"}""", "[1, 2, \"3\"]", "$[2]", "expected an int (a JSON integer), got \"3\"" },
        { """{"type": "array", "items": "int"}""", "{}", "$", "expected an array (a JSON array), got an object" },
        { """{"type": "map", "values": "int"}""", """{"a": 1, "a": 2}""", "$.a", "the key appears twice in the map" },
        { """{"type": "map", "values": "int"}""", """{"a b": "x"}""", "$[\"a b\"]", "expected an int" },
        { """{"type": "map", "values": "int"}""", """{"\ud800": 1}""", "$", "a member name escapes half a surrogate pair" },
        { """{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]}""", """{"a": 1, "b": 2}""", "$.b", "record R has no such field (its fields: a)" },
        { """{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]}""", """{"a": 1, "a": 1}""", "$.a", "the field appears twice" },
        { """{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]}""", "[]", "$", "expected a record R (a JSON object), got an array" },
        { """{"type": "int", "logicalType": "date"}""", "3000000", "$", "date 3000000 days from 1970-01-01 is outside years 1-9999" },
        { """{"type": "string", "logicalType": "uuid"}""", "\"not-a-uuid\"", "$", "uuid \"not-a-uuid\" is not a UUID" },
        { """{"type": "int", "logicalType": "time-millis"}""", "-1", "$", "time-millis -1 is not within a day" },
        // Regression (found by JsonFuzzTests): bytes of a decimal with more digits than its precision were read, then could not be written.
        { """{"type": "bytes", "logicalType": "decimal", "precision": 3, "scale": 1}""", "\"09\"", "$", "decimal 1234.5 has more than the schema's 3 digits" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Refusal_NamesThePathAndTheFault(string schemaJson, string json, string path, string detail)
    {
        var error = Refused(AvroSchema.Parse(schemaJson), json);
        Assert.Equal(path, error.Path);
        Assert.StartsWith(detail, error.Detail);
    }

    public static TheoryData<string, string, string> UnionRefusals => new()
    {
        // JSON for the field "maybe" (["null", "string", "bridge.test.Suit"]), path, the start of the detail
        { """{"Suit": "CLUBS"}""", "$.maybe.Suit", "names no branch of the union [null, string, bridge.test.Suit]" },
        { """{"string": "a", "null": null}""", "$.maybe", "expected a value of the union [null, string, bridge.test.Suit]: null, or an object of one member naming the branch, got an object of 2 members" },
        { "{}", "$.maybe", "expected a value of the union" },
        { "\"a\"", "$.maybe", "expected a value of the union [null, string, bridge.test.Suit]: null, or an object of one member naming the branch, got \"a\"" },
        { """{"null": null}""", "$.maybe.null", "a union's null is written as null, not tagged" },
        { """{"string": 5}""", "$.maybe.string", "expected a string (a JSON string), got 5" },
        { """{"bridge.test.Suit": "JOKER"}""", "$.maybe[\"bridge.test.Suit\"]", "\"JOKER\" is not a symbol of enum bridge.test.Suit" },
    };

    [Theory]
    [MemberData(nameof(UnionRefusals))]
    public void TaggedUnionRefusal_NamesThePathAndTheFault(string maybe, string path, string detail)
    {
        var error = Refused(DatumCorpus.Everything, EverythingWith("maybe", maybe));
        Assert.Equal(path, error.Path);
        Assert.StartsWith(detail, error.Detail);
    }

    [Fact]
    public void NullForAUnionWithoutANullBranch_IsRefused()
    {
        var error = Refused(AvroSchema.Parse("""["int", "string"]"""), "null");
        Assert.Equal("null is not a value of the union [int, string], which has no null branch", error.Detail);
    }

    [Fact]
    public void MalformedJson_IsRefusedAtTheRoot_WithTheParsersPositionAndError()
    {
        foreach (var json in new[] { "", "{", "{\"a\": 1,}", "[1] [2]", "nul", "'a'", "{\"a\": 1} // comment", "01", "1.", "\"\t\"" })
        {
            var error = Refused(AvroSchema.Parse("""{"type": "map", "values": "int"}"""), json);
            Assert.Equal("$", error.Path);
            Assert.StartsWith("not valid JSON: ", error.Detail);
            Assert.IsAssignableFrom<JsonException>(error.InnerException);
        }
    }

    [Fact]
    public void UnpairedSurrogateInTheDotNetString_IsMalformedJson()
    {
        var error = Refused(AvroSchema.String, "\"a\ud800\"");
        Assert.Equal("$", error.Path);
        Assert.IsType<ArgumentException>(error.InnerException);
    }

    [Fact]
    public void DuplicateMembers_AreFoundInAJsonElementWhateverItsParserAllowed()
    {
        using var document = JsonDocument.Parse("""{"tasks": [], "tasks": []}""");
        var error = Assert.Throws<AvroJsonException>(() => JsonCorpus.TaggedReader.Read(JsonCorpus.Tasks, document.RootElement));
        Assert.Equal("$.tasks", error.Path);
    }

    [Fact]
    public void LinkedListAtTheDepthLimit_IsRead_AndOneDeeperIsRefused()
    {
        var schema = AvroSchema.Parse("""{"type":"record","name":"LongList","fields":[{"name":"value","type":"long"},{"name":"next","type":["null","LongList"]}]}""");
        Assert.NotNull(JsonCorpus.TaggedReader.Read(schema, LinkedList(256)));
        var error = Refused(schema, LinkedList(257));
        Assert.Equal("the datum nests deeper than 256 levels", error.Detail);
        Assert.Equal(256, error.Path.Split(".next").Length - 1);
        var shallow = new AvroJsonReader(new AvroJsonOptions { MaxDepth = 3 });
        Assert.NotNull(shallow.Read(schema, LinkedList(3)));
        Assert.Throws<AvroJsonException>(() => shallow.Read(schema, LinkedList(4)));
    }

    [Fact]
    public void JsonNestedFarPastTheLimit_IsRefusedByTheParser_WithoutRecursingIntoIt()
    {
        var schema = AvroSchema.Parse("""{"type": "array", "items": {"type": "array", "items": "int"}}""");
        var error = Refused(schema, new string('[', 100_000) + new string(']', 100_000));
        Assert.Equal("$", error.Path);
        Assert.Contains("depth", error.Detail);
        // 400 levels of JSON, within the parser's bound (2 x 256 + 1), are 400 datum levels: the reader stops at 256.
        var nested = AvroSchema.Parse("""{"type":"record","name":"A","fields":[{"name":"a","type":{"type":"array","items":"A"}}]}""");
        var deep = string.Concat(Enumerable.Repeat("{\"a\": [", 200)) + string.Concat(Enumerable.Repeat("]}", 200));
        Assert.Equal("the datum nests deeper than 256 levels", Refused(nested, deep).Detail);
    }

    [Fact]
    public void Utf8JsonReader_Refusal_IsAnAvroJsonException()
    {
        var reader = new Utf8JsonReader("{\"a\": }"u8);
        try
        {
            JsonCorpus.TaggedReader.Read(AvroSchema.Parse("""{"type": "map", "values": "int"}"""), ref reader);
            Assert.Fail("read malformed JSON");
        }
        catch (AvroJsonException e)
        {
            Assert.Equal("$", e.Path);
        }
    }

    private static string LinkedList(int nodes)
    {
        var json = "null";
        for (var i = nodes; i > 1; i--) json = "{\"LongList\": {\"value\": " + i + ", \"next\": " + json + "}}";
        return "{\"value\": 1, \"next\": " + json + "}"; // the root is the record itself, not a union
    }

    private static string EverythingWith(string field, string json)
    {
        var everything = System.Text.Json.Nodes.JsonNode.Parse(JsonCorpus.Tagged.Write(DatumCorpus.Everything, DatumCorpus.EverythingDatum(1)))!;
        everything[field] = System.Text.Json.Nodes.JsonNode.Parse(json);
        return everything.ToJsonString();
    }
}

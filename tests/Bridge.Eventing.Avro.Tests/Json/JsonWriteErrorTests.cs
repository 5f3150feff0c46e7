using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Json;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Avro.Tests.Codec;

namespace Bridge.Eventing.Avro.Tests.Json;

/// <summary>
/// What AvroJsonWriter refuses: the binary DatumWriter's AvroEncodeException, with the same path in
/// the datum (<c>tasks[3].state</c>) and the same detail for the same fault.
/// </summary>
public class JsonWriteErrorTests
{
    private static GenericRecord Task(string id, object state)
    {
        var task = (RecordSchema)((ArraySchema)JsonCorpus.Tasks.GetField("tasks")!.Schema).Items;
        return new GenericRecord(task) { ["id"] = id, ["state"] = state, ["cpus"] = 1.0, ["labels"] = new Dictionary<string, object?>(), ["ports"] = new List<object?>() };
    }

    private static GenericRecord Tasks(params GenericRecord[] tasks) =>
        new(JsonCorpus.Tasks) { ["tasks"] = tasks.Cast<object?>().ToList(), ["owner"] = null };

    [Fact]
    public void UnknownSymbol_IsReportedAtItsPathInTheDatum_AsTheBinaryWriterReportsIt()
    {
        var datum = Tasks(Task("a", "RUNNING"), Task("b", "RUNNING"), Task("c", "RUNNING"), Task("d", "RUNNIN"));
        var json = Assert.Throws<AvroEncodeException>(() => JsonCorpus.Tagged.Write(JsonCorpus.Tasks, datum));
        var binary = Assert.Throws<AvroEncodeException>(() => new DatumWriter(JsonCorpus.Tasks).Encode(datum));
        Assert.Equal("tasks[3].state", json.Path);
        Assert.Equal("'RUNNIN' is not a symbol of enum bridge.json.TaskState", json.Detail);
        Assert.Equal(binary.Path, json.Path);
        Assert.Equal(binary.Detail, json.Detail);
    }

    public static TheoryData<string, object?, string, string> Misfits => new()
    {
        // schema, datum, path, detail
        { "\"int\"", 5L, "", "expected an int, got 5 (Int64)" },
        { "\"float\"", 1.5, "", "expected a float, got 1.5 (Double)" },
        { "\"string\"", null, "", "expected a string, got null" },
        { "\"null\"", "x", "", "expected null, got \"x\"" },
        { "\"bytes\"", "x", "", "expected bytes (byte[]), got \"x\"" },
        { """{"type": "fixed", "name": "F", "size": 2}""", new byte[3], "", "fixed F holds 2 bytes, not 3" },
        { """{"type": "array", "items": "int"}""", new List<object?> { 1, "2" }, "[1]", "expected an int, got \"2\"" },
        { """{"type": "map", "values": "int"}""", new Dictionary<string, object?> { ["a b"] = "x" }, "[\"a b\"]", "expected an int, got \"x\"" },
        { """{"type": "map", "values": "int"}""", new Dictionary<int, object?> { [1] = 1 }, "", "map keys must be strings, not 1 (Int32)" },
        { """["null", "string"]""", 5, "", "expected a value of one of the union's branches [null, string], got 5 (Int32)" },
        { """{"type": "bytes", "logicalType": "decimal", "precision": 3, "scale": 1}""", new AvroDecimal(12345, 1), "", "decimal 1234.5 has more than the schema's 3 digits" },
    };

    [Theory]
    [MemberData(nameof(Misfits))]
    public void Misfit_IsRefusedWithThePathAndTheFault(string schemaJson, object? datum, string path, string detail)
    {
        var error = Assert.Throws<AvroEncodeException>(() => JsonCorpus.Tagged.Write(AvroSchema.Parse(schemaJson), datum));
        Assert.Equal(path, error.Path);
        Assert.Equal(detail, error.Detail);
    }

    [Fact]
    public void CyclicDatum_IsRefusedAtTheDepthLimit_NotAStackOverflow()
    {
        var schema = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"LongList","fields":[{"name":"value","type":"long"},{"name":"next","type":["null","LongList"]}]}""");
        var node = new GenericRecord(schema) { ["value"] = 1L };
        node["next"] = node;
        var error = Assert.Throws<AvroEncodeException>(() => JsonCorpus.Tagged.Write(schema, node));
        Assert.Equal("the datum nests deeper than 256 levels (a cycle?)", error.Detail);
        Assert.Throws<AvroEncodeException>(() => new AvroJsonWriter(new AvroJsonOptions { MaxDepth = 1 }).Write(schema, new GenericRecord(schema)
        {
            ["value"] = 1L, ["next"] = new GenericRecord(schema) { ["value"] = 2L },
        }));
    }

    [Fact]
    public void RecordOfAnotherSchema_IsRefused()
    {
        var error = Assert.Throws<AvroEncodeException>(() => JsonCorpus.Tagged.Write(JsonCorpus.Tasks, DatumCorpus.EverythingDatum()));
        Assert.Equal("expected a record bridge.json.TaskList, got a record bridge.test.Everything", error.Detail);
    }

    [Fact]
    public void NegativeMaxDepth_IsRefusedByBothConstructors()
    {
        var options = new AvroJsonOptions { MaxDepth = -1 };
        Assert.Throws<ArgumentOutOfRangeException>(() => new AvroJsonWriter(options));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AvroJsonReader(options));
    }
}

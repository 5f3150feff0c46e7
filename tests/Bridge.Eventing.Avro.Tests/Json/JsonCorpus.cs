using System.Numerics;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Json;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Avro.Tests.Codec;
using Bridge.Eventing.Avro.Tests.Interop;

namespace Bridge.Eventing.Avro.Tests.Json;

/// <summary>
/// Schemas and datums for the JSON encoding tests: DatumCorpus's Everything (every type and
/// logical type) and its edge datums, a record whose array holds a union with a branch of every
/// kind (so every tagged branch name is written), and a task list for error paths.
/// </summary>
public static class JsonCorpus
{
    public const string AllBranchesJson = """
    {"type": "record", "name": "AllBranches", "namespace": "bridge.json", "fields": [
      {"name": "values", "type": {"type": "array", "items": [
        "null", "boolean", "int", "long", "float", "double", "bytes", "string",
        {"type": "array", "items": "int"},
        {"type": "map", "values": "string"},
        {"type": "fixed", "name": "Pair", "size": 2},
        {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]},
        {"type": "record", "name": "Point", "fields": [{"name": "x", "type": "int"}, {"name": "y", "type": "int"}]}
      ]}},
      {"name": "stamp", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}]},
      {"name": "amount", "type": ["null", {"type": "fixed", "name": "Amount", "size": 4, "logicalType": "decimal", "precision": 9, "scale": 2}]},
      {"name": "ref", "type": ["null", {"type": "string", "logicalType": "uuid"}]}
    ]}
    """;

    public static RecordSchema AllBranches { get; } = (RecordSchema)AvroSchema.Parse(AllBranchesJson);

    public const string TasksJson = """
    {"type": "record", "name": "TaskList", "namespace": "bridge.json", "fields": [
      {"name": "tasks", "type": {"type": "array", "items": {"type": "record", "name": "Task", "fields": [
        {"name": "id", "type": "string"},
        {"name": "state", "type": {"type": "enum", "name": "TaskState", "symbols": ["STAGING", "RUNNING", "FINISHED"]}},
        {"name": "cpus", "type": "double", "default": 1.0},
        {"name": "labels", "type": {"type": "map", "values": "string"}, "default": {}},
        {"name": "ports", "type": {"type": "array", "items": "int"}, "default": [8080]}
      ]}}},
      {"name": "owner", "type": ["null", "string"], "default": null}
    ]}
    """;

    public static RecordSchema Tasks { get; } = (RecordSchema)AvroSchema.Parse(TasksJson);

    public static AvroJsonWriter Tagged { get; } = new();

    public static AvroJsonReader TaggedReader { get; } = new();

    public static AvroJsonWriter Untagged { get; } = new(new AvroJsonOptions { UnionMode = JsonUnionMode.Untagged });

    public static AvroJsonReader UntaggedReader { get; } = new(new AvroJsonOptions { UnionMode = JsonUnionMode.Untagged });

    public static RecordSchema Point => (RecordSchema)ValuesUnion.Branches.Single(b => b is RecordSchema);

    private static UnionSchema ValuesUnion => (UnionSchema)((ArraySchema)AllBranches.GetField("values")!.Schema).Items;

    /// <summary>A value of every branch of AllBranches' union, in branch order.</summary>
    public static GenericRecord AllBranchesDatum()
    {
        var branches = ValuesUnion.Branches;
        return new GenericRecord(AllBranches)
        {
            ["values"] = new List<object?>
            {
                null, true, -7, 1L << 40, 0.25f, -1e300, new byte[] { 0, 0x7F, 0x80, 0xFF }, "text é ✓",
                new List<object?> { 1, 2 },
                new Dictionary<string, object?> { ["k"] = "v" },
                new GenericFixed((FixedSchema)branches[10], [0xAB, 0x00]),
                new GenericEnum((EnumSchema)branches[11], "GREEN"),
                new GenericRecord(Point) { ["x"] = 1, ["y"] = -1 },
            },
            ["stamp"] = new DateTime(2026, 1, 2, 3, 4, 5, 6, DateTimeKind.Utc),
            ["amount"] = new AvroDecimal(new BigInteger(-123456), 2),
            ["ref"] = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        };
    }

    /// <summary>Every datum the JSON tests round-trip: the corpus's, its interop edge datums, AllBranches.</summary>
    public static IEnumerable<(AvroSchema Schema, GenericRecord Datum)> All() =>
        InteropDatums.Everything().Select(d => ((AvroSchema)DatumCorpus.Everything, d))
            .Append((AllBranches, AllBranchesDatum()));
}

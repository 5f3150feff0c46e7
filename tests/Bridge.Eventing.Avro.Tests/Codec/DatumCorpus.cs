using System.Numerics;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Tests.Codec;

/// <summary>A record schema that uses every type and logical type, and a datum of it: the round-trip, interop and benchmark seed.</summary>
public static class DatumCorpus
{
    public const string EverythingJson = """
    {"type": "record", "name": "Everything", "namespace": "bridge.test", "fields": [
      {"name": "n", "type": "null"},
      {"name": "flag", "type": "boolean"},
      {"name": "i", "type": "int"},
      {"name": "l", "type": "long"},
      {"name": "f", "type": "float"},
      {"name": "d", "type": "double"},
      {"name": "raw", "type": "bytes"},
      {"name": "text", "type": "string"},
      {"name": "suit", "type": {"type": "enum", "name": "Suit", "symbols": ["SPADES", "HEARTS", "DIAMONDS", "CLUBS"], "default": "SPADES"}},
      {"name": "hash", "type": {"type": "fixed", "name": "Md5", "size": 16}},
      {"name": "tags", "type": {"type": "array", "items": "string"}},
      {"name": "counts", "type": {"type": "map", "values": "long"}},
      {"name": "maybe", "type": ["null", "string", "Suit"]},
      {"name": "list", "type": ["null", {"type": "record", "name": "Node", "fields": [
          {"name": "value", "type": "int"}, {"name": "next", "type": ["null", "Node"]}]}]},
      {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
      {"name": "money", "type": {"type": "fixed", "name": "Money", "size": 8, "logicalType": "decimal", "precision": 18, "scale": 4}},
      {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
      {"name": "day", "type": {"type": "int", "logicalType": "date"}},
      {"name": "tms", "type": {"type": "int", "logicalType": "time-millis"}},
      {"name": "tus", "type": {"type": "long", "logicalType": "time-micros"}},
      {"name": "tsms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
      {"name": "tsus", "type": {"type": "long", "logicalType": "timestamp-micros"}},
      {"name": "ltsms", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
      {"name": "ltsus", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
      {"name": "span", "type": {"type": "fixed", "name": "Span", "size": 12, "logicalType": "duration"}},
      {"name": "added", "type": "string", "default": "x"}
    ]}
    """;

    public static RecordSchema Everything { get; } = (RecordSchema)AvroSchema.Parse(EverythingJson);

    public static GenericRecord EverythingDatum(int seed = 1)
    {
        var schema = Everything;
        var node = (RecordSchema)((UnionSchema)schema.GetField("list")!.Schema).Branches[1];
        var suit = (EnumSchema)schema.GetField("suit")!.Schema;
        var tail = new GenericRecord(node) { ["value"] = seed + 1, ["next"] = null };
        return new GenericRecord(schema)
        {
            ["n"] = null,
            ["flag"] = seed % 2 == 1,
            ["i"] = -seed * 1_000,
            ["l"] = long.MaxValue - seed,
            ["f"] = 1.5f * seed,
            ["d"] = -2.25 * seed,
            ["raw"] = new byte[] { 0, 1, 2, 0xFF, (byte)seed },
            ["text"] = $"héllo wörld {seed} ✓",
            ["suit"] = new GenericEnum(suit, "DIAMONDS"),
            ["hash"] = new GenericFixed((FixedSchema)schema.GetField("hash")!.Schema, Enumerable.Range(seed, 16).Select(b => (byte)b).ToArray()),
            ["tags"] = new List<object?> { "a", "b", $"c{seed}" },
            ["counts"] = new Dictionary<string, object?> { ["one"] = 1L, ["many"] = (long)seed << 40 },
            ["maybe"] = new GenericEnum(suit, "CLUBS"),
            ["list"] = new GenericRecord(node) { ["value"] = seed, ["next"] = tail },
            ["price"] = new AvroDecimal(new BigInteger(-12345 * seed), 2),
            ["money"] = new AvroDecimal(BigInteger.Parse("123456789012345678") / (seed + 1), 4),
            ["id"] = new Guid($"6f1c2a3b-4d5e-4f60-8a9b-{seed:x12}"),
            ["day"] = new DateOnly(2026, 11, 22).AddDays(seed),
            ["tms"] = new TimeOnly(13, 45, 30, 123),
            ["tus"] = new TimeOnly(13, 45, 30, 123, 456),
            ["tsms"] = new DateTime(2026, 11, 22, 10, 0, 0, 123, DateTimeKind.Utc).AddSeconds(seed),
            ["tsus"] = new DateTime(2026, 11, 22, 10, 0, 0, 123, 456, DateTimeKind.Utc),
            ["ltsms"] = new DateTime(1969, 7, 20, 20, 17, 40, 5, DateTimeKind.Unspecified),
            ["ltsus"] = new DateTime(2000, 1, 1, 0, 0, 0, 0, 1, DateTimeKind.Unspecified),
            ["span"] = new AvroDuration(1, 2, 3_000 + (uint)seed),
            ["added"] = "y",
        };
    }
}

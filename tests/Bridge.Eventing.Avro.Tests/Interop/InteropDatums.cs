using System.Numerics;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Avro.Tests.Codec;

namespace Bridge.Eventing.Avro.Tests.Interop;

/// <summary>Datums of the DatumCorpus Everything schema for the interop tests: the corpus's, and ones at the edges of every type.</summary>
public static class InteropDatums
{
    /// <summary>Corpus datums 1-3 and two edge datums: every union branch, extremes, NaN and -0.0, empty collections, pre-epoch times.</summary>
    public static List<GenericRecord> Everything() => [DatumCorpus.EverythingDatum(1), DatumCorpus.EverythingDatum(2), DatumCorpus.EverythingDatum(3), Low(), High()];

    private static GenericRecord Low()
    {
        var record = DatumCorpus.EverythingDatum(5);
        var schema = DatumCorpus.Everything;
        record["flag"] = false;
        record["i"] = int.MinValue;
        record["l"] = long.MinValue;
        record["f"] = float.NaN;
        record["d"] = -0.0;
        record["raw"] = Array.Empty<byte>();
        record["text"] = "";
        record["suit"] = new GenericEnum((EnumSchema)schema.GetField("suit")!.Schema, "SPADES");
        record["hash"] = new GenericFixed((FixedSchema)schema.GetField("hash")!.Schema, new byte[16]);
        record["tags"] = new List<object?>();
        record["counts"] = new Dictionary<string, object?>();
        record["maybe"] = null;
        record["list"] = null;
        record["price"] = new AvroDecimal(BigInteger.Zero, 2);
        record["money"] = new AvroDecimal(-BigInteger.Parse("999999999999999999"), 4);
        record["id"] = Guid.Empty;
        record["day"] = new DateOnly(1, 1, 1);
        record["tms"] = TimeOnly.MinValue;
        record["tus"] = TimeOnly.MinValue;
        record["tsms"] = new DateTime(1969, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc);
        record["tsus"] = new DateTime(1900, 1, 1, 0, 0, 0, 0, 1, DateTimeKind.Utc);
        record["ltsms"] = new DateTime(1969, 12, 31, 23, 59, 59, 999, DateTimeKind.Unspecified);
        record["ltsus"] = new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        record["span"] = new AvroDuration(0, 0, 0);
        record["added"] = "";
        return record;
    }

    private static GenericRecord High()
    {
        var record = DatumCorpus.EverythingDatum(6);
        var schema = DatumCorpus.Everything;
        record["i"] = int.MaxValue;
        record["l"] = long.MaxValue;
        record["f"] = float.NegativeInfinity;
        record["d"] = double.Epsilon;
        record["raw"] = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        record["text"] = "nul \u0000, astral \U0001D11E, RTL \u05D0, combining e\u0301";
        record["hash"] = new GenericFixed((FixedSchema)schema.GetField("hash")!.Schema, Enumerable.Repeat((byte)0xFF, 16).ToArray());
        record["tags"] = Enumerable.Range(0, 100).Select(i => (object?)$"tag{i}").ToList();
        record["counts"] = Enumerable.Range(0, 50).ToDictionary(i => $"k{i}", i => (object?)(-(long)i << 50));
        record["maybe"] = "free text, not a symbol";
        record["price"] = new AvroDecimal(BigInteger.Parse("9999999999"), 2);
        record["money"] = new AvroDecimal(BigInteger.Parse("999999999999999999"), 4);
        record["id"] = Guid.Parse("ffffffff-ffff-4fff-bfff-ffffffffffff");
        record["day"] = new DateOnly(9999, 12, 31);
        record["tms"] = new TimeOnly(23, 59, 59, 999);
        record["tus"] = new TimeOnly(23, 59, 59, 999, 999);
        record["tsms"] = new DateTime(9999, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc);
        record["tsus"] = new DateTime(2038, 1, 19, 3, 14, 8, 0, 1, DateTimeKind.Utc);
        record["ltsms"] = new DateTime(9999, 12, 31, 23, 59, 59, 999, DateTimeKind.Unspecified);
        record["ltsus"] = new DateTime(2262, 4, 11, 23, 47, 16, 854, 775, DateTimeKind.Unspecified);
        record["span"] = new AvroDuration(uint.MaxValue, uint.MaxValue, uint.MaxValue);
        record["added"] = new string('x', 10_000);
        return record;
    }
}

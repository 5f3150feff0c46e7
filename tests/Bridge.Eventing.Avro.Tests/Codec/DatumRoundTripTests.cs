using Bridge.Eventing.Avro.Binary;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;
using Xunit;

namespace Bridge.Eventing.Avro.Tests.Codec;

public class DatumRoundTripTests
{
    private static object? RoundTrip(AvroSchema schema, object? datum) =>
        new DatumReader(schema).Read(new DatumWriter(schema).Encode(datum));

    [Fact]
    public void Everything_RoundTrips_ToAnEqualRecord()
    {
        var datum = DatumCorpus.EverythingDatum(3);
        var back = (GenericRecord)RoundTrip(DatumCorpus.Everything, datum)!;
        Assert.Equal(datum, back);
        Assert.IsType<DateOnly>(back["day"]);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)back["tsms"]!).Kind);
        Assert.Equal(DateTimeKind.Unspecified, ((DateTime)back["ltsus"]!).Kind);
    }

    public static TheoryData<string, object?, string> Primitives => new()
    {
        { "\"null\"", null, "" },
        { "\"boolean\"", true, "01" },
        { "\"int\"", -64, "7F" },
        { "\"int\"", int.MaxValue, "FEFFFFFF0F" },
        { "\"long\"", 64L, "8001" },
        { "\"long\"", long.MinValue, "FFFFFFFFFFFFFFFFFF01" },
        { "\"float\"", 1.0f, "0000803F" },
        { "\"double\"", -2.0, "00000000000000C0" },
        { "\"bytes\"", new byte[] { 1, 2 }, "040102" },
        { "\"string\"", "foo", "06666F6F" },
        { """{"type": "array", "items": "long"}""", new List<object?> { 3L, 27L }, "04063600" },
        { """{"type": "map", "values": "int"}""", new Dictionary<string, object?> { ["a"] = 1 }, "020261" + "0200" },
        { """["null", "string"]""", "a", "020261" },
        { """["null", "string"]""", null, "00" },
    };

    [Theory]
    [MemberData(nameof(Primitives))]
    public void Encoding_MatchesTheSpecificationsBytes_AndDecodesBack(string schemaJson, object? datum, string hex)
    {
        var schema = AvroSchema.Parse(schemaJson);
        var bytes = new DatumWriter(schema).Encode(datum);
        Assert.Equal(hex, Convert.ToHexString(bytes));
        Assert.True(DatumEquality.DatumEquals(datum, new DatumReader(schema).Read(bytes)));
    }

    [Fact]
    public void SpecificationExample_RecordOfLongAndString_EncodesAsDocumented()
    {
        // Avro 1.11 specification, "Complex Types (records)": {"a": 27, "b": "foo"} is 36 06 66 6f 6f.
        var schema = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"test","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]}""");
        var record = new GenericRecord(schema) { ["a"] = 27L, ["b"] = "foo" };
        Assert.Equal("3606666F6F", Convert.ToHexString(new DatumWriter(schema).Encode(record)));
    }

    [Fact]
    public void NegativeBlockCount_WithByteSize_IsReadLikeAPositiveOne()
    {
        var schema = AvroSchema.Parse("""{"type": "array", "items": "long"}""");
        // count -2 (zig-zag 03), block size 2 bytes (04), items 3 and 27, end.
        var list = (List<object?>)new DatumReader(schema).Read(Convert.FromHexString("0304063600"))!;
        Assert.Equal(new object?[] { 3L, 27L }, list);
    }

    [Fact]
    public void Union_PicksExactBranch_BeforeAPromotion()
    {
        var schema = AvroSchema.Parse("""["long", "int"]""");
        Assert.Equal("02" + "02", Convert.ToHexString(new DatumWriter(schema).Encode(1)));
        Assert.Equal("00" + "02", Convert.ToHexString(new DatumWriter(schema).Encode(1L)));
        var promoted = AvroSchema.Parse("""["null", "double"]""");
        Assert.Equal(2.0, new DatumReader(promoted).Read(new DatumWriter(promoted).Encode(2)));
    }

    [Fact]
    public void Union_TakesAnEnumSymbolAsAString_WhenNoStringBranchIs()
    {
        var schema = AvroSchema.Parse("""["null", {"type":"enum","name":"E","symbols":["A","B"]}]""");
        Assert.Equal("0202", Convert.ToHexString(new DatumWriter(schema).Encode("B")));
        var withString = AvroSchema.Parse("""["null", {"type":"enum","name":"E","symbols":["A","B"]}, "string"]""");
        Assert.Equal("04" + "0242", Convert.ToHexString(new DatumWriter(withString).Encode("B")));
    }

    [Fact]
    public void Union_OfTwoRecords_IsChosenByFullName()
    {
        var schema = (UnionSchema)AvroSchema.Parse("""[{"type":"record","name":"A","fields":[]},{"type":"record","name":"B","fields":[]}]""");
        var b = new GenericRecord((RecordSchema)schema.Branches[1]);
        Assert.Equal("02", Convert.ToHexString(new DatumWriter(schema).Encode(b)));
    }

    [Fact]
    public void WrongType_IsRefused_WithThePathOfTheField()
    {
        var datum = DatumCorpus.EverythingDatum();
        ((List<object?>)datum["tags"]!)[1] = 42;
        var error = Assert.Throws<AvroEncodeException>(() => new DatumWriter(DatumCorpus.Everything).Encode(datum));
        Assert.Equal("tags[1]", error.Path);
        Assert.Contains("expected a string, got 42 (Int32)", error.Detail);
    }

    [Fact]
    public void NestedRecordError_NamesEveryLevel()
    {
        var datum = DatumCorpus.EverythingDatum();
        var next = (GenericRecord)((GenericRecord)datum["list"]!)["next"]!;
        next["value"] = "not a number";
        var error = Assert.Throws<AvroEncodeException>(() => new DatumWriter(DatumCorpus.Everything).Encode(datum));
        Assert.StartsWith("list.next.value", error.Path);
    }

    [Theory]
    [InlineData("""{"type": "enum", "name": "E", "symbols": ["A"]}""", "B", "'B' is not a symbol of enum E")]
    [InlineData("""{"type": "fixed", "name": "F", "size": 2}""", "bytes3", "fixed F holds 2 bytes, not 3")]
    [InlineData("""["null", "int"]""", "text", "one of the union's branches [null, int]")]
    [InlineData("""{"type": "bytes", "logicalType": "decimal", "precision": 3, "scale": 1}""", "decimal", "more than the schema's 3 digits")]
    public void DatumsThatDoNotFit_AreRefused_WithAReason(string schemaJson, string what, string reason)
    {
        object? datum = what switch
        {
            "bytes3" => new byte[3],
            "decimal" => 123.4m,
            _ => what,
        };
        var error = Assert.Throws<AvroEncodeException>(() => new DatumWriter(AvroSchema.Parse(schemaJson)).Encode(datum));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void CyclicDatum_IsRefused_NotAStackOverflow()
    {
        var schema = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]}]}""");
        var loop = new GenericRecord(schema);
        loop["next"] = loop;
        var error = Assert.Throws<AvroEncodeException>(() => new DatumWriter(schema).Encode(loop));
        Assert.Contains("deeper than 256", error.Detail);
    }

    [Theory]
    [InlineData(256, true)]
    [InlineData(257, false)]
    public void LinkedList_OfUpTo256Nodes_RoundTrips_UnionsAddingNoLevel(int nodes, bool fits)
    {
        var schema = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"L","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","L"]}]}""");
        GenericRecord? head = null;
        for (var i = nodes; i > 0; i--) head = new GenericRecord(schema) { ["v"] = i, ["next"] = head };
        if (!fits)
        {
            Assert.Contains("deeper than 256", Assert.Throws<AvroEncodeException>(() => new DatumWriter(schema).Encode(head)).Detail);
            return;
        }
        var bytes = new DatumWriter(schema).Encode(head);
        Assert.Equal(head, new DatumReader(schema).Read(bytes));
        // One node more on the wire (append a node before the final null) is refused by the reader too.
        var longer = bytes[..^1].Concat(Convert.FromHexString("0202" + "00")).ToArray();
        Assert.Contains("deeper than 256", Assert.Throws<AvroDecodeException>(() => new DatumReader(schema).Read(longer)).Detail);
    }

    [Fact]
    public void TrailingBytes_AreAnError()
    {
        var error = Assert.Throws<AvroDecodeException>(() => new DatumReader(AvroSchema.Int).Read([2, 0]));
        Assert.Equal(1, error.Offset);
    }
}

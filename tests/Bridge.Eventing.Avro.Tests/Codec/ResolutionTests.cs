using Bridge.Eventing.Avro.Binary;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;
using Xunit;

namespace Bridge.Eventing.Avro.Tests.Codec;

/// <summary>Avro 1.11 specification, "Schema Resolution": each rule, and pairs that cannot be resolved.</summary>
public class ResolutionTests
{
    private static object? Resolve(string writerJson, string readerJson, object? datum)
    {
        var writer = AvroSchema.Parse(writerJson);
        return new DatumReader(writer, AvroSchema.Parse(readerJson)).Read(new DatumWriter(writer).Encode(datum));
    }

    private static GenericRecord Record(string json, params (string Name, object? Value)[] values)
    {
        var record = new GenericRecord((RecordSchema)AvroSchema.Parse(json));
        foreach (var (name, value) in values) record[name] = value;
        return record;
    }

    private const string WriterV1 = """{"type":"record","name":"r.Order","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"},{"name":"note","type":"string"}]}""";

    [Fact]
    public void Fields_AreMatchedByName_InTheReadersOrder_ExtraWriterFieldsSkipped()
    {
        const string reader = """{"type":"record","name":"Order","fields":[{"name":"qty","type":"long"},{"name":"id","type":"string"}]}""";
        var back = (GenericRecord)Resolve(WriterV1, reader, Record(WriterV1, ("id", "o-1"), ("qty", 7), ("note", "skip me")))!;
        Assert.Equal(7L, back["qty"]);
        Assert.Equal("o-1", back["id"]);
        Assert.Equal(2, back.Schema.Fields.Length);
    }

    [Fact]
    public void MissingWriterField_TakesTheReadersDefault_AndMutableDefaultsAreNotShared()
    {
        const string reader = """{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"tags","type":{"type":"array","items":"string"},"default":["new"]},{"name":"priority","type":["int","null"],"default":5}]}""";
        var writer = AvroSchema.Parse(WriterV1);
        var datumReader = new DatumReader(writer, AvroSchema.Parse(reader));
        var bytes = new DatumWriter(writer).Encode(Record(WriterV1, ("id", "o-1"), ("qty", 1), ("note", "")));
        var first = (GenericRecord)datumReader.Read(bytes)!;
        Assert.Equal(new List<object?> { "new" }, first["tags"]);
        Assert.Equal(5, first["priority"]);
        ((List<object?>)first["tags"]!).Add("mutated");
        var second = (GenericRecord)datumReader.Read(bytes)!;
        Assert.Single((List<object?>)second["tags"]!);
    }

    [Fact]
    public void ReaderFieldAlias_MatchesTheWritersOldName()
    {
        const string reader = """{"type":"record","name":"Order","fields":[{"name":"quantity","type":"int","aliases":["qty"]}]}""";
        var back = (GenericRecord)Resolve(WriterV1, reader, Record(WriterV1, ("id", "x"), ("qty", 3), ("note", "")))!;
        Assert.Equal(3, back["quantity"]);
    }

    [Fact]
    public void ReaderRecordAlias_MatchesTheWritersOldName()
    {
        const string reader = """{"type":"record","name":"Purchase","aliases":["r.Order"],"fields":[{"name":"id","type":"string"}]}""";
        var back = (GenericRecord)Resolve(WriterV1, reader, Record(WriterV1, ("id", "x"), ("qty", 3), ("note", "")))!;
        Assert.Equal("Purchase", back.Schema.FullName);
    }

    [Theory]
    [InlineData("\"int\"", "\"long\"", 5, 5L)]
    [InlineData("\"int\"", "\"float\"", 5, 5f)]
    [InlineData("\"int\"", "\"double\"", 5, 5.0)]
    [InlineData("\"long\"", "\"float\"", 5L, 5f)]
    [InlineData("\"long\"", "\"double\"", 5L, 5.0)]
    [InlineData("\"float\"", "\"double\"", 1.5f, 1.5)]
    [InlineData("\"string\"", "\"string\"", "s", "s")]
    public void NumericPromotions(string writer, string reader, object datum, object expected) =>
        Assert.Equal(expected, Resolve(writer, reader, datum));

    [Fact]
    public void StringAndBytes_PromoteBothWays()
    {
        Assert.Equal("hé"u8.ToArray(), Resolve("\"string\"", "\"bytes\"", "hé"));
        Assert.Equal("hé", Resolve("\"bytes\"", "\"string\"", "hé"u8.ToArray()));
    }

    [Fact]
    public void EnumSymbolUnknownToTheReader_TakesTheReadersDefault()
    {
        const string writer = """{"type":"enum","name":"Suit","symbols":["SPADES","HEARTS","JOKER"]}""";
        const string reader = """{"type":"enum","name":"Suit","symbols":["HEARTS","SPADES","UNKNOWN"],"default":"UNKNOWN"}""";
        var enumSchema = (EnumSchema)AvroSchema.Parse(writer);
        Assert.Equal("SPADES", ((GenericEnum)Resolve(writer, reader, new GenericEnum(enumSchema, "SPADES"))!).Symbol);
        Assert.Equal("UNKNOWN", ((GenericEnum)Resolve(writer, reader, new GenericEnum(enumSchema, "JOKER"))!).Symbol);
    }

    [Fact]
    public void EnumSymbolUnknownToTheReader_WithoutDefault_FailsWhenThatSymbolArrives()
    {
        const string writer = """{"type":"enum","name":"Suit","symbols":["SPADES","JOKER"]}""";
        var enumSchema = (EnumSchema)AvroSchema.Parse(writer);
        var datumReader = new DatumReader(enumSchema, AvroSchema.Parse("""{"type":"enum","name":"Suit","symbols":["SPADES"]}"""));
        Assert.Equal("SPADES", ((GenericEnum)datumReader.Read(new DatumWriter(enumSchema).Encode("SPADES"))!).Symbol);
        var error = Assert.Throws<AvroDecodeException>(() => datumReader.Read(new DatumWriter(enumSchema).Encode("JOKER")));
        Assert.Contains("'JOKER'", error.Detail);
        Assert.Contains("no default", error.Detail);
    }

    [Fact]
    public void ReaderUnion_TakesTheFirstMatchingBranch_ExactBeforePromoted()
    {
        Assert.Equal(7, Resolve("\"int\"", """["null","long","int"]""", 7));
        Assert.Equal(7L, Resolve("\"int\"", """["null","long","string"]""", 7));
    }

    [Fact]
    public void WriterUnion_EachBranchResolvedAgainstTheReader()
    {
        Assert.Equal(4L, Resolve("""["null","int"]""", "\"long\"", 4));
        Assert.Equal("x", Resolve("""["int","string"]""", """["string","long"]""", "x"));
    }

    [Fact]
    public void WriterUnionBranchTheReaderCannotRead_FailsOnlyWhenSelected()
    {
        var writer = AvroSchema.Parse("""["null","string"]""");
        var datumReader = new DatumReader(writer, AvroSchema.Parse("\"string\""));
        Assert.Equal("ok", datumReader.Read(new DatumWriter(writer).Encode("ok")));
        var error = Assert.Throws<AvroDecodeException>(() => datumReader.Read(new DatumWriter(writer).Encode(null)));
        Assert.Contains("branch 0", error.Detail);
    }

    [Fact]
    public void RecursiveSchemas_Resolve_AndRead()
    {
        const string writer = """{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}""";
        const string reader = """{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]},{"name":"v","type":"long"},{"name":"w","type":"int","default":0}]}""";
        var tail = Record(writer, ("v", 2), ("next", null));
        var head = Record(writer, ("v", 1), ("next", tail));
        var back = (GenericRecord)Resolve(writer, reader, head)!;
        Assert.Equal(1L, back["v"]);
        Assert.Equal(2L, ((GenericRecord)back["next"]!)["v"]);
        Assert.Equal(0, ((GenericRecord)back["next"]!)["w"]);
    }

    public static TheoryData<string, string, string, string> Incompatible => new()
    {
        { "\"long\"", "\"int\"", "", "the writer's long cannot be read as the reader's int" },
        { "\"string\"", "\"int\"", "", "the types differ" },
        { WriterV1, """{"type":"record","name":"Order","fields":[{"name":"due","type":"long"}]}""", "Order.due", "the reader's field 'due' has no default" },
        { WriterV1, """{"type":"record","name":"Invoice","fields":[]}""", "Invoice", "the names differ" },
        { """{"type":"fixed","name":"F","size":4}""", """{"type":"fixed","name":"F","size":8}""", "F", "fixed sizes differ: the writer's is 4, the reader's 8" },
        { "\"int\"", """["null","string"]""", "", "matches no branch of the reader's union [null, string]" },
        { """{"type":"array","items":"string"}""", """{"type":"array","items":"int"}""", "[]", "the writer's string cannot be read as the reader's int" },
        { """["null","long"]""", "\"int\"", "", "no branch of the writer's union [null, long] can be read" },
    };

    [Theory]
    [MemberData(nameof(Incompatible))]
    public void IncompatiblePairs_AreRefused_WithAPathAndReason(string writer, string reader, string path, string reason)
    {
        var error = Assert.Throws<AvroResolutionException>(() => new DatumReader(AvroSchema.Parse(writer), AvroSchema.Parse(reader)));
        Assert.Equal(path, error.Path);
        Assert.Contains(reason, error.Detail);
    }
}

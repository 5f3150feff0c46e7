using Bridge.Eventing.Avro.Binary;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Schemas;
using Xunit;

namespace Bridge.Eventing.Avro.Tests.Codec;

/// <summary>Length prefixes and block counts bounded before allocation, depth bounded, nothing hangs.</summary>
public class DatumHostileInputTests
{
    private static AvroDecodeException Fails(string schema, string hex, DecodeLimits? limits = null) =>
        Assert.Throws<AvroDecodeException>(() => new DatumReader(AvroSchema.Parse(schema), limits: limits).Read(Convert.FromHexString(hex)));

    [Fact]
    public void HugeArrayCount_IsRefusedBeforeAllocating()
    {
        // count 2^62 of longs with no bytes behind it
        var error = Fails("""{"type":"array","items":"long"}""", "FEFFFFFFFFFFFFFF7F");
        Assert.Contains("cannot fit", error.Detail);
    }

    [Fact]
    public void HugeCountOfNulls_HitsTheValueLimit_InsteadOfHanging()
    {
        var error = Fails("""{"type":"array","items":"null"}""", "FEFFFFFFFFFFFFFF7F");
        Assert.Contains("limit of 4194304 values", error.Detail);
    }

    [Fact]
    public void ManySmallBlocksOfNulls_ShareOneBudget()
    {
        // blocks of 3 nulls, five times, then end: 15 values against a budget of 10
        var error = Fails("""{"type":"array","items":"null"}""", "0606060606" + "00", new DecodeLimits { MaxValues = 10 });
        Assert.Contains("limit of 10 values", error.Detail);
    }

    [Fact]
    public void SkippedFieldWithHugeCount_DoesNotLoop()
    {
        var writer = AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"junk","type":{"type":"array","items":"null"}},{"name":"x","type":"int"}]}""");
        var reader = AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"x","type":"int"}]}""");
        // junk: a block of 2^62 nulls (nothing on the wire), end; x = 1
        var record = (Generic.GenericRecord)new DatumReader(writer, reader).Read(Convert.FromHexString("FEFFFFFFFFFFFFFF7F" + "00" + "02"))!;
        Assert.Equal(1, record["x"]);
    }

    [Fact]
    public void DeepRecursion_IsBounded()
    {
        const string schema = """{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]}]}""";
        var error = Fails(schema, string.Concat(Enumerable.Repeat("02", 10_000)) + "00");
        Assert.Contains("deeper than 256", error.Detail);
    }

    [Theory]
    [InlineData("\"string\"", "FEFFFFFFFFFFFFFF7F", "length")]
    [InlineData("\"bytes\"", "01", "negative")]
    [InlineData("""["null","int"]""", "04", "union branch 2")]
    [InlineData("""{"type":"enum","name":"E","symbols":["A"]}""", "02", "index 1")]
    [InlineData("\"boolean\"", "02", "0 or 1")]
    [InlineData("\"string\"", "04C328", "UTF-8")]
    public void MalformedData_IsAPreciseError(string schema, string hex, string reason) =>
        Assert.Contains(reason, Fails(schema, hex).Detail);
}

public class DeepSchemaTests
{
    /// <summary>Records each defined beside the last and holding it: written 3 levels deep, chained 20,000 deep.</summary>
    private static AvroSchema Chain(int length)
    {
        var types = new List<string> { """{"type":"record","name":"R0","fields":[{"name":"v","type":"int"}]}""" };
        for (var i = 1; i < length; i++) types.Add($$"""{"type":"record","name":"R{{i}}","fields":[{"name":"inner","type":"R{{i - 1}}"}]}""");
        var union = (UnionSchema)AvroSchema.Parse("[" + string.Join(",", types) + "]");
        return union.Branches[^1];
    }

    [Fact]
    public void ChainOfNamedTypesDeeperThanTheStack_BuildsAReader_AndDataThatDeepIsRefused()
    {
        var deep = Chain(20_000);
        var reader = new DatumReader(deep, deep);
        var error = Assert.Throws<AvroDecodeException>(() => reader.Read(new byte[] { 2 }));
        Assert.Contains("deeper than 256", error.Detail);
    }

    [Fact]
    public void ChainWithinTheLimit_ReadsNormally()
    {
        var schema = Chain(100);
        var value = (Generic.GenericRecord)new DatumReader(schema).Read(new byte[] { 2 })!;
        for (var i = 0; i < 99; i++) value = (Generic.GenericRecord)value["inner"]!;
        Assert.Equal(1, value["v"]);
    }
}

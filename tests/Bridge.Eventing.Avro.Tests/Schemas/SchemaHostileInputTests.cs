using System.Text;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Tests.Schemas;

/// <summary>Input meant to hurt: deep nesting of every kind, huge texts, huge numbers. Each ends in a schema or an AvroSchemaException.</summary>
public class SchemaHostileInputTests
{
    private static string NestedArrays(int depth) =>
        string.Concat(Enumerable.Repeat("""{"type":"array","items":""", depth - 1)) + "\"int\"" + new string('}', depth - 1);

    private static string NestedRecords(int depth)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < depth - 1; i++) sb.Append($$"""{"type":"record","name":"R{{i}}","fields":[{"name":"f","type":""");
        sb.Append("\"int\"");
        for (var i = 0; i < depth - 1; i++) sb.Append("}]}");
        return sb.ToString();
    }

    [Fact]
    public void NestedArrays_UpToTheLimit_Parse_OneMore_Fails()
    {
        Assert.IsType<ArraySchema>(AvroSchema.Parse(NestedArrays(SchemaLimits.MaxDepth)));
        var ex = Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse(NestedArrays(SchemaLimits.MaxDepth + 1)));
        Assert.Contains("nested more than 128 deep", ex.Detail);
        Assert.StartsWith("$.items.items.items", ex.Path);
    }

    [Fact]
    public void NestedRecords_UpToTheLimit_Parse_WriteAndFingerprint()
    {
        var schema = AvroSchema.Parse(NestedRecords(SchemaLimits.MaxDepth));
        Assert.Equal(schema.ToCanonicalForm(), AvroSchema.Parse(schema.ToJson()).ToCanonicalForm());
        Assert.NotEqual(0UL, schema.Fingerprint64());
        Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse(NestedRecords(SchemaLimits.MaxDepth + 1)));
    }

    [Theory]
    [InlineData(10_000)]
    [InlineData(1_000_000)]
    public void DeepJson_FailsAtTheJsonDepthLimit_WithoutOverflowingTheStack(int depth)
    {
        foreach (var open in new[] { "[", "{\"type\":\"array\",\"items\":", "{\"a\":" })
        {
            var json = string.Concat(Enumerable.Repeat(open, Math.Min(depth, SchemaLimits.MaxLength / open.Length)));
            Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse(json));
        }
    }

    [Fact]
    public void DeepDefault_WithinTheJsonLimit_IsCheckedWithoutOverflowingTheStack()
    {
        // An array of arrays ... 120 deep, with a default nested just as deep.
        var type = NestedArrays(120);
        var value = new string('[', 119) + new string(']', 119);
        var schema = AvroSchema.Parse($$"""{"type":"record","name":"R","fields":[{"name":"f","type":{{type}},"default":{{value}}}]}""");
        Assert.True(((RecordSchema)schema).Fields[0].HasDefault);
        var bad = new string('[', 121) + new string(']', 121);
        Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse($$"""{"type":"record","name":"R","fields":[{"name":"f","type":{{type}},"default":{{bad}}}]}"""));
    }

    [Fact]
    public void TextOverTheLengthLimit_IsRejectedBeforeParsing()
    {
        var json = "\"" + new string('a', SchemaLimits.MaxLength) + "\"";
        var ex = Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse(json));
        Assert.Equal("$", ex.Path);
        Assert.Contains("over the limit", ex.Detail);
    }

    [Fact]
    public void HugeStringsWithinTheLimit_AreHandledInLinearTime()
    {
        var big = new string('x', SchemaLimits.MaxLength - 100);
        var ex = Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse("\"" + big + "\""));
        Assert.Contains("is not a primitive type", ex.Detail);
        Assert.True(ex.Detail.Length < 1000, "the message quotes a cut name");

        var doc = AvroSchema.Parse($$"""{"type":"fixed","name":"F","size":1,"doc":"{{big[..(SchemaLimits.MaxLength - 200)]}}"}""");
        Assert.Equal(SchemaLimits.MaxLength - 200, ((NamedSchema)doc).Doc!.Length);
    }

    [Fact]
    public void ManyFieldsAndSymbols_Parse()
    {
        var fields = string.Join(",", Enumerable.Range(0, 50_000).Select(i => $$"""{"name":"f{{i}}","type":"int"}"""));
        var record = (RecordSchema)AvroSchema.Parse($$"""{"type":"record","name":"R","fields":[{{fields}}]}""");
        Assert.Equal(50_000, record.Fields.Length);
        Assert.Equal(49_999, record.GetField("f49999")!.Position);

        var symbols = string.Join(",", Enumerable.Range(0, 50_000).Select(i => $"\"S{i}\""));
        Assert.Equal(50_000, ((EnumSchema)AvroSchema.Parse($$"""{"type":"enum","name":"E","symbols":[{{symbols}}]}""")).Symbols.Length);
    }

    [Theory]
    [InlineData("1e999999999")]
    [InlineData("-1e999999999")]
    [InlineData("123456789012345678901234567890123456789012345678901234567890")]
    public void HugeNumbers_AreRejectedOrKept_NeverExpanded(string number)
    {
        Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse($$"""{"type":"fixed","name":"F","size":{{number}}}"""));
        Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse($$"""{"type":"record","name":"R","fields":[{"name":"f","type":"long","default":{{number}}}]}"""));
        var schema = AvroSchema.Parse($$"""{"type":"record","name":"R","fields":[{"name":"f","type":"double","default":{{number}}}]}""");
        Assert.Equal(number, ((RecordSchema)schema).Fields[0].Default!.Value.GetRawText());
        var decimalSchema = AvroSchema.Parse($$"""{"type":"bytes","logicalType":"decimal","precision":{{number}}}""");
        Assert.Null(decimalSchema.LogicalType);
    }

    private static string UsingDeepAt(int depth) => NestedArrays(depth)[..^("\"int\"".Length + depth - 1)] + "\"Deep\"" + new string('}', depth - 1);

    [Fact]
    public void KnownTypes_CountTheirHeightAgainstTheDepthLimit()
    {
        // A known type 100 levels deep may be used at depth 29, not 30: it is written out in full there.
        var deep = AvroSchema.Parse($$"""{"type":"record","name":"Deep","fields":[{"name":"f","type":{{NestedArrays(99)}}}]}""");
        var known = SchemaNames.Empty.Add(deep);
        Assert.NotNull(AvroSchema.Parse(UsingDeepAt(29), known));
        var ex = Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse(UsingDeepAt(30), known));
        Assert.Contains("would nest schemas 129 deep", ex.Detail);
        // Used a second time it is only a name.
        var twice = AvroSchema.Parse("""{"type":"record","name":"T","fields":[{"name":"a","type":"Deep"},{"name":"b","type":{"type":"array","items":{"type":"array","items":"Deep"}}}]}""", known);
        Assert.Equal(twice.ToCanonicalForm(), AvroSchema.Parse(twice.ToJson()).ToCanonicalForm());
    }
}

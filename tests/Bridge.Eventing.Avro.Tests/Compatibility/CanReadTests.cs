using Bridge.Eventing.Avro.Resolution;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Tests.Compatibility;

/// <summary>
/// <see cref="SchemaCompatibility.CanRead"/>, rule by rule (specification, "Schema Resolution"; cases
/// in the spirit of Java's TestSchemaCompatibility): each with a compatible pair and an incompatible
/// one whose kind, path and words are checked.
/// </summary>
public class CanReadTests
{
    internal static AvroSchema P(string json) => AvroSchema.Parse(json);

    /// <summary>A record named <paramref name="name"/> with the given JSON field objects.</summary>
    internal static AvroSchema Record(string name, params string[] fields) =>
        P($$"""{"type": "record", "name": "{{name}}", "fields": [{{string.Join(", ", fields)}}]}""");

    internal static Incompatibility Single(CompatibilityResult result)
    {
        Assert.False(result.IsCompatible);
        return Assert.Single(result.Incompatibilities);
    }

    internal static void AssertCompatible(AvroSchema reader, AvroSchema writer)
    {
        var result = SchemaCompatibility.CanRead(reader, writer);
        Assert.True(result.IsCompatible, result.ToString());
        Assert.Same(CompatibilityResult.Compatible, result);
    }

    private static readonly string[] Primitives = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"];

    // The specification's promotions, written out here rather than taken from ResolutionRules.
    private static readonly HashSet<(string Writer, string Reader)> Promotions =
    [
        ("int", "long"), ("int", "float"), ("int", "double"), ("long", "float"), ("long", "double"),
        ("float", "double"), ("string", "bytes"), ("bytes", "string"),
    ];

    public static TheoryData<string, string> PrimitivePairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var writer in Primitives)
            foreach (var reader in Primitives)
                data.Add(writer, reader);
        return data;
    }

    [Theory]
    [MemberData(nameof(PrimitivePairs))]
    public void Primitives_ReadTheSameKindOrAPromotion_AndNothingElse(string writer, string reader)
    {
        var result = SchemaCompatibility.CanRead(P($"\"{reader}\""), P($"\"{writer}\""));
        if (writer == reader || Promotions.Contains((writer, reader)))
        {
            Assert.True(result.IsCompatible, result.ToString());
            return;
        }
        var problem = Single(result);
        Assert.Equal(IncompatibilityKind.TypeMismatch, problem.Kind);
        Assert.Equal("/", problem.Path);
        Assert.Equal($"writer type '{writer}' cannot be read as reader type '{reader}'", problem.Message);
    }

    [Fact]
    public void Record_ReaderFieldWithDefault_FillsAFieldTheWriterLacks()
    {
        AssertCompatible(
            Record("R", """{"name": "a", "type": "int"}""", """{"name": "b", "type": "string", "default": "x"}"""),
            Record("R", """{"name": "a", "type": "int"}"""));
    }

    [Fact]
    public void Record_ReaderFieldWithoutDefault_TheWriterLacks_IsMissingDefault()
    {
        var problem = Single(SchemaCompatibility.CanRead(
            Record("R", """{"name": "a", "type": "int"}""", """{"name": "amount", "type": "long"}"""),
            Record("R", """{"name": "a", "type": "int"}""")));
        Assert.Equal(IncompatibilityKind.ReaderFieldMissingDefaultValue, problem.Kind);
        Assert.Equal("/fields/1", problem.Path);
        Assert.Equal("reader field 'amount' has no default and the writer has no field 'amount'", problem.Message);
    }

    [Fact]
    public void Record_WriterFieldsTheReaderLacks_AreSkipped_InAnyOrder()
    {
        AssertCompatible(
            Record("R", """{"name": "b", "type": "string"}""", """{"name": "a", "type": "int"}"""),
            Record("R", """{"name": "a", "type": "int"}""", """{"name": "c", "type": "double"}""", """{"name": "b", "type": "string"}"""));
        AssertCompatible(Record("R"), Record("R", """{"name": "a", "type": "int"}"""));
    }

    [Fact]
    public void Record_FieldTypes_AreCheckedAtTheirPath()
    {
        var reader = Record("R", """{"name": "a", "type": "string"}""", """{"name": "b", "type": "long"}""");
        AssertCompatible(reader, Record("R", """{"name": "a", "type": "bytes"}""", """{"name": "b", "type": "int"}"""));

        var problem = Single(SchemaCompatibility.CanRead(reader,
            Record("R", """{"name": "a", "type": "string"}""", """{"name": "b", "type": "double"}""")));
        Assert.Equal(IncompatibilityKind.TypeMismatch, problem.Kind);
        Assert.Equal("/fields/1/type", problem.Path);
        Assert.Equal("writer type 'double' cannot be read as reader type 'long'", problem.Message);
    }

    [Fact]
    public void Record_ReaderFieldAlias_NamesTheWriterField_AndItsTypeIsChecked()
    {
        var reader = Record("R", """{"name": "total", "aliases": ["amount", "sum"], "type": "long"}""");
        AssertCompatible(reader, Record("R", """{"name": "amount", "type": "int"}"""));
        AssertCompatible(reader, Record("R", """{"name": "sum", "type": "long"}"""));

        var mismatch = Single(SchemaCompatibility.CanRead(reader, Record("R", """{"name": "amount", "type": "string"}""")));
        Assert.Equal(IncompatibilityKind.TypeMismatch, mismatch.Kind);
        Assert.Equal("/fields/0/type", mismatch.Path);

        var missing = Single(SchemaCompatibility.CanRead(reader, Record("R", """{"name": "count", "type": "long"}""")));
        Assert.Equal(IncompatibilityKind.ReaderFieldMissingDefaultValue, missing.Kind);
        Assert.Equal("/fields/0", missing.Path);
        Assert.Equal("reader field 'total' has no default and the writer has no field 'total' or 'amount' or 'sum'", missing.Message);
    }

    [Fact]
    public void Record_FieldByName_WinsOverAFieldByAlias()
    {
        // The writer has both 'total' (by name) and 'amount' (an alias): the one by name is read.
        var reader = Record("R", """{"name": "total", "aliases": ["amount"], "type": "long"}""");
        AssertCompatible(reader, Record("R", """{"name": "amount", "type": "string"}""", """{"name": "total", "type": "int"}"""));
    }

    [Fact]
    public void Record_DifferentNames_AreANameMismatch_UnlessTheReaderHasTheWriterAsAlias()
    {
        var problem = Single(SchemaCompatibility.CanRead(Record("Payment"), Record("Invoice")));
        Assert.Equal(IncompatibilityKind.NameMismatch, problem.Kind);
        Assert.Equal("/name", problem.Path);
        Assert.Equal("the writer's record 'Invoice' does not match the reader's record 'Payment': "
            + "the names differ and 'Invoice' is not one of the reader's aliases", problem.Message);

        AssertCompatible(P("""{"type": "record", "name": "Payment", "aliases": ["Invoice"], "fields": []}"""), Record("Invoice"));
    }

    [Fact]
    public void NamedTypes_MatchByUnqualifiedName_AndAliasesByFullName()
    {
        // The specification compares unqualified names: a.R reads b.R.
        AssertCompatible(P("""{"type": "record", "name": "a.R", "fields": []}"""), P("""{"type": "record", "name": "b.R", "fields": []}"""));
        // An alias without a dot is in the reader's namespace: shop.Old, not Old.
        var reader = P("""{"type": "record", "name": "shop.New", "aliases": ["Old"], "fields": []}""");
        AssertCompatible(reader, P("""{"type": "record", "name": "shop.Old", "fields": []}"""));
        var problem = Single(SchemaCompatibility.CanRead(reader, P("""{"type": "record", "name": "legacy.Old", "fields": []}""")));
        Assert.Equal(IncompatibilityKind.NameMismatch, problem.Kind);
        Assert.Equal("/name", problem.Path);
    }

    [Fact]
    public void Record_EveryProblem_IsReported_InReaderOrder()
    {
        var reader = P("""
            {"type": "record", "name": "Order", "fields": [
              {"name": "id", "type": "int"},
              {"name": "amount", "type": "long"},
              {"name": "line", "type": {"type": "record", "name": "Line", "fields": [
                {"name": "sku", "type": "string"}, {"name": "qty", "type": "int"}]}},
              {"name": "note", "type": "string"}
            ]}
            """);
        var writer = P("""
            {"type": "record", "name": "Sale", "fields": [
              {"name": "id", "type": "long"},
              {"name": "line", "type": {"type": "record", "name": "Line", "fields": [
                {"name": "sku", "type": "int"}]}},
              {"name": "note", "type": "string"}
            ]}
            """);
        var result = SchemaCompatibility.CanRead(reader, writer);
        Assert.Equal(
        [
            (IncompatibilityKind.NameMismatch, "/name"),
            (IncompatibilityKind.TypeMismatch, "/fields/0/type"),
            (IncompatibilityKind.ReaderFieldMissingDefaultValue, "/fields/1"),
            (IncompatibilityKind.TypeMismatch, "/fields/2/type/fields/0/type"),
            (IncompatibilityKind.ReaderFieldMissingDefaultValue, "/fields/2/type/fields/1"),
        ], result.Incompatibilities.Select(i => (i.Kind, i.Path)));
        Assert.All(result.Incompatibilities, i => Assert.Null(i.PreviousIndex));
    }

    [Fact]
    public void Enum_ReaderWithEveryWriterSymbol_InAnyOrder_IsCompatible()
    {
        AssertCompatible(
            P("""{"type": "enum", "name": "Suit", "symbols": ["SPADES", "HEARTS", "DIAMONDS", "CLUBS"]}"""),
            P("""{"type": "enum", "name": "Suit", "symbols": ["CLUBS", "HEARTS"]}"""));
    }

    [Fact]
    public void Enum_WriterSymbolsTheReaderLacks_AreMissing_UnlessTheReaderHasADefault()
    {
        var writer = P("""{"type": "enum", "name": "Suit", "symbols": ["SPADES", "HEARTS", "DIAMONDS", "CLUBS"]}""");
        var problem = Single(SchemaCompatibility.CanRead(P("""{"type": "enum", "name": "Suit", "symbols": ["SPADES", "DIAMONDS"]}"""), writer));
        Assert.Equal(IncompatibilityKind.MissingEnumSymbols, problem.Kind);
        Assert.Equal("/symbols", problem.Path);
        Assert.Equal("the writer's enum 'Suit' has symbols the reader's enum 'Suit' lacks (HEARTS, CLUBS) and the reader's has no default symbol", problem.Message);

        AssertCompatible(P("""{"type": "enum", "name": "Suit", "symbols": ["UNKNOWN", "SPADES"], "default": "UNKNOWN"}"""), writer);
    }

    [Fact]
    public void Enum_DefaultSymbol_IsNoDefaultForAMissingField()
    {
        var reader = Record("R", """{"name": "suit", "type": {"type": "enum", "name": "Suit", "symbols": ["UNKNOWN"], "default": "UNKNOWN"}}""");
        var problem = Single(SchemaCompatibility.CanRead(reader, Record("R")));
        Assert.Equal((IncompatibilityKind.ReaderFieldMissingDefaultValue, "/fields/0"), (problem.Kind, problem.Path));
    }

    [Fact]
    public void Enum_ManyMissingSymbols_AreListedUpToTen()
    {
        var symbols = string.Join(", ", Enumerable.Range(0, 25).Select(i => $"\"S{i}\""));
        var problem = Single(SchemaCompatibility.CanRead(
            P("""{"type": "enum", "name": "E", "symbols": ["S0"]}"""),
            P($$"""{"type": "enum", "name": "E", "symbols": [{{symbols}}]}""")));
        Assert.Contains("lacks (S1, S2, S3, S4, S5, S6, S7, S8, S9, S10 and 14 more)", problem.Message);
    }

    [Fact]
    public void Enum_DifferentName_IsANameMismatch_AndSymbolsAreStillChecked()
    {
        var result = SchemaCompatibility.CanRead(
            P("""{"type": "enum", "name": "Colour", "symbols": ["RED"]}"""),
            P("""{"type": "enum", "name": "Suit", "symbols": ["HEARTS"]}"""));
        Assert.Equal([(IncompatibilityKind.NameMismatch, "/name"), (IncompatibilityKind.MissingEnumSymbols, "/symbols")],
            result.Incompatibilities.Select(i => (i.Kind, i.Path)));
    }

    [Fact]
    public void Fixed_NeedsTheSameNameAndSize()
    {
        AssertCompatible(P("""{"type": "fixed", "name": "Md5", "size": 16}"""), P("""{"type": "fixed", "name": "Md5", "size": 16}"""));

        var size = Single(SchemaCompatibility.CanRead(P("""{"type": "fixed", "name": "Md5", "size": 8}"""), P("""{"type": "fixed", "name": "Md5", "size": 16}""")));
        Assert.Equal(IncompatibilityKind.FixedSizeMismatch, size.Kind);
        Assert.Equal("/size", size.Path);
        Assert.Equal("the writer's fixed 'Md5' has 16 bytes but the reader's fixed 'Md5' has 8", size.Message);

        var both = SchemaCompatibility.CanRead(P("""{"type": "fixed", "name": "Sha1", "size": 20}"""), P("""{"type": "fixed", "name": "Md5", "size": 16}"""));
        Assert.Equal([(IncompatibilityKind.NameMismatch, "/name"), (IncompatibilityKind.FixedSizeMismatch, "/size")],
            both.Incompatibilities.Select(i => (i.Kind, i.Path)));
    }

    [Fact]
    public void BytesAndFixed_DoNotReadEachOther()
    {
        var problem = Single(SchemaCompatibility.CanRead(P("""{"type": "fixed", "name": "F", "size": 4}"""), P("\"bytes\"")));
        Assert.Equal(IncompatibilityKind.TypeMismatch, problem.Kind);
        Assert.Equal("writer type 'bytes' cannot be read as reader type fixed 'F'", problem.Message);
    }

    [Fact]
    public void ArraysAndMaps_CheckItemsAndValues()
    {
        AssertCompatible(P("""{"type": "array", "items": "double"}"""), P("""{"type": "array", "items": "int"}"""));
        AssertCompatible(P("""{"type": "map", "values": "bytes"}"""), P("""{"type": "map", "values": "string"}"""));

        var items = Single(SchemaCompatibility.CanRead(P("""{"type": "array", "items": "int"}"""), P("""{"type": "array", "items": "long"}""")));
        Assert.Equal((IncompatibilityKind.TypeMismatch, "/items"), (items.Kind, items.Path));

        var values = Single(SchemaCompatibility.CanRead(
            P("""{"type": "map", "values": {"type": "array", "items": "string"}}"""),
            P("""{"type": "map", "values": {"type": "array", "items": "boolean"}}""")));
        Assert.Equal((IncompatibilityKind.TypeMismatch, "/values/items"), (values.Kind, values.Path));

        var kinds = Single(SchemaCompatibility.CanRead(P("""{"type": "map", "values": "int"}"""), P("""{"type": "array", "items": "int"}""")));
        Assert.Equal((IncompatibilityKind.TypeMismatch, "/"), (kinds.Kind, kinds.Path));
        Assert.Equal("writer type array cannot be read as reader type map", kinds.Message);
    }

    [Fact]
    public void LogicalTypes_DoNotCount_OnlyTheUnderlyingTypes()
    {
        AssertCompatible(P("\"int\""), P("""{"type": "int", "logicalType": "date"}"""));
        AssertCompatible(P("""{"type": "long", "logicalType": "timestamp-micros"}"""), P("""{"type": "int", "logicalType": "date"}"""));
        AssertCompatible(
            P("""{"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2}"""),
            P("""{"type": "bytes", "logicalType": "decimal", "precision": 20, "scale": 0}"""));

        var problem = Single(SchemaCompatibility.CanRead(P("""{"type": "int", "logicalType": "date"}"""), P("""{"type": "long", "logicalType": "timestamp-millis"}""")));
        Assert.Equal((IncompatibilityKind.TypeMismatch, "/"), (problem.Kind, problem.Path));
    }
}

using System.Text.Json;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Tests.Schemas;

/// <summary>What the parser builds: the model for each form, names and namespaces, recursion, aliases, defaults, logical types, attributes.</summary>
public class SchemaParseTests
{
    [Theory]
    [InlineData("\"null\"", AvroType.Null)]
    [InlineData("\"boolean\"", AvroType.Boolean)]
    [InlineData("\"int\"", AvroType.Int)]
    [InlineData("\"long\"", AvroType.Long)]
    [InlineData("\"float\"", AvroType.Float)]
    [InlineData("\"double\"", AvroType.Double)]
    [InlineData("\"bytes\"", AvroType.Bytes)]
    [InlineData("\"string\"", AvroType.String)]
    [InlineData("""{"type": "string"}""", AvroType.String)]
    public void Primitive_InEitherForm_IsTheSharedInstance(string json, AvroType type)
    {
        var schema = Assert.IsType<PrimitiveSchema>(AvroSchema.Parse(json));
        Assert.Equal(type, schema.Type);
        Assert.Same(schema, AvroSchema.Parse(json));
        Assert.Null(schema.LogicalType);
        Assert.Empty(schema.Properties);
    }

    [Fact]
    public void Primitive_WithAttributes_KeepsThemAsProperties()
    {
        var schema = AvroSchema.Parse("""{"type": "string", "avro.java.string": "String", "n": [1, {"a": null}]}""");
        Assert.NotSame(AvroSchema.String, schema);
        Assert.Equal(AvroType.String, schema.Type);
        Assert.Equal(["avro.java.string", "n"], schema.Properties.Keys);
        Assert.Equal("String", schema.Properties["avro.java.string"].GetString());
        Assert.Equal("""[1,{"a":null}]""", schema.Properties["n"].GetRawText().Replace(" ", ""));
    }

    [Fact]
    public void Record_FieldsHavePositionsAndNames()
    {
        var record = Assert.IsType<RecordSchema>(AvroSchema.Parse(SchemaCorpus.Json("record-test")));
        Assert.Equal("test", record.FullName);
        Assert.Null(record.Namespace);
        Assert.False(record.IsError);
        Assert.Equal(["a", "b"], record.Fields.Select(f => f.Name));
        Assert.Equal([0, 1], record.Fields.Select(f => f.Position));
        Assert.Same(AvroSchema.Long, record.Fields[0].Schema);
        Assert.Same(record.Fields[1], record.GetField("b"));
        Assert.Null(record.GetField("B"));
        Assert.All(record.Fields, f => Assert.False(f.HasDefault));
        Assert.All(record.Fields, f => Assert.Equal(SortOrder.Ascending, f.Order));
    }

    [Fact]
    public void Error_IsARecordMarkedAsError()
    {
        var error = Assert.IsType<RecordSchema>(AvroSchema.Parse(SchemaCorpus.Json("error")));
        Assert.Equal(AvroType.Record, error.Type);
        Assert.True(error.IsError);
        Assert.Equal("org.example.Oops", error.FullName);
    }

    [Fact]
    public void RecursiveRecord_RefersToItsOwnInstance()
    {
        var list = Assert.IsType<RecordSchema>(AvroSchema.Parse(SchemaCorpus.Json("long-list")));
        var next = Assert.IsType<UnionSchema>(list.Fields[1].Schema);
        Assert.Same(AvroSchema.Null, next.Branches[0]);
        Assert.Same(list, next.Branches[1]);
        Assert.Equal<string>(["LinkedLongs"], list.Aliases);

        var tree = Assert.IsType<RecordSchema>(AvroSchema.Parse(SchemaCorpus.Json("recursive-tree")));
        Assert.Same(tree, Assert.IsType<ArraySchema>(tree.Fields[1].Schema).Items);
        Assert.Same(tree, Assert.IsType<MapSchema>(tree.Fields[2].Schema).Values);
    }

    // The specification's own example in "Names", with the full names it states.
    [Fact]
    public void NamesExample_GivesTheFullNamesTheSpecificationStates()
    {
        var example = Assert.IsType<RecordSchema>(AvroSchema.Parse(SchemaCorpus.Json("names-example")));
        Assert.Equal("Example", example.FullName);
        var inheritNull = Assert.IsType<EnumSchema>(example.Fields[0].Schema);
        Assert.Equal("Simple", inheritNull.FullName);
        Assert.Null(inheritNull.Namespace);
        var explicitNs = Assert.IsType<FixedSchema>(example.Fields[1].Schema);
        Assert.Equal("explicit.Simple", explicitNs.FullName);
        Assert.Equal(("Simple", "explicit"), (explicitNs.Name, explicitNs.Namespace));
        var fullName = Assert.IsType<RecordSchema>(example.Fields[2].Schema);
        Assert.Equal(("a.full.Name", "Name", "a.full"), (fullName.FullName, fullName.Name, fullName.Namespace));
        Assert.Equal("a.full.Understanding", Assert.IsType<EnumSchema>(fullName.Fields[0].Schema).FullName);
    }

    [Fact]
    public void References_ResolveAgainstTheEnclosingNamespace_ToTheSameInstance()
    {
        var schema = Assert.IsType<RecordSchema>(AvroSchema.Parse("""
            {"type": "record", "name": "R", "namespace": "a.b", "fields": [
              {"name": "x", "type": {"type": "fixed", "name": "F", "size": 2}},
              {"name": "y", "type": "F"},
              {"name": "z", "type": "a.b.F"},
              {"name": "w", "type": {"type": "record", "name": "c.S", "fields": [
                {"name": "v", "type": {"type": "enum", "name": "F", "symbols": ["A"]}},
                {"name": "u", "type": "F"},
                {"name": "t", "type": "a.b.F"}]}}
            ]}
            """));
        var f = schema.Fields[0].Schema;
        Assert.Equal("a.b.F", ((NamedSchema)f).FullName);
        Assert.Same(f, schema.Fields[1].Schema);
        Assert.Same(f, schema.Fields[2].Schema);
        var s = Assert.IsType<RecordSchema>(schema.Fields[3].Schema);
        Assert.Equal("c.F", ((NamedSchema)s.Fields[0].Schema).FullName);
        Assert.Same(s.Fields[0].Schema, s.Fields[1].Schema);
        Assert.Same(f, s.Fields[2].Schema);
    }

    [Fact]
    public void EmptyNamespace_IsTheNullNamespace_EvenInsideANamespace()
    {
        var outer = Assert.IsType<RecordSchema>(AvroSchema.Parse(SchemaCorpus.Json("null-namespace-inside")));
        var bare = Assert.IsType<EnumSchema>(outer.Fields[0].Schema);
        Assert.Equal(("Bare", null), (bare.FullName, bare.Namespace));
        var union = Assert.IsType<UnionSchema>(outer.Fields[2].Schema);
        Assert.Same(outer.Fields[1].Schema, union.Branches[1]);
        Assert.Same(outer, union.Branches[2]);
    }

    [Fact]
    public void ComplexTypeNames_MayNameTypes()
    {
        var record = Assert.IsType<RecordSchema>(AvroSchema.Parse(SchemaCorpus.Json("complex-type-names-as-names")));
        Assert.Equal("r.record", record.FullName);
        var union = Assert.IsType<UnionSchema>(record.Fields[2].Schema);
        Assert.Same(record, union.Branches[1]);
        Assert.Same(record.Fields[0].Schema, union.Branches[2]);
        Assert.Same(record.Fields[1].Schema, union.Branches[3]);
    }

    [Fact]
    public void Aliases_ResolveRelativeToTheTypesNamespace()
    {
        // The specification's example: a type "a.b" with aliases "c" and "x.y" has aliases "a.c" and "x.y".
        var fixedSchema = Assert.IsType<FixedSchema>(AvroSchema.Parse("""{"type": "fixed", "name": "a.b", "aliases": ["c", "x.y"], "size": 1}"""));
        Assert.Equal<string>(["a.c", "x.y"], fixedSchema.Aliases);
        var record = Assert.IsType<RecordSchema>(AvroSchema.Parse(
            """{"type": "record", "name": "R", "aliases": ["Old"], "fields": [{"name": "f", "type": "int", "aliases": ["g", "h"]}]}"""));
        Assert.Equal<string>(["Old"], record.Aliases);
        Assert.Equal<string>(["g", "h"], record.Fields[0].Aliases);
    }

    [Fact]
    public void Enum_SymbolsDefaultAndIndex()
    {
        var e = Assert.IsType<EnumSchema>(AvroSchema.Parse(SchemaCorpus.Json("enum-default")));
        Assert.Equal(("e.Color", "colours", "UNKNOWN"), (e.FullName, e.Doc, e.Default));
        Assert.Equal<string>(["RED", "GREEN", "UNKNOWN"], e.Symbols);
        Assert.Equal<string>(["e.Colour", "x.Hue"], e.Aliases);
        Assert.Equal(1, e.IndexOf("GREEN"));
        Assert.Equal(-1, e.IndexOf("green"));
    }

    [Fact]
    public void Everything_FieldDefaultsOrdersDocsAndAttributesAreKept()
    {
        var r = Assert.IsType<RecordSchema>(AvroSchema.Parse(SchemaCorpus.Json("everything")));
        Assert.Equal<string>(["org.bridge.test.All", "old.Everything"], r.Aliases);
        Assert.Equal("org.example.Everything", r.Properties["java-class"].GetString());
        Assert.Equal(JsonValueKind.Null, r.GetField("n")!.Default!.Value.ValueKind);
        Assert.Equal(SortOrder.Descending, r.GetField("b")!.Order);
        Assert.Equal("a flag", r.GetField("b")!.Doc);
        Assert.Equal(SortOrder.Ignore, r.GetField("l")!.Order);
        Assert.Equal(long.MaxValue, r.GetField("l")!.Default!.Value.GetInt64());
        Assert.Equal("\u00ff\u0000a", r.GetField("by")!.Default!.Value.GetString());
        Assert.Equal("h\u00e9llo \ud83d\ude00", r.GetField("s")!.Default!.Value.GetString());
        Assert.Equal("""{"nested": [1, 2]}""", r.GetField("s")!.Properties["x-note"].GetRawText());
        Assert.Equal<string>(["int_field"], r.GetField("i")!.Aliases);
        Assert.False(r.GetField("tm")!.HasDefault);
        // Kind is defined inside field e and used by name in a, m's union and the inner record.
        var kind = r.GetField("e")!.Schema;
        Assert.Same(kind, Assert.IsType<ArraySchema>(r.GetField("a")!.Schema).Items);
        var inner = Assert.IsType<RecordSchema>(r.GetField("nested")!.Schema);
        Assert.Same(inner, r.GetField("reuse")!.Schema);
        Assert.Same(r, Assert.IsType<UnionSchema>(inner.Fields[1].Schema).Branches[1]);
        Assert.Same(kind, Assert.IsType<MapSchema>(inner.Fields[2].Schema).Values);
        Assert.Same(r.GetField("dur")!.Schema, r.GetField("dur2")!.Schema);
    }

    public static TheoryData<string, LogicalType> ValidLogicalTypes => new()
    {
        { """{"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2}""", LogicalType.Decimal(4, 2) },
        { """{"type": "bytes", "logicalType": "decimal", "precision": 4}""", LogicalType.Decimal(4, 0) },
        { """{"type": "bytes", "logicalType": "decimal", "precision": 2147483647, "scale": 2147483647}""", LogicalType.Decimal(int.MaxValue, int.MaxValue) },
        { """{"type": "fixed", "name": "D", "size": 1, "logicalType": "decimal", "precision": 2}""", LogicalType.Decimal(2, 0) },
        { """{"type": "fixed", "name": "D", "size": 8, "logicalType": "decimal", "precision": 18, "scale": 18}""", LogicalType.Decimal(18, 18) },
        { """{"type": "fixed", "name": "D", "size": 16, "logicalType": "decimal", "precision": 38}""", LogicalType.Decimal(38, 0) },
        { """{"type": "string", "logicalType": "uuid"}""", LogicalType.Uuid },
        { """{"type": "int", "logicalType": "date"}""", LogicalType.Date },
        { """{"type": "int", "logicalType": "time-millis"}""", LogicalType.TimeMillis },
        { """{"type": "long", "logicalType": "time-micros"}""", LogicalType.TimeMicros },
        { """{"type": "long", "logicalType": "timestamp-millis"}""", LogicalType.TimestampMillis },
        { """{"type": "long", "logicalType": "timestamp-micros"}""", LogicalType.TimestampMicros },
        { """{"type": "long", "logicalType": "local-timestamp-millis"}""", LogicalType.LocalTimestampMillis },
        { """{"type": "long", "logicalType": "local-timestamp-micros"}""", LogicalType.LocalTimestampMicros },
        { """{"type": "fixed", "name": "D", "size": 12, "logicalType": "duration"}""", LogicalType.Duration },
    };

    [Theory]
    [MemberData(nameof(ValidLogicalTypes))]
    public void LogicalType_Valid_IsRecognisedAndItsAttributesAreNotProperties(string json, LogicalType expected)
    {
        var schema = AvroSchema.Parse(json);
        Assert.Equal(expected, schema.LogicalType);
        Assert.Empty(schema.Properties);
    }

    // The specification: "Language implementations must ignore unknown logical types when
    // reading, and should use the underlying Avro type. If a logical type is invalid ... then
    // implementations should ignore the logical type and use the underlying Avro type."
    [Theory]
    [InlineData("""{"type": "long", "logicalType": "nanos-since-big-bang"}""", AvroType.Long)]
    [InlineData("""{"type": "long", "logicalType": 7}""", AvroType.Long)]
    [InlineData("""{"type": "long", "logicalType": "date"}""", AvroType.Long)]
    [InlineData("""{"type": "int", "logicalType": "timestamp-millis"}""", AvroType.Int)]
    [InlineData("""{"type": "long", "logicalType": "time-millis"}""", AvroType.Long)]
    [InlineData("""{"type": "int", "logicalType": "time-micros"}""", AvroType.Int)]
    [InlineData("""{"type": "bytes", "logicalType": "uuid"}""", AvroType.Bytes)]
    [InlineData("""{"type": "string", "logicalType": "decimal", "precision": 4}""", AvroType.String)]
    [InlineData("""{"type": "bytes", "logicalType": "decimal"}""", AvroType.Bytes)]
    [InlineData("""{"type": "bytes", "logicalType": "decimal", "precision": 0}""", AvroType.Bytes)]
    [InlineData("""{"type": "bytes", "logicalType": "decimal", "precision": -1}""", AvroType.Bytes)]
    [InlineData("""{"type": "bytes", "logicalType": "decimal", "precision": 4.5}""", AvroType.Bytes)]
    [InlineData("""{"type": "bytes", "logicalType": "decimal", "precision": "4"}""", AvroType.Bytes)]
    [InlineData("""{"type": "bytes", "logicalType": "decimal", "precision": 2147483648}""", AvroType.Bytes)]
    [InlineData("""{"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 5}""", AvroType.Bytes)]
    [InlineData("""{"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": -1}""", AvroType.Bytes)]
    [InlineData("""{"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": null}""", AvroType.Bytes)]
    [InlineData("""{"type": "fixed", "name": "D", "size": 1, "logicalType": "decimal", "precision": 3}""", AvroType.Fixed)]
    [InlineData("""{"type": "fixed", "name": "D", "size": 8, "logicalType": "decimal", "precision": 19}""", AvroType.Fixed)]
    [InlineData("""{"type": "fixed", "name": "D", "size": 0, "logicalType": "decimal", "precision": 1}""", AvroType.Fixed)]
    [InlineData("""{"type": "fixed", "name": "D", "size": 11, "logicalType": "duration"}""", AvroType.Fixed)]
    [InlineData("""{"type": "string", "logicalType": "duration"}""", AvroType.String)]
    [InlineData("""{"type": "record", "name": "R", "fields": [], "logicalType": "date"}""", AvroType.Record)]
    [InlineData("""{"type": "array", "items": "int", "logicalType": "date"}""", AvroType.Array)]
    [InlineData("""{"type": "enum", "name": "E", "symbols": [], "logicalType": "uuid"}""", AvroType.Enum)]
    [InlineData("""{"type": "map", "values": "int", "logicalType": "date"}""", AvroType.Map)]
    public void LogicalType_UnknownOrInvalid_IsIgnoredAndKeptAsAProperty(string json, AvroType underlying)
    {
        var schema = AvroSchema.Parse(json);
        Assert.Equal(underlying, schema.Type);
        Assert.Null(schema.LogicalType);
        Assert.True(schema.Properties.ContainsKey("logicalType"));
        Assert.Equal(AvroSchema.Parse(json).ToCanonicalForm(), schema.ToCanonicalForm());
    }

    [Fact]
    public void MaxDecimalPrecision_MatchesTheSpecificationsFormula_ExactlyForSizesUpTo1024()
    {
        // floor(log10(2^(8n-1) - 1)) is the number of decimal digits of 2^(8n-1) - 1, minus one.
        Assert.Equal(0, LogicalType.MaxDecimalPrecision(0));
        for (var size = 1; size <= 1024; size++)
        {
            var digits = (System.Numerics.BigInteger.Pow(2, 8 * size - 1) - 1).ToString().Length - 1;
            Assert.Equal(digits, LogicalType.MaxDecimalPrecision(size));
        }
        Assert.Equal(2, LogicalType.MaxDecimalPrecision(1));
        Assert.Equal(18, LogicalType.MaxDecimalPrecision(8));
        Assert.Equal(38, LogicalType.MaxDecimalPrecision(16));
        Assert.Equal(5171655943L, LogicalType.MaxDecimalPrecision(int.MaxValue));
    }

    [Fact]
    public void Decimal_OnALargeFixed_CostsNoBigArithmetic()
    {
        var schema = AvroSchema.Parse($$"""{"type": "fixed", "name": "D", "size": {{int.MaxValue}}, "logicalType": "decimal", "precision": 2147483647}""");
        Assert.Equal(LogicalType.Decimal(int.MaxValue, 0), schema.LogicalType);
    }

    [Fact]
    public void UnionBranches_MayBeNamedTypesOfTheSameKind()
    {
        var union = Assert.IsType<UnionSchema>(AvroSchema.Parse("""
            [{"type": "record", "name": "A", "fields": []}, {"type": "record", "name": "B", "fields": []},
             {"type": "fixed", "name": "C", "size": 1}, {"type": "fixed", "name": "D", "size": 1},
             {"type": "array", "items": "A"}, {"type": "map", "values": "B"}, "null", {"type": "int", "logicalType": "date"}]
            """));
        Assert.Equal(8, union.Branches.Length);
        Assert.Equal(LogicalType.Date, union.Branches[7].LogicalType);
    }

    [Fact]
    public void JsonComments_AreSkipped_AsJavasParserDoes()
    {
        // The specification's LongList example, comments and all.
        var schema = AvroSchema.Parse("""
            {
              "type": "record",
              "name": "LongList",
              "aliases": ["LinkedLongs"],                      // old name for this
              "fields" : [
                {"name": "value", "type": "long"},             // each element has a long
                {"name": "next", "type": ["null", "LongList"]} // optional next element
              ]
            }
            """);
        Assert.Equal(AvroSchema.Parse(SchemaCorpus.Json("long-list")).ToJson(), schema.ToJson());
    }

    [Fact]
    public void KnownNames_AreReferencedAsTheSameInstance_AndNotChanged()
    {
        var money = AvroSchema.Parse("""{"type": "fixed", "name": "Money", "namespace": "com.acme", "size": 8, "logicalType": "decimal", "precision": 18, "scale": 2}""");
        var status = AvroSchema.Parse("""{"type": "enum", "name": "com.acme.Status", "symbols": ["OK"]}""");
        var known = SchemaNames.Empty.Add(money).Add(status);
        Assert.Equal(2, known.Count);

        var order = Assert.IsType<RecordSchema>(AvroSchema.Parse("""
            {"type": "record", "name": "Order", "namespace": "com.acme", "fields": [
              {"name": "price", "type": "Money"}, {"name": "status", "type": "com.acme.Status", "default": "OK"},
              {"name": "old", "type": ["null", "Money"], "default": null}]}
            """, known));
        Assert.Same(money, order.Fields[0].Schema);
        Assert.Same(status, order.Fields[1].Schema);
        Assert.Equal(2, known.Count);

        // Self-contained output: the known types are defined where first used.
        var alone = AvroSchema.Parse(order.ToJson());
        Assert.Equal(order.ToCanonicalForm(), alone.ToCanonicalForm());
        Assert.Contains("\"size\":8", order.ToCanonicalForm());

        var more = known.Add(order);
        Assert.Equal(3, more.Count);
        Assert.True(more.TryGet("com.acme.Order", out var found));
        Assert.Same(order, found);
        var ex = Assert.Throws<AvroSchemaException>(() => more.Add(alone));
        Assert.Contains("com.acme", ex.Detail);
    }

    [Fact]
    public void KnownNames_MayNotBeRedefined()
    {
        var known = SchemaNames.Empty.Add(AvroSchema.Parse("""{"type": "fixed", "name": "a.F", "size": 1}"""));
        var ex = Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse("""{"type": "fixed", "name": "F", "namespace": "a", "size": 2}""", known));
        Assert.Equal("$.name", ex.Path);
        Assert.Contains("already defined", ex.Detail);
    }
}

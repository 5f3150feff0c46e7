using System.Text;
using Bridge.Eventing.Avro.Resolution;
using Bridge.Eventing.Avro.Schemas;
using static Bridge.Eventing.Avro.Tests.Compatibility.CanReadTests;

namespace Bridge.Eventing.Avro.Tests.Compatibility;

/// <summary>
/// <see cref="SchemaCompatibility.CanRead"/> with unions on either side (every writer branch must be
/// readable; a reader union reads through the branch the decoder picks) and with recursive schemas.
/// </summary>
public class UnionAndRecursionTests
{
    [Fact]
    public void WriterUnion_ReadByTheSameUnion_InAnyBranchOrder()
    {
        AssertCompatible(P("""["null", "string"]"""), P("""["null", "string"]"""));
        AssertCompatible(P("""["string", "null"]"""), P("""["null", "string"]"""));
        AssertCompatible(P("""["null", "long", "string"]"""), P("""["int", "string"]"""));
    }

    [Fact]
    public void WriterUnion_ReadByANonUnion_NeedsEveryBranchReadable()
    {
        AssertCompatible(P("\"double\""), P("""["int", "long", "float"]"""));

        var problem = Single(SchemaCompatibility.CanRead(P("\"string\""), P("""["null", "string"]""")));
        Assert.Equal(IncompatibilityKind.TypeMismatch, problem.Kind);
        Assert.Equal("/", problem.Path);
        Assert.Equal("writer type 'null' (branch 0 of the writer's union) cannot be read as reader type 'string'", problem.Message);
    }

    [Fact]
    public void WriterUnion_EachBranchTheReaderUnionCannotTake_IsAMissingBranch()
    {
        var result = SchemaCompatibility.CanRead(P("""["null", "long"]"""),
            P("""["int", "string", "boolean", "null"]"""));
        Assert.Equal(
        [
            (IncompatibilityKind.MissingUnionBranch, "/", "the reader's union [null, long] has no branch for writer type 'string' (branch 1 of the writer's union)"),
            (IncompatibilityKind.MissingUnionBranch, "/", "the reader's union [null, long] has no branch for writer type 'boolean' (branch 2 of the writer's union)"),
        ], result.Incompatibilities.Select(i => (i.Kind, i.Path, i.Message)));
    }

    [Fact]
    public void ReaderUnion_ReadsANonUnionWriter_ThroughAMatchingBranch()
    {
        AssertCompatible(P("""["null", "string"]"""), P("\"string\""));
        AssertCompatible(P("""["null", "double"]"""), P("\"int\""));
        AssertCompatible(P("""["long", "int"]"""), P("\"int\""));

        var problem = Single(SchemaCompatibility.CanRead(P("""["null", "string", {"type": "array", "items": "int"}]"""), P("\"int\"")));
        Assert.Equal(IncompatibilityKind.MissingUnionBranch, problem.Kind);
        Assert.Equal("/", problem.Path);
        Assert.Equal("the reader's union [null, string, array] has no branch for writer type 'int'", problem.Message);
    }

    [Fact]
    public void ReaderUnion_ThePickedBranch_IsCheckedInDepth_AtItsIndex()
    {
        var reader = P("""
            ["null", {"type": "record", "name": "R", "fields": [
              {"name": "a", "type": "int"}, {"name": "b", "type": "string"}]}]
            """);
        var problem = Single(SchemaCompatibility.CanRead(reader, Record("R", """{"name": "a", "type": "int"}""")));
        Assert.Equal(IncompatibilityKind.ReaderFieldMissingDefaultValue, problem.Kind);
        Assert.Equal("/1/fields/1", problem.Path);

        // From a writer union too: the writer's record branch is read by the reader's record branch.
        var fromUnion = Single(SchemaCompatibility.CanRead(reader, P("""["null", {"type": "record", "name": "R", "fields": [{"name": "a", "type": "string"}, {"name": "b", "type": "string"}]}]""")));
        Assert.Equal(IncompatibilityKind.TypeMismatch, fromUnion.Kind);
        Assert.Equal("/1/fields/0/type", fromUnion.Path);
    }

    [Fact]
    public void ReaderUnion_NamedBranches_MatchByNameOrAlias()
    {
        var reader = P("""
            [{"type": "enum", "name": "Colour", "symbols": ["RED"]},
             {"type": "fixed", "name": "Id", "aliases": ["Key"], "size": 4}]
            """);
        AssertCompatible(reader, P("""{"type": "fixed", "name": "Key", "size": 4}"""));

        var size = Single(SchemaCompatibility.CanRead(reader, P("""{"type": "fixed", "name": "Id", "size": 8}""")));
        Assert.Equal((IncompatibilityKind.MissingUnionBranch, "/"), (size.Kind, size.Path));

        var symbols = Single(SchemaCompatibility.CanRead(reader, P("""{"type": "enum", "name": "Colour", "symbols": ["RED", "BLUE"]}""")));
        Assert.Equal((IncompatibilityKind.MissingEnumSymbols, "/0/symbols"), (symbols.Kind, symbols.Path));
    }

    // Java accepts this pair (it tries every reader branch); a decoder picks branch 0 by its alias and
    // then cannot fill 'x', so we report it.
    [Fact]
    public void ReaderUnion_ChecksTheBranchTheDecoderPicks_NotAnyBranchThatWouldDo()
    {
        var reader = P("""
            [{"type": "record", "name": "New", "aliases": ["Old"], "fields": [{"name": "x", "type": "int"}]},
             {"type": "record", "name": "Old", "fields": [{"name": "a", "type": "int"}]}]
            """);
        var problem = Single(SchemaCompatibility.CanRead(reader, Record("Old", """{"name": "a", "type": "int"}""")));
        Assert.Equal(IncompatibilityKind.ReaderFieldMissingDefaultValue, problem.Kind);
        Assert.Equal("/0/fields/0", problem.Path);
    }

    [Fact]
    public void SingletonAndNumberUnions_ResolveLikeTheirBranches()
    {
        AssertCompatible(P("""["int"]"""), P("\"int\""));
        AssertCompatible(P("\"int\""), P("""["int"]"""));
        AssertCompatible(P("""["bytes"]"""), P("""["string"]"""));
        // Java's own suite leaves open whether ["float"] reads ["int"]; the specification resolves an
        // int into a float branch by promotion, so it does.
        AssertCompatible(P("""["float"]"""), P("""["int", "long"]"""));
    }

    [Fact]
    public void EmptyUnions_NoWriterValueToRead_NoReaderBranchToReadInto()
    {
        AssertCompatible(P("\"int\""), P("[]"));
        AssertCompatible(P("[]"), P("[]"));
        var problem = Single(SchemaCompatibility.CanRead(P("[]"), P("\"null\"")));
        Assert.Equal((IncompatibilityKind.MissingUnionBranch, "/"), (problem.Kind, problem.Path));
        Assert.Equal("the reader's union [] has no branch for writer type 'null'", problem.Message);
    }

    [Fact]
    public void RecursiveRecord_ReadsItself_AndTerminates()
    {
        var list = P(SchemaCorpusJson("long-list"));
        AssertCompatible(list, list);
        AssertCompatible(list, P(SchemaCorpusJson("long-list")));
        var tree = P(SchemaCorpusJson("recursive-tree"));
        AssertCompatible(tree, P(SchemaCorpusJson("recursive-tree")));
    }

    [Fact]
    public void RecursiveRecord_AProblemInTheRecursion_IsReportedOnce_WhereFirstMet()
    {
        var writer = P("""
            {"type": "record", "name": "Node", "fields": [
              {"name": "value", "type": "long"},
              {"name": "children", "type": {"type": "array", "items": "Node"}},
              {"name": "next", "type": ["null", "Node"]}]}
            """);
        var reader = P("""
            {"type": "record", "name": "Node", "fields": [
              {"name": "value", "type": "int"},
              {"name": "children", "type": {"type": "array", "items": "Node"}},
              {"name": "next", "type": ["null", "Node"]},
              {"name": "label", "type": "string"}]}
            """);
        var result = SchemaCompatibility.CanRead(reader, writer);
        Assert.Equal([(IncompatibilityKind.TypeMismatch, "/fields/0/type"), (IncompatibilityKind.ReaderFieldMissingDefaultValue, "/fields/3")],
            result.Incompatibilities.Select(i => (i.Kind, i.Path)));

        // The other way round the extra writer field is skipped and int promotes to long.
        AssertCompatible(writer, reader);
    }

    [Fact]
    public void MutuallyRecursiveRecords_Terminate_AndAreCheckedThroughout()
    {
        const string Template = """
            {"type": "record", "name": "Person", "fields": [
              {"name": "employer", "type": ["null", {"type": "record", "name": "Company", "fields": [
                {"name": "staff", "type": {"type": "map", "values": "Person"}},
                {"name": "size", "type": "SIZE"}]}]}]}
            """;
        AssertCompatible(P(Template.Replace("SIZE", "long")), P(Template.Replace("SIZE", "int")));
        var problem = Single(SchemaCompatibility.CanRead(P(Template.Replace("SIZE", "int")), P(Template.Replace("SIZE", "long"))));
        Assert.Equal((IncompatibilityKind.TypeMismatch, "/fields/0/type/1/fields/1/type"), (problem.Kind, problem.Path));
    }

    // Through named references a schema unfolds far deeper than its written nesting: here 30,000
    // records, each holding the one defined before it. The walk must not recurse that deep.
    [Fact]
    public void ChainOfThirtyThousandRecords_IsWalkedToTheBottom_WithoutOverflowingTheStack()
    {
        const int Depth = 30_000;
        var result = SchemaCompatibility.CanRead(P(Chain(Depth, "string", hostName: "g")), P(Chain(Depth, "int", hostName: "h")));
        var problem = Single(result);
        Assert.Equal(IncompatibilityKind.TypeMismatch, problem.Kind);
        var expectedPath = "/fields/" + Depth + "/type" + string.Concat(Enumerable.Repeat("/fields/0/type", Depth - 1)) + "/fields/0/type";
        Assert.Equal(expectedPath, problem.Path);
    }

    /// <summary>
    /// A record whose fields <c>{host}0..{host}(n-1)</c> define C0 (one field of type
    /// <paramref name="leaf"/>) and Ck (one field of type C(k-1)) as <c>["null", Ck]</c> with default
    /// null, then a field <c>top</c> of type C(n-1). With different hosts the two sides' definition
    /// fields pair with nothing, so the only way to C0 is down the chain from <c>top</c>.
    /// </summary>
    private static string Chain(int n, string leaf, string hostName)
    {
        // Compact JSON: 30,000 definitions must stay under the parser's 4 Mi characters.
        var json = new StringBuilder("""{"type":"record","name":"Top","fields":[""");
        for (var k = 0; k < n; k++)
        {
            var inner = k == 0 ? $"\"{leaf}\"" : $"\"C{k - 1}\"";
            json.Append($$"""{"name":"{{hostName}}{{k}}","type":["null",{"type":"record","name":"C{{k}}","fields":[{"name":"f","type":{{inner}}}]}],"default":null},""");
        }
        json.Append($$"""{"name":"top","type":"C{{n - 1}}"}]}""");
        return json.ToString();
    }

    private static string SchemaCorpusJson(string name) => Schemas.SchemaCorpus.Json(name);
}

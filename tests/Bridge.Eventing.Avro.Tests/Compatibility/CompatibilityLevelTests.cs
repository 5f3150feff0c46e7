using Bridge.Eventing.Avro.Resolution;
using Bridge.Eventing.Avro.Schemas;
using static Bridge.Eventing.Avro.Tests.Compatibility.CanReadTests;

namespace Bridge.Eventing.Avro.Tests.Compatibility;

/// <summary>
/// The registry's compatibility levels (Confluent Schema Registry semantics): wire names, and
/// <see cref="SchemaCompatibility.Check"/> at each of the seven levels, transitive ones included.
/// </summary>
public class CompatibilityLevelTests
{
    public static TheoryData<string, CompatibilityLevel> WireNames => new()
    {
        { "NONE", CompatibilityLevel.None },
        { "BACKWARD", CompatibilityLevel.Backward },
        { "BACKWARD_TRANSITIVE", CompatibilityLevel.BackwardTransitive },
        { "FORWARD", CompatibilityLevel.Forward },
        { "FORWARD_TRANSITIVE", CompatibilityLevel.ForwardTransitive },
        { "FULL", CompatibilityLevel.Full },
        { "FULL_TRANSITIVE", CompatibilityLevel.FullTransitive },
    };

    [Theory]
    [MemberData(nameof(WireNames))]
    public void WireName_RoundTrips_AndParsesInAnyAsciiCase(string name, CompatibilityLevel level)
    {
        Assert.Equal(name, CompatibilityLevels.ToWireName(level));
        Assert.True(CompatibilityLevels.TryParse(name, out var parsed));
        Assert.Equal(level, parsed);
        Assert.True(CompatibilityLevels.TryParse(name.ToLowerInvariant(), out parsed));
        Assert.Equal(level, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" BACKWARD")]
    [InlineData("FULL-TRANSITIVE")]
    [InlineData("FullTransitive")]
    [InlineData("FORWARD_TRANSıTıVE")] // dotless i: OrdinalIgnoreCase would take it for I
    [InlineData("1")]
    public void TryParse_AnythingElse_IsFalse(string? name)
    {
        Assert.False(CompatibilityLevels.TryParse(name, out var level));
        Assert.Equal(CompatibilityLevel.None, level);
    }

    [Fact]
    public void UndefinedLevel_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CompatibilityLevels.ToWireName((CompatibilityLevel)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => SchemaCompatibility.Check((CompatibilityLevel)99, P("\"int\""), []));
    }

    private static readonly AvroSchema V1 = Record("Payment", """{"name": "id", "type": "long"}""", """{"name": "amount", "type": "double"}""");

    // Adds a field without a default: it can read nothing written before it (backward fails), old readers skip the field (forward holds).
    private static readonly AvroSchema AddedRequired = Record("Payment", """{"name": "id", "type": "long"}""", """{"name": "amount", "type": "double"}""", """{"name": "currency", "type": "string"}""");

    // Drops a field that had no default: it reads old data (backward holds), old readers miss the field (forward fails).
    private static readonly AvroSchema DroppedRequired = Record("Payment", """{"name": "id", "type": "long"}""");

    // Adds a field with a default: both ways.
    private static readonly AvroSchema AddedOptional = Record("Payment", """{"name": "id", "type": "long"}""", """{"name": "amount", "type": "double"}""", """{"name": "note", "type": ["null", "string"], "default": null}""");

    public static TheoryData<CompatibilityLevel, string, bool> Levels => new()
    {
        { CompatibilityLevel.None, nameof(AddedRequired), true },
        { CompatibilityLevel.None, nameof(DroppedRequired), true },
        { CompatibilityLevel.Backward, nameof(AddedRequired), false },
        { CompatibilityLevel.Backward, nameof(DroppedRequired), true },
        { CompatibilityLevel.Backward, nameof(AddedOptional), true },
        { CompatibilityLevel.Forward, nameof(AddedRequired), true },
        { CompatibilityLevel.Forward, nameof(DroppedRequired), false },
        { CompatibilityLevel.Forward, nameof(AddedOptional), true },
        { CompatibilityLevel.Full, nameof(AddedRequired), false },
        { CompatibilityLevel.Full, nameof(DroppedRequired), false },
        { CompatibilityLevel.Full, nameof(AddedOptional), true },
        { CompatibilityLevel.BackwardTransitive, nameof(AddedRequired), false },
        { CompatibilityLevel.BackwardTransitive, nameof(DroppedRequired), true },
        { CompatibilityLevel.ForwardTransitive, nameof(AddedRequired), true },
        { CompatibilityLevel.ForwardTransitive, nameof(DroppedRequired), false },
        { CompatibilityLevel.FullTransitive, nameof(AddedOptional), true },
        { CompatibilityLevel.FullTransitive, nameof(DroppedRequired), false },
    };

    [Theory]
    [MemberData(nameof(Levels))]
    public void EachLevel_AgainstOneVersion_ChecksItsDirections(CompatibilityLevel level, string change, bool compatible)
    {
        var candidate = change switch
        {
            nameof(AddedRequired) => AddedRequired,
            nameof(DroppedRequired) => DroppedRequired,
            _ => AddedOptional,
        };
        Assert.Equal(compatible, SchemaCompatibility.Check(level, candidate, [V1]).IsCompatible);
    }

    [Theory]
    [MemberData(nameof(WireNames))]
    public void NoPreviousVersion_IsCompatibleAtEveryLevel(string _, CompatibilityLevel level)
    {
        Assert.Same(CompatibilityResult.Compatible, SchemaCompatibility.Check(level, P("\"int\""), []));
    }

    [Fact]
    public void None_AcceptsAnything()
    {
        Assert.True(SchemaCompatibility.Check(CompatibilityLevel.None, P("\"string\""), [P("\"int\""), V1]).IsCompatible);
    }

    [Fact]
    public void Backward_PathIsInTheCandidate_AndTheMessageNamesTheVersion()
    {
        var problem = Single(SchemaCompatibility.Check(CompatibilityLevel.Backward, AddedRequired, [P("\"int\""), V1]));
        Assert.Equal(IncompatibilityKind.ReaderFieldMissingDefaultValue, problem.Kind);
        Assert.Equal("/fields/2", problem.Path);
        Assert.Equal(1, problem.PreviousIndex);
        Assert.Equal("the new schema cannot read data written with previous schema 1 (the latest): "
            + "reader field 'currency' has no default and the writer has no field 'currency'", problem.Message);
    }

    [Fact]
    public void Forward_PathIsInThePreviousSchema()
    {
        var problem = Single(SchemaCompatibility.Check(CompatibilityLevel.Forward, DroppedRequired, [V1]));
        Assert.Equal(IncompatibilityKind.ReaderFieldMissingDefaultValue, problem.Kind);
        Assert.Equal("/fields/1", problem.Path);
        Assert.Equal(0, problem.PreviousIndex);
        Assert.Equal("previous schema 0 (the latest) cannot read data written with the new schema: "
            + "reader field 'amount' has no default and the writer has no field 'amount'", problem.Message);
    }

    [Fact]
    public void Full_ReportsBackwardThenForward()
    {
        // amount becomes a float (old data's doubles cannot be read) and id a string (old readers cannot read it).
        var candidate = Record("Payment", """{"name": "id", "type": "string"}""", """{"name": "amount", "type": "float"}""");
        var result = SchemaCompatibility.Check(CompatibilityLevel.Full, candidate, [V1]);
        Assert.Equal(
        [
            (IncompatibilityKind.TypeMismatch, "/fields/0/type", "the new schema cannot read data written with previous schema 0 (the latest): writer type 'long' cannot be read as reader type 'string'"),
            (IncompatibilityKind.TypeMismatch, "/fields/1/type", "the new schema cannot read data written with previous schema 0 (the latest): writer type 'double' cannot be read as reader type 'float'"),
            (IncompatibilityKind.TypeMismatch, "/fields/0/type", "previous schema 0 (the latest) cannot read data written with the new schema: writer type 'string' cannot be read as reader type 'long'"),
        ], result.Incompatibilities.Select(i => (i.Kind, i.Path, i.Message)));
    }

    // v0 has no 'currency'; v1 added it with a default; the candidate drops the default.
    private static readonly AvroSchema[] CurrencyHistory =
    [
        V1,
        Record("Payment", """{"name": "id", "type": "long"}""", """{"name": "amount", "type": "double"}""", """{"name": "currency", "type": "string", "default": "EUR"}"""),
    ];

    [Fact]
    public void BackwardTransitive_FailsAgainstAnOlderVersion_WhereBackwardPasses()
    {
        Assert.True(SchemaCompatibility.Check(CompatibilityLevel.Backward, AddedRequired, CurrencyHistory).IsCompatible);

        var problem = Single(SchemaCompatibility.Check(CompatibilityLevel.BackwardTransitive, AddedRequired, CurrencyHistory));
        Assert.Equal(IncompatibilityKind.ReaderFieldMissingDefaultValue, problem.Kind);
        Assert.Equal("/fields/2", problem.Path);
        Assert.Equal(0, problem.PreviousIndex);
        Assert.StartsWith("the new schema cannot read data written with previous schema 0: ", problem.Message);
    }

    [Fact]
    public void ForwardTransitive_FailsAgainstAnOlderVersion_WhereForwardPasses()
    {
        // v0 requires 'currency'; v1 gave it a default; the candidate drops it.
        AvroSchema[] history = [AddedRequired, CurrencyHistory[1]];
        Assert.True(SchemaCompatibility.Check(CompatibilityLevel.Forward, V1, history).IsCompatible);

        var problem = Single(SchemaCompatibility.Check(CompatibilityLevel.ForwardTransitive, V1, history));
        Assert.Equal(IncompatibilityKind.ReaderFieldMissingDefaultValue, problem.Kind);
        Assert.Equal("/fields/2", problem.Path);
        Assert.Equal(0, problem.PreviousIndex);
        Assert.StartsWith("previous schema 0 cannot read data written with the new schema: ", problem.Message);
    }

    [Fact]
    public void FullTransitive_ChecksBothDirectionsAgainstEveryVersion_WhereFullPasses()
    {
        // v0 had 'status' and no 'amount', both without defaults; v1 is V1; the candidate adds 'currency' with a default.
        AvroSchema[] history = [Record("Payment", """{"name": "id", "type": "long"}""", """{"name": "status", "type": "string"}"""), V1];
        var candidate = CurrencyHistory[1];
        Assert.True(SchemaCompatibility.Check(CompatibilityLevel.Full, candidate, history).IsCompatible);

        var result = SchemaCompatibility.Check(CompatibilityLevel.FullTransitive, candidate, history);
        Assert.Equal(
        [
            (0, "/fields/1", "the new schema cannot read data written with previous schema 0: reader field 'amount' has no default and the writer has no field 'amount'"),
            (0, "/fields/1", "previous schema 0 cannot read data written with the new schema: reader field 'status' has no default and the writer has no field 'status'"),
        ], result.Incompatibilities.Select(i => (i.PreviousIndex!.Value, i.Path, i.Message)));
        Assert.All(result.Incompatibilities, i => Assert.Equal(IncompatibilityKind.ReaderFieldMissingDefaultValue, i.Kind));
    }

    [Fact]
    public void NullArguments_AreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => SchemaCompatibility.CanRead(null!, P("\"int\"")));
        Assert.Throws<ArgumentNullException>(() => SchemaCompatibility.CanRead(P("\"int\""), null!));
        Assert.Throws<ArgumentNullException>(() => SchemaCompatibility.Check(CompatibilityLevel.Full, null!, []));
        Assert.Throws<ArgumentNullException>(() => SchemaCompatibility.Check(CompatibilityLevel.Full, V1, null!));
        Assert.Throws<ArgumentNullException>(() => SchemaCompatibility.Check(CompatibilityLevel.Full, V1, [V1, null!]));
    }
}

using Bridge.Eventing.Avro.Resolution;
using Bridge.Eventing.Schemas.Registry;
using Bridge.Eventing.Schemas.Tests.Infrastructure;
using static Bridge.Eventing.Schemas.Tests.Infrastructure.TestSchemas;

namespace Bridge.Eventing.Schemas.Tests.Registry;

/// <summary>Commands against a state: compatibility levels enforced, lookups, and every refusal with its kind.</summary>
public class RegistryCommandsTests
{
    /// <summary>Subject "s" with <paramref name="schemas"/> registered (under NONE), then set to <paramref name="level"/>.</summary>
    private static RegistryState WithLevel(CompatibilityLevel level, params string[] schemas)
    {
        var state = RegistryState.Empty.Run(RegistryCommands.SetLevel(RegistryState.Empty, "s", CompatibilityLevel.None), out _);
        foreach (var schema in schemas) state = state.Register("s", schema);
        return state.Run(RegistryCommands.SetLevel(state, "s", level), out _);
    }

    [Theory]
    [InlineData(CompatibilityLevel.Backward, OrderWithRequiredNote, false)]
    [InlineData(CompatibilityLevel.Backward, OrderWithoutId, true)]
    [InlineData(CompatibilityLevel.Forward, OrderWithRequiredNote, true)]
    [InlineData(CompatibilityLevel.Forward, OrderWithoutId, false)]
    [InlineData(CompatibilityLevel.Full, OrderV2, true)]
    [InlineData(CompatibilityLevel.Full, OrderWithoutId, false)]
    [InlineData(CompatibilityLevel.None, OrderWithRequiredNote, true)]
    [InlineData(CompatibilityLevel.None, "\"string\"", true)]
    [InlineData(CompatibilityLevel.Backward, "\"string\"", false)]
    public void Register_EnforcesTheSubjectsLevel(CompatibilityLevel level, string candidate, bool accepted)
    {
        var result = RegistryCommands.Register(WithLevel(level, OrderV1), "s", Parse(candidate));
        if (accepted) Assert.Null(result.Error);
        else Assert.Equal(RegistryErrorKind.IncompatibleSchema, result.ErrorKind());
    }

    [Fact]
    public void Register_Incompatible_MessageNamesSubjectLevelVersionAndWhy()
    {
        var error = RegistryCommands.Register(WithLevel(CompatibilityLevel.Backward, OrderV1, OrderV2), "s", Parse(OrderWithRequiredNote)).Error!;
        Assert.Equal(409, RegistryErrors.Code(error.Kind));
        Assert.Contains("subject 's' (compatibility BACKWARD)", error.Message);
        Assert.Contains("version 2", error.Message); // the latest, by its version in the subject
        Assert.Contains("note", error.Message);
        Assert.DoesNotContain("previous schema", error.Message);
    }

    [Theory]
    [InlineData(CompatibilityLevel.Backward, true)]
    [InlineData(CompatibilityLevel.BackwardTransitive, false)]
    [InlineData(CompatibilityLevel.Full, true)]
    [InlineData(CompatibilityLevel.FullTransitive, false)]
    public void Register_BackwardTransitive_ChecksEveryLiveVersion_BackwardOnlyTheLatest(CompatibilityLevel level, bool accepted)
    {
        // qty without a default reads v2's data (it has qty) but not v1's.
        const string qtyRequired = """{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"qty","type":"int"}]}""";
        var result = RegistryCommands.Register(WithLevel(level, OrderV1, OrderV2), "s", Parse(qtyRequired));
        Assert.Equal(accepted, result.Error is null);
        if (!accepted) Assert.Contains("version 1", result.Error!.Message);
    }

    [Theory]
    [InlineData(CompatibilityLevel.Forward, true)]
    [InlineData(CompatibilityLevel.ForwardTransitive, false)]
    public void Register_ForwardTransitive_ChecksEveryLiveVersion_ForwardOnlyTheLatest(CompatibilityLevel level, bool accepted)
    {
        // v2 reads data without id (it has no id); v1 cannot (id has no default).
        var result = RegistryCommands.Register(WithLevel(level, OrderV1, OrderWithoutId), "s", Parse(OrderWithoutId.Replace("[]", """[{"name":"qty","type":"int","default":1}]""")));
        Assert.Equal(accepted, result.Error is null);
    }

    [Fact]
    public void Register_SoftDeletedVersions_AreNotCheckedAgainst()
    {
        var state = WithLevel(CompatibilityLevel.Backward, OrderV1);
        state = state.Run(RegistryCommands.DeleteVersion(state, "s", VersionSelector.Of(1), false), out _);
        state.Register("s", "\"string\"", out var v);
        Assert.Equal(2, v.Version);
    }

    [Fact]
    public void TestCompatibility_AgainstOneVersionOrAll_WithMessages()
    {
        var state = WithLevel(CompatibilityLevel.Backward, OrderV1, OrderV2);
        var latest = RegistryCommands.TestCompatibility(state, "s", VersionSelector.Latest, Parse(OrderWithRequiredNote)).Value!;
        Assert.False(latest.IsCompatible);
        Assert.Contains(latest.Messages, m => m.Contains("version 2") && m.Contains("(at /fields/"));
        Assert.True(RegistryCommands.TestCompatibility(state, "s", VersionSelector.Of(1), Parse(OrderV2)).Value!.IsCompatible);
        Assert.True(RegistryCommands.TestCompatibility(state, "s", null, Parse(OrderV2)).Value!.Messages.IsEmpty);
        Assert.True(RegistryCommands.TestCompatibility(state, "unknown", null, Parse(OrderV2)).Value!.IsCompatible);
        Assert.Equal(RegistryErrorKind.SubjectNotFound, RegistryCommands.TestCompatibility(state, "unknown", VersionSelector.Latest, Parse(OrderV2)).ErrorKind());
        Assert.Equal(RegistryErrorKind.VersionNotFound, RegistryCommands.TestCompatibility(state, "s", VersionSelector.Of(3), Parse(OrderV2)).ErrorKind());
    }

    [Fact]
    public void Lookup_FindsTheVersion_OrSaysWhichIsMissing()
    {
        var state = RegistryState.Empty.Register("s", OrderV1).Register("s", OrderV2);
        Assert.Equal(2, RegistryCommands.Lookup(state, "s", Parse(OrderV2)).Value!.Version);
        Assert.Equal(1, RegistryCommands.Lookup(state, "s", Parse(OrderV1Respelled)).Value!.Version);
        Assert.Equal(RegistryErrorKind.SchemaNotFound, RegistryCommands.Lookup(state, "s", Parse(OrderWithoutId)).ErrorKind());
        Assert.Equal(RegistryErrorKind.SubjectNotFound, RegistryCommands.Lookup(state, "t", Parse(OrderV1)).ErrorKind());
        state = state.Run(RegistryCommands.DeleteVersion(state, "s", VersionSelector.Of(2), false), out _);
        Assert.Equal(RegistryErrorKind.SchemaNotFound, RegistryCommands.Lookup(state, "s", Parse(OrderV2)).ErrorKind());
        Assert.True(RegistryCommands.Lookup(state, "s", Parse(OrderV2), includeDeleted: true).Value!.Deleted);
    }

    [Fact]
    public void GetVersion_AndSchemaById_Errors()
    {
        var state = RegistryState.Empty.Register("s", OrderV1);
        Assert.Equal(RegistryErrorKind.VersionNotFound, RegistryCommands.GetVersion(state, "s", VersionSelector.Of(2)).ErrorKind());
        Assert.Equal(RegistryErrorKind.SubjectNotFound, RegistryCommands.GetVersion(state, "t", VersionSelector.Of(1)).ErrorKind());
        Assert.Equal(RegistryErrorKind.SchemaNotFound, RegistryCommands.GetSchema(state, 2).ErrorKind());
        Assert.Equal(RegistryErrorKind.SchemaNotFound, RegistryCommands.VersionsOfSchema(state, 2).ErrorKind());
        Assert.Equal(RegistryErrorKind.SubjectNotFound, RegistryCommands.ListVersions(state, "t").ErrorKind());
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("nul\0")]
    public void EveryCommand_RefusesBadSubjectNames(string subject)
    {
        var state = RegistryState.Empty;
        Assert.Equal(RegistryErrorKind.InvalidSubject, RegistryCommands.Register(state, subject, Parse(OrderV1)).ErrorKind());
        Assert.Equal(RegistryErrorKind.InvalidSubject, RegistryCommands.Lookup(state, subject, Parse(OrderV1)).ErrorKind());
        Assert.Equal(RegistryErrorKind.InvalidSubject, RegistryCommands.GetVersion(state, subject, VersionSelector.Latest).ErrorKind());
        Assert.Equal(RegistryErrorKind.InvalidSubject, RegistryCommands.DeleteSubject(state, subject, false).ErrorKind());
        Assert.Equal(RegistryErrorKind.InvalidSubject, RegistryCommands.SetLevel(state, subject, CompatibilityLevel.Full).ErrorKind());
    }

    [Fact]
    public void SubjectNames_RefuseUnpairedSurrogates()
    {
        // A fact, not theory data: xunit hands a lone surrogate in InlineData over as U+FFFD.
        Assert.Equal(RegistryErrorKind.InvalidSubject, SubjectNames.Validate("\ud800lone")!.Kind);
        Assert.Equal(RegistryErrorKind.InvalidSubject, SubjectNames.Validate("end\ud83d")!.Kind);
        Assert.Equal(RegistryErrorKind.InvalidSubject, SubjectNames.Validate("\ude00x")!.Kind);
    }

    [Fact]
    public void SubjectNames_AcceptSlashesUnicodeAndLongNames_UpToTheLimit()
    {
        Assert.Null(SubjectNames.Validate("com.example/orders value-€-😀"));
        Assert.Null(SubjectNames.Validate(new string('x', SubjectNames.MaxLength)));
        Assert.Equal(RegistryErrorKind.InvalidSubject, SubjectNames.Validate(new string('x', SubjectNames.MaxLength + 1))!.Kind);
    }

    [Theory]
    [InlineData("latest", -1)]
    [InlineData("LATEST", -1)]
    [InlineData("-1", -1)] // Confluent's VersionId takes -1 as latest
    [InlineData("1", 1)]
    [InlineData(" 7 ", 7)]
    [InlineData("+3", 3)]
    [InlineData("2147483647", int.MaxValue)]
    public void VersionSelector_Parses(string text, int number) => Assert.Equal(number, VersionSelector.Parse(text).Value.Number);

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("abc")]
    [InlineData("99999999999")]
    [InlineData("2147483648")]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData("0x10")]
    public void VersionSelector_RefusesWithThe42202Message(string text)
    {
        var error = VersionSelector.Parse(text).Error!;
        Assert.Equal(42202, RegistryErrors.Code(error.Kind));
        Assert.Equal($"The specified version '{text}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"", error.Message);
    }
}

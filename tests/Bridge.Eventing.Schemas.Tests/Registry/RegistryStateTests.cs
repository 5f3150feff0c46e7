using Bridge.Eventing.Avro.Resolution;
using Bridge.Eventing.Schemas.Registry;
using Bridge.Eventing.Schemas.Tests.Infrastructure;
using static Bridge.Eventing.Schemas.Tests.Infrastructure.TestSchemas;

namespace Bridge.Eventing.Schemas.Tests.Registry;

/// <summary>The pure core: ids, versions, dedupe, soft and permanent deletes, levels, and replay.</summary>
public class RegistryStateTests
{
    private static readonly RegistryState Empty = RegistryState.Empty;

    [Fact]
    public void Register_FirstSchema_GetsId1Version1()
    {
        Empty.Register("orders-value", OrderV1, out var v);
        Assert.Equal((1, 1, "orders-value", false), (v.Id, v.Version, v.Subject, v.Deleted));
    }

    [Fact]
    public void Register_SameSchemaAgain_ReturnsExistingVersion_WritesNothing()
    {
        var state = Empty.Register("s", OrderV1).Register("s", OrderV2);
        var again = RegistryCommands.Register(state, "s", Parse(OrderV1));
        Assert.Empty(again.Value!.Records);
        Assert.Equal((1, 1), (again.Value.Answer.Id, again.Value.Answer.Version));
    }

    [Fact]
    public void Register_SameSchemaSpelledDifferently_IsTheSameSchema()
    {
        var state = Empty.Register("s", OrderV1);
        Assert.Empty(RegistryCommands.Register(state, "s", Parse(OrderV1Respelled)).Value!.Records);
        state.Register("t", OrderV1Respelled, out var other);
        Assert.Equal(1, other.Id);
    }

    [Fact]
    public void Register_SameSchemaInAnotherSubject_GetsTheSameId_AndVersion1There()
    {
        var state = Empty.Register("a", OrderV1).Register("a", OrderV2).Register("b", OrderV2, out var b);
        Assert.Equal((2, 1), (b.Id, b.Version));
        Assert.Same(state.Version("a", 2)!.Schema, state.Version("b", 1)!.Schema);
        Assert.Equal(["a", "b"], state.VersionsUsing(2).Select(v => v.Subject));
    }

    [Fact]
    public void Register_NewSchemas_GetMaxIdPlusOne_VersionsCountPerSubject()
    {
        var state = Empty.Register("a", OrderV1).Register("b", """ "string" """).Register("a", OrderV2, out var v);
        Assert.Equal((3, 2), (v.Id, v.Version));
        Assert.Equal(3, state.MaxId);
        Assert.Equal([1, 2], state.Versions("a").Select(x => x.Version));
    }

    [Fact]
    public void SoftDeleteSubject_HidesVersions_KeepsSchemasById_ClearsSubjectLevel()
    {
        var state = Empty.Register("a", OrderV1).Register("a", OrderV2)
            .Run(RegistryCommands.SetLevel(Empty, "a", CompatibilityLevel.Full), out _);
        state = state.Run(RegistryCommands.DeleteSubject(state, "a", permanent: false), out var deleted);

        Assert.Equal([1, 2], deleted.ToArray());
        Assert.Empty(state.SubjectNames());
        Assert.Equal(["a"], state.SubjectNames(includeDeleted: true));
        Assert.Empty(state.Versions("a"));
        Assert.True(state.Versions("a", includeDeleted: true).All(v => v.Deleted));
        Assert.NotNull(state.SchemaById(1));
        Assert.Null(state.SubjectLevel("a"));
        Assert.Equal(RegistryErrorKind.SubjectNotFound, RegistryCommands.GetVersion(state, "a", VersionSelector.Latest).ErrorKind());
        Assert.Equal(2, RegistryCommands.GetVersion(state, "a", VersionSelector.Latest, includeDeleted: true).Value!.Version);
    }

    [Fact]
    public void SoftDeletedSubject_RegisteredAgain_ContinuesVersions_ReusesTheId()
    {
        var state = Empty.Register("a", OrderV1);
        state = state.Run(RegistryCommands.DeleteSubject(state, "a", false), out _).Register("a", OrderV1, out var again);
        Assert.Equal((1, 2), (again.Id, again.Version));
        Assert.Equal([2], state.Versions("a").Select(v => v.Version));
    }

    [Fact]
    public void PermanentDelete_NeedsSoftDeleteFirst_ThenForgetsTheSubjectAndUnusedIds()
    {
        var state = Empty.Register("a", OrderV1).Register("a", OrderV2).Register("b", OrderV1);
        Assert.Equal(RegistryErrorKind.SubjectNotSoftDeleted, RegistryCommands.DeleteSubject(state, "a", permanent: true).ErrorKind());
        state = state.Run(RegistryCommands.DeleteSubject(state, "a", false), out _);
        Assert.Equal(RegistryErrorKind.SubjectSoftDeleted, RegistryCommands.DeleteSubject(state, "a", permanent: false).ErrorKind());
        state = state.Run(RegistryCommands.DeleteSubject(state, "a", true), out var gone);

        Assert.Equal([1, 2], gone.ToArray());
        Assert.DoesNotContain("a", state.SubjectNames(includeDeleted: true));
        Assert.NotNull(state.SchemaById(1)); // b still uses it
        Assert.Null(state.SchemaById(2));
        Assert.Equal(RegistryErrorKind.SubjectNotFound, RegistryCommands.DeleteSubject(state, "a", true).ErrorKind());
    }

    [Fact]
    public void IdsAreNeverReused_AfterPermanentDelete_SameSchemaGetsANewId()
    {
        var state = Empty.Register("a", OrderV1).Register("a", OrderV2);
        state = state.Run(RegistryCommands.DeleteSubject(state, "a", false), out _);
        state = state.Run(RegistryCommands.DeleteSubject(state, "a", true), out _).Register("a", OrderV2, out var v);
        Assert.Equal((3, 1), (v.Id, v.Version));
    }

    [Fact]
    public void DeleteVersion_SoftThenPermanent_WithItsErrors()
    {
        var state = Empty.Register("a", OrderV1).Register("a", OrderV2);
        Assert.Equal(RegistryErrorKind.VersionNotSoftDeleted, RegistryCommands.DeleteVersion(state, "a", VersionSelector.Of(1), true).ErrorKind());
        Assert.Equal(RegistryErrorKind.VersionNotFound, RegistryCommands.DeleteVersion(state, "a", VersionSelector.Of(7), false).ErrorKind());
        state = state.Run(RegistryCommands.DeleteVersion(state, "a", VersionSelector.Latest, false), out var soft);
        Assert.Equal(2, soft);
        Assert.Equal(RegistryErrorKind.VersionSoftDeleted, RegistryCommands.DeleteVersion(state, "a", VersionSelector.Of(2), false).ErrorKind());
        Assert.Equal(1, RegistryCommands.GetVersion(state, "a", VersionSelector.Latest).Value!.Version);
        state = state.Run(RegistryCommands.DeleteVersion(state, "a", VersionSelector.Latest, true), out var hard);
        Assert.Equal(2, hard);
        Assert.Null(state.Version("a", 2));
        Assert.Null(state.SchemaById(2));
        Assert.Equal([1], state.Versions("a", includeDeleted: true).Select(v => v.Version));
    }

    [Fact]
    public void Levels_SubjectOverridesGlobal_DeleteFallsBack_DefaultIsBackward()
    {
        Assert.Equal(CompatibilityLevel.Backward, Empty.EffectiveLevel("a"));
        Assert.Null(Empty.GlobalLevelSetting);
        var state = Empty.Run(RegistryCommands.SetLevel(Empty, null, CompatibilityLevel.Forward), out _);
        state = state.Run(RegistryCommands.SetLevel(state, "a", CompatibilityLevel.None), out _);
        Assert.Equal((CompatibilityLevel.None, CompatibilityLevel.Forward), (state.EffectiveLevel("a"), state.EffectiveLevel("b")));
        Assert.Equal(RegistryErrorKind.SubjectLevelNotConfigured, RegistryCommands.GetLevel(state, "b", defaultToGlobal: false).ErrorKind());
        Assert.Equal(CompatibilityLevel.Forward, RegistryCommands.GetLevel(state, "b", defaultToGlobal: true).Value);

        state = state.Run(RegistryCommands.DeleteLevel(state, "a"), out var was);
        Assert.Equal(CompatibilityLevel.None, was);
        Assert.Equal(CompatibilityLevel.Forward, state.EffectiveLevel("a"));
        Assert.Equal(RegistryErrorKind.SubjectNotFound, RegistryCommands.DeleteLevel(state, "a").ErrorKind());
        state = state.Run(RegistryCommands.DeleteLevel(state, null), out _);
        Assert.Equal(CompatibilityLevel.Backward, state.GlobalLevel);
    }

    [Fact]
    public void Apply_ReplayingTheLogTwiceOrAnySuffixAgain_EndsInTheSameState()
    {
        var log = new List<StoreRecord>();
        var state = Empty;
        void Do<T>(Func<RegistryState, RegistryResult<WritePlan<T>>> command)
        {
            var plan = command(state).Value!;
            log.AddRange(plan.Records);
            foreach (var r in plan.Records) state = state.Apply(r);
        }
        Do(s => RegistryCommands.Register(s, "a", Parse(OrderV1)));
        Do(s => RegistryCommands.Register(s, "a", Parse(OrderV2)));
        Do(s => RegistryCommands.Register(s, "b", Parse(OrderV2)));
        Do(s => RegistryCommands.SetLevel(s, "b", CompatibilityLevel.Full));
        Do(s => RegistryCommands.DeleteSubject(s, "a", false));
        Do(s => RegistryCommands.DeleteVersion(s, "b", VersionSelector.Of(1), false));
        Do(s => RegistryCommands.DeleteVersion(s, "b", VersionSelector.Of(1), true));

        var replayed = log.Aggregate(Empty, (s, r) => s.Apply(r));
        var twice = log.Skip(2).Aggregate(replayed, (s, r) => s.Apply(r));
        foreach (var candidate in new[] { replayed, twice })
        {
            Assert.Equal(Describe(state), Describe(candidate));
            Assert.Equal(state.MaxId, candidate.MaxId);
        }
    }

    private static string Describe(RegistryState s) => string.Join("\n",
        s.SubjectNames(includeDeleted: true).SelectMany(n => s.Versions(n, includeDeleted: true)).Select(v => $"{v.Subject}/{v.Version}={v.Id}{(v.Deleted ? "d" : "")}")
            .Concat(Enumerable.Range(1, 5).Select(id => $"id{id}:{s.SchemaById(id)?.Text}"))
            .Concat(new[] { "a", "b" }.Select(n => $"level {n}:{s.SubjectLevel(n)}")));
}

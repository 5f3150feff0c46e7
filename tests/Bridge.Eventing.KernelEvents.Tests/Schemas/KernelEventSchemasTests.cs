using System.Text.Json.Nodes;
using Bridge.Eventing.Avro.Resolution;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Schemas.Registry;

namespace Bridge.Eventing.KernelEvents.Tests.Schemas;

/// <summary>
/// The embedded schemas: they parse, the registry's own rules register them under their topic's
/// subject, they are BACKWARD-compatible with themselves, and every field has a default and a doc,
/// so that any one field can be dropped (or, with its default, added back) under FULL compatibility.
/// </summary>
public class KernelEventSchemasTests
{
    public static TheoryData<string> Topics => new(KernelEventTopics.All);

    [Theory]
    [MemberData(nameof(Topics))]
    public void ForTopic_EveryTopic_HasAParsedRecordInTheEventsNamespace(string topic)
    {
        var schema = KernelEventSchemas.ForTopic(topic);

        Assert.Equal("bridge.events.v1", schema.Namespace);
        Assert.False(string.IsNullOrWhiteSpace(schema.Doc));
        Assert.Equal(schema.ToCanonicalForm(), AvroSchema.Parse(schema.ToJson()).ToCanonicalForm());
    }

    [Fact]
    public void ForTopic_Names_AreTheFourIssue7Topics()
    {
        Assert.Equal(["bridge.tasks", "bridge.agents", "bridge.frameworks", "bridge.offers"], KernelEventTopics.All);
        Assert.Equal("bridge.events.v1.TaskEvent", KernelEventSchemas.ForTopic(KernelEventTopics.Tasks).FullName);
        Assert.Equal("bridge.events.v1.AgentEvent", KernelEventSchemas.ForTopic(KernelEventTopics.Agents).FullName);
        Assert.Equal("bridge.events.v1.FrameworkEvent", KernelEventSchemas.ForTopic(KernelEventTopics.Frameworks).FullName);
        Assert.Equal("bridge.events.v1.OffersSummary", KernelEventSchemas.ForTopic(KernelEventTopics.Offers).FullName);
    }

    [Fact]
    public void ForTopic_UnknownTopic_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => KernelEventSchemas.ForTopic("bridge.nodes"));
        Assert.Contains("bridge.nodes", e.Message);
    }

    [Fact]
    public void Subject_IsTopicNameStrategy() => Assert.Equal("bridge.tasks-value", KernelEventTopics.Subject(KernelEventTopics.Tasks));

    [Theory]
    [MemberData(nameof(Topics))]
    public void Register_UnderTheTopicSubject_IsAcceptedOnce_AndAgainGivesTheSameVersion(string topic)
    {
        var subject = KernelEventTopics.Subject(topic);
        var schema = KernelEventSchemas.ForTopic(topic);

        var first = RegistryCommands.Register(RegistryState.Empty, subject, schema);
        Assert.Null(first.Error);
        var state = first.Value!.Records.Aggregate(RegistryState.Empty, (s, r) => s.Apply(r));
        var again = RegistryCommands.Register(state, subject, schema);

        Assert.Null(again.Error);
        Assert.Empty(again.Value!.Records);
        Assert.Equal((1, 1), (first.Value.Answer.Version, first.Value.Answer.Id));
        Assert.Equal(first.Value.Answer.Version, again.Value.Answer.Version);
        Assert.Equal(CompatibilityLevel.Backward, state.EffectiveLevel(subject));
    }

    [Theory]
    [MemberData(nameof(Topics))]
    public void Check_Backward_AgainstItself_IsCompatible(string topic)
    {
        var schema = KernelEventSchemas.ForTopic(topic);

        var result = SchemaCompatibility.Check(CompatibilityLevel.Backward, schema, [schema]);

        Assert.True(result.IsCompatible, string.Join("; ", result.Incompatibilities.Select(i => i.Message)));
    }

    [Theory]
    [MemberData(nameof(Topics))]
    public void EveryField_HasADefaultAndADoc(string topic)
    {
        foreach (var field in KernelEventSchemas.ForTopic(topic).Fields)
        {
            Assert.True(field.Default is not null, $"{topic}: field {field.Name} has no default");
            Assert.False(string.IsNullOrWhiteSpace(field.Doc), $"{topic}: field {field.Name} has no doc");
        }
    }

    [Theory]
    [MemberData(nameof(Topics))]
    public void DroppingAnyOneField_IsFullyCompatible(string topic)
    {
        var schema = KernelEventSchemas.ForTopic(topic);
        for (var i = 0; i < schema.Fields.Length; i++)
        {
            var json = JsonNode.Parse(schema.ToJson())!;
            json["fields"]!.AsArray().RemoveAt(i);
            var without = AvroSchema.Parse(json.ToJsonString());

            var dropped = SchemaCompatibility.Check(CompatibilityLevel.Full, without, [schema]);
            var addedBack = SchemaCompatibility.Check(CompatibilityLevel.Full, schema, [without]);

            Assert.True(dropped.IsCompatible, $"dropping {schema.Fields[i].Name}: " + string.Join("; ", dropped.Incompatibilities.Select(x => x.Message)));
            Assert.True(addedBack.IsCompatible, $"adding {schema.Fields[i].Name}: " + string.Join("; ", addedBack.Incompatibilities.Select(x => x.Message)));
        }
    }
}

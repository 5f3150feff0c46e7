using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Client;
using Bridge.Eventing.KernelEvents;
using Bridge.Eventing.Schemas.Serdes;
using Bridge.Eventing.V1;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Eventing.Bus.Tests.Typed;

/// <summary><see cref="KernelEventPublisher"/> on the typed path: events reach their topic keyed by entity, framed with the topic's registered schema id.</summary>
[Collection(RegistryBusCollection.Name)]
public sealed class KernelEventPublisherTests(RegistryBusFixture fixture)
{
    [Fact]
    public async Task RunAsync_Events_ArePublishedKeyedAndDecodeWithTheTopicsRegisteredSchema()
    {
        await fixture.Harness.CreateTopicAsync(KernelEventTopics.Agents);
        using var bus = fixture.Harness.Client();
        KernelEvent[] events = [Agent("a1", "AGENT_ADDED", "ACTIVE"), Agent("a2", "AGENT_ADDED", "ACTIVE"), Agent("a1", "AGENT_REMOVED", "UNREACHABLE")];

        // The events end, so RunAsync returns once its publishers have their acknowledgements.
        await new KernelEventPublisher(bus, fixture.Registry, NullLogger<KernelEventPublisher>.Instance)
            .RunAsync(events.ToAsyncEnumerable(), CancellationToken.None);

        var registered = await fixture.Registry.GetLatestAsync(KernelEventTopics.Subject(KernelEventTopics.Agents));
        var read = await TypedEventsTests.TakeAsync(bus.ConsumeAsync<string, object?>(KernelEventTopics.Agents, AvroSerdes.GenericDeserializer(fixture.Registry),
            options: new ConsumeOptions { Start = StartPosition.Earliest }), events.Length);
        Assert.Equal(["a1", "a2", "a1"], read.Select(e => e.Key));
        Assert.All(read, e => Assert.Equal(registered.Id, e.SchemaId));
        Assert.Equal(events.Select(e => e.Value), read.Select(e => (GenericRecord)e.Value!));
    }

    private static KernelEvent Agent(string id, string eventType, string state)
    {
        var schema = KernelEventSchemas.AgentEvent;
        var record = new GenericRecord(schema)
        {
            ["event_type"] = new GenericEnum((EnumSchema)schema.GetField("event_type")!.Schema, eventType),
            ["agent_id"] = id,
            ["state"] = new GenericEnum((EnumSchema)schema.GetField("state")!.Schema, state),
        };
        return new KernelEvent(KernelEventTopics.Agents, id, schema, record);
    }
}

using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Client;
using Bridge.Eventing.Client.Publishing;
using Bridge.Eventing.Publishing;
using Bridge.Eventing.Schemas.Client;
using Bridge.Eventing.Schemas.Serdes;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.KernelEvents;

/// <summary>
/// Publishes a master's cluster events on the bus: registers each topic's schema under its subject
/// (<c>bridge.tasks-value</c>, ...), then sends every <see cref="KernelEvent"/> through one typed
/// <see cref="BusPublisher{TKey, TValue}"/> per topic, keyed by entity id (UTF-8), its value written
/// by the registry's Avro serializer over the topic's schema (<see cref="AvroSerdes.GenericSerializer"/>:
/// the Confluent wire format with the registered id). Sends are not awaited one by one (the
/// publishers batch them, with back-pressure); a send the bus refuses, or an event that does not
/// fit its schema, is logged and the stream goes on (all of which <see cref="RegisteredTopicPublisher"/> does).
/// </summary>
public sealed class KernelEventPublisher(BusClient bus, SchemaRegistryClient registry, ILogger<KernelEventPublisher> logger)
{
    /// <summary>Registers the schemas, then publishes the events of <paramref name="source"/> until cancelled.</summary>
    /// <exception cref="SchemaRegistryException">The registry refused a schema (an incompatible change).</exception>
    /// <exception cref="HttpRequestException">The registry is unreachable.</exception>
    public Task RunAsync(KernelEventSource source, CancellationToken cancellationToken) =>
        RunAsync(source.ReadAllAsync(cancellationToken), cancellationToken);

    /// <summary>Registers the schemas, then publishes <paramref name="events"/> until they end or <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="SchemaRegistryException">The registry refused a schema (an incompatible change).</exception>
    /// <exception cref="HttpRequestException">The registry is unreachable.</exception>
    public Task RunAsync(IAsyncEnumerable<KernelEvent> events, CancellationToken cancellationToken) =>
        new RegisteredTopicPublisher(bus, registry, Schemas, logger)
            .RunAsync(events.Select(e => new TopicRecord(e.Topic, e.Key, e.Value)), cancellationToken);

    private static readonly IReadOnlyDictionary<string, AvroSchema> Schemas =
        KernelEventTopics.All.ToDictionary(t => t, AvroSchema (t) => KernelEventSchemas.ForTopic(t));
}

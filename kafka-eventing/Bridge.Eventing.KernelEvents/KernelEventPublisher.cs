using Bridge.Eventing.Client;
using Bridge.Eventing.Client.Publishing;
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
/// fit its schema, is logged and the stream goes on.
/// </summary>
public sealed partial class KernelEventPublisher(BusClient bus, SchemaRegistryClient registry, ILogger<KernelEventPublisher> logger)
{
    /// <summary>Registers the schemas, then publishes the events of <paramref name="source"/> until cancelled.</summary>
    /// <exception cref="SchemaRegistryException">The registry refused a schema (an incompatible change).</exception>
    /// <exception cref="HttpRequestException">The registry is unreachable.</exception>
    public Task RunAsync(KernelEventSource source, CancellationToken cancellationToken) =>
        RunAsync(source.ReadAllAsync(cancellationToken), cancellationToken);

    /// <summary>Registers the schemas, then publishes <paramref name="events"/> until they end or <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="SchemaRegistryException">The registry refused a schema (an incompatible change).</exception>
    /// <exception cref="HttpRequestException">The registry is unreachable.</exception>
    public async Task RunAsync(IAsyncEnumerable<KernelEvent> events, CancellationToken cancellationToken)
    {
        // Registered up front so that an incompatible schema fails the start, not the first event of its
        // topic; the serializers then find the ids in the registry client's cache.
        foreach (var topic in KernelEventTopics.All)
            await registry.RegisterAsync(KernelEventTopics.Subject(topic), KernelEventSchemas.ForTopic(topic), cancellationToken);
        var publishers = KernelEventTopics.All.ToDictionary(t => t, t => bus.CreatePublisher<string, object?>(
            t, AvroSerdes.GenericSerializer(registry, KernelEventSchemas.ForTopic(t)), options: new PublisherOptions { MaxBatchRecords = 200 }));
        try
        {
            await foreach (var e in events.WithCancellation(cancellationToken))
            {
                Task<PublishResult> ack;
                try
                {
                    ack = await publishers[e.Topic].SendAsync(e.Key, e.Value, cancellationToken);
                }
                catch (BusSerializationException error)
                {
                    LogRefused(e.Topic, e.Key, error.Message);
                    continue;
                }
                _ = ack.ContinueWith(t => LogRefused(e.Topic, e.Key, t.Exception!.GetBaseException().Message),
                    CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var publisher in publishers.Values) await publisher.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "a {Topic} event for {Key} was not published: {Error}")]
    private partial void LogRefused(string topic, string key, string error);
}

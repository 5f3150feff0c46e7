using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Client;
using Bridge.Eventing.Client.Publishing;
using Bridge.Eventing.Schemas.Client;
using Bridge.Eventing.Schemas.Serdes;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Publishing;

/// <summary>
/// Publishes a stream of records on the bus, each topic's values written with one fixed schema:
/// registers every topic's schema under its subject (Confluent's TopicNameStrategy,
/// <c>&lt;topic&gt;-value</c>; keys are plain UTF-8, so there is no key subject), then sends each
/// <see cref="TopicRecord"/> through one typed <see cref="BusPublisher{TKey, TValue}"/> per topic, its
/// value written by the registry's Avro serializer over the topic's schema
/// (<see cref="AvroSerdes.GenericSerializer"/>: the Confluent wire format with the registered id).
/// Sends are not awaited one by one (the publishers batch them, up to 200 records, with
/// back-pressure); a send the bus refuses, or a value that does not fit its schema, is logged on
/// <paramref name="logger"/> and the stream goes on.
/// </summary>
/// <param name="bus">The bus client; not disposed here.</param>
/// <param name="registry">The schema registry client the serializers use; not disposed here.</param>
/// <param name="schemas">Each topic's value schema.</param>
/// <param name="logger">Where refused records are reported (a warning each).</param>
public sealed partial class RegisteredTopicPublisher(BusClient bus, SchemaRegistryClient registry, IReadOnlyDictionary<string, AvroSchema> schemas, ILogger logger)
{
    /// <summary>The value subject of <paramref name="topic"/> under TopicNameStrategy: <c>bridge.tasks</c> → <c>bridge.tasks-value</c>.</summary>
    public static string Subject(string topic) => $"{topic}-value";

    /// <summary>
    /// Registers the schemas, then publishes <paramref name="records"/> until they end (returning once
    /// every record sent is acknowledged or refused) or <paramref name="cancellationToken"/> fires
    /// (returning without error). The first record is asked for before the schemas are registered, so
    /// a source that subscribes when first read (a scheduler's event stream) misses nothing meanwhile.
    /// </summary>
    /// <exception cref="SchemaRegistryException">The registry refused a schema (an incompatible change).</exception>
    /// <exception cref="HttpRequestException">The registry is unreachable.</exception>
    /// <exception cref="KeyNotFoundException">A record's topic is not one of the publisher's.</exception>
    public async Task RunAsync(IAsyncEnumerable<TopicRecord> records, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var source = records.GetAsyncEnumerator(stop.Token);
        ValueTask<bool>? pending = source.MoveNextAsync();
        Dictionary<string, BusPublisher<string, object?>>? publishers = null;
        try
        {
            // Registered up front so that an incompatible schema fails the start, not the first record of its
            // topic; the serializers then find the ids in the registry client's cache.
            foreach (var (topic, schema) in schemas)
                await registry.RegisterAsync(Subject(topic), schema, cancellationToken);
            publishers = schemas.ToDictionary(s => s.Key, s => bus.CreatePublisher<string, object?>(
                s.Key, AvroSerdes.GenericSerializer(registry, s.Value), options: new PublisherOptions { MaxBatchRecords = 200 }));
            while (true)
            {
                var next = pending.Value;
                pending = null;
                if (!await next) break;
                await SendAsync(publishers, source.Current, cancellationToken);
                pending = source.MoveNextAsync();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            // A source cannot be disposed while a MoveNextAsync is pending (as when the registry failed): end it first.
            await stop.CancelAsync();
            if (pending is { } last)
            {
                try
                {
                    await last;
                }
                catch (Exception)
                {
                    // Only pending when something else already ended the run (cancellation, a registry error), which is what the caller sees.
                }
            }
            await source.DisposeAsync();
            if (publishers is not null)
                foreach (var publisher in publishers.Values) await publisher.DisposeAsync();
        }
    }

    private async Task SendAsync(Dictionary<string, BusPublisher<string, object?>> publishers, TopicRecord record, CancellationToken cancellationToken)
    {
        Task<PublishResult> ack;
        try
        {
            ack = await publishers[record.Topic].SendAsync(record.Key, record.Value, cancellationToken);
        }
        catch (BusSerializationException error)
        {
            LogRefused(record.Topic, record.Key, error.Message);
            return;
        }
        _ = ack.ContinueWith(t => LogRefused(record.Topic, record.Key, t.Exception!.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "a {Topic} event for {Key} was not published: {Error}")]
    private partial void LogRefused(string topic, string key, string error);
}

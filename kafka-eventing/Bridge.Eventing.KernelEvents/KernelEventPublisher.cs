using System.Buffers;
using System.Text;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Framing;
using Bridge.Eventing.Client;
using Bridge.Eventing.Client.Publishing;
using Bridge.Eventing.Schemas.Client;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.KernelEvents;

/// <summary>
/// Publishes a master's cluster events on the bus: registers each topic's schema under its subject
/// (<c>bridge.tasks-value</c>, ...), then sends every <see cref="KernelEvent"/> from a
/// <see cref="KernelEventSource"/> as Avro in the Confluent wire format, keyed by entity id, through
/// one <see cref="BusPublisher"/> per topic. Sends are not awaited one by one (the publishers batch
/// them, with back-pressure); a send the bus refuses is logged and the stream goes on.
/// </summary>
public sealed partial class KernelEventPublisher(BusClient bus, SchemaRegistryClient registry, ILogger<KernelEventPublisher> logger)
{
    /// <summary>Registers the schemas, then publishes the events of <paramref name="source"/> until cancelled.</summary>
    /// <exception cref="SchemaRegistryException">The registry refused a schema (an incompatible change).</exception>
    /// <exception cref="HttpRequestException">The registry is unreachable.</exception>
    public async Task RunAsync(KernelEventSource source, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<string, int>();
        foreach (var topic in KernelEventTopics.All)
            ids[topic] = await registry.RegisterAsync(KernelEventTopics.Subject(topic), KernelEventSchemas.ForTopic(topic), cancellationToken);
        var publishers = KernelEventTopics.All.ToDictionary(t => t, t => bus.CreatePublisher(t, new PublisherOptions { MaxBatchRecords = 200 }));
        try
        {
            await foreach (var e in source.ReadAllAsync(cancellationToken))
            {
                var value = Encode(ids[e.Topic], e);
                var ack = await publishers[e.Topic].SendAsync(new OutgoingRecord(Encoding.UTF8.GetBytes(e.Key), value), cancellationToken);
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

    /// <summary>The Confluent-framed Avro value of <paramref name="e"/> under schema id <paramref name="schemaId"/>.</summary>
    public static byte[] Encode(int schemaId, KernelEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        ConfluentFraming.WriteHeader(buffer, schemaId);
        new DatumWriter(e.Schema).Write(e.Value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "the bus refused a {Topic} event for {Key}: {Error}")]
    private partial void LogRefused(string topic, string key, string error);
}

using System.Runtime.CompilerServices;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Client;
using Bridge.Eventing.Publishing;
using Bridge.Eventing.Schemas.Client;
using Bridge.Schedulers.Events.Internal;
using Bridge.Schedulers.Jobs.Runs;
using Bridge.Schedulers.Services.Scheduling;
using Bridge.Yarn.Scheduling;
using Microsoft.Extensions.Logging;

namespace Bridge.Schedulers.Events;

/// <summary>
/// Publishes a scheduler's events on the bus: the services scheduler's on <c>bridge.services</c>,
/// the jobs scheduler's on <c>bridge.jobs</c> (<see cref="SchedulerEventTopics"/>). Registers the
/// topic's schema under its subject (<c>bridge.services-value</c>, <c>bridge.jobs-value</c>) first, then
/// sends each event as a <see cref="SchedulerEventRecords"/> record, keyed by app id or job name so
/// that one app's or job's events keep their order in one partition, through the bus SDK with the
/// registry's Avro serializer (the Confluent wire format; <see cref="RegisteredTopicPublisher"/>).
/// An event that does not fit its schema, or that the bus refuses, is logged and the stream goes
/// on. One instance may run both schedulers' streams at once.
/// </summary>
/// <param name="bus">The bus client; not disposed here.</param>
/// <param name="registry">The schema registry client; not disposed here.</param>
/// <param name="logger">Where events not published are reported (a warning each).</param>
public sealed partial class SchedulerEventPublisher(BusClient bus, SchemaRegistryClient registry, ILogger<SchedulerEventPublisher> logger)
{
    /// <summary>Publishes the events of a running services scheduler until <paramref name="cancellationToken"/> fires or it stops.</summary>
    /// <exception cref="SchemaRegistryException">The registry refused the schema (an incompatible change).</exception>
    /// <exception cref="HttpRequestException">The registry is unreachable.</exception>
    public Task RunAsync(IServicesControl services, CancellationToken cancellationToken) =>
        RunAsync(services.EventsAsync(cancellationToken), cancellationToken);

    /// <summary>Publishes the events of a running jobs scheduler until <paramref name="cancellationToken"/> fires or it stops.</summary>
    /// <exception cref="SchemaRegistryException">The registry refused the schema (an incompatible change).</exception>
    /// <exception cref="HttpRequestException">The registry is unreachable.</exception>
    public Task RunAsync(IJobsControl jobs, CancellationToken cancellationToken) =>
        RunAsync(jobs.EventsAsync(cancellationToken), cancellationToken);

    /// <summary>Registers the services schema, then publishes <paramref name="events"/> until they end (every
    /// sent event acknowledged or refused) or <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="SchemaRegistryException">The registry refused the schema (an incompatible change).</exception>
    /// <exception cref="HttpRequestException">The registry is unreachable.</exception>
    public Task RunAsync(IAsyncEnumerable<ServiceEvent> events, CancellationToken cancellationToken) =>
        RunAsync(EventStream.Services, events, SchedulerEventRecords.FromService, e => e.Type, cancellationToken);

    /// <summary>Registers the jobs schema, then publishes <paramref name="events"/> until they end (every
    /// sent event acknowledged or refused) or <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="SchemaRegistryException">The registry refused the schema (an incompatible change).</exception>
    /// <exception cref="HttpRequestException">The registry is unreachable.</exception>
    public Task RunAsync(IAsyncEnumerable<JobEvent> events, CancellationToken cancellationToken) =>
        RunAsync(EventStream.Jobs, events, SchedulerEventRecords.FromJob, e => e.Type, cancellationToken);

    /// <summary>Registers the YARN schema, then publishes the YARN bridge's <paramref name="events"/> on <c>bridge.yarn</c>
    /// until they end or <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="SchemaRegistryException">The registry refused the schema (an incompatible change).</exception>
    /// <exception cref="HttpRequestException">The registry is unreachable.</exception>
    public Task RunAsync(IAsyncEnumerable<BridgeEvent> events, CancellationToken cancellationToken) =>
        RunAsync(EventStream.Yarn, events, SchedulerEventRecords.FromYarn, e => e.Type, cancellationToken);

    private Task RunAsync<TEvent>(EventStream stream, IAsyncEnumerable<TEvent> events, Func<TEvent, SchedulerEventRecord> map,
        Func<TEvent, string> type, CancellationToken cancellationToken) =>
        new RegisteredTopicPublisher(bus, registry, new Dictionary<string, AvroSchema> { [stream.Topic] = stream.Schema }, logger)
            .RunAsync(Records(stream.Topic, events, map, type, cancellationToken), cancellationToken);

    private async IAsyncEnumerable<TopicRecord> Records<TEvent>(string topic, IAsyncEnumerable<TEvent> events, Func<TEvent, SchedulerEventRecord> map,
        Func<TEvent, string> type, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            var mapped = map(e);
            if (mapped.Record is { } record) yield return record;
            else LogMisfit(topic, type(e), mapped.Error!);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "a {Topic} event ({Type}) was not published: {Error}")]
    private partial void LogMisfit(string topic, string type, string error);
}

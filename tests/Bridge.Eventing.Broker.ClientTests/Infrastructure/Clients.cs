using Bridge.Eventing.Kafka;
using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Bridge.Eventing.Broker.ClientTests.Infrastructure;

/// <summary>
/// librdkafka's log and error callbacks, kept for assertion messages: when a client fails, its
/// own account of what it sent and got is the evidence.
/// </summary>
internal sealed class ClientLog
{
    private readonly ConcurrentQueue<string> _lines = new();

    public void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > 2_000) _lines.TryDequeue(out _);
    }

    /// <summary>The last <paramref name="count"/> lines, one per line.</summary>
    public string Tail(int count = 60) => string.Join('\n', _lines.TakeLast(count));
}

/// <summary>
/// Confluent.Kafka 2.15.1 clients (over Debian's librdkafka 2.0.2) configured for the embedded
/// broker, and consume loops bounded by a deadline instead of sleeps.
/// </summary>
internal static class Clients
{
    /// <summary>How long a consume loop waits for the records it expects before the test fails.</summary>
    public static readonly TimeSpan ConsumeDeadline = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A producer with <c>enable.idempotence=false</c> said explicitly (the broker serves no
    /// InitProducerId), <c>acks=all</c> and a short linger so batches hold several records.
    /// </summary>
    public static IProducer<byte[]?, byte[]?> Producer(string bootstrap, ClientLog log, Action<ProducerConfig>? configure = null)
    {
        LibrdkafkaCompat.EnsureInstalled();
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            ClientId = "bridge-client-tests",
            EnableIdempotence = false,
            Acks = Acks.All,
            LingerMs = 5,
            MessageTimeoutMs = 30_000,
        };
        configure?.Invoke(config);
        return new ProducerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler((_, m) => log.Add($"producer {m.Level} {m.Facility}: {m.Message}"))
            .SetErrorHandler((_, e) => log.Add($"producer error {e.Code}: {e.Reason}"))
            .Build();
    }

    /// <summary>
    /// A consumer in <paramref name="groupId"/> (Confluent.Kafka requires one even for
    /// <c>Assign</c>), reading from the earliest offset, committing only when told to.
    /// </summary>
    public static IConsumer<byte[]?, byte[]?> Consumer(string bootstrap, string groupId, ClientLog log, Action<ConsumerConfig>? configure = null)
    {
        LibrdkafkaCompat.EnsureInstalled();
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            ClientId = "bridge-client-tests",
            GroupId = groupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };
        configure?.Invoke(config);
        return new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler((_, m) => log.Add($"consumer {m.Level} {m.Facility}: {m.Message}"))
            .SetErrorHandler((_, e) => log.Add($"consumer error {e.Code}: {e.Reason}"))
            .Build();
    }

    public static IAdminClient Admin(string bootstrap, ClientLog log)
    {
        LibrdkafkaCompat.EnsureInstalled();
        return new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap, ClientId = "bridge-client-tests" })
            .SetLogHandler((_, m) => log.Add($"admin {m.Level} {m.Facility}: {m.Message}"))
            .SetErrorHandler((_, e) => log.Add($"admin error {e.Code}: {e.Reason}"))
            .Build();
    }

    /// <summary>Creates a topic through the AdminClient (CreateTopics), replication factor 1.</summary>
    public static async Task CreateTopicAsync(string bootstrap, string topic, int partitions, ClientLog log)
    {
        using var admin = Admin(bootstrap, log);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    /// <summary>Produces every message (to a partition when given, else by the partitioner), waits
    /// for every delivery report and fails on the first error.</summary>
    public static async Task<DeliveryResult<byte[]?, byte[]?>[]> ProduceAllAsync(IProducer<byte[]?, byte[]?> producer,
        IEnumerable<(TopicPartition Target, Message<byte[]?, byte[]?> Message)> messages)
    {
        var deliveries = messages.Select(m => m.Target.Partition == Partition.Any
            ? producer.ProduceAsync(m.Target.Topic, m.Message)
            : producer.ProduceAsync(m.Target, m.Message)).ToArray();
        return await Task.WhenAll(deliveries);
    }

    /// <summary>
    /// Consumes until <paramref name="count"/> records arrived or <see cref="ConsumeDeadline"/>
    /// passed (then fails with the client's log). Partition-EOF events are skipped.
    /// </summary>
    public static List<ConsumeResult<byte[]?, byte[]?>> ConsumeUntil(IConsumer<byte[]?, byte[]?> consumer, int count, ClientLog log)
    {
        var results = new List<ConsumeResult<byte[]?, byte[]?>>(count);
        var clock = Stopwatch.StartNew();
        while (results.Count < count && clock.Elapsed < ConsumeDeadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is { IsPartitionEOF: false }) results.Add(result);
        }
        Assert.True(results.Count == count,
            $"consumed {results.Count} of {count} records within {ConsumeDeadline.TotalSeconds} s; client log:\n{log.Tail()}");
        return results;
    }

    /// <summary>Reads <paramref name="count"/> records from partitions 0..<paramref name="partitions"/>-1
    /// of <paramref name="topic"/> from the beginning (Assign, no group membership), then checks
    /// that nothing else is stored: the high watermarks add up to <paramref name="count"/>.</summary>
    public static List<ConsumeResult<byte[]?, byte[]?>> ReadTopic(string bootstrap, string topic, int partitions, int count, ClientLog log,
        Action<ConsumerConfig>? configure = null)
    {
        using var consumer = Consumer(bootstrap, "reader-" + Guid.NewGuid().ToString("N"), log, configure);
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var results = ConsumeUntil(consumer, count, log);
        long stored = Enumerable.Range(0, partitions)
            .Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
        Assert.Equal(count, stored);
        consumer.Close();
        return results;
    }

    /// <summary>A unique topic name for one test (Kafka's legal characters).</summary>
    public static string TopicName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 249)];
}

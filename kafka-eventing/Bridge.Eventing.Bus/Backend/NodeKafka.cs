using System.Collections.Concurrent;
using System.Collections.Immutable;
using Bridge.Eventing.Kafka;
using Bridge.Eventing.Protocol;
using Bridge.Rpc;
using Confluent.Kafka;

namespace Bridge.Eventing.Bus.Backend;

/// <summary>
/// A back-end node's Kafka clients (Confluent.Kafka over librdkafka): the one producer every write
/// session of the node publishes through, an admin client on its handle for metadata, one idle
/// consumer for watermark queries, and the configuration of each read session's own consumer. It
/// also keeps, from every delivery report, the highest offset the node has seen each partition
/// reach: a free lower bound of the partition's end that write cursors use.
/// </summary>
internal sealed class NodeKafka : IDisposable
{
    private readonly string _bootstrap;
    private readonly string _clientId;
    private readonly IAdminClient _admin;
    private readonly IConsumer<byte[]?, byte[]?> _watermarks;
    private readonly Lock _watermarksLock = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<int, long>> _knownEnds = new(StringComparer.Ordinal);

    public NodeKafka(string bootstrapServers, string nodeId, TimeSpan timeout)
    {
        LibrdkafkaCompat.EnsureInstalled();
        _bootstrap = bootstrapServers;
        _clientId = $"bridge-bus-{nodeId}";
        Timeout = timeout;
        Producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = _clientId,
            Acks = Acks.All,
            // Keys choose partitions as Kafka's Java client does (murmur2); keyless records go anywhere.
            Partitioner = Confluent.Kafka.Partitioner.Murmur2Random,
            LingerMs = 1,
            MessageTimeoutMs = (int)timeout.TotalMilliseconds,
        }).Build();
        _admin = new DependentAdminClientBuilder(Producer.Handle).Build();
        _watermarks = new ConsumerBuilder<byte[]?, byte[]?>(ConsumerConfig()).Build();
    }

    /// <summary>How long a metadata query, a scan or a delivery may take before it fails.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The node's producer.</summary>
    public IProducer<byte[]?, byte[]?> Producer { get; }

    /// <summary>Configuration of a consumer that is assigned partitions and never joins a group or commits.</summary>
    public ConsumerConfig ConsumerConfig() => new()
    {
        BootstrapServers = _bootstrap,
        ClientId = _clientId,
        // Confluent.Kafka wants a group id even for Assign; nothing is committed, no group is joined.
        GroupId = "bridge-bus",
        EnableAutoCommit = false,
        EnableAutoOffsetStore = false,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        FetchWaitMaxMs = 50,
        // librdkafka's own queue in front of the read-ahead, per partition. Debian's librdkafka 2.0.2
        // stops fetching when this queue is full (queued.min.messages or queued.max.messages.kbytes)
        // and looks again only on its broker thread's one-second timer, not when the queue drains
        // (2.1 added fetch.queue.backoff.ms for that). A queue that drains in under a second stalls
        // the session for the rest of it: at 4 MiB a session read ~60,000 records/s of 100 bytes,
        // with a ~1 s stall every 4 MiB; at the default 100,000 messages, ~120,000 records/s with a
        // ~0.6 s stall every 120,000 (bridge bench bus --records 1000000). Bound by bytes alone at
        // 32 MiB, more than a second of reading, the timer comes round before the queue runs dry
        // (~190,000 records/s, no stalls). The cost: a session whose reader lags holds up to 32 MiB
        // of payload per partition here, plus librdkafka's bookkeeping per message.
        QueuedMaxMessagesKbytes = 32 * 1024,
        QueuedMinMessages = 10_000_000,
        // When the queue is full 2.0.2 also pauses fetching for fetch.error.backoff.ms (default
        // 500 ms); 10 ms.
        FetchErrorBackoffMs = 10,
    };

    /// <summary>The partitions of <paramref name="topic"/>, ascending.</summary>
    /// <exception cref="RpcException">NOT_FOUND (topic-unknown) when the topic does not exist; UNAVAILABLE (kafka) when Kafka does not answer.</exception>
    public async Task<IReadOnlyList<int>> PartitionsAsync(string topic)
    {
        var metadata = await Task.Run(() =>
        {
            try
            {
                return _admin.GetMetadata(topic, Timeout);
            }
            catch (KafkaException e)
            {
                throw BusReason.Error(StatusCode.Unavailable, BusReason.Kafka, $"Kafka metadata for topic '{topic}': {e.Error.Reason}");
            }
        });
        var entry = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
        if (entry is null || entry.Error.Code == ErrorCode.UnknownTopicOrPart || entry.Partitions.Count == 0)
            throw BusReason.Error(StatusCode.NotFound, BusReason.TopicUnknown, $"topic '{topic}' does not exist");
        if (entry.Error.IsError)
            throw BusReason.Error(StatusCode.Unavailable, BusReason.Kafka, $"Kafka metadata for topic '{topic}': {entry.Error.Reason}");
        return entry.Partitions.Select(p => p.PartitionId).Order().ToList();
    }

    /// <summary>The low (<paramref name="high"/> false) or high watermark of each of <paramref name="partitions"/>.</summary>
    /// <exception cref="RpcException">UNAVAILABLE (kafka) when Kafka does not answer in time.</exception>
    public Task<ImmutableSortedDictionary<int, long>> WatermarksAsync(string topic, IEnumerable<int> partitions, bool high) => Task.Run(() =>
    {
        var result = ImmutableSortedDictionary.CreateBuilder<int, long>();
        foreach (var partition in partitions)
        {
            WatermarkOffsets offsets;
            try
            {
                lock (_watermarksLock) offsets = _watermarks.QueryWatermarkOffsets(new TopicPartition(topic, partition), Timeout);
            }
            catch (KafkaException e)
            {
                throw BusReason.Error(StatusCode.Unavailable, BusReason.Kafka, $"Kafka offsets of {topic}/{partition}: {e.Error.Reason}");
            }
            result[partition] = high ? offsets.High.Value : offsets.Low.Value;
        }
        return result.ToImmutable();
    });

    /// <summary>Notes that <paramref name="partition"/> of <paramref name="topic"/> holds a record at <paramref name="offset"/>.</summary>
    public void Landed(string topic, int partition, long offset) =>
        _knownEnds.GetOrAdd(topic, _ => new ConcurrentDictionary<int, long>())
            .AddOrUpdate(partition, offset + 1, (_, current) => Math.Max(current, offset + 1));

    /// <summary>Partition → an offset each partition of <paramref name="topic"/> has reached, as far as this node has seen.</summary>
    public IReadOnlyDictionary<int, long> KnownEnds(string topic) =>
        _knownEnds.TryGetValue(topic, out var ends) ? ends : new Dictionary<int, long>();

    public void Dispose()
    {
        _watermarks.Dispose();
        _admin.Dispose();
        Producer.Dispose();
    }
}

using Bridge.Eventing.Kafka;
using Bridge.Eventing.Schemas.Registry;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Schemas.Store;

/// <summary>Where and how the registry keeps its log in Kafka.</summary>
public sealed record SchemaStoreOptions
{
    /// <summary>Kafka's <c>bootstrap.servers</c> (default <c>127.0.0.1:9092</c>, the embedded broker).</summary>
    public string BootstrapServers { get; init; } = "127.0.0.1:9092";

    /// <summary>The topic (default <c>_schemas</c>, Confluent's <c>kafkastore.topic</c>). One partition, compacted.</summary>
    public string Topic { get; init; } = "_schemas";

    /// <summary>
    /// Replication factor when the registry creates the topic (default -1: the cluster's
    /// <c>default.replication.factor</c>, KIP-464; the embedded broker has one replica).
    /// </summary>
    public short ReplicationFactor { get; init; } = -1;

    /// <summary>
    /// Bound on each Kafka operation: metadata and topic creation, reading the log to its end, and
    /// each append (librdkafka's <c>message.timeout.ms</c>) (default 10 s). Past it the registry answers 50001.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Largest record the registry writes, and the topic's <c>max.message.bytes</c> when it creates
    /// it (default 8 MiB: a schema at the Avro parser's 4 Mi-character bound, escaped). A topic
    /// created elsewhere keeps its own limit (Kafka's default is 1 MiB).
    /// </summary>
    public int MaxRecordBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Where skipped records and librdkafka's warnings are logged.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
}

/// <summary>
/// The registry's log in the Kafka topic <c>_schemas</c> through Confluent.Kafka: created with
/// <c>cleanup.policy=compact</c> and one partition if missing; read whole with a consumer assigned
/// to partition 0 from offset 0 up to the high watermark taken when the read starts; appended with
/// <c>acks=all</c> (idempotence off, which the embedded broker requires), each append awaited until
/// its delivery report. Thread-safe; the registry appends from one writer.
/// </summary>
public sealed class KafkaSchemaStore : ISchemaStore
{
    private readonly SchemaStoreOptions _options;
    private readonly ILogger _logger;
    private readonly IProducer<byte[], byte[]?> _producer;
    private readonly TopicPartition _partition;

    private KafkaSchemaStore(SchemaStoreOptions options, ILogger logger, IProducer<byte[], byte[]?> producer)
    {
        _options = options;
        _logger = logger;
        _producer = producer;
        _partition = new TopicPartition(options.Topic, new Partition(0));
    }

    /// <summary>Connects, creates the topic if it is missing, and returns the store (nothing read yet).</summary>
    /// <exception cref="SchemaStoreException">Kafka unreachable within <see cref="SchemaStoreOptions.Timeout"/>, the topic cannot be created, or it has more than one partition.</exception>
    /// <exception cref="DllNotFoundException">librdkafka is not installed (Debian: librdkafka1, librdkafka-dev).</exception>
    public static async Task<KafkaSchemaStore> OpenAsync(SchemaStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        LibrdkafkaCompat.EnsureInstalled();
        var logger = options.LoggerFactory.CreateLogger("Bridge.Eventing.Schemas.Store");
        await EnsureTopicAsync(options, logger, cancellationToken);
        var producer = new ProducerBuilder<byte[], byte[]?>(new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = "bridge-schema-registry",
            Acks = Acks.All,
            EnableIdempotence = false,
            LingerMs = 0,
            MessageTimeoutMs = (int)options.Timeout.TotalMilliseconds,
            MessageMaxBytes = options.MaxRecordBytes + 64 * 1024,
            // librdkafka backs off up to 10 s between reconnects by default; a registry whose broker
            // came back should take writes again within a second.
            ReconnectBackoffMaxMs = 1000,
        }).SetLogHandler((_, m) => Log(logger, "producer", m)).Build();
        return new KafkaSchemaStore(options, logger, producer);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoreRecord>> ReadAllAsync(CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => ReadAll(cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <inheritdoc />
    public async Task AppendAsync(StoreRecord record, CancellationToken cancellationToken)
    {
        var (key, value) = StoreRecordCodec.Encode(record);
        if (key.Length + (value?.Length ?? 0) > _options.MaxRecordBytes)
            throw new SchemaStoreException($"the record for {Describe(record)} is {key.Length + (value?.Length ?? 0)} bytes; at most {_options.MaxRecordBytes} are written to {_options.Topic}");
        DeliveryResult<byte[], byte[]?> result;
        try
        {
            // Not cancellable: once handed to the client the record may be written, and the caller must learn which.
            result = await _producer.ProduceAsync(_partition, new Message<byte[], byte[]?> { Key = key, Value = value }, CancellationToken.None);
        }
        catch (ProduceException<byte[], byte[]?> e)
        {
            throw new SchemaStoreException($"writing {Describe(record)} to {_options.Topic} on {_options.BootstrapServers} failed: {e.Error.Code}: {e.Error.Reason}", e);
        }
        catch (KafkaException e)
        {
            throw new SchemaStoreException($"writing {Describe(record)} to {_options.Topic} on {_options.BootstrapServers} failed: {e.Error.Code}: {e.Error.Reason}", e);
        }
        if (result.Status != PersistenceStatus.Persisted)
            throw new SchemaStoreException($"writing {Describe(record)} to {_options.Topic}: the delivery report says {result.Status}");
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _producer.Flush(TimeSpan.FromSeconds(1));
        _producer.Dispose();
        return ValueTask.CompletedTask;
    }

    private IReadOnlyList<StoreRecord> ReadAll(CancellationToken cancellationToken)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            ClientId = "bridge-schema-registry",
            // Required by Confluent.Kafka even for Assign; nothing is committed, no group is joined.
            GroupId = "bridge-schema-registry",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetLogHandler((_, m) => Log(_logger, "consumer", m)).Build();
        var deadline = DateTime.UtcNow + _options.Timeout;
        WatermarkOffsets marks;
        try
        {
            marks = consumer.QueryWatermarkOffsets(_partition, _options.Timeout);
        }
        catch (KafkaException e)
        {
            throw new SchemaStoreException($"reading {_options.Topic} on {_options.BootstrapServers}: cannot get its offsets: {e.Error.Code}: {e.Error.Reason}", e);
        }
        var records = new List<StoreRecord>();
        if (marks.High.Value <= marks.Low.Value) return records;
        consumer.Assign(new TopicPartitionOffset(_partition, Offset.Beginning));
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var left = deadline - DateTime.UtcNow;
            ConsumeResult<byte[]?, byte[]?>? result;
            try
            {
                result = left > TimeSpan.Zero ? consumer.Consume(left) : null;
            }
            catch (ConsumeException e)
            {
                throw new SchemaStoreException($"reading {_options.Topic} on {_options.BootstrapServers} failed: {e.Error.Code}: {e.Error.Reason}", e);
            }
            if (result is null)
                throw new SchemaStoreException($"reading {_options.Topic} on {_options.BootstrapServers} did not reach offset {marks.High.Value} within {_options.Timeout.TotalSeconds:0.#} s ({records.Count} records read)");
            if (result.IsPartitionEOF)
            {
                if (result.Offset.Value >= marks.High.Value) return records;
                continue;
            }
            if (result.Message.Key is null) _logger.LogWarning("Skipped {Topic} offset {Offset}: no key", _options.Topic, result.Offset.Value);
            else if (StoreRecordCodec.Decode(result.Message.Key, result.Message.Value, out var skipped) is { } record) records.Add(record);
            else _logger.LogWarning("Skipped {Topic} offset {Offset}: {Reason}", _options.Topic, result.Offset.Value, skipped);
            if (result.Offset.Value >= marks.High.Value - 1) return records;
        }
    }

    private static async Task EnsureTopicAsync(SchemaStoreOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = options.BootstrapServers, ClientId = "bridge-schema-registry" })
            .SetLogHandler((_, m) => Log(logger, "admin", m)).Build();
        Metadata metadata;
        try
        {
            // All topics: asking for one by name could auto-create it with the broker's defaults.
            metadata = await Task.Run(() => admin.GetMetadata(options.Timeout), cancellationToken);
        }
        catch (KafkaException e)
        {
            throw new SchemaStoreException($"cannot reach Kafka at {options.BootstrapServers}: {e.Error.Code}: {e.Error.Reason}", e);
        }
        if (metadata.Topics.FirstOrDefault(t => t.Topic == options.Topic && t.Error.Code == ErrorCode.NoError) is { } existing)
        {
            if (existing.Partitions.Count != 1)
                throw new SchemaStoreException($"topic {options.Topic} has {existing.Partitions.Count} partitions; the registry needs exactly 1 (one total order of registrations)");
            return;
        }
        try
        {
            await admin.CreateTopicsAsync(
            [
                new TopicSpecification
                {
                    Name = options.Topic,
                    NumPartitions = 1,
                    ReplicationFactor = options.ReplicationFactor,
                    Configs = new Dictionary<string, string>
                    {
                        ["cleanup.policy"] = "compact",
                        ["max.message.bytes"] = (options.MaxRecordBytes + 64 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    },
                },
            ], new CreateTopicsOptions { RequestTimeout = options.Timeout, OperationTimeout = options.Timeout });
            logger.LogInformation("Created topic {Topic} (1 partition, cleanup.policy=compact) on {Bootstrap}", options.Topic, options.BootstrapServers);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Created meanwhile by another client: fine, it is checked on the next start.
        }
        catch (CreateTopicsException e)
        {
            var error = e.Results.First(r => r.Error.Code != ErrorCode.NoError).Error;
            throw new SchemaStoreException($"cannot create topic {options.Topic} on {options.BootstrapServers}: {error.Code}: {error.Reason}", e);
        }
        catch (KafkaException e)
        {
            throw new SchemaStoreException($"cannot create topic {options.Topic} on {options.BootstrapServers}: {e.Error.Code}: {e.Error.Reason}", e);
        }
    }

    private static string Describe(StoreRecord record) => record switch
    {
        SchemaRecord r => $"{r.Subject} version {r.Version}",
        ConfigRecord r => $"the compatibility level of {r.Subject ?? "the registry"}",
        DeleteSubjectRecord r => $"the deletion of {r.Subject}",
        _ => record.GetType().Name,
    };

    // librdkafka's syslog levels: 0-4 (emergency to warning) are worth a warning, the rest is debug detail.
    private static void Log(ILogger logger, string client, LogMessage message) =>
        logger.Log(message.Level <= SyslogLevel.Warning ? LogLevel.Warning : LogLevel.Debug,
            "librdkafka {Client} {Facility}: {Message}", client, message.Facility, message.Message);
}

namespace Bridge.Eventing.Broker.Protocol.Messages;

/// <summary>
/// Produce request (Kafka protocol, Produce v3–v8; ProduceRequest.json): acks, timeout, and
/// record batches per topic partition. The records are opaque here: the partition log validates
/// the RecordBatch v2 header and CRC-32C.
/// </summary>
/// <remarks>
/// v3 is the floor because it is the first version carrying RecordBatch v2 (message format 2),
/// which is all the log stores; librdkafka 2.0.2 uses the highest of v3–v7 it shares with the
/// broker and needs v7 to send zstd (KIP-110). v8 (RecordErrors in the response) is the last
/// non-flexible version, for newer clients. <see cref="Partition.Records"/> of a decoded request
/// aliases the frame buffer it was decoded from.
/// </remarks>
public sealed record ProduceRequest : IKafkaRequest, IKafkaMessage<ProduceRequest>
{
    /// <summary>Produce v3–v8; flexible from v9 (not served).</summary>
    public static ApiDescriptor Api { get; } =
        ApiDescriptor.Create<ProduceRequest, ProduceResponse>(ApiKey.Produce, 3, 8, firstFlexibleVersion: 9) with { AdvertisedMinVersion = 0 };

    /// <summary>One topic's data.</summary>
    /// <param name="Name">Topic name.</param>
    /// <param name="PartitionData">Per-partition record batches.</param>
    public sealed record Topic(string Name, IReadOnlyList<Partition> PartitionData);

    /// <summary>One partition's record batches.</summary>
    /// <param name="Index">Partition index.</param>
    /// <param name="Records">Record batches as sent (RecordBatch v2, any codec), or null.</param>
    public sealed record Partition(int Index, ReadOnlyMemory<byte>? Records);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.Produce;

    /// <summary>Transactional id, or null for a non-transactional producer.</summary>
    public string? TransactionalId { get; init; }

    /// <summary>Required acknowledgements: 0 (none), 1 (leader) or -1 (all in-sync replicas).</summary>
    public short Acks { get; init; }

    /// <summary>How long to wait for the acknowledgements, in milliseconds.</summary>
    public int TimeoutMs { get; init; }

    /// <summary>Data per topic.</summary>
    public IReadOnlyList<Topic> TopicData { get; init; } = [];

    /// <inheritdoc />
    public static ProduceRequest Read(ref KafkaReader reader, short version)
    {
        var transactionalId = reader.ReadNullableString("TransactionalId");
        short acks = reader.ReadInt16("Acks");
        int timeoutMs = reader.ReadInt32("TimeoutMs");
        var topics = new Topic[reader.ReadArrayLength("TopicData", 6)];
        for (int t = 0; t < topics.Length; t++)
        {
            string name = reader.ReadString("Name");
            var partitions = new Partition[reader.ReadArrayLength("PartitionData", 8)];
            for (int p = 0; p < partitions.Length; p++)
                partitions[p] = new Partition(reader.ReadInt32("Index"), reader.ReadRecords("Records"));
            topics[t] = new Topic(name, partitions);
        }
        return new ProduceRequest { TransactionalId = transactionalId, Acks = acks, TimeoutMs = timeoutMs, TopicData = topics };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        writer.WriteNullableString(TransactionalId);
        writer.WriteInt16(Acks);
        writer.WriteInt32(TimeoutMs);
        writer.WriteArrayLength(TopicData.Count);
        foreach (var topic in TopicData)
        {
            writer.WriteString(topic.Name);
            writer.WriteArrayLength(topic.PartitionData.Count);
            foreach (var partition in topic.PartitionData)
            {
                writer.WriteInt32(partition.Index);
                writer.WriteRecords(partition.Records);
            }
        }
    }
}

/// <summary>
/// Produce response (Kafka protocol, Produce v3–v8; ProduceResponse.json): per partition the
/// error, the base offset assigned to the first record, the log-append time and (v5+) the log
/// start offset; v8 adds per-record errors and an error message.
/// </summary>
public sealed record ProduceResponse : IKafkaResponse, IKafkaMessage<ProduceResponse>
{
    /// <summary>One topic's results.</summary>
    /// <param name="Name">Topic name.</param>
    /// <param name="PartitionResponses">Per-partition results.</param>
    public sealed record Topic(string Name, IReadOnlyList<Partition> PartitionResponses);

    /// <summary>One partition's result.</summary>
    /// <param name="Index">Partition index.</param>
    /// <param name="ErrorCode">NONE, or why the batch was rejected (UNKNOWN_TOPIC_OR_PARTITION, CORRUPT_MESSAGE, MESSAGE_TOO_LARGE...).</param>
    /// <param name="BaseOffset">Offset assigned to the first record of the batch; -1 on error.</param>
    public sealed record Partition(int Index, ErrorCode ErrorCode, long BaseOffset)
    {
        /// <summary>Broker append time in ms since the epoch for LogAppendTime topics, else -1 (default).</summary>
        public long LogAppendTimeMs { get; init; } = -1;

        /// <summary>The partition's log start offset (v5+; default -1).</summary>
        public long LogStartOffset { get; init; } = -1;

        /// <summary>Records that caused the batch to be dropped (v8+).</summary>
        public IReadOnlyList<RecordError> RecordErrors { get; init; } = [];

        /// <summary>Summary of why the batch was dropped, or null (v8+).</summary>
        public string? ErrorMessage { get; init; }
    }

    /// <summary>A record that caused its batch to be dropped (v8+).</summary>
    /// <param name="BatchIndex">Index of the record within the batch.</param>
    /// <param name="BatchIndexErrorMessage">Why, or null.</param>
    public sealed record RecordError(int BatchIndex, string? BatchIndexErrorMessage);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.Produce;

    /// <summary>Results per topic.</summary>
    public IReadOnlyList<Topic> Responses { get; init; } = [];

    /// <summary>Throttle time in milliseconds (default 0).</summary>
    public int ThrottleTimeMs { get; init; }

    /// <inheritdoc />
    public static ProduceResponse Read(ref KafkaReader reader, short version)
    {
        var topics = new Topic[reader.ReadArrayLength("Responses", 6)];
        for (int t = 0; t < topics.Length; t++)
        {
            string name = reader.ReadString("Name");
            var partitions = new Partition[reader.ReadArrayLength("PartitionResponses", 14)];
            for (int p = 0; p < partitions.Length; p++)
                partitions[p] = ReadPartition(ref reader, version);
            topics[t] = new Topic(name, partitions);
        }
        int throttle = reader.ReadInt32("ThrottleTimeMs");
        return new ProduceResponse { Responses = topics, ThrottleTimeMs = throttle };
    }

    private static Partition ReadPartition(ref KafkaReader reader, short version)
    {
        var partition = new Partition(reader.ReadInt32("Index"), (ErrorCode)reader.ReadInt16("ErrorCode"), reader.ReadInt64("BaseOffset"))
        {
            LogAppendTimeMs = reader.ReadInt64("LogAppendTimeMs"),
            LogStartOffset = version >= 5 ? reader.ReadInt64("LogStartOffset") : -1,
        };
        if (version < 8) return partition;
        var errors = new RecordError[reader.ReadArrayLength("RecordErrors", 6)];
        for (int i = 0; i < errors.Length; i++)
            errors[i] = new RecordError(reader.ReadInt32("BatchIndex"), reader.ReadNullableString("BatchIndexErrorMessage"));
        return partition with { RecordErrors = errors, ErrorMessage = reader.ReadNullableString("ErrorMessage") };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        writer.WriteArrayLength(Responses.Count);
        foreach (var topic in Responses)
        {
            writer.WriteString(topic.Name);
            writer.WriteArrayLength(topic.PartitionResponses.Count);
            foreach (var p in topic.PartitionResponses)
            {
                writer.WriteInt32(p.Index);
                writer.WriteInt16((short)p.ErrorCode);
                writer.WriteInt64(p.BaseOffset);
                writer.WriteInt64(p.LogAppendTimeMs);
                if (version >= 5) writer.WriteInt64(p.LogStartOffset);
                if (version < 8) continue;
                writer.WriteArrayLength(p.RecordErrors.Count);
                foreach (var e in p.RecordErrors)
                {
                    writer.WriteInt32(e.BatchIndex);
                    writer.WriteNullableString(e.BatchIndexErrorMessage);
                }
                writer.WriteNullableString(p.ErrorMessage);
            }
        }
        writer.WriteInt32(ThrottleTimeMs);
    }
}

namespace Bridge.Eventing.Broker.Protocol.Messages;

/// <summary>
/// ListOffsets request (Kafka protocol, ListOffsets v1–v5; ListOffsetsRequest.json): per
/// partition, a timestamp to look up — <see cref="LatestTimestamp"/> (-1),
/// <see cref="EarliestTimestamp"/> (-2), or a time in ms since the epoch (the first offset whose
/// record timestamp is at or after it).
/// </summary>
/// <remarks>
/// v1 is the floor: v0 returns a list of old-style offsets and Kafka 4 removed it; librdkafka
/// needs v1 for its time-based offset feature and uses up to v2. v5 is the last non-flexible version.
/// </remarks>
public sealed record ListOffsetsRequest : IKafkaRequest, IKafkaMessage<ListOffsetsRequest>
{
    /// <summary>ListOffsets v1–v5; flexible from v6 (not served).</summary>
    public static ApiDescriptor Api { get; } =
        ApiDescriptor.Create<ListOffsetsRequest, ListOffsetsResponse>(ApiKey.ListOffsets, 1, 5, firstFlexibleVersion: 6);

    /// <summary>Timestamp meaning "the offset after the last record" (the high watermark).</summary>
    public const long LatestTimestamp = -1;

    /// <summary>Timestamp meaning "the log start offset".</summary>
    public const long EarliestTimestamp = -2;

    /// <summary>One topic's partitions.</summary>
    /// <param name="Name">Topic name.</param>
    /// <param name="Partitions">Partitions to look up.</param>
    public sealed record Topic(string Name, IReadOnlyList<Partition> Partitions);

    /// <summary>One partition to look up.</summary>
    /// <param name="PartitionIndex">Partition index.</param>
    /// <param name="Timestamp">-1 latest, -2 earliest, or ms since the epoch.</param>
    public sealed record Partition(int PartitionIndex, long Timestamp)
    {
        /// <summary>The client's view of the leader epoch (v4+; default -1).</summary>
        public int CurrentLeaderEpoch { get; init; } = -1;
    }

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.ListOffsets;

    /// <summary>Requesting broker id, or -1 for a consumer (default -1).</summary>
    public int ReplicaId { get; init; } = -1;

    /// <summary>0 = read uncommitted, 1 = read committed (v2+).</summary>
    public sbyte IsolationLevel { get; init; }

    /// <summary>Topics to look up.</summary>
    public IReadOnlyList<Topic> Topics { get; init; } = [];

    /// <inheritdoc />
    public static ListOffsetsRequest Read(ref KafkaReader reader, short version)
    {
        int replicaId = reader.ReadInt32("ReplicaId");
        sbyte isolation = version >= 2 ? reader.ReadInt8("IsolationLevel") : (sbyte)0;
        var topics = new Topic[reader.ReadArrayLength("Topics", 6)];
        for (int t = 0; t < topics.Length; t++)
        {
            string name = reader.ReadString("Name");
            var partitions = new Partition[reader.ReadArrayLength("Partitions", 12)];
            for (int p = 0; p < partitions.Length; p++)
            {
                int index = reader.ReadInt32("PartitionIndex");
                int epoch = version >= 4 ? reader.ReadInt32("CurrentLeaderEpoch") : -1;
                partitions[p] = new Partition(index, reader.ReadInt64("Timestamp")) { CurrentLeaderEpoch = epoch };
            }
            topics[t] = new Topic(name, partitions);
        }
        return new ListOffsetsRequest { ReplicaId = replicaId, IsolationLevel = isolation, Topics = topics };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        writer.WriteInt32(ReplicaId);
        if (version >= 2) writer.WriteInt8(IsolationLevel);
        writer.WriteArrayLength(Topics.Count);
        foreach (var topic in Topics)
        {
            writer.WriteString(topic.Name);
            writer.WriteArrayLength(topic.Partitions.Count);
            foreach (var p in topic.Partitions)
            {
                writer.WriteInt32(p.PartitionIndex);
                if (version >= 4) writer.WriteInt32(p.CurrentLeaderEpoch);
                writer.WriteInt64(p.Timestamp);
            }
        }
    }
}

/// <summary>
/// ListOffsets response (Kafka protocol, ListOffsets v1–v5; ListOffsetsResponse.json): per
/// partition the error, the offset found and the timestamp of its record (-1 for latest/earliest).
/// </summary>
public sealed record ListOffsetsResponse : IKafkaResponse, IKafkaMessage<ListOffsetsResponse>
{
    /// <summary>One topic's results.</summary>
    /// <param name="Name">Topic name.</param>
    /// <param name="Partitions">Per-partition results.</param>
    public sealed record Topic(string Name, IReadOnlyList<Partition> Partitions);

    /// <summary>One partition's result.</summary>
    /// <param name="PartitionIndex">Partition index.</param>
    /// <param name="ErrorCode">NONE, UNKNOWN_TOPIC_OR_PARTITION, ...</param>
    /// <param name="Timestamp">Timestamp of the record at <paramref name="Offset"/>, or -1.</param>
    /// <param name="Offset">The offset found, or -1 when none (a timestamp after the last record).</param>
    public sealed record Partition(int PartitionIndex, ErrorCode ErrorCode, long Timestamp, long Offset)
    {
        /// <summary>Leader epoch of the offset (v4+; default -1).</summary>
        public int LeaderEpoch { get; init; } = -1;
    }

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.ListOffsets;

    /// <summary>Throttle time in milliseconds (v2+).</summary>
    public int ThrottleTimeMs { get; init; }

    /// <summary>Results per topic.</summary>
    public IReadOnlyList<Topic> Topics { get; init; } = [];

    /// <inheritdoc />
    public static ListOffsetsResponse Read(ref KafkaReader reader, short version)
    {
        int throttle = version >= 2 ? reader.ReadInt32("ThrottleTimeMs") : 0;
        var topics = new Topic[reader.ReadArrayLength("Topics", 6)];
        for (int t = 0; t < topics.Length; t++)
        {
            string name = reader.ReadString("Name");
            var partitions = new Partition[reader.ReadArrayLength("Partitions", 22)];
            for (int p = 0; p < partitions.Length; p++)
            {
                partitions[p] = new Partition(reader.ReadInt32("PartitionIndex"), (ErrorCode)reader.ReadInt16("ErrorCode"),
                    reader.ReadInt64("Timestamp"), reader.ReadInt64("Offset"))
                {
                    LeaderEpoch = version >= 4 ? reader.ReadInt32("LeaderEpoch") : -1,
                };
            }
            topics[t] = new Topic(name, partitions);
        }
        return new ListOffsetsResponse { ThrottleTimeMs = throttle, Topics = topics };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        if (version >= 2) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteArrayLength(Topics.Count);
        foreach (var topic in Topics)
        {
            writer.WriteString(topic.Name);
            writer.WriteArrayLength(topic.Partitions.Count);
            foreach (var p in topic.Partitions)
            {
                writer.WriteInt32(p.PartitionIndex);
                writer.WriteInt16((short)p.ErrorCode);
                writer.WriteInt64(p.Timestamp);
                writer.WriteInt64(p.Offset);
                if (version >= 4) writer.WriteInt32(p.LeaderEpoch);
            }
        }
    }
}

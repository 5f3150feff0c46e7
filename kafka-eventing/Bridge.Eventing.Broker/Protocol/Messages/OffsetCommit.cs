namespace Bridge.Eventing.Broker.Protocol.Messages;

/// <summary>
/// OffsetCommit request (Kafka protocol, OffsetCommit v2–v7; OffsetCommitRequest.json): a
/// group member's committed offsets per partition, with metadata; the generation and member id
/// fence commits from members that were rebalanced away.
/// </summary>
/// <remarks>
/// v2 is the floor: v0–v1 (ZooKeeper storage, per-partition commit timestamps) are deprecated
/// and Kafka 4 removed them; librdkafka enables consumer groups when the range overlaps v1–v2
/// and uses up to v7, the last non-flexible version.
/// </remarks>
public sealed record OffsetCommitRequest : IKafkaRequest, IKafkaMessage<OffsetCommitRequest>
{
    /// <summary>OffsetCommit v2–v7; flexible from v8 (not served).</summary>
    public static ApiDescriptor Api { get; } =
        ApiDescriptor.Create<OffsetCommitRequest, OffsetCommitResponse>(ApiKey.OffsetCommit, 2, 7, firstFlexibleVersion: 8);

    /// <summary>One topic's offsets.</summary>
    /// <param name="Name">Topic name.</param>
    /// <param name="Partitions">Per-partition offsets.</param>
    public sealed record Topic(string Name, IReadOnlyList<Partition> Partitions);

    /// <summary>One partition's offset.</summary>
    /// <param name="PartitionIndex">Partition index.</param>
    /// <param name="CommittedOffset">The next offset to consume.</param>
    /// <param name="CommittedMetadata">Client metadata, or null.</param>
    public sealed record Partition(int PartitionIndex, long CommittedOffset, string? CommittedMetadata)
    {
        /// <summary>Leader epoch of the last consumed record (v6+; default -1).</summary>
        public int CommittedLeaderEpoch { get; init; } = -1;
    }

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.OffsetCommit;

    /// <summary>Group id.</summary>
    public string GroupId { get; init; } = "";

    /// <summary>The member's generation (classic protocol), or -1 for a commit from outside the group (default -1).</summary>
    public int GenerationIdOrMemberEpoch { get; init; } = -1;

    /// <summary>The member id, or empty for a commit from outside the group.</summary>
    public string MemberId { get; init; } = "";

    /// <summary>Static membership instance id, or null (v7+).</summary>
    public string? GroupInstanceId { get; init; }

    /// <summary>Retention in milliseconds, -1 for the broker default (v2–v4 only; default -1).</summary>
    public long RetentionTimeMs { get; init; } = -1;

    /// <summary>Offsets per topic.</summary>
    public IReadOnlyList<Topic> Topics { get; init; } = [];

    /// <inheritdoc />
    public static OffsetCommitRequest Read(ref KafkaReader reader, short version)
    {
        var request = new OffsetCommitRequest
        {
            GroupId = reader.ReadString("GroupId"),
            GenerationIdOrMemberEpoch = reader.ReadInt32("GenerationIdOrMemberEpoch"),
            MemberId = reader.ReadString("MemberId"),
            GroupInstanceId = version >= 7 ? reader.ReadNullableString("GroupInstanceId") : null,
            RetentionTimeMs = version is >= 2 and <= 4 ? reader.ReadInt64("RetentionTimeMs") : -1,
        };
        var topics = new Topic[reader.ReadArrayLength("Topics", 6)];
        for (int t = 0; t < topics.Length; t++)
        {
            string name = reader.ReadString("Name");
            var partitions = new Partition[reader.ReadArrayLength("Partitions", 14)];
            for (int p = 0; p < partitions.Length; p++)
            {
                int index = reader.ReadInt32("PartitionIndex");
                long offset = reader.ReadInt64("CommittedOffset");
                int epoch = version >= 6 ? reader.ReadInt32("CommittedLeaderEpoch") : -1;
                partitions[p] = new Partition(index, offset, reader.ReadNullableString("CommittedMetadata")) { CommittedLeaderEpoch = epoch };
            }
            topics[t] = new Topic(name, partitions);
        }
        return request with { Topics = topics };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        writer.WriteString(GroupId);
        writer.WriteInt32(GenerationIdOrMemberEpoch);
        writer.WriteString(MemberId);
        if (version >= 7) writer.WriteNullableString(GroupInstanceId);
        if (version is >= 2 and <= 4) writer.WriteInt64(RetentionTimeMs);
        writer.WriteArrayLength(Topics.Count);
        foreach (var topic in Topics)
        {
            writer.WriteString(topic.Name);
            writer.WriteArrayLength(topic.Partitions.Count);
            foreach (var p in topic.Partitions)
            {
                writer.WriteInt32(p.PartitionIndex);
                writer.WriteInt64(p.CommittedOffset);
                if (version >= 6) writer.WriteInt32(p.CommittedLeaderEpoch);
                writer.WriteNullableString(p.CommittedMetadata);
            }
        }
    }
}

/// <summary>
/// OffsetCommit response (Kafka protocol, OffsetCommit v2–v7; OffsetCommitResponse.json): per
/// partition an error (NONE, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS,
/// NOT_COORDINATOR, OFFSET_METADATA_TOO_LARGE...).
/// </summary>
public sealed record OffsetCommitResponse : IKafkaResponse, IKafkaMessage<OffsetCommitResponse>
{
    /// <summary>One topic's results.</summary>
    /// <param name="Name">Topic name.</param>
    /// <param name="Partitions">Per-partition results.</param>
    public sealed record Topic(string Name, IReadOnlyList<Partition> Partitions);

    /// <summary>One partition's result.</summary>
    /// <param name="PartitionIndex">Partition index.</param>
    /// <param name="ErrorCode">NONE or why the commit was refused.</param>
    public sealed record Partition(int PartitionIndex, ErrorCode ErrorCode);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.OffsetCommit;

    /// <summary>Throttle time in milliseconds (v3+).</summary>
    public int ThrottleTimeMs { get; init; }

    /// <summary>Results per topic.</summary>
    public IReadOnlyList<Topic> Topics { get; init; } = [];

    /// <inheritdoc />
    public static OffsetCommitResponse Read(ref KafkaReader reader, short version)
    {
        int throttle = version >= 3 ? reader.ReadInt32("ThrottleTimeMs") : 0;
        var topics = new Topic[reader.ReadArrayLength("Topics", 6)];
        for (int t = 0; t < topics.Length; t++)
        {
            string name = reader.ReadString("Name");
            var partitions = new Partition[reader.ReadArrayLength("Partitions", 6)];
            for (int p = 0; p < partitions.Length; p++)
                partitions[p] = new Partition(reader.ReadInt32("PartitionIndex"), (ErrorCode)reader.ReadInt16("ErrorCode"));
            topics[t] = new Topic(name, partitions);
        }
        return new OffsetCommitResponse { ThrottleTimeMs = throttle, Topics = topics };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        if (version >= 3) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteArrayLength(Topics.Count);
        foreach (var topic in Topics)
        {
            writer.WriteString(topic.Name);
            writer.WriteArrayLength(topic.Partitions.Count);
            foreach (var p in topic.Partitions)
            {
                writer.WriteInt32(p.PartitionIndex);
                writer.WriteInt16((short)p.ErrorCode);
            }
        }
    }
}

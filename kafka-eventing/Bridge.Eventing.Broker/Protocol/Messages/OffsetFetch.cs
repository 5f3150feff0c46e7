namespace Bridge.Eventing.Broker.Protocol.Messages;

/// <summary>
/// OffsetFetch request (Kafka protocol, OffsetFetch v1–v5; OffsetFetchRequest.json): a group's
/// committed offsets for the listed partitions, or (v2+, null <see cref="Topics"/>) for all.
/// </summary>
/// <remarks>
/// v1 is the floor: v0 read ZooKeeper and Kafka 4 removed it; librdkafka needs v1 in the range
/// to enable consumer groups. v5 is the last non-flexible version (librdkafka would use v6–v7,
/// flexible, if advertised; it works with v5).
/// </remarks>
public sealed record OffsetFetchRequest : IKafkaRequest, IKafkaMessage<OffsetFetchRequest>
{
    /// <summary>OffsetFetch v1–v5; flexible from v6 (not served).</summary>
    public static ApiDescriptor Api { get; } =
        ApiDescriptor.Create<OffsetFetchRequest, OffsetFetchResponse>(ApiKey.OffsetFetch, 1, 5, firstFlexibleVersion: 6);

    /// <summary>One topic's partitions.</summary>
    /// <param name="Name">Topic name.</param>
    /// <param name="PartitionIndexes">Partitions wanted.</param>
    public sealed record Topic(string Name, IReadOnlyList<int> PartitionIndexes);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.OffsetFetch;

    /// <summary>Group id.</summary>
    public string GroupId { get; init; } = "";

    /// <summary>Partitions wanted, or null for every committed partition (v2+).</summary>
    public IReadOnlyList<Topic>? Topics { get; init; } = [];

    /// <inheritdoc />
    public static OffsetFetchRequest Read(ref KafkaReader reader, short version)
    {
        string groupId = reader.ReadString("GroupId");
        int count = version >= 2 ? reader.ReadNullableArrayLength("Topics", 6) : reader.ReadArrayLength("Topics", 6);
        Topic[]? topics = null;
        if (count >= 0)
        {
            topics = new Topic[count];
            for (int i = 0; i < count; i++)
                topics[i] = new Topic(reader.ReadString("Name"), reader.ReadInt32Array("PartitionIndexes"));
        }
        return new OffsetFetchRequest { GroupId = groupId, Topics = topics };
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">Null <see cref="Topics"/> below v2, which cannot express it.</exception>
    public void Write(ref KafkaWriter writer, short version)
    {
        if (Topics is null && version < 2)
            throw new ArgumentException("OffsetFetch below v2 has no null (all topics) list.");
        writer.WriteString(GroupId);
        writer.WriteArrayLength(Topics?.Count);
        foreach (var t in Topics ?? [])
        {
            writer.WriteString(t.Name);
            writer.WriteInt32Array(t.PartitionIndexes);
        }
    }
}

/// <summary>
/// OffsetFetch response (Kafka protocol, OffsetFetch v1–v5; OffsetFetchResponse.json): per
/// partition the committed offset (-1 if none), (v5+) its leader epoch, metadata and error;
/// (v2+) a top-level error such as NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS.
/// </summary>
public sealed record OffsetFetchResponse : IKafkaResponse, IKafkaMessage<OffsetFetchResponse>
{
    /// <summary>One topic's offsets.</summary>
    /// <param name="Name">Topic name.</param>
    /// <param name="Partitions">Per-partition offsets.</param>
    public sealed record Topic(string Name, IReadOnlyList<Partition> Partitions);

    /// <summary>One partition's committed offset.</summary>
    /// <param name="PartitionIndex">Partition index.</param>
    /// <param name="CommittedOffset">Committed offset, or -1 when none.</param>
    /// <param name="Metadata">Metadata committed with it, or null.</param>
    /// <param name="ErrorCode">NONE or the partition's error.</param>
    public sealed record Partition(int PartitionIndex, long CommittedOffset, string? Metadata, ErrorCode ErrorCode)
    {
        /// <summary>Leader epoch committed with the offset (v5+; default -1).</summary>
        public int CommittedLeaderEpoch { get; init; } = -1;
    }

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.OffsetFetch;

    /// <summary>Throttle time in milliseconds (v3+).</summary>
    public int ThrottleTimeMs { get; init; }

    /// <summary>Offsets per topic.</summary>
    public IReadOnlyList<Topic> Topics { get; init; } = [];

    /// <summary>Top-level error (v2+; default NONE).</summary>
    public ErrorCode ErrorCode { get; init; }

    /// <inheritdoc />
    public static OffsetFetchResponse Read(ref KafkaReader reader, short version)
    {
        int throttle = version >= 3 ? reader.ReadInt32("ThrottleTimeMs") : 0;
        var topics = new Topic[reader.ReadArrayLength("Topics", 6)];
        for (int t = 0; t < topics.Length; t++)
        {
            string name = reader.ReadString("Name");
            var partitions = new Partition[reader.ReadArrayLength("Partitions", 16)];
            for (int p = 0; p < partitions.Length; p++)
            {
                int index = reader.ReadInt32("PartitionIndex");
                long offset = reader.ReadInt64("CommittedOffset");
                int epoch = version >= 5 ? reader.ReadInt32("CommittedLeaderEpoch") : -1;
                partitions[p] = new Partition(index, offset, reader.ReadNullableString("Metadata"), (ErrorCode)reader.ReadInt16("ErrorCode"))
                {
                    CommittedLeaderEpoch = epoch,
                };
            }
            topics[t] = new Topic(name, partitions);
        }
        var error = version >= 2 ? (ErrorCode)reader.ReadInt16("ErrorCode") : ErrorCode.None;
        return new OffsetFetchResponse { ThrottleTimeMs = throttle, Topics = topics, ErrorCode = error };
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
                writer.WriteInt64(p.CommittedOffset);
                if (version >= 5) writer.WriteInt32(p.CommittedLeaderEpoch);
                writer.WriteNullableString(p.Metadata);
                writer.WriteInt16((short)p.ErrorCode);
            }
        }
        if (version >= 2) writer.WriteInt16((short)ErrorCode);
    }
}

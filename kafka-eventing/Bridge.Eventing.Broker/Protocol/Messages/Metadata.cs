namespace Bridge.Eventing.Broker.Protocol.Messages;

/// <summary>
/// Metadata request (Kafka protocol, Metadata v0–v8; MetadataRequest.json): the topics to
/// describe — all topics when <see cref="Topics"/> is null (v1+) or empty (v0 only) — and
/// (v4+) whether the broker may auto-create the ones that do not exist.
/// </summary>
/// <remarks>
/// librdkafka 2.0.2 uses up to v4 (kcat <c>-L</c> included); v0–v8 are all non-flexible and
/// differ only by additive fields, so the whole range is served for other clients.
/// Use <see cref="WantsAllTopics"/> rather than testing <see cref="Topics"/> for null: v0
/// says "all" with an empty array.
/// </remarks>
public sealed record MetadataRequest : IKafkaRequest, IKafkaMessage<MetadataRequest>
{
    /// <summary>Metadata v0–v8; flexible from v9 (not served).</summary>
    public static ApiDescriptor Api { get; } =
        ApiDescriptor.Create<MetadataRequest, MetadataResponse>(ApiKey.Metadata, 0, 8, firstFlexibleVersion: 9);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.Metadata;

    /// <summary>Topic names to describe; null for all topics (v1+; a v0 request reads as an empty list).</summary>
    public IReadOnlyList<string>? Topics { get; init; } = [];

    /// <summary>Whether missing topics may be auto-created (v4+; default true, as before v4).</summary>
    public bool AllowAutoTopicCreation { get; init; } = true;

    /// <summary>Whether to return the cluster's authorized operations (v8+).</summary>
    public bool IncludeClusterAuthorizedOperations { get; init; }

    /// <summary>Whether to return each topic's authorized operations (v8+).</summary>
    public bool IncludeTopicAuthorizedOperations { get; init; }

    /// <summary>True when the request asks for every topic: a null list (v1+) or an empty one (v0).</summary>
    public bool WantsAllTopics(short version) => Topics is null || (version == 0 && Topics.Count == 0);

    /// <inheritdoc />
    public static MetadataRequest Read(ref KafkaReader reader, short version)
    {
        int count = version >= 1 ? reader.ReadNullableArrayLength("Topics", 2) : reader.ReadArrayLength("Topics", 2);
        string[]? topics = null;
        if (count >= 0)
        {
            topics = new string[count];
            for (int i = 0; i < count; i++) topics[i] = reader.ReadString("Name");
        }
        return new MetadataRequest
        {
            Topics = topics,
            AllowAutoTopicCreation = version < 4 || reader.ReadBoolean("AllowAutoTopicCreation"),
            IncludeClusterAuthorizedOperations = version >= 8 && reader.ReadBoolean("IncludeClusterAuthorizedOperations"),
            IncludeTopicAuthorizedOperations = version >= 8 && reader.ReadBoolean("IncludeTopicAuthorizedOperations"),
        };
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">Null <see cref="Topics"/> at v0, which cannot express it (send an empty list).</exception>
    public void Write(ref KafkaWriter writer, short version)
    {
        if (Topics is null && version == 0)
            throw new ArgumentException("Metadata v0 has no null topic list; an empty list means all topics.");
        writer.WriteArrayLength(Topics?.Count);
        foreach (var name in Topics ?? []) writer.WriteString(name);
        if (version >= 4) writer.WriteBoolean(AllowAutoTopicCreation);
        if (version >= 8)
        {
            writer.WriteBoolean(IncludeClusterAuthorizedOperations);
            writer.WriteBoolean(IncludeTopicAuthorizedOperations);
        }
    }
}

/// <summary>
/// Metadata response (Kafka protocol, Metadata v0–v8; MetadataResponse.json): the brokers, the
/// cluster id (v2+), the controller (v1+), and per topic its error and partitions with leader,
/// replicas and in-sync replicas.
/// </summary>
public sealed record MetadataResponse : IKafkaResponse, IKafkaMessage<MetadataResponse>
{
    /// <summary>Authorized-operations value meaning "not requested" (the spec default, int32 minimum).</summary>
    public const int AuthorizedOperationsOmitted = int.MinValue;

    /// <summary>A broker.</summary>
    /// <param name="NodeId">Broker id.</param>
    /// <param name="Host">Host name clients connect to.</param>
    /// <param name="Port">Port clients connect to.</param>
    /// <param name="Rack">Rack, or null (v1+).</param>
    public sealed record Broker(int NodeId, string Host, int Port, string? Rack = null);

    /// <summary>A topic.</summary>
    /// <param name="ErrorCode">NONE, UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION, LEADER_NOT_AVAILABLE (being created)...</param>
    /// <param name="Name">Topic name.</param>
    /// <param name="Partitions">Its partitions.</param>
    public sealed record Topic(ErrorCode ErrorCode, string Name, IReadOnlyList<Partition> Partitions)
    {
        /// <summary>Whether the topic is internal (v1+).</summary>
        public bool IsInternal { get; init; }

        /// <summary>Authorized operations bit field (v8+; default <see cref="AuthorizedOperationsOmitted"/>).</summary>
        public int TopicAuthorizedOperations { get; init; } = AuthorizedOperationsOmitted;
    }

    /// <summary>A partition.</summary>
    /// <param name="ErrorCode">NONE or the partition's error.</param>
    /// <param name="PartitionIndex">Partition index.</param>
    /// <param name="LeaderId">Leader broker id, -1 if none.</param>
    /// <param name="ReplicaNodes">Brokers hosting the partition.</param>
    /// <param name="IsrNodes">In-sync replicas.</param>
    public sealed record Partition(ErrorCode ErrorCode, int PartitionIndex, int LeaderId, IReadOnlyList<int> ReplicaNodes, IReadOnlyList<int> IsrNodes)
    {
        /// <summary>Leader epoch (v7+; default -1).</summary>
        public int LeaderEpoch { get; init; } = -1;

        /// <summary>Offline replicas (v5+).</summary>
        public IReadOnlyList<int> OfflineReplicas { get; init; } = [];
    }

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.Metadata;

    /// <summary>Throttle time in milliseconds (v3+).</summary>
    public int ThrottleTimeMs { get; init; }

    /// <summary>Brokers in the cluster.</summary>
    public IReadOnlyList<Broker> Brokers { get; init; } = [];

    /// <summary>Cluster id, or null (v2+).</summary>
    public string? ClusterId { get; init; }

    /// <summary>Controller broker id (v1+; default -1).</summary>
    public int ControllerId { get; init; } = -1;

    /// <summary>The topics described.</summary>
    public IReadOnlyList<Topic> Topics { get; init; } = [];

    /// <summary>Cluster authorized operations bit field (v8+; default <see cref="AuthorizedOperationsOmitted"/>).</summary>
    public int ClusterAuthorizedOperations { get; init; } = AuthorizedOperationsOmitted;

    /// <inheritdoc />
    public static MetadataResponse Read(ref KafkaReader reader, short version)
    {
        int throttle = version >= 3 ? reader.ReadInt32("ThrottleTimeMs") : 0;
        var brokers = new Broker[reader.ReadArrayLength("Brokers", 10)];
        for (int i = 0; i < brokers.Length; i++)
        {
            brokers[i] = new Broker(reader.ReadInt32("NodeId"), reader.ReadString("Host"), reader.ReadInt32("Port"),
                version >= 1 ? reader.ReadNullableString("Rack") : null);
        }
        string? clusterId = version >= 2 ? reader.ReadNullableString("ClusterId") : null;
        int controller = version >= 1 ? reader.ReadInt32("ControllerId") : -1;
        var topics = new Topic[reader.ReadArrayLength("Topics", 8)];
        for (int t = 0; t < topics.Length; t++) topics[t] = ReadTopic(ref reader, version);
        int clusterOps = version >= 8 ? reader.ReadInt32("ClusterAuthorizedOperations") : AuthorizedOperationsOmitted;
        return new MetadataResponse
        {
            ThrottleTimeMs = throttle, Brokers = brokers, ClusterId = clusterId, ControllerId = controller,
            Topics = topics, ClusterAuthorizedOperations = clusterOps,
        };
    }

    private static Topic ReadTopic(ref KafkaReader reader, short version)
    {
        var error = (ErrorCode)reader.ReadInt16("ErrorCode");
        string name = reader.ReadString("Name");
        bool isInternal = version >= 1 && reader.ReadBoolean("IsInternal");
        var partitions = new Partition[reader.ReadArrayLength("Partitions", 18)];
        for (int p = 0; p < partitions.Length; p++)
        {
            var errorCode = (ErrorCode)reader.ReadInt16("ErrorCode");
            int index = reader.ReadInt32("PartitionIndex");
            int leader = reader.ReadInt32("LeaderId");
            int epoch = version >= 7 ? reader.ReadInt32("LeaderEpoch") : -1;
            var replicas = reader.ReadInt32Array("ReplicaNodes");
            var isr = reader.ReadInt32Array("IsrNodes");
            var offline = version >= 5 ? reader.ReadInt32Array("OfflineReplicas") : [];
            partitions[p] = new Partition(errorCode, index, leader, replicas, isr) { LeaderEpoch = epoch, OfflineReplicas = offline };
        }
        int ops = version >= 8 ? reader.ReadInt32("TopicAuthorizedOperations") : AuthorizedOperationsOmitted;
        return new Topic(error, name, partitions) { IsInternal = isInternal, TopicAuthorizedOperations = ops };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        if (version >= 3) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteArrayLength(Brokers.Count);
        foreach (var b in Brokers)
        {
            writer.WriteInt32(b.NodeId);
            writer.WriteString(b.Host);
            writer.WriteInt32(b.Port);
            if (version >= 1) writer.WriteNullableString(b.Rack);
        }
        if (version >= 2) writer.WriteNullableString(ClusterId);
        if (version >= 1) writer.WriteInt32(ControllerId);
        writer.WriteArrayLength(Topics.Count);
        foreach (var t in Topics) WriteTopic(ref writer, t, version);
        if (version >= 8) writer.WriteInt32(ClusterAuthorizedOperations);
    }

    private static void WriteTopic(ref KafkaWriter writer, Topic topic, short version)
    {
        writer.WriteInt16((short)topic.ErrorCode);
        writer.WriteString(topic.Name);
        if (version >= 1) writer.WriteBoolean(topic.IsInternal);
        writer.WriteArrayLength(topic.Partitions.Count);
        foreach (var p in topic.Partitions)
        {
            writer.WriteInt16((short)p.ErrorCode);
            writer.WriteInt32(p.PartitionIndex);
            writer.WriteInt32(p.LeaderId);
            if (version >= 7) writer.WriteInt32(p.LeaderEpoch);
            writer.WriteInt32Array(p.ReplicaNodes);
            writer.WriteInt32Array(p.IsrNodes);
            if (version >= 5) writer.WriteInt32Array(p.OfflineReplicas);
        }
        if (version >= 8) writer.WriteInt32(topic.TopicAuthorizedOperations);
    }
}

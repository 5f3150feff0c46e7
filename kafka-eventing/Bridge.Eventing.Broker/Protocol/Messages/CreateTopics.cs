namespace Bridge.Eventing.Broker.Protocol.Messages;

/// <summary>
/// CreateTopics request (Kafka protocol, CreateTopics v0–v4; CreateTopicsRequest.json): per topic
/// the partition count and replication factor (-1 for the broker default, v4+), an optional
/// manual assignment and configs; (v1+) validate-only.
/// </summary>
/// <remarks>librdkafka 2.0.2 (the admin client) uses up to v4, which is also the last non-flexible version.</remarks>
public sealed record CreateTopicsRequest : IKafkaRequest, IKafkaMessage<CreateTopicsRequest>
{
    /// <summary>CreateTopics v0–v4; flexible from v5 (not served).</summary>
    public static ApiDescriptor Api { get; } =
        ApiDescriptor.Create<CreateTopicsRequest, CreateTopicsResponse>(ApiKey.CreateTopics, 0, 4, firstFlexibleVersion: 5);

    /// <summary>A topic to create.</summary>
    /// <param name="Name">Topic name.</param>
    /// <param name="NumPartitions">Partitions, or -1 for the broker default or a manual assignment.</param>
    /// <param name="ReplicationFactor">Replicas per partition, or -1 for the default or a manual assignment.</param>
    public sealed record CreatableTopic(string Name, int NumPartitions, short ReplicationFactor)
    {
        /// <summary>Manual partition assignment; empty for automatic.</summary>
        public IReadOnlyList<ReplicaAssignment> Assignments { get; init; } = [];

        /// <summary>Topic configuration overrides.</summary>
        public IReadOnlyList<Config> Configs { get; init; } = [];
    }

    /// <summary>A manual assignment of one partition.</summary>
    /// <param name="PartitionIndex">Partition index.</param>
    /// <param name="BrokerIds">Brokers to place it on.</param>
    public sealed record ReplicaAssignment(int PartitionIndex, IReadOnlyList<int> BrokerIds);

    /// <summary>A topic configuration override.</summary>
    /// <param name="Name">Config name, for example <c>retention.ms</c>.</param>
    /// <param name="Value">Value, or null.</param>
    public sealed record Config(string Name, string? Value);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.CreateTopics;

    /// <summary>Topics to create.</summary>
    public IReadOnlyList<CreatableTopic> Topics { get; init; } = [];

    /// <summary>How long to wait for creation, in milliseconds (default 60,000).</summary>
    public int TimeoutMs { get; init; } = 60_000;

    /// <summary>Validate without creating (v1+).</summary>
    public bool ValidateOnly { get; init; }

    /// <inheritdoc />
    public static CreateTopicsRequest Read(ref KafkaReader reader, short version)
    {
        var topics = new CreatableTopic[reader.ReadArrayLength("Topics", 14)];
        for (int t = 0; t < topics.Length; t++)
        {
            var topic = new CreatableTopic(reader.ReadString("Name"), reader.ReadInt32("NumPartitions"), reader.ReadInt16("ReplicationFactor"));
            var assignments = new ReplicaAssignment[reader.ReadArrayLength("Assignments", 8)];
            for (int i = 0; i < assignments.Length; i++)
                assignments[i] = new ReplicaAssignment(reader.ReadInt32("PartitionIndex"), reader.ReadInt32Array("BrokerIds"));
            var configs = new Config[reader.ReadArrayLength("Configs", 4)];
            for (int i = 0; i < configs.Length; i++)
                configs[i] = new Config(reader.ReadString("Name"), reader.ReadNullableString("Value"));
            topics[t] = topic with { Assignments = assignments, Configs = configs };
        }
        return new CreateTopicsRequest
        {
            Topics = topics,
            TimeoutMs = reader.ReadInt32("timeoutMs"),
            ValidateOnly = version >= 1 && reader.ReadBoolean("validateOnly"),
        };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        writer.WriteArrayLength(Topics.Count);
        foreach (var t in Topics)
        {
            writer.WriteString(t.Name);
            writer.WriteInt32(t.NumPartitions);
            writer.WriteInt16(t.ReplicationFactor);
            writer.WriteArrayLength(t.Assignments.Count);
            foreach (var a in t.Assignments)
            {
                writer.WriteInt32(a.PartitionIndex);
                writer.WriteInt32Array(a.BrokerIds);
            }
            writer.WriteArrayLength(t.Configs.Count);
            foreach (var c in t.Configs)
            {
                writer.WriteString(c.Name);
                writer.WriteNullableString(c.Value);
            }
        }
        writer.WriteInt32(TimeoutMs);
        if (version >= 1) writer.WriteBoolean(ValidateOnly);
    }
}

/// <summary>
/// CreateTopics response (Kafka protocol, CreateTopics v0–v4; CreateTopicsResponse.json): per
/// topic an error (TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR,
/// INVALID_TOPIC_EXCEPTION...) and (v1+) a message.
/// </summary>
public sealed record CreateTopicsResponse : IKafkaResponse, IKafkaMessage<CreateTopicsResponse>
{
    /// <summary>One topic's result.</summary>
    /// <param name="Name">Topic name.</param>
    /// <param name="ErrorCode">NONE or why it was not created.</param>
    /// <param name="ErrorMessage">Details, or null (v1+).</param>
    public sealed record Result(string Name, ErrorCode ErrorCode, string? ErrorMessage = null);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.CreateTopics;

    /// <summary>Throttle time in milliseconds (v2+).</summary>
    public int ThrottleTimeMs { get; init; }

    /// <summary>Results per topic.</summary>
    public IReadOnlyList<Result> Topics { get; init; } = [];

    /// <inheritdoc />
    public static CreateTopicsResponse Read(ref KafkaReader reader, short version)
    {
        int throttle = version >= 2 ? reader.ReadInt32("ThrottleTimeMs") : 0;
        var topics = new Result[reader.ReadArrayLength("Topics", 4)];
        for (int i = 0; i < topics.Length; i++)
        {
            topics[i] = new Result(reader.ReadString("Name"), (ErrorCode)reader.ReadInt16("ErrorCode"),
                version >= 1 ? reader.ReadNullableString("ErrorMessage") : null);
        }
        return new CreateTopicsResponse { ThrottleTimeMs = throttle, Topics = topics };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        if (version >= 2) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteArrayLength(Topics.Count);
        foreach (var t in Topics)
        {
            writer.WriteString(t.Name);
            writer.WriteInt16((short)t.ErrorCode);
            if (version >= 1) writer.WriteNullableString(t.ErrorMessage);
        }
    }
}

namespace Bridge.Eventing.Broker.Protocol.Messages;

/// <summary>
/// Fetch request (Kafka protocol, Fetch v4–v11; FetchRequest.json): long-poll limits
/// (<see cref="MaxWaitMs"/>, <see cref="MinBytes"/>, <see cref="MaxBytes"/>), isolation level,
/// fetch-session fields (v7+, KIP-227) and, per partition, the offset to read from and a byte limit.
/// </summary>
/// <remarks>
/// v4 is the floor: the first version whose responses carry RecordBatch v2 (librdkafka needs
/// Fetch v4 and Produce v3 to enable message format 2). librdkafka 2.0.2 uses up to v11 and
/// needs v10 for zstd; v11 is also the last non-flexible version. librdkafka sends
/// SessionId 0 / SessionEpoch -1 (no incremental sessions), which the broker answers with
/// SessionId 0 (a full, sessionless response).
/// </remarks>
public sealed record FetchRequest : IKafkaRequest, IKafkaMessage<FetchRequest>
{
    /// <summary>Fetch v4–v11; flexible from v12 (not served).</summary>
    public static ApiDescriptor Api { get; } =
        ApiDescriptor.Create<FetchRequest, FetchResponse>(ApiKey.Fetch, 4, 11, firstFlexibleVersion: 12);

    /// <summary>One topic to fetch.</summary>
    /// <param name="Topic">Topic name.</param>
    /// <param name="Partitions">Partitions to fetch.</param>
    public sealed record FetchTopic(string Topic, IReadOnlyList<FetchPartition> Partitions);

    /// <summary>One partition to fetch.</summary>
    /// <param name="Partition">Partition index.</param>
    /// <param name="FetchOffset">Offset of the first record wanted.</param>
    /// <param name="PartitionMaxBytes">Byte limit for this partition (may be exceeded by one batch, KIP-74).</param>
    public sealed record FetchPartition(int Partition, long FetchOffset, int PartitionMaxBytes)
    {
        /// <summary>The client's view of the leader epoch (v9+; default -1, unknown).</summary>
        public int CurrentLeaderEpoch { get; init; } = -1;

        /// <summary>Follower's log start offset; -1 from consumers (v5+; default -1).</summary>
        public long LogStartOffset { get; init; } = -1;
    }

    /// <summary>Partitions to drop from an incremental fetch session (v7+).</summary>
    /// <param name="Topic">Topic name.</param>
    /// <param name="Partitions">Partition indexes.</param>
    public sealed record ForgottenTopic(string Topic, IReadOnlyList<int> Partitions);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.Fetch;

    /// <summary>Follower broker id, or -1 for a consumer (default -1).</summary>
    public int ReplicaId { get; init; } = -1;

    /// <summary>Longest time to wait for <see cref="MinBytes"/>, in milliseconds.</summary>
    public int MaxWaitMs { get; init; }

    /// <summary>Bytes to accumulate before answering.</summary>
    public int MinBytes { get; init; }

    /// <summary>Byte limit for the whole response (default 2^31-1; may be exceeded by one batch, KIP-74).</summary>
    public int MaxBytes { get; init; } = int.MaxValue;

    /// <summary>0 = read uncommitted, 1 = read committed.</summary>
    public sbyte IsolationLevel { get; init; }

    /// <summary>Fetch session id, 0 for none (v7+).</summary>
    public int SessionId { get; init; }

    /// <summary>Fetch session epoch, -1 for a full sessionless fetch (v7+; default -1).</summary>
    public int SessionEpoch { get; init; } = -1;

    /// <summary>Topics to fetch, in the order the broker should serve them.</summary>
    public IReadOnlyList<FetchTopic> Topics { get; init; } = [];

    /// <summary>Partitions to remove from the session (v7+).</summary>
    public IReadOnlyList<ForgottenTopic> ForgottenTopicsData { get; init; } = [];

    /// <summary>The consumer's rack (v11+; default empty).</summary>
    public string RackId { get; init; } = "";

    /// <inheritdoc />
    public static FetchRequest Read(ref KafkaReader reader, short version)
    {
        var request = new FetchRequest
        {
            ReplicaId = reader.ReadInt32("ReplicaId"),
            MaxWaitMs = reader.ReadInt32("MaxWaitMs"),
            MinBytes = reader.ReadInt32("MinBytes"),
            MaxBytes = reader.ReadInt32("MaxBytes"),
            IsolationLevel = reader.ReadInt8("IsolationLevel"),
            SessionId = version >= 7 ? reader.ReadInt32("SessionId") : 0,
            SessionEpoch = version >= 7 ? reader.ReadInt32("SessionEpoch") : -1,
        };
        var topics = new FetchTopic[reader.ReadArrayLength("Topics", 6)];
        for (int t = 0; t < topics.Length; t++)
        {
            string name = reader.ReadString("Topic");
            var partitions = new FetchPartition[reader.ReadArrayLength("Partitions", 16)];
            for (int p = 0; p < partitions.Length; p++)
                partitions[p] = ReadPartition(ref reader, version);
            topics[t] = new FetchTopic(name, partitions);
        }
        var forgotten = Array.Empty<ForgottenTopic>();
        if (version >= 7)
        {
            forgotten = new ForgottenTopic[reader.ReadArrayLength("ForgottenTopicsData", 6)];
            for (int i = 0; i < forgotten.Length; i++)
                forgotten[i] = new ForgottenTopic(reader.ReadString("Topic"), reader.ReadInt32Array("Partitions"));
        }
        string rack = version >= 11 ? reader.ReadString("RackId") : "";
        return request with { Topics = topics, ForgottenTopicsData = forgotten, RackId = rack };
    }

    private static FetchPartition ReadPartition(ref KafkaReader reader, short version)
    {
        int index = reader.ReadInt32("Partition");
        int epoch = version >= 9 ? reader.ReadInt32("CurrentLeaderEpoch") : -1;
        long offset = reader.ReadInt64("FetchOffset");
        long logStart = version >= 5 ? reader.ReadInt64("LogStartOffset") : -1;
        int maxBytes = reader.ReadInt32("PartitionMaxBytes");
        return new FetchPartition(index, offset, maxBytes) { CurrentLeaderEpoch = epoch, LogStartOffset = logStart };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        writer.WriteInt32(ReplicaId);
        writer.WriteInt32(MaxWaitMs);
        writer.WriteInt32(MinBytes);
        writer.WriteInt32(MaxBytes);
        writer.WriteInt8(IsolationLevel);
        if (version >= 7)
        {
            writer.WriteInt32(SessionId);
            writer.WriteInt32(SessionEpoch);
        }
        writer.WriteArrayLength(Topics.Count);
        foreach (var topic in Topics)
        {
            writer.WriteString(topic.Topic);
            writer.WriteArrayLength(topic.Partitions.Count);
            foreach (var p in topic.Partitions)
            {
                writer.WriteInt32(p.Partition);
                if (version >= 9) writer.WriteInt32(p.CurrentLeaderEpoch);
                writer.WriteInt64(p.FetchOffset);
                if (version >= 5) writer.WriteInt64(p.LogStartOffset);
                writer.WriteInt32(p.PartitionMaxBytes);
            }
        }
        if (version >= 7)
        {
            writer.WriteArrayLength(ForgottenTopicsData.Count);
            foreach (var f in ForgottenTopicsData)
            {
                writer.WriteString(f.Topic);
                writer.WriteInt32Array(f.Partitions);
            }
        }
        if (version >= 11) writer.WriteString(RackId);
    }
}

/// <summary>
/// Fetch response (Kafka protocol, Fetch v4–v11; FetchResponse.json): per partition the error,
/// high watermark, last stable offset, log start offset (v5+), aborted transactions, preferred
/// read replica (v11+) and the record batches, passed through as stored.
/// </summary>
public sealed record FetchResponse : IKafkaResponse, IKafkaMessage<FetchResponse>
{
    /// <summary>One topic's data.</summary>
    /// <param name="Topic">Topic name.</param>
    /// <param name="Partitions">Per-partition data.</param>
    public sealed record TopicResponse(string Topic, IReadOnlyList<PartitionData> Partitions);

    /// <summary>One partition's data.</summary>
    /// <param name="PartitionIndex">Partition index.</param>
    /// <param name="ErrorCode">NONE, OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC_OR_PARTITION, ...</param>
    /// <param name="HighWatermark">Offset after the last committed record.</param>
    /// <param name="Records">Record batches as stored, or null.</param>
    public sealed record PartitionData(int PartitionIndex, ErrorCode ErrorCode, long HighWatermark, ReadOnlyMemory<byte>? Records)
    {
        /// <summary>Last stable offset (default -1).</summary>
        public long LastStableOffset { get; init; } = -1;

        /// <summary>Log start offset (v5+; default -1).</summary>
        public long LogStartOffset { get; init; } = -1;

        /// <summary>Aborted transactions in the returned range, or null for none.</summary>
        public IReadOnlyList<AbortedTransaction>? AbortedTransactions { get; init; }

        /// <summary>Replica the consumer should fetch from next, or -1 (v11+; default -1).</summary>
        public int PreferredReadReplica { get; init; } = -1;
    }

    /// <summary>An aborted transaction within the returned records.</summary>
    /// <param name="ProducerId">The transaction's producer id.</param>
    /// <param name="FirstOffset">Its first offset.</param>
    public sealed record AbortedTransaction(long ProducerId, long FirstOffset);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.Fetch;

    /// <summary>Throttle time in milliseconds.</summary>
    public int ThrottleTimeMs { get; init; }

    /// <summary>Top-level error, for example FETCH_SESSION_ID_NOT_FOUND (v7+).</summary>
    public ErrorCode ErrorCode { get; init; }

    /// <summary>Fetch session id, 0 when not in a session (v7+).</summary>
    public int SessionId { get; init; }

    /// <summary>Data per topic.</summary>
    public IReadOnlyList<TopicResponse> Responses { get; init; } = [];

    /// <inheritdoc />
    public static FetchResponse Read(ref KafkaReader reader, short version)
    {
        var response = new FetchResponse
        {
            ThrottleTimeMs = reader.ReadInt32("ThrottleTimeMs"),
            ErrorCode = version >= 7 ? (ErrorCode)reader.ReadInt16("ErrorCode") : ErrorCode.None,
            SessionId = version >= 7 ? reader.ReadInt32("SessionId") : 0,
        };
        var topics = new TopicResponse[reader.ReadArrayLength("Responses", 6)];
        for (int t = 0; t < topics.Length; t++)
        {
            string name = reader.ReadString("Topic");
            var partitions = new PartitionData[reader.ReadArrayLength("Partitions", 18)];
            for (int p = 0; p < partitions.Length; p++)
                partitions[p] = ReadPartition(ref reader, version);
            topics[t] = new TopicResponse(name, partitions);
        }
        return response with { Responses = topics };
    }

    private static PartitionData ReadPartition(ref KafkaReader reader, short version)
    {
        int index = reader.ReadInt32("PartitionIndex");
        var error = (ErrorCode)reader.ReadInt16("ErrorCode");
        long highWatermark = reader.ReadInt64("HighWatermark");
        long lastStable = reader.ReadInt64("LastStableOffset");
        long logStart = version >= 5 ? reader.ReadInt64("LogStartOffset") : -1;
        AbortedTransaction[]? aborted = null;
        int count = reader.ReadNullableArrayLength("AbortedTransactions", 16);
        if (count >= 0)
        {
            aborted = new AbortedTransaction[count];
            for (int i = 0; i < count; i++)
                aborted[i] = new AbortedTransaction(reader.ReadInt64("ProducerId"), reader.ReadInt64("FirstOffset"));
        }
        int preferred = version >= 11 ? reader.ReadInt32("PreferredReadReplica") : -1;
        var records = reader.ReadRecords("Records");
        return new PartitionData(index, error, highWatermark, records)
        {
            LastStableOffset = lastStable, LogStartOffset = logStart, AbortedTransactions = aborted, PreferredReadReplica = preferred,
        };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        if (version >= 7)
        {
            writer.WriteInt16((short)ErrorCode);
            writer.WriteInt32(SessionId);
        }
        writer.WriteArrayLength(Responses.Count);
        foreach (var topic in Responses)
        {
            writer.WriteString(topic.Topic);
            writer.WriteArrayLength(topic.Partitions.Count);
            foreach (var p in topic.Partitions)
            {
                writer.WriteInt32(p.PartitionIndex);
                writer.WriteInt16((short)p.ErrorCode);
                writer.WriteInt64(p.HighWatermark);
                writer.WriteInt64(p.LastStableOffset);
                if (version >= 5) writer.WriteInt64(p.LogStartOffset);
                writer.WriteArrayLength(p.AbortedTransactions?.Count);
                foreach (var a in p.AbortedTransactions ?? [])
                {
                    writer.WriteInt64(a.ProducerId);
                    writer.WriteInt64(a.FirstOffset);
                }
                if (version >= 11) writer.WriteInt32(p.PreferredReadReplica);
                writer.WriteRecords(p.Records);
            }
        }
    }
}

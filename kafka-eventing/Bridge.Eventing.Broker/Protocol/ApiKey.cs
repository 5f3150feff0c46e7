namespace Bridge.Eventing.Broker.Protocol;

/// <summary>
/// Kafka API keys (the <c>apiKey</c> of each JSON message spec) served by this codec. A request
/// with any other key is well-framed but unsupported (<see cref="KafkaUnsupportedRequestException"/>);
/// such keys still travel as an <see cref="ApiKey"/> value cast from the wire.
/// </summary>
public enum ApiKey : short
{
    /// <summary>Produce (0).</summary>
    Produce = 0,
    /// <summary>Fetch (1).</summary>
    Fetch = 1,
    /// <summary>ListOffsets (2).</summary>
    ListOffsets = 2,
    /// <summary>Metadata (3).</summary>
    Metadata = 3,
    /// <summary>OffsetCommit (8).</summary>
    OffsetCommit = 8,
    /// <summary>OffsetFetch (9).</summary>
    OffsetFetch = 9,
    /// <summary>FindCoordinator (10).</summary>
    FindCoordinator = 10,
    /// <summary>JoinGroup (11).</summary>
    JoinGroup = 11,
    /// <summary>Heartbeat (12).</summary>
    Heartbeat = 12,
    /// <summary>LeaveGroup (13).</summary>
    LeaveGroup = 13,
    /// <summary>SyncGroup (14).</summary>
    SyncGroup = 14,
    /// <summary>ApiVersions (18).</summary>
    ApiVersions = 18,
    /// <summary>CreateTopics (19).</summary>
    CreateTopics = 19,
    /// <summary>DeleteTopics (20).</summary>
    DeleteTopics = 20,
}

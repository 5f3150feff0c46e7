namespace Bridge.Eventing.Broker.Protocol.Messages;

/// <summary>
/// Heartbeat request (Kafka protocol, Heartbeat v0–v3; HeartbeatRequest.json): a member of a
/// generation says it is alive.
/// </summary>
/// <remarks>librdkafka 2.0.2 needs v0 in the range and uses up to v3, the last non-flexible version.</remarks>
public sealed record HeartbeatRequest : IKafkaRequest, IKafkaMessage<HeartbeatRequest>
{
    /// <summary>Heartbeat v0–v3; flexible from v4 (not served).</summary>
    public static ApiDescriptor Api { get; } =
        ApiDescriptor.Create<HeartbeatRequest, HeartbeatResponse>(ApiKey.Heartbeat, 0, 3, firstFlexibleVersion: 4);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.Heartbeat;

    /// <summary>Group id.</summary>
    public string GroupId { get; init; } = "";

    /// <summary>The member's generation.</summary>
    public int GenerationId { get; init; }

    /// <summary>Member id.</summary>
    public string MemberId { get; init; } = "";

    /// <summary>Static membership instance id, or null (v3+).</summary>
    public string? GroupInstanceId { get; init; }

    /// <inheritdoc />
    public static HeartbeatRequest Read(ref KafkaReader reader, short version) => new()
    {
        GroupId = reader.ReadString("GroupId"),
        GenerationId = reader.ReadInt32("GenerationId"),
        MemberId = reader.ReadString("MemberId"),
        GroupInstanceId = version >= 3 ? reader.ReadNullableString("GroupInstanceId") : null,
    };

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        writer.WriteString(GroupId);
        writer.WriteInt32(GenerationId);
        writer.WriteString(MemberId);
        if (version >= 3) writer.WriteNullableString(GroupInstanceId);
    }
}

/// <summary>
/// Heartbeat response (Kafka protocol, Heartbeat v0–v3; HeartbeatResponse.json): NONE, or
/// REBALANCE_IN_PROGRESS (rejoin), ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, NOT_COORDINATOR...
/// </summary>
public sealed record HeartbeatResponse : IKafkaResponse, IKafkaMessage<HeartbeatResponse>
{
    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.Heartbeat;

    /// <summary>Throttle time in milliseconds (v1+).</summary>
    public int ThrottleTimeMs { get; init; }

    /// <summary>NONE or what the member must do.</summary>
    public ErrorCode ErrorCode { get; init; }

    /// <inheritdoc />
    public static HeartbeatResponse Read(ref KafkaReader reader, short version) => new()
    {
        ThrottleTimeMs = version >= 1 ? reader.ReadInt32("ThrottleTimeMs") : 0,
        ErrorCode = (ErrorCode)reader.ReadInt16("ErrorCode"),
    };

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16((short)ErrorCode);
    }
}

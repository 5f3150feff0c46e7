namespace Bridge.Eventing.Broker.Protocol.Messages;

/// <summary>
/// FindCoordinator request (Kafka protocol, FindCoordinator v0–v2; FindCoordinatorRequest.json):
/// the group id (or transactional id, <see cref="KeyType"/> 1, v1+) whose coordinator is wanted.
/// </summary>
/// <remarks>
/// librdkafka 2.0.2 uses up to v2 and requires v0 in the advertised range to enable consumer
/// groups (and LZ4); v2 is the last non-flexible version.
/// </remarks>
public sealed record FindCoordinatorRequest : IKafkaRequest, IKafkaMessage<FindCoordinatorRequest>
{
    /// <summary>FindCoordinator v0–v2; flexible from v3 (not served).</summary>
    public static ApiDescriptor Api { get; } =
        ApiDescriptor.Create<FindCoordinatorRequest, FindCoordinatorResponse>(ApiKey.FindCoordinator, 0, 2, firstFlexibleVersion: 3);

    /// <summary><see cref="KeyType"/> of a consumer group.</summary>
    public const sbyte GroupKeyType = 0;

    /// <summary><see cref="KeyType"/> of a transactional id.</summary>
    public const sbyte TransactionKeyType = 1;

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.FindCoordinator;

    /// <summary>The group id or transactional id.</summary>
    public string Key { get; init; } = "";

    /// <summary>0 for a group, 1 for a transaction (v1+; default 0).</summary>
    public sbyte KeyType { get; init; }

    /// <inheritdoc />
    public static FindCoordinatorRequest Read(ref KafkaReader reader, short version) => new()
    {
        Key = reader.ReadString("Key"),
        KeyType = version >= 1 ? reader.ReadInt8("KeyType") : GroupKeyType,
    };

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        writer.WriteString(Key);
        if (version >= 1) writer.WriteInt8(KeyType);
    }
}

/// <summary>
/// FindCoordinator response (Kafka protocol, FindCoordinator v0–v2; FindCoordinatorResponse.json):
/// an error (NONE, COORDINATOR_NOT_AVAILABLE...), (v1+) a message, and the coordinator's
/// node id, host and port.
/// </summary>
public sealed record FindCoordinatorResponse : IKafkaResponse, IKafkaMessage<FindCoordinatorResponse>
{
    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.FindCoordinator;

    /// <summary>Throttle time in milliseconds (v1+).</summary>
    public int ThrottleTimeMs { get; init; }

    /// <summary>NONE or why no coordinator is known.</summary>
    public ErrorCode ErrorCode { get; init; }

    /// <summary>Details, or null (v1+).</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Coordinator broker id (-1 on error).</summary>
    public int NodeId { get; init; } = -1;

    /// <summary>Coordinator host (empty on error).</summary>
    public string Host { get; init; } = "";

    /// <summary>Coordinator port (-1 on error).</summary>
    public int Port { get; init; } = -1;

    /// <inheritdoc />
    public static FindCoordinatorResponse Read(ref KafkaReader reader, short version) => new()
    {
        ThrottleTimeMs = version >= 1 ? reader.ReadInt32("ThrottleTimeMs") : 0,
        ErrorCode = (ErrorCode)reader.ReadInt16("ErrorCode"),
        ErrorMessage = version >= 1 ? reader.ReadNullableString("ErrorMessage") : null,
        NodeId = reader.ReadInt32("NodeId"),
        Host = reader.ReadString("Host"),
        Port = reader.ReadInt32("Port"),
    };

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16((short)ErrorCode);
        if (version >= 1) writer.WriteNullableString(ErrorMessage);
        writer.WriteInt32(NodeId);
        writer.WriteString(Host);
        writer.WriteInt32(Port);
    }
}

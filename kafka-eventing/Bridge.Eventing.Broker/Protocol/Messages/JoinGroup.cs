namespace Bridge.Eventing.Broker.Protocol.Messages;

/// <summary>
/// JoinGroup request (Kafka protocol, JoinGroup v0–v5; JoinGroupRequest.json): a member joins
/// (or rejoins) a classic consumer group, naming its timeouts and the assignment protocols it
/// supports, each with opaque metadata (for "consumer" groups, the subscription).
/// </summary>
/// <remarks>
/// librdkafka 2.0.2 needs v0 in the advertised range to enable consumer groups and uses up to
/// v5, the last non-flexible version. From v4 a member that joins with an empty member id may be
/// sent MEMBER_ID_REQUIRED with its new id and must join again (KIP-394); that choice belongs to
/// the group coordinator, not the codec.
/// </remarks>
public sealed record JoinGroupRequest : IKafkaRequest, IKafkaMessage<JoinGroupRequest>
{
    /// <summary>JoinGroup v0–v5; flexible from v6 (not served).</summary>
    public static ApiDescriptor Api { get; } =
        ApiDescriptor.Create<JoinGroupRequest, JoinGroupResponse>(ApiKey.JoinGroup, 0, 5, firstFlexibleVersion: 6);

    /// <summary>One supported assignment protocol.</summary>
    /// <param name="Name">Protocol name, for example <c>range</c> or <c>roundrobin</c>.</param>
    /// <param name="Metadata">Protocol metadata (for consumers: version, topics, user data).</param>
    public sealed record Protocol(string Name, byte[] Metadata);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.JoinGroup;

    /// <summary>Group id.</summary>
    public string GroupId { get; init; } = "";

    /// <summary>The member is considered dead after this many milliseconds without a heartbeat.</summary>
    public int SessionTimeoutMs { get; init; }

    /// <summary>How long the coordinator waits for members to rejoin, in ms (v1+; -1 when absent: use the session timeout).</summary>
    public int RebalanceTimeoutMs { get; init; } = -1;

    /// <summary>Member id from an earlier join, or empty for a new member.</summary>
    public string MemberId { get; init; } = "";

    /// <summary>Static membership instance id, or null (v5+).</summary>
    public string? GroupInstanceId { get; init; }

    /// <summary>Protocol family, <c>consumer</c> for consumer groups.</summary>
    public string ProtocolType { get; init; } = "";

    /// <summary>Supported protocols, in order of preference.</summary>
    public IReadOnlyList<Protocol> Protocols { get; init; } = [];

    /// <inheritdoc />
    public static JoinGroupRequest Read(ref KafkaReader reader, short version)
    {
        var request = new JoinGroupRequest
        {
            GroupId = reader.ReadString("GroupId"),
            SessionTimeoutMs = reader.ReadInt32("SessionTimeoutMs"),
            RebalanceTimeoutMs = version >= 1 ? reader.ReadInt32("RebalanceTimeoutMs") : -1,
            MemberId = reader.ReadString("MemberId"),
            GroupInstanceId = version >= 5 ? reader.ReadNullableString("GroupInstanceId") : null,
            ProtocolType = reader.ReadString("ProtocolType"),
        };
        var protocols = new Protocol[reader.ReadArrayLength("Protocols", 6)];
        for (int i = 0; i < protocols.Length; i++)
            protocols[i] = new Protocol(reader.ReadString("Name"), reader.ReadBytes("Metadata"));
        return request with { Protocols = protocols };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        writer.WriteString(GroupId);
        writer.WriteInt32(SessionTimeoutMs);
        if (version >= 1) writer.WriteInt32(RebalanceTimeoutMs);
        writer.WriteString(MemberId);
        if (version >= 5) writer.WriteNullableString(GroupInstanceId);
        writer.WriteString(ProtocolType);
        writer.WriteArrayLength(Protocols.Count);
        foreach (var p in Protocols)
        {
            writer.WriteString(p.Name);
            writer.WriteBytes(p.Metadata);
        }
    }
}

/// <summary>
/// JoinGroup response (Kafka protocol, JoinGroup v0–v5; JoinGroupResponse.json): the error, the
/// new generation, the chosen protocol, the leader, the member's id and — for the leader only —
/// every member with its protocol metadata, from which the leader computes the assignment.
/// </summary>
public sealed record JoinGroupResponse : IKafkaResponse, IKafkaMessage<JoinGroupResponse>
{
    /// <summary>A group member, as sent to the leader.</summary>
    /// <param name="MemberId">Member id.</param>
    /// <param name="Metadata">The member's metadata for the chosen protocol.</param>
    /// <param name="GroupInstanceId">Static membership instance id, or null (v5+).</param>
    public sealed record Member(string MemberId, byte[] Metadata, string? GroupInstanceId = null);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.JoinGroup;

    /// <summary>Throttle time in milliseconds (v2+).</summary>
    public int ThrottleTimeMs { get; init; }

    /// <summary>NONE, MEMBER_ID_REQUIRED, UNKNOWN_MEMBER_ID, INCONSISTENT_GROUP_PROTOCOL, INVALID_SESSION_TIMEOUT, NOT_COORDINATOR...</summary>
    public ErrorCode ErrorCode { get; init; }

    /// <summary>Generation id (default -1).</summary>
    public int GenerationId { get; init; } = -1;

    /// <summary>The protocol chosen for the group (empty on error).</summary>
    public string ProtocolName { get; init; } = "";

    /// <summary>Member id of the leader.</summary>
    public string Leader { get; init; } = "";

    /// <summary>The joining member's id.</summary>
    public string MemberId { get; init; } = "";

    /// <summary>All members with metadata when sent to the leader; empty for followers.</summary>
    public IReadOnlyList<Member> Members { get; init; } = [];

    /// <inheritdoc />
    public static JoinGroupResponse Read(ref KafkaReader reader, short version)
    {
        var response = new JoinGroupResponse
        {
            ThrottleTimeMs = version >= 2 ? reader.ReadInt32("ThrottleTimeMs") : 0,
            ErrorCode = (ErrorCode)reader.ReadInt16("ErrorCode"),
            GenerationId = reader.ReadInt32("GenerationId"),
            ProtocolName = reader.ReadString("ProtocolName"),
            Leader = reader.ReadString("Leader"),
            MemberId = reader.ReadString("MemberId"),
        };
        var members = new Member[reader.ReadArrayLength("Members", 6)];
        for (int i = 0; i < members.Length; i++)
        {
            string id = reader.ReadString("MemberId");
            string? instance = version >= 5 ? reader.ReadNullableString("GroupInstanceId") : null;
            members[i] = new Member(id, reader.ReadBytes("Metadata"), instance);
        }
        return response with { Members = members };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        if (version >= 2) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16((short)ErrorCode);
        writer.WriteInt32(GenerationId);
        writer.WriteString(ProtocolName);
        writer.WriteString(Leader);
        writer.WriteString(MemberId);
        writer.WriteArrayLength(Members.Count);
        foreach (var m in Members)
        {
            writer.WriteString(m.MemberId);
            if (version >= 5) writer.WriteNullableString(m.GroupInstanceId);
            writer.WriteBytes(m.Metadata);
        }
    }
}

namespace Bridge.Eventing.Broker.Protocol.Messages;

/// <summary>
/// SyncGroup request (Kafka protocol, SyncGroup v0–v3; SyncGroupRequest.json): after a join,
/// every member asks for its assignment; the leader also sends the assignment of every member.
/// </summary>
/// <remarks>librdkafka 2.0.2 needs v0 in the range and uses up to v3, the last non-flexible version.</remarks>
public sealed record SyncGroupRequest : IKafkaRequest, IKafkaMessage<SyncGroupRequest>
{
    /// <summary>SyncGroup v0–v3; flexible from v4 (not served).</summary>
    public static ApiDescriptor Api { get; } =
        ApiDescriptor.Create<SyncGroupRequest, SyncGroupResponse>(ApiKey.SyncGroup, 0, 3, firstFlexibleVersion: 4);

    /// <summary>One member's assignment, sent by the leader.</summary>
    /// <param name="MemberId">Member id.</param>
    /// <param name="Assignment">Opaque assignment (for consumers: version, partitions, user data).</param>
    public sealed record MemberAssignment(string MemberId, byte[] Assignment);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.SyncGroup;

    /// <summary>Group id.</summary>
    public string GroupId { get; init; } = "";

    /// <summary>The generation the member joined.</summary>
    public int GenerationId { get; init; }

    /// <summary>Member id.</summary>
    public string MemberId { get; init; } = "";

    /// <summary>Static membership instance id, or null (v3+).</summary>
    public string? GroupInstanceId { get; init; }

    /// <summary>Every member's assignment (leader only; empty from followers).</summary>
    public IReadOnlyList<MemberAssignment> Assignments { get; init; } = [];

    /// <inheritdoc />
    public static SyncGroupRequest Read(ref KafkaReader reader, short version)
    {
        var request = new SyncGroupRequest
        {
            GroupId = reader.ReadString("GroupId"),
            GenerationId = reader.ReadInt32("GenerationId"),
            MemberId = reader.ReadString("MemberId"),
            GroupInstanceId = version >= 3 ? reader.ReadNullableString("GroupInstanceId") : null,
        };
        var assignments = new MemberAssignment[reader.ReadArrayLength("Assignments", 6)];
        for (int i = 0; i < assignments.Length; i++)
            assignments[i] = new MemberAssignment(reader.ReadString("MemberId"), reader.ReadBytes("Assignment"));
        return request with { Assignments = assignments };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        writer.WriteString(GroupId);
        writer.WriteInt32(GenerationId);
        writer.WriteString(MemberId);
        if (version >= 3) writer.WriteNullableString(GroupInstanceId);
        writer.WriteArrayLength(Assignments.Count);
        foreach (var a in Assignments)
        {
            writer.WriteString(a.MemberId);
            writer.WriteBytes(a.Assignment);
        }
    }
}

/// <summary>
/// SyncGroup response (Kafka protocol, SyncGroup v0–v3; SyncGroupResponse.json): the error
/// (NONE, REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID...) and this member's assignment.
/// </summary>
public sealed record SyncGroupResponse : IKafkaResponse, IKafkaMessage<SyncGroupResponse>
{
    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.SyncGroup;

    /// <summary>Throttle time in milliseconds (v1+).</summary>
    public int ThrottleTimeMs { get; init; }

    /// <summary>NONE or why the sync failed.</summary>
    public ErrorCode ErrorCode { get; init; }

    /// <summary>This member's assignment (empty on error).</summary>
    public byte[] Assignment { get; init; } = [];

    /// <inheritdoc />
    public static SyncGroupResponse Read(ref KafkaReader reader, short version) => new()
    {
        ThrottleTimeMs = version >= 1 ? reader.ReadInt32("ThrottleTimeMs") : 0,
        ErrorCode = (ErrorCode)reader.ReadInt16("ErrorCode"),
        Assignment = reader.ReadBytes("Assignment"),
    };

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16((short)ErrorCode);
        writer.WriteBytes(Assignment);
    }
}

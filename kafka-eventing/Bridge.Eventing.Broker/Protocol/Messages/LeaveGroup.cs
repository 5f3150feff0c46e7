namespace Bridge.Eventing.Broker.Protocol.Messages;

/// <summary>
/// LeaveGroup request (Kafka protocol, LeaveGroup v0–v3; LeaveGroupRequest.json): one member
/// leaves (v0–v2, <see cref="MemberId"/>), or a batch of members leaves (v3+, <see cref="Members"/>,
/// KIP-345).
/// </summary>
/// <remarks>
/// librdkafka 2.0.2 needs v0 in the range and uses up to v1; v3 (batch) is the last
/// non-flexible version. Use <see cref="LeavingMembers"/> to handle both shapes alike.
/// </remarks>
public sealed record LeaveGroupRequest : IKafkaRequest, IKafkaMessage<LeaveGroupRequest>
{
    /// <summary>LeaveGroup v0–v3; flexible from v4 (not served).</summary>
    public static ApiDescriptor Api { get; } =
        ApiDescriptor.Create<LeaveGroupRequest, LeaveGroupResponse>(ApiKey.LeaveGroup, 0, 3, firstFlexibleVersion: 4);

    /// <summary>A leaving member (v3+).</summary>
    /// <param name="MemberId">Member id.</param>
    /// <param name="GroupInstanceId">Static membership instance id, or null.</param>
    public sealed record MemberIdentity(string MemberId, string? GroupInstanceId = null);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.LeaveGroup;

    /// <summary>Group id.</summary>
    public string GroupId { get; init; } = "";

    /// <summary>The leaving member (v0–v2 only).</summary>
    public string MemberId { get; init; } = "";

    /// <summary>The leaving members (v3+ only).</summary>
    public IReadOnlyList<MemberIdentity> Members { get; init; } = [];

    /// <summary>The leaving members whatever the version: <see cref="MemberId"/> below v3, <see cref="Members"/> from v3.</summary>
    public IReadOnlyList<MemberIdentity> LeavingMembers(short version) =>
        version >= 3 ? Members : [new MemberIdentity(MemberId)];

    /// <inheritdoc />
    public static LeaveGroupRequest Read(ref KafkaReader reader, short version)
    {
        string groupId = reader.ReadString("GroupId");
        if (version < 3) return new LeaveGroupRequest { GroupId = groupId, MemberId = reader.ReadString("MemberId") };
        var members = new MemberIdentity[reader.ReadArrayLength("Members", 4)];
        for (int i = 0; i < members.Length; i++)
            members[i] = new MemberIdentity(reader.ReadString("MemberId"), reader.ReadNullableString("GroupInstanceId"));
        return new LeaveGroupRequest { GroupId = groupId, Members = members };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        writer.WriteString(GroupId);
        if (version < 3)
        {
            writer.WriteString(MemberId);
            return;
        }
        writer.WriteArrayLength(Members.Count);
        foreach (var m in Members)
        {
            writer.WriteString(m.MemberId);
            writer.WriteNullableString(m.GroupInstanceId);
        }
    }
}

/// <summary>
/// LeaveGroup response (Kafka protocol, LeaveGroup v0–v3; LeaveGroupResponse.json): a top-level
/// error and (v3+) one result per leaving member.
/// </summary>
public sealed record LeaveGroupResponse : IKafkaResponse, IKafkaMessage<LeaveGroupResponse>
{
    /// <summary>One leaving member's result (v3+).</summary>
    /// <param name="MemberId">Member id.</param>
    /// <param name="GroupInstanceId">Static membership instance id, or null.</param>
    /// <param name="ErrorCode">NONE, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID...</param>
    public sealed record MemberResponse(string MemberId, string? GroupInstanceId, ErrorCode ErrorCode);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.LeaveGroup;

    /// <summary>Throttle time in milliseconds (v1+).</summary>
    public int ThrottleTimeMs { get; init; }

    /// <summary>NONE, or a group-level error (NOT_COORDINATOR, UNKNOWN_MEMBER_ID below v3...).</summary>
    public ErrorCode ErrorCode { get; init; }

    /// <summary>Per-member results (v3+).</summary>
    public IReadOnlyList<MemberResponse> Members { get; init; } = [];

    /// <inheritdoc />
    public static LeaveGroupResponse Read(ref KafkaReader reader, short version)
    {
        var response = new LeaveGroupResponse
        {
            ThrottleTimeMs = version >= 1 ? reader.ReadInt32("ThrottleTimeMs") : 0,
            ErrorCode = (ErrorCode)reader.ReadInt16("ErrorCode"),
        };
        if (version < 3) return response;
        var members = new MemberResponse[reader.ReadArrayLength("Members", 6)];
        for (int i = 0; i < members.Length; i++)
        {
            members[i] = new MemberResponse(reader.ReadString("MemberId"), reader.ReadNullableString("GroupInstanceId"),
                (ErrorCode)reader.ReadInt16("ErrorCode"));
        }
        return response with { Members = members };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16((short)ErrorCode);
        if (version < 3) return;
        writer.WriteArrayLength(Members.Count);
        foreach (var m in Members)
        {
            writer.WriteString(m.MemberId);
            writer.WriteNullableString(m.GroupInstanceId);
            writer.WriteInt16((short)m.ErrorCode);
        }
    }
}

using Bridge.Eventing.Broker.Protocol;

namespace Bridge.Eventing.Broker.Groups;

/// <summary>One protocol a member supports (for consumers: an assignor such as <c>range</c>) with its metadata.</summary>
/// <param name="Name">The protocol's name.</param>
/// <param name="Metadata">Opaque to the broker (the consumer's subscription).</param>
public sealed record GroupProtocol(string Name, byte[] Metadata);

/// <summary>A JoinGroup request (Kafka protocol, JoinGroup v0–v5), as the coordinator needs it.</summary>
/// <param name="GroupId">The group.</param>
/// <param name="MemberId">Empty for a new member.</param>
/// <param name="GroupInstanceId">Static membership id (v5+), or null.</param>
/// <param name="ProtocolType">E.g. <c>consumer</c>.</param>
/// <param name="Protocols">Supported protocols, most preferred first.</param>
/// <param name="SessionTimeout">Without a heartbeat for this long, the member is removed.</param>
/// <param name="RebalanceTimeout">How long a rebalance waits for the member to rejoin (v1+; v0 uses the session timeout).</param>
/// <param name="RequireKnownMemberId">True for JoinGroup v4+: a new member first gets MEMBER_ID_REQUIRED with its id.</param>
/// <param name="ClientId">The client's id (the new member id starts with it).</param>
/// <param name="ClientHost">The client's address.</param>
public sealed record JoinGroupRequest(string GroupId, string MemberId, string? GroupInstanceId, string ProtocolType,
    IReadOnlyList<GroupProtocol> Protocols, TimeSpan SessionTimeout, TimeSpan RebalanceTimeout, bool RequireKnownMemberId,
    string ClientId, string ClientHost);

/// <summary>A member as the leader sees it in its JoinGroup response.</summary>
public sealed record JoinedMember(string MemberId, string? GroupInstanceId, byte[] Metadata);

/// <summary>The answer to JoinGroup: the generation, the protocol chosen, the leader, and (for the
/// leader only) every member with its metadata for the chosen protocol.</summary>
public sealed record JoinGroupResult(ErrorCode Error, int GenerationId, string ProtocolName, string LeaderId, string MemberId,
    IReadOnlyList<JoinedMember> Members)
{
    internal static JoinGroupResult Failed(ErrorCode error, string memberId = "") => new(error, -1, "", "", memberId, []);
}

/// <summary>The answer to SyncGroup: the member's assignment (opaque bytes from the leader).</summary>
public sealed record SyncGroupResult(ErrorCode Error, byte[] Assignment);

/// <summary>Limits of the group coordinator (Kafka's broker settings of the same names).</summary>
public sealed record GroupCoordinatorOptions
{
    /// <summary>Smallest session timeout a member may ask for (default: 6 s, <c>group.min.session.timeout.ms</c>).</summary>
    public TimeSpan MinSessionTimeout { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>Largest session timeout a member may ask for (default: 30 min, <c>group.max.session.timeout.ms</c>).</summary>
    public TimeSpan MaxSessionTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long the first rebalance of an empty group waits for more members, extended by
    /// each new one up to the rebalance timeout (default: 3 s, <c>group.initial.rebalance.delay.ms</c>).</summary>
    public TimeSpan InitialRebalanceDelay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Clock for session expiry and rebalance deadlines (default: system).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

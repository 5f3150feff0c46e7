using Bridge.Eventing.Broker.Groups;
using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Offsets;
using Bridge.Eventing.Log.Topics;
using JoinGroupRequest = Bridge.Eventing.Broker.Protocol.Messages.JoinGroupRequest;

namespace Bridge.Eventing.Broker.Handlers;

/// <summary>
/// The classic consumer-group APIs over <see cref="GroupCoordinator"/>: FindCoordinator (v0–v2,
/// this broker coordinates every group), JoinGroup (v0–v5), SyncGroup (v0–v3), Heartbeat
/// (v0–v3), LeaveGroup (v0–v3), OffsetCommit (v2–v7) and OffsetFetch (v1–v5).
/// </summary>
internal sealed class GroupHandler(GroupCoordinator coordinator, LogManager logs, BrokerIdentity self, TimeProvider time)
{
    /// <summary>Kafka's <c>offset.metadata.max.bytes</c>.</summary>
    public const int MaxOffsetMetadataBytes = 4096;

    /// <summary>FindCoordinator: this broker for groups; transactions (key type 1) are not served.</summary>
    public FindCoordinatorResponse FindCoordinator(FindCoordinatorRequest request) => request.KeyType switch
    {
        0 => new FindCoordinatorResponse { NodeId = self.NodeId, Host = self.Host, Port = self.Port },
        _ => new FindCoordinatorResponse { ErrorCode = ErrorCode.CoordinatorNotAvailable, ErrorMessage = "transactions are not supported by this broker" },
    };

    /// <summary>JoinGroup: completes when the rebalance completes. v0 has no rebalance timeout (the session timeout serves).</summary>
    public async Task<JoinGroupResponse> JoinAsync(JoinGroupRequest request, RequestHeader header, string clientHost)
    {
        var session = TimeSpan.FromMilliseconds(request.SessionTimeoutMs);
        var result = await coordinator.JoinAsync(new Groups.JoinGroupRequest(request.GroupId, request.MemberId, request.GroupInstanceId,
            request.ProtocolType, request.Protocols.Select(p => new GroupProtocol(p.Name, p.Metadata)).ToList(), session,
            request.RebalanceTimeoutMs < 0 ? session : TimeSpan.FromMilliseconds(request.RebalanceTimeoutMs),
            RequireKnownMemberId: header.ApiVersion >= 4, header.ClientId ?? "", clientHost));
        return new JoinGroupResponse
        {
            ErrorCode = result.Error,
            GenerationId = result.GenerationId,
            ProtocolName = result.ProtocolName,
            Leader = result.LeaderId,
            MemberId = result.MemberId,
            Members = result.Members.Select(m => new JoinGroupResponse.Member(m.MemberId, m.Metadata, m.GroupInstanceId)).ToList(),
        };
    }

    /// <summary>SyncGroup: the leader's assignments in, each member's own assignment out.</summary>
    public async Task<SyncGroupResponse> SyncAsync(SyncGroupRequest request)
    {
        var assignments = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var a in request.Assignments) assignments[a.MemberId] = a.Assignment;
        var result = await coordinator.SyncAsync(request.GroupId, request.GenerationId, request.MemberId, assignments);
        return new SyncGroupResponse { ErrorCode = result.Error, Assignment = result.Assignment };
    }

    /// <summary>Heartbeat.</summary>
    public HeartbeatResponse Heartbeat(HeartbeatRequest request) =>
        new() { ErrorCode = coordinator.Heartbeat(request.GroupId, request.GenerationId, request.MemberId) };

    /// <summary>LeaveGroup: one member (v0–v2) or several (v3+, with a result per member).</summary>
    public LeaveGroupResponse Leave(LeaveGroupRequest request, short version)
    {
        if (version < 3)
            return new LeaveGroupResponse { ErrorCode = coordinator.Leave(request.GroupId, [request.MemberId])[0] };
        var errors = coordinator.Leave(request.GroupId, request.Members.Select(m => m.MemberId).ToList());
        var members = request.Members.Select((m, i) => new LeaveGroupResponse.MemberResponse(m.MemberId, m.GroupInstanceId, errors[i])).ToList();
        return new LeaveGroupResponse { ErrorCode = request.GroupId.Length == 0 ? ErrorCode.InvalidGroupId : ErrorCode.None, Members = members };
    }

    /// <summary>
    /// OffsetCommit: partitions of unknown topics and metadata over 4096 bytes are refused one by
    /// one; the rest are committed together (one fsynced entry) or all refused with the group's error.
    /// </summary>
    /// <exception cref="IOException">The offset store failed (the connection answers nothing and closes).</exception>
    public OffsetCommitResponse Commit(OffsetCommitRequest request)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var accepted = new List<KeyValuePair<TopicPartition, CommittedOffset>>();
        var errors = new Dictionary<TopicPartition, ErrorCode>();
        foreach (var topic in request.Topics)
            foreach (var p in topic.Partitions)
            {
                var key = new TopicPartition(topic.Name, p.PartitionIndex);
                if (logs.GetTopic(topic.Name) is not { } t || p.PartitionIndex < 0 || p.PartitionIndex >= t.Partitions)
                    errors[key] = ErrorCode.UnknownTopicOrPartition;
                else if (p.CommittedMetadata is { Length: > MaxOffsetMetadataBytes / 4 } m && System.Text.Encoding.UTF8.GetByteCount(m) > MaxOffsetMetadataBytes)
                    errors[key] = ErrorCode.OffsetMetadataTooLarge;
                else
                    accepted.Add(KeyValuePair.Create(key, new CommittedOffset(p.CommittedOffset, p.CommittedLeaderEpoch, p.CommittedMetadata, now)));
            }
        var groupError = accepted.Count > 0 || request.GroupId.Length == 0
            ? coordinator.Commit(request.GroupId, request.GenerationIdOrMemberEpoch, request.MemberId, accepted)
            : ErrorCode.None;
        return new OffsetCommitResponse
        {
            Topics = request.Topics.Select(topic => new OffsetCommitResponse.Topic(topic.Name, topic.Partitions.Select(p =>
                new OffsetCommitResponse.Partition(p.PartitionIndex,
                    errors.GetValueOrDefault(new TopicPartition(topic.Name, p.PartitionIndex), groupError))).ToList())).ToList(),
        };
    }

    /// <summary>OffsetFetch: the committed offsets of the partitions named, or (null topics, v2+) of all the group has.</summary>
    public OffsetFetchResponse Fetch(OffsetFetchRequest request)
    {
        if (request.GroupId.Length == 0) return new OffsetFetchResponse { ErrorCode = ErrorCode.InvalidGroupId };
        var wanted = request.Topics?.SelectMany(t => t.PartitionIndexes.Select(p => new TopicPartition(t.Name, p))).ToList();
        var committed = coordinator.Fetch(request.GroupId, wanted);
        return new OffsetFetchResponse
        {
            Topics = committed.GroupBy(c => c.Key.Topic, StringComparer.Ordinal).Select(g => new OffsetFetchResponse.Topic(g.Key,
                g.Select(c => new OffsetFetchResponse.Partition(c.Key.Partition, c.Value.Offset, c.Value.Metadata, ErrorCode.None)
                    { CommittedLeaderEpoch = c.Value.LeaderEpoch }).ToList())).ToList(),
        };
    }
}

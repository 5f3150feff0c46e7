using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;

namespace Bridge.Eventing.Broker.Tests;

/// <summary>
/// One message of every API at every version, with every field the spec defines at that version
/// set to a value other than its default, and every other field left at its default. The version
/// gates here are written from the JSON specs independently of the codec, so a round trip fails
/// when the codec drops a field the spec has at that version.
/// </summary>
internal static class Samples
{
    private static readonly byte[] Batch = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 1, 2, 3, 4, 2, 0xAA, 0xBB, 0xCC, 0xDD];

    public static IKafkaRequest Request(ApiKey api, short v) => api switch
    {
        ApiKey.ApiVersions => v >= 3 ? new ApiVersionsRequest { ClientSoftwareName = "librdkafka", ClientSoftwareVersion = "2.0.2" } : new ApiVersionsRequest(),
        ApiKey.Produce => new ProduceRequest
        {
            TransactionalId = "tx-1", Acks = -1, TimeoutMs = 30_000,
            TopicData = [new("orders", [new(0, Batch), new(3, null)]), new("ünïcødé", [])],
        },
        ApiKey.Fetch => new FetchRequest
        {
            ReplicaId = -1, MaxWaitMs = 500, MinBytes = 1, MaxBytes = 52_428_800, IsolationLevel = 1,
            SessionId = v >= 7 ? 77 : 0, SessionEpoch = v >= 7 ? 3 : -1,
            Topics = [new("orders", [new(0, 42, 1_048_576) { CurrentLeaderEpoch = v >= 9 ? 5 : -1, LogStartOffset = v >= 5 ? 7 : -1 }, new(1, 0, 10)])],
            ForgottenTopicsData = v >= 7 ? [new("old", [4, 5])] : [],
            RackId = v >= 11 ? "rack-a" : "",
        },
        ApiKey.ListOffsets => new ListOffsetsRequest
        {
            ReplicaId = -1, IsolationLevel = v >= 2 ? (sbyte)1 : (sbyte)0,
            Topics = [new("orders", [new(0, ListOffsetsRequest.EarliestTimestamp) { CurrentLeaderEpoch = v >= 4 ? 9 : -1 }, new(1, 1_700_000_000_000)])],
        },
        ApiKey.Metadata => new MetadataRequest
        {
            Topics = v == 0 ? ["a", "b"] : (v % 2 == 1 ? null : ["orders"]),
            AllowAutoTopicCreation = v < 4 || false,
            IncludeClusterAuthorizedOperations = v >= 8, IncludeTopicAuthorizedOperations = v >= 8,
        },
        ApiKey.OffsetCommit => new OffsetCommitRequest
        {
            GroupId = "g", GenerationIdOrMemberEpoch = 4, MemberId = "m-1", GroupInstanceId = v >= 7 ? "i-1" : null,
            RetentionTimeMs = v is >= 2 and <= 4 ? 86_400_000 : -1,
            Topics = [new("orders", [new(0, 100, "meta") { CommittedLeaderEpoch = v >= 6 ? 2 : -1 }, new(1, 5, null)])],
        },
        ApiKey.OffsetFetch => new OffsetFetchRequest
        {
            GroupId = "g", Topics = v >= 2 && v % 2 == 0 ? null : [new("orders", [0, 1, 2])],
        },
        ApiKey.FindCoordinator => new FindCoordinatorRequest { Key = "g", KeyType = v >= 1 ? (sbyte)1 : (sbyte)0 },
        ApiKey.JoinGroup => new JoinGroupRequest
        {
            GroupId = "g", SessionTimeoutMs = 10_000, RebalanceTimeoutMs = v >= 1 ? 300_000 : -1, MemberId = "m-1",
            GroupInstanceId = v >= 5 ? "i-1" : null, ProtocolType = "consumer",
            Protocols = [new("range", [0, 1, 0, 0, 0, 1]), new("roundrobin", [])],
        },
        ApiKey.Heartbeat => new HeartbeatRequest { GroupId = "g", GenerationId = 4, MemberId = "m-1", GroupInstanceId = v >= 3 ? "i-1" : null },
        ApiKey.LeaveGroup => v >= 3
            ? new LeaveGroupRequest { GroupId = "g", Members = [new("m-1", "i-1"), new("m-2")] }
            : new LeaveGroupRequest { GroupId = "g", MemberId = "m-1" },
        ApiKey.SyncGroup => new SyncGroupRequest
        {
            GroupId = "g", GenerationId = 4, MemberId = "m-1", GroupInstanceId = v >= 3 ? "i-1" : null,
            Assignments = [new("m-1", [0, 1, 2]), new("m-2", [])],
        },
        ApiKey.CreateTopics => new CreateTopicsRequest
        {
            Topics =
            [
                new("orders", 8, 1) { Configs = [new("retention.ms", "1000"), new("cleanup.policy", null)] },
                new("manual", -1, -1) { Assignments = [new(0, [1]), new(1, [1, 2])] },
            ],
            TimeoutMs = 5_000, ValidateOnly = v >= 1,
        },
        ApiKey.DeleteTopics => new DeleteTopicsRequest { TopicNames = ["a", "b"], TimeoutMs = 5_000 },
        _ => throw new ArgumentOutOfRangeException(nameof(api), api, null),
    };

    public static IKafkaResponse Response(ApiKey api, short v) => api switch
    {
        ApiKey.ApiVersions => new ApiVersionsResponse { ErrorCode = ErrorCode.None, ApiKeys = KafkaApis.Advertised, ThrottleTimeMs = v >= 1 ? 5 : 0 },
        ApiKey.Produce => new ProduceResponse
        {
            Responses =
            [
                new("orders",
                [
                    new(0, ErrorCode.None, 1234)
                    {
                        LogAppendTimeMs = 1_700_000_000_000, LogStartOffset = v >= 5 ? 10 : -1,
                        RecordErrors = v >= 8 ? [new(2, "bad"), new(3, null)] : [], ErrorMessage = v >= 8 ? "dropped" : null,
                    },
                    new(1, ErrorCode.CorruptMessage, -1),
                ]),
            ],
            ThrottleTimeMs = 7,
        },
        ApiKey.Fetch => new FetchResponse
        {
            ThrottleTimeMs = 3, ErrorCode = v >= 7 ? ErrorCode.FetchSessionIdNotFound : ErrorCode.None, SessionId = v >= 7 ? 77 : 0,
            Responses =
            [
                new("orders",
                [
                    new(0, ErrorCode.None, 100, Batch)
                    {
                        LastStableOffset = 99, LogStartOffset = v >= 5 ? 1 : -1,
                        AbortedTransactions = [new(5, 50)], PreferredReadReplica = v >= 11 ? 1 : -1,
                    },
                    new(1, ErrorCode.OffsetOutOfRange, 0, null),
                ]),
            ],
        },
        ApiKey.ListOffsets => new ListOffsetsResponse
        {
            ThrottleTimeMs = v >= 2 ? 4 : 0,
            Topics = [new("orders", [new(0, ErrorCode.None, -1, 42) { LeaderEpoch = v >= 4 ? 6 : -1 }, new(9, ErrorCode.UnknownTopicOrPartition, -1, -1)])],
        },
        ApiKey.Metadata => new MetadataResponse
        {
            ThrottleTimeMs = v >= 3 ? 2 : 0,
            Brokers = [new(1, "127.0.0.1", 9092, v >= 1 ? "rack-a" : null), new(2, "localhost", 9093)],
            ClusterId = v >= 2 ? "bridge-cluster" : null,
            ControllerId = v >= 1 ? 1 : -1,
            Topics =
            [
                new(ErrorCode.None, "orders",
                [
                    new(ErrorCode.None, 0, 1, [1], [1]) { LeaderEpoch = v >= 7 ? 0 : -1, OfflineReplicas = v >= 5 ? [2] : [] },
                    new(ErrorCode.LeaderNotAvailable, 1, -1, [1, 2], []),
                ])
                { IsInternal = v >= 1, TopicAuthorizedOperations = v >= 8 ? 0x0F : MetadataResponse.AuthorizedOperationsOmitted },
                new(ErrorCode.UnknownTopicOrPartition, "missing", []),
            ],
            ClusterAuthorizedOperations = v >= 8 ? 0x01 : MetadataResponse.AuthorizedOperationsOmitted,
        },
        ApiKey.OffsetCommit => new OffsetCommitResponse
        {
            ThrottleTimeMs = v >= 3 ? 1 : 0,
            Topics = [new("orders", [new(0, ErrorCode.None), new(1, ErrorCode.IllegalGeneration)])],
        },
        ApiKey.OffsetFetch => new OffsetFetchResponse
        {
            ThrottleTimeMs = v >= 3 ? 1 : 0,
            Topics = [new("orders", [new(0, 100, "meta", ErrorCode.None) { CommittedLeaderEpoch = v >= 5 ? 2 : -1 }, new(1, -1, null, ErrorCode.None)])],
            ErrorCode = v >= 2 ? ErrorCode.CoordinatorLoadInProgress : ErrorCode.None,
        },
        ApiKey.FindCoordinator => new FindCoordinatorResponse
        {
            ThrottleTimeMs = v >= 1 ? 1 : 0, ErrorCode = ErrorCode.None, ErrorMessage = v >= 1 ? "ok" : null,
            NodeId = 1, Host = "127.0.0.1", Port = 9092,
        },
        ApiKey.JoinGroup => new JoinGroupResponse
        {
            ThrottleTimeMs = v >= 2 ? 1 : 0, ErrorCode = ErrorCode.None, GenerationId = 4, ProtocolName = "range",
            Leader = "m-1", MemberId = "m-2",
            Members = [new("m-1", [0, 1], v >= 5 ? "i-1" : null), new("m-2", [])],
        },
        ApiKey.Heartbeat => new HeartbeatResponse { ThrottleTimeMs = v >= 1 ? 1 : 0, ErrorCode = ErrorCode.RebalanceInProgress },
        ApiKey.LeaveGroup => new LeaveGroupResponse
        {
            ThrottleTimeMs = v >= 1 ? 1 : 0, ErrorCode = ErrorCode.None,
            Members = v >= 3 ? [new("m-1", "i-1", ErrorCode.None), new("m-2", null, ErrorCode.UnknownMemberId)] : [],
        },
        ApiKey.SyncGroup => new SyncGroupResponse { ThrottleTimeMs = v >= 1 ? 1 : 0, ErrorCode = ErrorCode.None, Assignment = [0, 1, 0, 0] },
        ApiKey.CreateTopics => new CreateTopicsResponse
        {
            ThrottleTimeMs = v >= 2 ? 1 : 0,
            Topics = [new("orders", ErrorCode.None), new("bad", ErrorCode.InvalidPartitions, v >= 1 ? "partitions must be > 0" : null)],
        },
        ApiKey.DeleteTopics => new DeleteTopicsResponse
        {
            ThrottleTimeMs = v >= 1 ? 1 : 0,
            Responses = [new("a", ErrorCode.None), new("b", ErrorCode.UnknownTopicOrPartition)],
        },
        _ => throw new ArgumentOutOfRangeException(nameof(api), api, null),
    };

    /// <summary>Every (api, version) pair the codec serves, for theories.</summary>
    public static TheoryData<ApiKey, short> AllVersions()
    {
        var data = new TheoryData<ApiKey, short>();
        foreach (var api in KafkaApis.All)
            for (short v = api.MinVersion; v <= api.MaxVersion; v++)
                data.Add(api.Key, v);
        return data;
    }
}

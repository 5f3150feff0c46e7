using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;

namespace Bridge.Eventing.Broker.Tests.Handlers;

/// <summary>FindCoordinator, OffsetCommit and OffsetFetch as the handlers answer them (the group state machine has its own tests).</summary>
public class GroupHandlerTests : IDisposable
{
    private readonly BrokerState _broker = new();

    public GroupHandlerTests() => _broker.Logs.CreateTopic("t", 2);

    public void Dispose() => _broker.Dispose();

    [Fact]
    public void FindCoordinator_IsThisBroker_ForGroups_NotForTransactions()
    {
        var group = _broker.Groups.FindCoordinator(new FindCoordinatorRequest { Key = "g" });
        Assert.Equal((ErrorCode.None, 0, "127.0.0.1", 9092), (group.ErrorCode, group.NodeId, group.Host, group.Port));
        var transaction = _broker.Groups.FindCoordinator(new FindCoordinatorRequest { Key = "tx", KeyType = 1 });
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, transaction.ErrorCode);
    }

    [Fact]
    public void Commit_OutsideAGroup_ThenFetch_GivesTheOffsetsBack()
    {
        var commit = _broker.Groups.Commit(new OffsetCommitRequest
        {
            GroupId = "g",
            Topics = [new OffsetCommitRequest.Topic("t", [new(0, 42, "meta") { CommittedLeaderEpoch = 0 }, new(1, 7, null)])],
        });
        Assert.All(commit.Topics[0].Partitions, p => Assert.Equal(ErrorCode.None, p.ErrorCode));

        var fetch = _broker.Groups.Fetch(new OffsetFetchRequest { GroupId = "g", Topics = [new OffsetFetchRequest.Topic("t", [0, 1])] });
        Assert.Equal([(0, 42L, "meta"), (1, 7L, null)], fetch.Topics[0].Partitions.Select(p => (p.PartitionIndex, p.CommittedOffset, p.Metadata)));
        var all = _broker.Groups.Fetch(new OffsetFetchRequest { GroupId = "g", Topics = null });
        Assert.Equal(2, all.Topics.Single().Partitions.Count);
    }

    [Fact]
    public void Fetch_PartitionWithoutCommit_IsMinusOne()
    {
        var fetch = _broker.Groups.Fetch(new OffsetFetchRequest { GroupId = "g", Topics = [new OffsetFetchRequest.Topic("t", [1])] });
        Assert.Equal(-1, fetch.Topics[0].Partitions[0].CommittedOffset);
    }

    [Fact]
    public void Commit_BadPartitionsAreRefusedOneByOne_TheRestIsCommitted()
    {
        var commit = _broker.Groups.Commit(new OffsetCommitRequest
        {
            GroupId = "g",
            Topics =
            [
                new OffsetCommitRequest.Topic("t", [new(0, 1, new string('m', Broker.Handlers.GroupHandler.MaxOffsetMetadataBytes + 1)), new(1, 5, "ok"), new(9, 1, null)]),
                new OffsetCommitRequest.Topic("nope", [new(0, 1, null)]),
            ],
        });
        Assert.Equal([ErrorCode.OffsetMetadataTooLarge, ErrorCode.None, ErrorCode.UnknownTopicOrPartition], commit.Topics[0].Partitions.Select(p => p.ErrorCode));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, commit.Topics[1].Partitions[0].ErrorCode);
        var fetch = _broker.Groups.Fetch(new OffsetFetchRequest { GroupId = "g", Topics = [new OffsetFetchRequest.Topic("t", [0, 1])] });
        Assert.Equal([-1L, 5L], fetch.Topics[0].Partitions.Select(p => p.CommittedOffset));
    }

    [Fact]
    public void Commit_FromAStrangerWhileTheGroupHasMembers_IsUnknownMember()
    {
        var commit = _broker.Groups.Commit(new OffsetCommitRequest
        {
            GroupId = "g", GenerationIdOrMemberEpoch = 3, MemberId = "ghost",
            Topics = [new OffsetCommitRequest.Topic("t", [new(0, 1, null)])],
        });
        Assert.Equal(ErrorCode.UnknownMemberId, commit.Topics[0].Partitions[0].ErrorCode);
    }

    [Fact]
    public void EmptyGroupId_IsInvalidGroupId()
    {
        Assert.Equal(ErrorCode.InvalidGroupId, _broker.Groups.Fetch(new OffsetFetchRequest { GroupId = "" }).ErrorCode);
        var commit = _broker.Groups.Commit(new OffsetCommitRequest { GroupId = "", Topics = [new OffsetCommitRequest.Topic("t", [new(0, 1, null)])] });
        Assert.Equal(ErrorCode.InvalidGroupId, commit.Topics[0].Partitions[0].ErrorCode);
    }
}

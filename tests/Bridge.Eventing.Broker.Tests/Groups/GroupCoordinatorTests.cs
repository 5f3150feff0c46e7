using Bridge.Eventing.Broker.Groups;
using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Log.Offsets;
using Bridge.Testing;

namespace Bridge.Eventing.Broker.Tests.Groups;

/// <summary>The classic group protocol, driven on a manual clock: joins, the initial rebalance delay,
/// the leader's assignment, heartbeats, leaving, session expiry, offsets.</summary>
public class GroupCoordinatorTests : IDisposable
{
    private static readonly TimeSpan Session = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RebalanceTimeout = TimeSpan.FromSeconds(30);
    private readonly ManualTimeProvider _clock = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bridge-groups-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly GroupOffsetStore _offsets;
    private readonly GroupCoordinator _coordinator;

    public GroupCoordinatorTests()
    {
        Directory.CreateDirectory(_dir);
        _offsets = GroupOffsetStore.Open(Path.Combine(_dir, "offsets"));
        _coordinator = new GroupCoordinator(_offsets, new GroupCoordinatorOptions { TimeProvider = _clock, InitialRebalanceDelay = TimeSpan.FromSeconds(3) });
    }

    public void Dispose()
    {
        _coordinator.Dispose();
        _offsets.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static IReadOnlyList<KeyValuePair<TopicPartition, CommittedOffset>> Offset(int partition, long offset) =>
        [KeyValuePair.Create(new TopicPartition("t", partition), new CommittedOffset(offset, -1, null, 0))];

    private static JoinGroupRequest Join(string memberId = "", bool requireKnown = false, string client = "c", params string[] protocols) =>
        new("g", memberId, null, "consumer", (protocols.Length == 0 ? ["range"] : protocols).Select(p => new GroupProtocol(p, [1, 2, (byte)p.Length])).ToList(),
            Session, RebalanceTimeout, requireKnown, client, "127.0.0.1");

    private async Task<JoinGroupResult> JoinAloneAsync()
    {
        var joining = _coordinator.JoinAsync(Join());
        Assert.False(joining.IsCompleted); // the initial delay waits for more members
        _clock.Advance(TimeSpan.FromSeconds(3));
        return await joining;
    }

    [Fact]
    public async Task OneMember_AfterTheInitialDelay_LeadsGenerationOne_AndGetsItsAssignment()
    {
        var joined = await JoinAloneAsync();
        Assert.Equal(ErrorCode.None, joined.Error);
        Assert.Equal(1, joined.GenerationId);
        Assert.Equal("range", joined.ProtocolName);
        Assert.Equal(joined.MemberId, joined.LeaderId);
        Assert.Equal([1, 2, 5], Assert.Single(joined.Members).Metadata);

        var synced = await _coordinator.SyncAsync("g", 1, joined.MemberId, new Dictionary<string, byte[]> { [joined.MemberId] = [9] });
        Assert.Equal(ErrorCode.None, synced.Error);
        Assert.Equal([9], synced.Assignment);
        Assert.Equal(("Stable", 1, 1), _coordinator.Describe("g"));
    }

    [Fact]
    public async Task JoinGroupV4_NewMember_FirstGetsMemberIdRequired_ThenJoinsWithIt()
    {
        var first = await _coordinator.JoinAsync(Join(requireKnown: true, client: "rdkafka"));
        Assert.Equal(ErrorCode.MemberIdRequired, first.Error);
        Assert.StartsWith("rdkafka-", first.MemberId);

        var joining = _coordinator.JoinAsync(Join(first.MemberId, requireKnown: true));
        _clock.Advance(TimeSpan.FromSeconds(3));
        var joined = await joining;
        Assert.Equal(ErrorCode.None, joined.Error);
        Assert.Equal(first.MemberId, joined.MemberId);

        Assert.Equal(ErrorCode.UnknownMemberId, (await _coordinator.JoinAsync(Join("made-up", requireKnown: true))).Error);
    }

    [Fact]
    public async Task TwoMembers_JoiningInTheInitialDelay_ShareOneGeneration_OnlyTheLeaderSeesTheMembers()
    {
        var a = _coordinator.JoinAsync(Join(client: "a"));
        _clock.Advance(TimeSpan.FromSeconds(2));
        var b = _coordinator.JoinAsync(Join(client: "b")); // extends the delay
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(a.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var (ra, rb) = (await a, await b);

        Assert.Equal(ra.GenerationId, rb.GenerationId);
        Assert.Equal(ra.MemberId, ra.LeaderId);
        Assert.Equal(2, ra.Members.Count);
        Assert.Empty(rb.Members);

        // The follower's sync waits for the leader's assignment.
        var followerSync = _coordinator.SyncAsync("g", rb.GenerationId, rb.MemberId, new Dictionary<string, byte[]>());
        Assert.False(followerSync.IsCompleted);
        var leaderSync = await _coordinator.SyncAsync("g", ra.GenerationId, ra.MemberId,
            new Dictionary<string, byte[]> { [ra.MemberId] = [1], [rb.MemberId] = [2] });
        Assert.Equal([1], leaderSync.Assignment);
        Assert.Equal([2], (await followerSync).Assignment);
    }

    [Fact]
    public async Task ANewMember_MakesTheStableGroupRebalance_HeartbeatsSayRebalanceInProgress_AndTheOldMemberRejoins()
    {
        var first = await JoinAloneAsync();
        await _coordinator.SyncAsync("g", 1, first.MemberId, new Dictionary<string, byte[]> { [first.MemberId] = [1] });
        Assert.Equal(ErrorCode.None, _coordinator.Heartbeat("g", 1, first.MemberId));

        var second = _coordinator.JoinAsync(Join(client: "late"));
        Assert.Equal(ErrorCode.RebalanceInProgress, _coordinator.Heartbeat("g", 1, first.MemberId));
        Assert.False(second.IsCompleted); // waits for the first member to rejoin
        var rejoined = await _coordinator.JoinAsync(Join(first.MemberId));
        var late = await second;

        Assert.Equal(2, rejoined.GenerationId);
        Assert.Equal(2, late.GenerationId);
        Assert.Equal(first.MemberId, rejoined.LeaderId); // the leader stays the leader
        Assert.Equal(ErrorCode.IllegalGeneration, (await _coordinator.SyncAsync("g", 1, late.MemberId, new Dictionary<string, byte[]>())).Error);
    }

    [Fact]
    public async Task AMemberThatDoesNotRejoin_IsDroppedAtTheRebalanceTimeout()
    {
        var first = await JoinAloneAsync();
        await _coordinator.SyncAsync("g", 1, first.MemberId, new Dictionary<string, byte[]>());
        var second = _coordinator.JoinAsync(Join(client: "late"));

        _clock.Advance(RebalanceTimeout);

        var late = await second;
        Assert.Equal(ErrorCode.None, late.Error);
        Assert.Equal(late.MemberId, late.LeaderId);
        Assert.Single(late.Members);
        Assert.Equal(ErrorCode.UnknownMemberId, _coordinator.Heartbeat("g", late.GenerationId, first.MemberId));
    }

    [Fact]
    public async Task AMemberWithoutHeartbeats_ExpiresAfterItsSessionTimeout_AndTheGroupEmpties()
    {
        var only = await JoinAloneAsync();
        await _coordinator.SyncAsync("g", 1, only.MemberId, new Dictionary<string, byte[]>());
        _clock.Advance(Session - TimeSpan.FromSeconds(1));
        Assert.Equal(ErrorCode.None, _coordinator.Heartbeat("g", 1, only.MemberId));
        _clock.Advance(Session - TimeSpan.FromSeconds(1));
        Assert.Equal(("Stable", 1, 1), _coordinator.Describe("g"));

        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(("Empty", 2, 0), _coordinator.Describe("g"));
        Assert.Equal(ErrorCode.UnknownMemberId, _coordinator.Heartbeat("g", 1, only.MemberId));
    }

    [Fact]
    public async Task Leave_RebalancesTheRest_AndUnknownMembersAreReportedPerMember()
    {
        var a = _coordinator.JoinAsync(Join(client: "a"));
        var b = _coordinator.JoinAsync(Join(client: "b"));
        _clock.Advance(TimeSpan.FromSeconds(3));
        var (ra, rb) = (await a, await b);
        await Task.WhenAll(
            _coordinator.SyncAsync("g", ra.GenerationId, ra.MemberId, new Dictionary<string, byte[]> { [ra.MemberId] = [1], [rb.MemberId] = [2] }),
            _coordinator.SyncAsync("g", rb.GenerationId, rb.MemberId, new Dictionary<string, byte[]>()));

        Assert.Equal([ErrorCode.None, ErrorCode.UnknownMemberId], _coordinator.Leave("g", [ra.MemberId, "nobody"]));

        Assert.Equal(ErrorCode.RebalanceInProgress, _coordinator.Heartbeat("g", rb.GenerationId, rb.MemberId));
        var rejoined = await _coordinator.JoinAsync(Join(rb.MemberId));
        Assert.Equal(rb.MemberId, rejoined.LeaderId); // the only member left leads
        Assert.Equal(ra.GenerationId + 1, rejoined.GenerationId);
    }

    [Fact]
    public async Task Protocol_IsTheOneEveryMemberSupports_ThatMostPrefer_AndAnIncompatibleMemberIsRefused()
    {
        var a = _coordinator.JoinAsync(Join(client: "a", protocols: ["roundrobin", "range"]));
        var b = _coordinator.JoinAsync(Join(client: "b", protocols: ["range"]));
        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("range", (await a).ProtocolName);
        Assert.Equal("range", (await b).ProtocolName);

        var odd = await _coordinator.JoinAsync(Join(client: "odd", protocols: ["sticky"]));
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, odd.Error);
    }

    [Fact]
    public async Task BadJoins_GetPreciseErrors()
    {
        Assert.Equal(ErrorCode.InvalidGroupId, (await _coordinator.JoinAsync(Join() with { GroupId = "" })).Error);
        Assert.Equal(ErrorCode.InvalidSessionTimeout, (await _coordinator.JoinAsync(Join() with { SessionTimeout = TimeSpan.FromSeconds(1) })).Error);
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, (await _coordinator.JoinAsync(Join() with { Protocols = [] })).Error);
    }

    [Fact]
    public async Task Offsets_CommittedByAMember_OrByAClientOutsideTheGroup_AreFetchedBack()
    {
        Assert.Equal(ErrorCode.None, _coordinator.Commit("g", -1, "", Offset(0, 42)));
        Assert.Equal(42, Assert.Single(_coordinator.Fetch("g", null)).Value.Offset);

        var member = await JoinAloneAsync();
        Assert.Equal(ErrorCode.UnknownMemberId, _coordinator.Commit("g", -1, "", Offset(0, 1))); // the group has members now
        Assert.Equal(ErrorCode.RebalanceInProgress, _coordinator.Commit("g", member.GenerationId, member.MemberId, Offset(0, 1)));
        await _coordinator.SyncAsync("g", member.GenerationId, member.MemberId, new Dictionary<string, byte[]>());
        Assert.Equal(ErrorCode.IllegalGeneration, _coordinator.Commit("g", member.GenerationId + 1, member.MemberId, Offset(0, 1)));
        Assert.Equal(ErrorCode.None, _coordinator.Commit("g", member.GenerationId, member.MemberId, Offset(1, 7)));

        var fetched = _coordinator.Fetch("g", [new TopicPartition("t", 0), new TopicPartition("t", 1), new TopicPartition("t", 2)]);
        Assert.Equal([42L, 7L, -1L], fetched.Select(o => o.Value.Offset));
    }
}

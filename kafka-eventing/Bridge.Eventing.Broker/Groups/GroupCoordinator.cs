using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Log.Offsets;

namespace Bridge.Eventing.Broker.Groups;

/// <summary>
/// The classic consumer-group coordinator (Kafka's <c>GroupCoordinator</c>, protocol APIs JoinGroup,
/// SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch). A group goes Empty →
/// PreparingRebalance (members join; the first rebalance of an empty group waits
/// <see cref="GroupCoordinatorOptions.InitialRebalanceDelay"/> for more) → CompletingRebalance (every
/// member got its JoinGroup answer; the leader computes the assignment, e.g. range, on the client)
/// → Stable (the leader's SyncGroup handed every member its assignment). A member that joins or
/// leaves, or misses its session timeout, starts a new rebalance; members that do not rejoin within
/// the rebalance timeout are dropped. The protocol is the one every member supports that most
/// members prefer. Responses that wait (JoinGroup, SyncGroup) are tasks completed when the group
/// moves on. Committed offsets go to the log's durable <see cref="GroupOffsetStore"/>.
/// Thread-safe: one lock, no I/O under it except the offset store's commit (an fsync).
/// </summary>
public sealed class GroupCoordinator : IDisposable
{
    private enum State { Empty, PreparingRebalance, CompletingRebalance, Stable }

    private sealed class Member(string id, JoinGroupRequest join)
    {
        public string Id { get; } = id;
        public JoinGroupRequest Join { get; set; } = join;
        public TaskCompletionSource<JoinGroupResult>? AwaitingJoin { get; set; }
        public TaskCompletionSource<SyncGroupResult>? AwaitingSync { get; set; }
        public byte[] Assignment { get; set; } = [];
        public ITimer? Expiry { get; set; }
    }

    private sealed class Group(string id)
    {
        public string Id { get; } = id;
        public State State { get; set; } = State.Empty;
        public int Generation { get; set; }
        public string ProtocolType { get; set; } = "";
        public string Protocol { get; set; } = "";
        public string Leader { get; set; } = "";
        public List<Member> Members { get; } = new();
        public Dictionary<string, ITimer> Pending { get; } = new(); // ids handed out with MEMBER_ID_REQUIRED
        public ITimer? Rebalance { get; set; }
        public DateTimeOffset InitialDeadline { get; set; }
        public Member? Find(string memberId) => Members.FirstOrDefault(m => m.Id == memberId);
    }

    private readonly object _gate = new();
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly GroupCoordinatorOptions _options;
    private readonly GroupOffsetStore _offsets;

    /// <summary>A coordinator storing committed offsets in <paramref name="offsets"/>.</summary>
    public GroupCoordinator(GroupOffsetStore offsets, GroupCoordinatorOptions? options = null)
    {
        _offsets = offsets;
        _options = options ?? new GroupCoordinatorOptions();
    }

    private TimeProvider Time => _options.TimeProvider;

    // ------------------------------------------------------------------ JoinGroup

    /// <summary>JoinGroup: completes when the rebalance the join takes part in completes (or at once with an error).</summary>
    public Task<JoinGroupResult> JoinAsync(JoinGroupRequest request)
    {
        if (request.GroupId.Length == 0) return Task.FromResult(JoinGroupResult.Failed(ErrorCode.InvalidGroupId));
        if (request.SessionTimeout < _options.MinSessionTimeout || request.SessionTimeout > _options.MaxSessionTimeout)
            return Task.FromResult(JoinGroupResult.Failed(ErrorCode.InvalidSessionTimeout, request.MemberId));
        if (request.ProtocolType.Length == 0 || request.Protocols.Count == 0)
            return Task.FromResult(JoinGroupResult.Failed(ErrorCode.InconsistentGroupProtocol, request.MemberId));
        lock (_gate)
        {
            if (!_groups.TryGetValue(request.GroupId, out var group)) _groups[request.GroupId] = group = new Group(request.GroupId);
            if (group.Members.Count > 0 && !Compatible(group, request))
                return Task.FromResult(JoinGroupResult.Failed(ErrorCode.InconsistentGroupProtocol, request.MemberId));
            if (request.MemberId.Length == 0)
            {
                var id = $"{request.ClientId}-{Guid.NewGuid()}";
                if (request.RequireKnownMemberId)
                {
                    // KIP-394: the member rejoins with this id; forget it if it never does.
                    group.Pending[id] = Time.CreateTimer(_ => Locked(() => group.Pending.Remove(id)), null, request.SessionTimeout, Timeout.InfiniteTimeSpan);
                    return Task.FromResult(JoinGroupResult.Failed(ErrorCode.MemberIdRequired, id));
                }
                return AddAndRebalance(group, id, request);
            }
            if (group.Pending.Remove(request.MemberId, out var pendingTimer))
            {
                pendingTimer.Dispose();
                return AddAndRebalance(group, request.MemberId, request);
            }
            if (group.Find(request.MemberId) is not { } member) return Task.FromResult(JoinGroupResult.Failed(ErrorCode.UnknownMemberId, request.MemberId));
            var changed = !SameProtocols(member.Join, request);
            member.Join = request;
            switch (group.State)
            {
                case State.PreparingRebalance:
                    var waiting = Await(member);
                    TryCompleteJoin(group);
                    return waiting;
                case State.CompletingRebalance when !changed:
                case State.Stable when !changed && member.Id != group.Leader:
                    Touch(group, member);
                    return Task.FromResult(Answer(group, member)); // a retried join: the current generation
                default:
                    var rejoin = Await(member);
                    PrepareRebalance(group);
                    return rejoin;
            }
        }
    }

    private Task<JoinGroupResult> AddAndRebalance(Group group, string id, JoinGroupRequest request)
    {
        var member = new Member(id, request);
        group.Members.Add(member);
        var waiting = Await(member);
        if (group.State == State.PreparingRebalance) TryCompleteJoin(group);
        else PrepareRebalance(group);
        return waiting;
    }

    private static Task<JoinGroupResult> Await(Member member)
    {
        member.AwaitingJoin?.TrySetResult(JoinGroupResult.Failed(ErrorCode.UnknownMemberId, member.Id)); // superseded
        member.AwaitingJoin = new TaskCompletionSource<JoinGroupResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        member.Expiry?.Dispose(); // while it waits to join, the rebalance timeout governs it
        member.Expiry = null;
        return member.AwaitingJoin.Task;
    }

    private void PrepareRebalance(Group group)
    {
        if (group.State == State.CompletingRebalance)
            foreach (var m in group.Members)
            {
                m.AwaitingSync?.TrySetResult(new SyncGroupResult(ErrorCode.RebalanceInProgress, []));
                m.AwaitingSync = null;
            }
        var initial = group.State == State.Empty;
        group.State = State.PreparingRebalance;
        var timeout = group.Members.Max(m => m.Join.RebalanceTimeout);
        group.Rebalance?.Dispose();
        if (initial && _options.InitialRebalanceDelay > TimeSpan.Zero)
        {
            // Kafka's delayed initial rebalance: wait for more members, each one extending the wait, up to the rebalance timeout.
            group.InitialDeadline = Time.GetUtcNow() + timeout;
            group.Rebalance = Time.CreateTimer(_ => Locked(() => InitialDelayEnded(group)), null, _options.InitialRebalanceDelay, Timeout.InfiniteTimeSpan);
            return;
        }
        group.InitialDeadline = default;
        group.Rebalance = Time.CreateTimer(_ => Locked(() => CompleteJoin(group)), null, timeout, Timeout.InfiniteTimeSpan);
        TryCompleteJoin(group);
    }

    private void InitialDelayEnded(Group group)
    {
        if (group.State != State.PreparingRebalance || group.InitialDeadline == default) return;
        group.InitialDeadline = default;
        CompleteJoin(group);
    }

    private void TryCompleteJoin(Group group)
    {
        if (group.State != State.PreparingRebalance) return;
        if (group.InitialDeadline != default)
        {
            // Another member arrived during the initial delay: wait a full delay more, within the deadline.
            var left = group.InitialDeadline - Time.GetUtcNow();
            group.Rebalance?.Dispose();
            group.Rebalance = Time.CreateTimer(_ => Locked(() => InitialDelayEnded(group)), null,
                left < _options.InitialRebalanceDelay ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : _options.InitialRebalanceDelay, Timeout.InfiniteTimeSpan);
            return;
        }
        if (group.Members.All(m => m.AwaitingJoin is not null)) CompleteJoin(group);
    }

    private void CompleteJoin(Group group)
    {
        if (group.State != State.PreparingRebalance) return;
        group.Rebalance?.Dispose();
        group.Rebalance = null;
        foreach (var late in group.Members.Where(m => m.AwaitingJoin is null).ToList()) Remove(group, late); // did not rejoin in time
        group.Generation++;
        if (group.Members.Count == 0)
        {
            group.State = State.Empty;
            group.Protocol = group.Leader = "";
            return;
        }
        group.ProtocolType = group.Members[0].Join.ProtocolType;
        group.Protocol = SelectProtocol(group);
        if (group.Find(group.Leader) is null) group.Leader = group.Members[0].Id;
        group.State = State.CompletingRebalance;
        foreach (var member in group.Members)
        {
            var answer = member.AwaitingJoin!;
            member.AwaitingJoin = null;
            member.Assignment = [];
            Touch(group, member);
            answer.TrySetResult(Answer(group, member));
        }
    }

    private static JoinGroupResult Answer(Group group, Member member) => new(ErrorCode.None, group.Generation, group.Protocol, group.Leader, member.Id,
        member.Id == group.Leader
            ? group.Members.Select(m => new JoinedMember(m.Id, m.Join.GroupInstanceId, m.Join.Protocols.First(p => p.Name == group.Protocol).Metadata)).ToList()
            : []);

    /// <summary>Kafka's vote: among the protocols every member supports, each member votes for its most preferred; most votes wins (ties: the first member's preference).</summary>
    private static string SelectProtocol(Group group)
    {
        var candidates = group.Members.Select(m => m.Join.Protocols.Select(p => p.Name).ToHashSet())
            .Aggregate((a, b) => { a.IntersectWith(b); return a; });
        var votes = group.Members.Select(m => m.Join.Protocols.First(p => candidates.Contains(p.Name)).Name)
            .GroupBy(n => n).OrderByDescending(g => g.Count()).ThenBy(g => group.Members[0].Join.Protocols.ToList().FindIndex(p => p.Name == g.Key));
        return votes.First().Key;
    }

    private static bool Compatible(Group group, JoinGroupRequest request) =>
        group.Members[0].Join.ProtocolType == request.ProtocolType &&
        group.Members.Where(m => m.Id != request.MemberId).All(m => m.Join.Protocols.Any(p => request.Protocols.Any(q => q.Name == p.Name)));

    private static bool SameProtocols(JoinGroupRequest a, JoinGroupRequest b) =>
        a.Protocols.Count == b.Protocols.Count && a.Protocols.Zip(b.Protocols).All(p => p.First.Name == p.Second.Name && p.First.Metadata.AsSpan().SequenceEqual(p.Second.Metadata));

    // ------------------------------------------------------------------ SyncGroup, Heartbeat, LeaveGroup

    /// <summary>SyncGroup: the leader brings the assignment (<paramref name="assignments"/>, member id → bytes);
    /// every member's answer is its own assignment once the leader's has arrived.</summary>
    public Task<SyncGroupResult> SyncAsync(string groupId, int generationId, string memberId, IReadOnlyDictionary<string, byte[]> assignments)
    {
        lock (_gate)
        {
            if (!_groups.TryGetValue(groupId, out var group) || group.Find(memberId) is not { } member)
                return Task.FromResult(new SyncGroupResult(ErrorCode.UnknownMemberId, []));
            if (generationId != group.Generation) return Task.FromResult(new SyncGroupResult(ErrorCode.IllegalGeneration, []));
            Touch(group, member);
            switch (group.State)
            {
                case State.PreparingRebalance:
                    return Task.FromResult(new SyncGroupResult(ErrorCode.RebalanceInProgress, []));
                case State.Stable:
                    return Task.FromResult(new SyncGroupResult(ErrorCode.None, member.Assignment));
                case State.CompletingRebalance:
                    member.AwaitingSync?.TrySetResult(new SyncGroupResult(ErrorCode.RebalanceInProgress, []));
                    member.AwaitingSync = new TaskCompletionSource<SyncGroupResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                    var answer = member.AwaitingSync.Task;
                    if (member.Id == group.Leader)
                    {
                        foreach (var m in group.Members) m.Assignment = assignments.GetValueOrDefault(m.Id) ?? [];
                        group.State = State.Stable;
                        foreach (var m in group.Members)
                        {
                            m.AwaitingSync?.TrySetResult(new SyncGroupResult(ErrorCode.None, m.Assignment));
                            m.AwaitingSync = null;
                        }
                    }
                    return answer;
                default:
                    return Task.FromResult(new SyncGroupResult(ErrorCode.UnknownMemberId, []));
            }
        }
    }

    /// <summary>Heartbeat: keeps the member's session; REBALANCE_IN_PROGRESS tells it to rejoin.</summary>
    public ErrorCode Heartbeat(string groupId, int generationId, string memberId)
    {
        lock (_gate)
        {
            if (!_groups.TryGetValue(groupId, out var group) || group.Find(memberId) is not { } member) return ErrorCode.UnknownMemberId;
            if (group.State == State.PreparingRebalance) return ErrorCode.RebalanceInProgress;
            if (generationId != group.Generation) return ErrorCode.IllegalGeneration;
            Touch(group, member);
            return ErrorCode.None;
        }
    }

    /// <summary>LeaveGroup: removes the members (v3+ can name several); the rest rebalance. One error per member, in order.</summary>
    public IReadOnlyList<ErrorCode> Leave(string groupId, IReadOnlyList<string> memberIds)
    {
        lock (_gate)
        {
            if (!_groups.TryGetValue(groupId, out var group)) return memberIds.Select(_ => ErrorCode.UnknownMemberId).ToList();
            var errors = new List<ErrorCode>();
            foreach (var id in memberIds)
            {
                if (group.Find(id) is not { } member)
                {
                    errors.Add(ErrorCode.UnknownMemberId);
                    continue;
                }
                member.AwaitingJoin?.TrySetResult(JoinGroupResult.Failed(ErrorCode.UnknownMemberId, id));
                member.AwaitingJoin = null;
                Remove(group, member);
                errors.Add(ErrorCode.None);
            }
            AfterDeparture(group);
            return errors;
        }
    }

    private void AfterDeparture(Group group)
    {
        if (group.State == State.PreparingRebalance) TryCompleteJoin(group);
        else if (group.Members.Count == 0 && group.State != State.Empty)
        {
            group.Generation++;
            group.State = State.Empty;
            group.Protocol = group.Leader = "";
        }
        else if (group.State is State.Stable or State.CompletingRebalance) PrepareRebalance(group);
    }

    private static void Remove(Group group, Member member)
    {
        member.Expiry?.Dispose();
        member.AwaitingSync?.TrySetResult(new SyncGroupResult(ErrorCode.UnknownMemberId, []));
        group.Members.Remove(member);
        if (group.Leader == member.Id) group.Leader = group.Members.FirstOrDefault()?.Id ?? "";
    }

    /// <summary>Restarts the member's session timer (a heartbeat, join or sync).</summary>
    private void Touch(Group group, Member member)
    {
        member.Expiry?.Dispose();
        member.Expiry = Time.CreateTimer(_ => Locked(() => Expired(group, member)), null, member.Join.SessionTimeout, Timeout.InfiniteTimeSpan);
    }

    private void Expired(Group group, Member member)
    {
        if (!group.Members.Contains(member) || member.AwaitingJoin is not null) return;
        Remove(group, member);
        AfterDeparture(group);
    }

    private void Locked(Action work)
    {
        lock (_gate) work();
    }

    // ------------------------------------------------------------------ offsets

    /// <summary>OffsetCommit. A group member commits with its generation; a client outside any group
    /// (generation -1, no member id) commits freely while the group has no members.</summary>
    /// <exception cref="IOException">The store failed; nothing was committed (the server answers with an error).</exception>
    public ErrorCode Commit(string groupId, int generationId, string memberId, IReadOnlyList<KeyValuePair<TopicPartition, CommittedOffset>> offsets)
    {
        if (groupId.Length == 0) return ErrorCode.InvalidGroupId;
        lock (_gate)
        {
            _groups.TryGetValue(groupId, out var group);
            if (generationId < 0 && memberId.Length == 0)
            {
                if (group is { Members.Count: > 0 }) return ErrorCode.UnknownMemberId;
            }
            else
            {
                if (group?.Find(memberId) is not { } member) return ErrorCode.UnknownMemberId;
                if (generationId != group.Generation) return ErrorCode.IllegalGeneration;
                if (group.State == State.CompletingRebalance) return ErrorCode.RebalanceInProgress;
                Touch(group, member);
            }
            _offsets.Commit(groupId, offsets);
            return ErrorCode.None;
        }
    }

    /// <summary>OffsetFetch: the committed offsets of <paramref name="partitions"/> (null: all the group has);
    /// a partition with none gets offset -1, as Kafka answers.</summary>
    public IReadOnlyList<KeyValuePair<TopicPartition, CommittedOffset>> Fetch(string groupId, IReadOnlyList<TopicPartition>? partitions)
    {
        var committed = _offsets.GetGroup(groupId);
        if (partitions is null) return committed.ToList();
        return partitions.Select(p => KeyValuePair.Create(p, committed.GetValueOrDefault(p) ?? NoOffset)).ToList();
    }

    private static readonly CommittedOffset NoOffset = new(-1, -1, null, -1);

    /// <summary>The group's state name, generation and member count (for logs, tests and describe calls).</summary>
    public (string State, int Generation, int Members) Describe(string groupId)
    {
        lock (_gate)
            return _groups.TryGetValue(groupId, out var g) ? (g.State.ToString(), g.Generation, g.Members.Count) : ("Dead", 0, 0);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
            foreach (var group in _groups.Values)
            {
                group.Rebalance?.Dispose();
                foreach (var timer in group.Pending.Values) timer.Dispose();
                foreach (var member in group.Members)
                {
                    member.Expiry?.Dispose();
                    member.AwaitingJoin?.TrySetResult(JoinGroupResult.Failed(ErrorCode.CoordinatorNotAvailable, member.Id));
                    member.AwaitingSync?.TrySetResult(new SyncGroupResult(ErrorCode.CoordinatorNotAvailable, []));
                }
            }
    }
}

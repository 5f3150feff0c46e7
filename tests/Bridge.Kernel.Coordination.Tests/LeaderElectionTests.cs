using Bridge.Kernel.Coordination.Election;
using Bridge.Kernel.Coordination.Etcd;
using Bridge.Kernel.Coordination.Etcd.Rpc;
using Bridge.Testing;
using Google.Protobuf;

namespace Bridge.Kernel.Coordination.Tests;

/// <summary>Leader election on a real etcd: one leader among candidates, hand-over in order, loss of the lease or the
/// key, a deposed leader's writes refused, observers following.</summary>
public sealed class LeaderElectionTests(EtcdFixture fixture) : IClassFixture<EtcdFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static LeaderElection Election(EtcdClient client, string prefix, int ttlSeconds = 2) =>
        new(client, prefix, new LeaderElectionOptions { Ttl = TimeSpan.FromSeconds(ttlSeconds) });

    [Fact]
    public async Task ThreeCandidates_OneLeads_AndResigningHandsOverInCampaignOrder()
    {
        using var client = fixture.Client();
        var prefix = EtcdFixture.Prefix();
        var election = Election(client, prefix);
        var a = await election.CampaignAsync("master-a").WaitAsync(Bound);
        var b = election.CampaignAsync("master-b");
        await Wait.UntilAsync(async () => (await client.GetPrefixAsync(prefix)).Count == 2, "b's key");
        var c = election.CampaignAsync("master-c");
        await Wait.UntilAsync(async () => (await client.GetPrefixAsync(prefix)).Count == 3, "c's key");
        Assert.False(b.IsCompleted);
        Assert.False(c.IsCompleted);
        Assert.Equal("master-a", (await election.LeaderAsync())!.Value);

        await a.ResignAsync();
        Assert.True(a.Lost.IsCancellationRequested);
        var leaderB = await b.WaitAsync(Bound);
        Assert.Equal("master-b", (await election.LeaderAsync())!.Value);
        Assert.True(leaderB.Revision > a.Revision);
        Assert.False(c.IsCompleted);

        await leaderB.ResignAsync();
        await using var leaderC = await c.WaitAsync(Bound);
        Assert.Equal("master-c", (await election.LeaderAsync())!.Value);
        Assert.False(leaderC.Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task StepDownTimerLate_HoldsIsFalseFromTheDeadlineAnyway()
    {
        // A clock whose timers never fire: the keep-alive never renews and Lost's timer never runs, as on a machine
        // too loaded to run timers on time. The synchronous check still ends the leadership at its deadline.
        var clock = new StalledTimers(DateTimeOffset.UtcNow);
        using var client = fixture.Client();
        var election = new LeaderElection(client, EtcdFixture.Prefix(), new LeaderElectionOptions { Ttl = TimeSpan.FromSeconds(2), TimeProvider = clock });
        await using var leadership = await election.CampaignAsync("slow").WaitAsync(Bound);
        var deadline = leadership.ExpiresBy - TimeSpan.FromSeconds(2) / 10;
        Assert.True(leadership.Holds);

        clock.Now = deadline - TimeSpan.FromMilliseconds(1);
        Assert.True(leadership.Holds);
        clock.Now = deadline;

        Assert.False(leadership.Holds);
        Assert.False(leadership.Lost.IsCancellationRequested); // the timer has not run: only the synchronous check knows
    }

    /// <summary>A clock set by hand whose timers never fire.</summary>
    private sealed class StalledTimers(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverFires();

        private sealed class NeverFires : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;
            public void Dispose() { }
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task TheLeadersLeaseRevoked_LostFires_AndTheNextCandidateLeads()
    {
        using var client = fixture.Client();
        var election = Election(client, EtcdFixture.Prefix());
        await using var first = await election.CampaignAsync("a").WaitAsync(Bound);
        var second = election.CampaignAsync("b");

        await client.RevokeLeaseAsync(first.LeaseId); // as if etcd expired it
        await Wait.UntilAsync(() => first.Lost.IsCancellationRequested, "the first leader to see its leadership lost", Bound);
        Assert.NotNull(first.LostReason);
        await using var next = await second.WaitAsync(Bound);
        Assert.Equal("b", next.Value);
    }

    [Fact]
    public async Task TheLeaderKeyDeleted_LostFires()
    {
        using var client = fixture.Client();
        var election = Election(client, EtcdFixture.Prefix());
        await using var leader = await election.CampaignAsync("a").WaitAsync(Bound);
        await client.DeleteAsync(leader.Key);
        await Wait.UntilAsync(() => leader.Lost.IsCancellationRequested, "Lost after the key's deletion", Bound);
        Assert.Equal("the leader key was deleted", leader.LostReason);
    }

    [Fact]
    public async Task ADeposedLeadersGuardedWrite_IsRefused_AndTheNewLeadersLands()
    {
        using var client = fixture.Client();
        var prefix = EtcdFixture.Prefix();
        var election = Election(client, prefix + "leader");
        var old = await election.CampaignAsync("old").WaitAsync(Bound);
        var guard = old.Guard;
        var successor = election.CampaignAsync("new");
        await old.ResignAsync();
        await using var current = await successor.WaitAsync(Bound);

        TxnRequest Write(Compare g, string value) => new()
        {
            Compare = { g },
            Success = { new RequestOp { RequestPut = new PutRequest { Key = EtcdKeys.Of(prefix + "registry"), Value = ByteString.CopyFromUtf8(value) } } },
        };
        Assert.False((await client.TxnAsync(Write(guard, "from the deposed leader"))).Succeeded);
        Assert.True((await client.TxnAsync(Write(current.Guard, "from the leader"))).Succeeded);
        Assert.Equal("from the leader", (await client.GetAsync(prefix + "registry"))!.Value.ToStringUtf8());
    }

    [Fact]
    public async Task Observe_SeesNoLeader_ThenEachLeaderInTurn()
    {
        using var client = fixture.Client();
        var election = Election(client, EtcdFixture.Prefix());
        using var stop = new CancellationTokenSource(Bound);
        var seen = new List<string?>();
        var observed = Task.Run(async () =>
        {
            await foreach (var leader in election.ObserveAsync(cancellationToken: stop.Token))
            {
                lock (seen) seen.Add(leader?.Value);
                if (leader?.Value == "b") return;
            }
        });
        await Wait.UntilAsync(() => { lock (seen) return seen.Count == 1; }, "the first observation", Bound);
        var a = await election.CampaignAsync("a");
        await Wait.UntilAsync(() => { lock (seen) return seen.Contains("a"); }, "a observed", Bound);
        var b = election.CampaignAsync("b");
        await Wait.UntilAsync(async () => (await client.GetPrefixAsync(election.Prefix)).Count == 2, "b's key");
        await a.ResignAsync();
        await observed.WaitAsync(Bound);
        await using var leaderB = await b;
        Assert.Equal([null, "a", "b"], seen);
    }

    [Fact]
    public async Task EtcdGone_TheLeaderStepsDownBeforeItsLeaseCanExpire()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        using var client = new EtcdClient([etcd.ClientUrl], new EtcdClientOptions { CallTimeout = TimeSpan.FromMilliseconds(500) });
        var election = Election(client, EtcdFixture.Prefix(), ttlSeconds: 2);
        await using var leader = await election.CampaignAsync("a").WaitAsync(Bound);
        // Renewals keep it while etcd lives: the deadline moves.
        var granted = leader.ExpiresBy;
        await Wait.UntilAsync(() => leader.ExpiresBy > granted, "a renewal", Bound);
        Assert.False(leader.Lost.IsCancellationRequested, leader.LostReason);

        etcd.Kill();
        await Wait.UntilAsync(() => leader.Lost.IsCancellationRequested, "the leader to step down", Bound);
        // It stepped down, by its own clock, before its last answered renewal's send time + TTL: before etcd could expire
        // the lease. (The session's record, not when this test noticed, which a loaded machine can delay.)
        Assert.True(leader.LeaseLostAt <= leader.ExpiresBy, $"stepped down at {leader.LeaseLostAt:O}, after {leader.ExpiresBy:O}");
        Assert.Contains("keep-alive", leader.LostReason);
    }
}

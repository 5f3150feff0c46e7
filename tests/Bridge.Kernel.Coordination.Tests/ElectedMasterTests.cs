using System.Net;
using Bridge.Kernel.Agent;
using Bridge.Kernel.Coordination.Etcd;
using Bridge.Kernel.Master;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1.Operator;
using Bridge.Rpc;
using Bridge.Testing;
using OperatorCall = Bridge.Kernel.V1.Operator.Call;

namespace Bridge.Kernel.Coordination.Tests;

/// <summary>Masters electing their leader in a real etcd: one leads, standbys answer UNAVAILABLE naming it and redirect
/// HTTP, the leader's registry writes survive its failover, and a leader that loses its lease stops serving at once.</summary>
public sealed class ElectedMasterTests(EtcdFixture fixture) : IClassFixture<EtcdFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private Task<MasterServer> StartAsync(EtcdClient etcd, string root) => MasterServer.StartElectedAsync(new MasterOptions(),
        new MasterElectionOptions(etcd, root, TimeSpan.FromSeconds(2)), new IPEndPoint(IPAddress.Loopback, 0));

    /// <summary>Two masters on <paramref name="root"/>: the first leads, the second stands by knowing it.</summary>
    private async Task<(MasterServer Leader, MasterServer Standby)> StartPairAsync(EtcdClient etcd, string root)
    {
        var first = await StartAsync(etcd, root);
        await Wait.UntilAsync(() => first.IsLeader, "the first master to lead", Bound);
        var second = await StartAsync(etcd, root);
        var leader = first.Address.ToString().TrimEnd('/');
        await Wait.UntilAsync(() => second.Elected.Leader == leader, "the standby to know the leader", Bound);
        return (first, second);
    }

    private static async Task<Response> OperatorAsync(Uri master, OperatorCall call)
    {
        using var channel = RpcChannel.ForAddress(master);
        return await new OperatorClient(channel).Call(call);
    }

    [Fact]
    public async Task LeadershipThatNoLongerHolds_CallsAreRefusedBeforeTheStepDown()
    {
        await using var master = await Master.Master.StartAsync(new MasterOptions(), "127.0.0.1:1");
        var holds = true;
        var elected = new ElectedMaster { Leader = "http://127.0.0.1:1" };
        elected.Lead(master, () => holds);
        Assert.Same(master, elected.Current);

        holds = false; // the lease's deadline passed; Lost's timer has not run yet

        Assert.Null(elected.Leading);
        var refused = Assert.Throws<RpcException>(() => elected.Current);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
    }

    private static OperatorCall Weight(string role, double weight) => new()
    {
        Type = OperatorCall.Types.Type.UpdateWeights,
        UpdateWeights = new() { WeightInfos = { new WeightInfo { Role = role, Weight = weight } } },
    };

    private static OperatorCall GetRoles => new() { Type = OperatorCall.Types.Type.GetRoles };

    [Fact]
    public async Task OneLeads_TheStandbyRefusesNamingIt_AndTakesOverWithTheRegistryWhenItGoes()
    {
        using var etcd = fixture.Client();
        var root = EtcdFixture.Prefix() + "bridge";
        var (first, second) = await StartPairAsync(etcd, root);
        await using var _ = second;
        var leader = first.Address.ToString().TrimEnd('/');
        Assert.False(second.IsLeader);

        // The standby: gRPC UNAVAILABLE with the leader in the message and trailer; HTTP 307 to the leader.
        var refused = await Assert.ThrowsAsync<RpcException>(() => OperatorAsync(second.Address, GetRoles));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains($"the leader is {leader}", refused.Status.Detail);
        Assert.Equal(leader, refused.Trailers.GetValue(ElectedMaster.LeaderHeader));
        using (var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            using var state = await http.GetAsync(new Uri(second.Address, "/api/v1/state"));
            Assert.Equal(HttpStatusCode.TemporaryRedirect, state.StatusCode);
            Assert.Equal(new Uri(leader + "/api/v1/state"), state.Headers.Location);
            Assert.Contains("\"leader\":false", await http.GetStringAsync(new Uri(second.Address, "/health")));
        }

        // The leader writes to the etcd registry; when it goes, the standby leads with what it wrote.
        await OperatorAsync(first.Address, Weight("prod", 3));
        await first.DisposeAsync(); // resigns: the standby is elected at once, not after the lease's TTL
        await Wait.UntilAsync(() => second.IsLeader, "the standby to lead", Bound);
        var roles = (await OperatorAsync(second.Address, GetRoles)).GetRoles.Roles;
        Assert.Equal(3, roles.Single(r => r.Name == "prod").Weight);
    }

    [Fact]
    public async Task ALeaderWhoseLeaseIsGone_StopsServingAtOnce_AndCampaignsAgain()
    {
        using var etcd = fixture.Client();
        var root = EtcdFixture.Prefix() + "bridge";
        await using var master = await StartAsync(etcd, root);
        await Wait.UntilAsync(() => master.IsLeader, "the master to lead", Bound);
        await OperatorAsync(master.Address, GetRoles);

        // etcd forgets the lease (as when it expired): the leader key goes with it.
        var key = (await etcd.GetPrefixAsync(root + "/leader/")).Kvs.Single();
        await etcd.RevokeLeaseAsync(key.Lease);
        // It stops leading (its first term ends), campaigns again, alone, and leads with a new key.
        await Wait.UntilAsync(() => master.Elected.Terms == 2 && master.IsLeader, "the master to lead again, in a second term", Bound);
        var again = (await etcd.GetPrefixAsync(root + "/leader/")).Kvs.Single();
        Assert.NotEqual(key.Lease, again.Lease);
        await OperatorAsync(master.Address, GetRoles);
    }

    [Fact]
    public async Task AnAgentGivenEveryMaster_RegistersWithTheLeader_AndFollowsTheNextOne()
    {
        using var etcd = fixture.Client();
        var root = EtcdFixture.Prefix() + "bridge";
        var (first, second) = await StartPairAsync(etcd, root);
        await using var _ = second;

        // The agent is pointed at the standby first: it is sent on to the leader.
        var workDir = Path.Combine(Path.GetTempPath(), "bridge-ha-agent", Guid.NewGuid().ToString("N")[..8]);
        await using var agent = await AgentServer.StartAsync(new AgentOptions
        {
            Master = second.Address, OtherMasters = [first.Address], Hostname = "agent-1", Resources = Resources.Parse("cpus:1;mem:512"),
            WorkDir = workDir, ReconnectBackoff = TimeSpan.FromMilliseconds(50), ReconnectBackoffMax = TimeSpan.FromMilliseconds(200),
        }, new IPEndPoint(IPAddress.Loopback, 0));
        await agent.Agent.Registered.WaitAsync(Bound);
        Assert.Single((await OperatorAsync(first.Address, GetAgents)).GetAgents.Agents);

        await first.DisposeAsync();
        await Wait.UntilAsync(() => second.IsLeader, "the standby to lead", Bound);
        await Wait.UntilAsync(async () => (await OperatorAsync(second.Address, GetAgents)).GetAgents.Agents.Count == 1, "the agent on the new leader", Bound);
    }

    private static OperatorCall GetAgents => new() { Type = OperatorCall.Types.Type.GetAgents };

    [Fact]
    public async Task TheCli_GivenTheStandbyFirst_StateAndRunReachTheLeader()
    {
        using var etcd = fixture.Client();
        var (leader, standby) = await StartPairAsync(etcd, EtcdFixture.Prefix() + "bridge");
        await using var _ = leader;
        await using var __ = standby;
        var workDir = Path.Combine(Path.GetTempPath(), "bridge-ha-cli", Guid.NewGuid().ToString("N")[..8]);
        await using var agent = await AgentServer.StartAsync(new AgentOptions
        {
            Master = leader.Address, Hostname = "cli-agent", Resources = Resources.Parse("cpus:1;mem:512"), WorkDir = workDir,
        }, new IPEndPoint(IPAddress.Loopback, 0));
        await agent.Agent.Registered.WaitAsync(Bound);
        var masters = $"{standby.Address.Authority},{leader.Address.Authority}";

        var state = await BridgeProgram.RunAsync(["state", "--master", masters, "--json"], Bound);
        var run = await BridgeProgram.RunAsync(["run", "--master", masters, "--", "echo", "hello from the leader"], TimeSpan.FromSeconds(60));

        Assert.True(state.ExitCode == 0, state.Stderr);
        using var json = System.Text.Json.JsonDocument.Parse(state.Stdout);
        Assert.Equal(leader.Address.Authority, json.RootElement.GetProperty("master").GetProperty("address").GetString());
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("hello from the leader", run.Lines);
    }

    [Fact]
    public async Task AFrameworkGivenEveryMaster_SubscribesAtTheLeader_AndResubscribesWithItsIdAtTheNextOne()
    {
        using var etcd = fixture.Client();
        var root = EtcdFixture.Prefix() + "bridge";
        var (first, second) = await StartPairAsync(etcd, root);
        await using var _ = second;

        var subscriptions = new Subscriptions();
        await using var driver = new Kernel.Scheduler.SchedulerDriver(second.Address, new V1.FrameworkInfo { Name = "ha", User = "root", FailoverTimeout = 60 }, subscriptions,
            new Kernel.Scheduler.SchedulerDriverOptions { OtherMasters = [first.Address], Backoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(200) });
        using var stop = new CancellationTokenSource();
        var run = driver.RunAsync(stop.Token);
        await Wait.UntilAsync(() => subscriptions.Count == 1, "the framework subscribed (at the leader)", Bound);
        Assert.Equal(first.Address, driver.Master);

        await first.DisposeAsync();
        await Wait.UntilAsync(() => subscriptions.Count == 2, "the framework re-subscribed at the new leader", Bound);
        Assert.Equal(second.Address, driver.Master);
        Assert.True(subscriptions.Reconnected);
        Assert.Single(subscriptions.Ids.Distinct());
        await stop.CancelAsync();
        await run;
    }

    private sealed class Subscriptions : Kernel.Scheduler.Scheduler
    {
        private readonly List<string> _ids = [];

        public int Count { get { lock (_ids) return _ids.Count; } }

        public List<string> Ids { get { lock (_ids) return [.. _ids]; } }

        public bool Reconnected { get; private set; }

        public override Task SubscribedAsync(Kernel.Scheduler.SchedulerDriver driver, V1.FrameworkID frameworkId, bool reconnected)
        {
            lock (_ids) _ids.Add(frameworkId.Value);
            Reconnected |= reconnected;
            return Task.CompletedTask;
        }
    }
}

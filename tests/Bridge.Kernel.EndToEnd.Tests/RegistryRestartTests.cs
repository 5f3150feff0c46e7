using System.Net;
using Bridge.Kernel.Master;
using Bridge.Kernel.Master.Registry;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Bridge.Rpc;
using Bridge.Testing;
using OperatorCall = Bridge.Kernel.V1.Operator.Call;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>The master's registry end to end: what survives a restart, and what a failed write leaves.</summary>
public sealed class RegistryRestartTests : IDisposable
{
    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "bridge-e2e-registry", Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_workDir)) Directory.Delete(_workDir, recursive: true);
    }

    private static Resources ReservedFor(string text, string role, string principal) => Resources.Parse(text).PushReservation(Reservation.Dynamic(role, principal));

    [Fact]
    public async Task MasterRestart_SameWorkDir_KeepsWeightsQuotaAndReservationsAndReadmitsTheAgent()
    {
        await using var cluster = await Cluster.StartAsync(new MasterOptions { WorkDir = _workDir }, "cpus:4;mem:4096;disk:1024");
        var agentId = await cluster.Agents[0].Agent.Registered;
        var reserved = ReservedFor("cpus:1;mem:512", "prod", "ops");
        await Operators.UpdateWeightAsync(cluster.Master.Address, "prod", 2.5);
        await Operators.UpdateQuotaAsync(cluster.Master.Address, "prod", "cpus:1;mem:512");
        await Operators.ReserveAsync(cluster.Master.Address, agentId, reserved);

        await cluster.RestartMasterAsync(new MasterOptions { WorkDir = _workDir });
        var agent = await Operators.WaitForAgentAsync(cluster.Master.Address, agentId);

        Assert.NotEqual(cluster.Master.Master.Info.Id, agentId.Value.Split("-S")[0]); // a new master, the same agent id
        Assert.Equal(reserved, Operators.Reserved(agent));
        var weights = await Operators.CallAsync(cluster.Master.Address, new OperatorCall { Type = OperatorCall.Types.Type.GetWeights });
        Assert.Equal(2.5, Assert.Single(weights.GetWeights.WeightInfos, w => w.Role == "prod").Weight);
        var quota = Assert.Single((await Operators.CallAsync(cluster.Master.Address, new OperatorCall { Type = OperatorCall.Types.Type.GetQuota })).GetQuota.Configs);
        Assert.Equal("prod", quota.Role);
        Assert.Equal(1.0, quota.Guarantees["cpus"].Value);
        Assert.Equal(512.0, quota.Guarantees["mem"].Value);
        var roles = (await cluster.Master.Master.SnapshotAsync()).Roles.Roles;
        Assert.Equal(2.5, Assert.Single(roles, r => r.Name == "prod").Weight);
        Assert.True(File.Exists(Path.Combine(_workDir, "registry.db")));
    }

    [Fact]
    public async Task MasterRestart_ReservationAndVolumeFromOfferOperations_AreStillOnTheAgent()
    {
        await using var cluster = await Cluster.StartAsync(new MasterOptions { WorkDir = _workDir }, "cpus:2;mem:1024;disk:1000");
        var agentId = await cluster.Agents[0].Agent.Registered;
        await using (var db = await Framework.StartAsync(cluster, new FrameworkInfo { Name = "db", User = "root", Roles = { "db" } }))
        {
            var offer = await db.Scheduler.NextOfferAsync();
            var reserve = ReservedFor("cpus:1;disk:200", "db", "db");
            var volume = Resources.Of(ReservedFor("disk:200", "db", "db").Select(r => r.WithDisk(new DiskInfo("vol-1", "data"))));
            await db.Driver.AcceptAsync([offer.Id], [
                new V1.Offer.Types.Operation { Type = V1.Offer.Types.Operation.Types.Type.Reserve, Reserve = new() { Resources = { ResourceConversion.ToWire(reserve) } } },
                new V1.Offer.Types.Operation { Type = V1.Offer.Types.Operation.Types.Type.Create, Create = new() { Volumes = { ResourceConversion.ToWire(volume) } } },
            ], refuseSeconds: 0);
        }

        await cluster.RestartMasterAsync(new MasterOptions { WorkDir = _workDir });
        var agent = await Operators.WaitForAgentAsync(cluster.Master.Address, agentId);

        var reserved = Operators.Reserved(agent);
        Assert.Equal(ReservedFor("cpus:1", "db", "db"), reserved.Filter(r => r.Name == "cpus"));
        var disk = Assert.Single(reserved, r => r.Name == "disk");
        Assert.Equal(new DiskInfo("vol-1", "data"), disk.Disk);
        Assert.Equal(Scalar.FromUnits(200), disk.Scalar);
    }

    [Fact]
    public async Task RecoveredAgent_ReregisteringWithoutItsReservations_GetsTheRegistrysAndOthersExpire()
    {
        var reserved = ReservedFor("cpus:1", "prod", "ops");
        await using (var registry = SqliteRegistry.Open(Path.Combine(_workDir, "registry.db")))
        {
            await registry.PutAgentAsync(new RegisteredAgent(new AgentId("old-S1"), "fake-agent", "127.0.0.1:1", reserved));
            await registry.PutAgentAsync(new RegisteredAgent(new AgentId("old-S2"), "gone-agent", "127.0.0.1:2", Resources.Empty));
        }
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var options = new MasterOptions { WorkDir = _workDir, TimeProvider = clock, AgentReregisterTimeout = TimeSpan.FromSeconds(30) };
        await using (var master = await MasterServer.StartAsync(options, new IPEndPoint(IPAddress.Loopback, 0)))
        {
            var recovered = (await master.Master.SnapshotAsync()).State.GetAgents.RecoveredAgents;
            Assert.Equal(["old-S1", "old-S2"], recovered.Select(a => a.Id.Value));

            // An agent process the master never saw, re-registering with the id the registry admitted and nothing checkpointed.
            using var channel = RpcChannel.ForAddress(master.Address);
            using var stream = new AgentMasterClient(channel).Connect();
            var info = new AgentInfo { Id = new AgentID { Value = "old-S1" }, Hostname = "fake-agent", Address = "127.0.0.1:1" };
            info.Resources.AddRange(ResourceConversion.ToWire(Resources.Parse("cpus:2;mem:1024")));
            await stream.RequestStream.WriteAsync(new AgentMessage { Reregister = new() { AgentInfo = info, Version = "test" } });
            Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(MasterMessage.MessageOneofCase.Reregistered, stream.ResponseStream.Current.MessageCase);
            Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
            var checkpoint = stream.ResponseStream.Current.CheckpointResources;
            Assert.Equal(reserved, ResourceConversion.ToModel(checkpoint.Resources, "checkpoint"));

            var agent = Assert.Single((await master.Master.SnapshotAsync()).State.GetAgents.Agents);
            Assert.Equal(Resources.Parse("cpus:1;mem:1024").Plus(reserved), ResourceConversion.ToModel(agent.TotalResources, "total"));

            clock.Advance(TimeSpan.FromSeconds(45)); // past the re-register timeout, and a ping tick
            var after = (await master.Master.SnapshotAsync()).State.GetAgents; // runs after the tick's removal on the loop
            Assert.Empty(after.RecoveredAgents);
            Assert.Single(after.Agents);
        }
        await using var reopened = SqliteRegistry.Open(Path.Combine(_workDir, "registry.db"));
        var stored = Assert.Single((await reopened.LoadAsync()).Agents);
        Assert.Equal(new RegisteredAgent(new AgentId("old-S1"), "fake-agent", "127.0.0.1:1", reserved), stored);
    }

    [Fact]
    public async Task RegistryWriteFails_CallsAreUnavailableAndNothingChanges()
    {
        var registry = new FlakyRegistry();
        await using var cluster = await Cluster.StartAsync(new MasterOptions { Registry = registry }, "cpus:2;mem:1024");
        var master = cluster.Master.Address;
        var agentId = await cluster.Agents[0].Agent.Registered;
        await using var framework = await Framework.StartAsync(cluster, new FrameworkInfo { Name = "db", User = "root", Roles = { "db" } });
        var offer = await framework.Scheduler.NextOfferAsync();
        registry.Fail = true;

        var weight = await Assert.ThrowsAsync<RpcException>(() => Operators.UpdateWeightAsync(master, "db", 3));
        var quota = await Assert.ThrowsAsync<RpcException>(() => Operators.UpdateQuotaAsync(master, "db", "cpus:1"));
        var reserve = await Assert.ThrowsAsync<RpcException>(() => Operators.ReserveAsync(master, agentId, ReservedFor("cpus:1", "db", "ops")));
        var accept = await Assert.ThrowsAsync<RpcException>(() => framework.Driver.AcceptAsync([offer.Id], [new V1.Offer.Types.Operation
        {
            Type = V1.Offer.Types.Operation.Types.Type.Reserve,
            Reserve = new() { Resources = { ResourceConversion.ToWire(ReservedFor("mem:256", "db", "db")) } },
        }]));

        Assert.All([weight, quota, reserve, accept], e => Assert.Equal(StatusCode.Unavailable, e.StatusCode));
        Assert.Contains("disk full", accept.Status.Detail);
        var snapshot = await cluster.Master.Master.SnapshotAsync();
        Assert.Empty(ResourceConversion.ToModel(snapshot.State.GetAgents.Agents[0].TotalResources, "total").Reserved);
        var role = Assert.Single(snapshot.Roles.Roles, r => r.Name == "db");
        Assert.Equal(1.0, role.Weight);
        Assert.Empty(role.Quota.Guarantees);
        Assert.Empty((await Operators.CallAsync(master, new OperatorCall { Type = OperatorCall.Types.Type.GetWeights })).GetWeights.WeightInfos);

        // The offer is still outstanding: once the registry works again it can be used.
        registry.Fail = false;
        await framework.Driver.LaunchAsync(offer, [Framework.Command("after", "true")]);
        await framework.Scheduler.WaitForAsync("after", TaskState.TaskFinished);
    }

    /// <summary>A registry whose writes fail while <see cref="Fail"/> is set, as a full disk would.</summary>
    private sealed class FlakyRegistry : IRegistry
    {
        private readonly InMemoryRegistry _inner = new();

        public volatile bool Fail;

        public Task<RegistryState> LoadAsync(CancellationToken cancellationToken = default) => _inner.LoadAsync(cancellationToken);
        public Task PutAgentAsync(RegisteredAgent agent, CancellationToken cancellationToken = default) => Check() ?? _inner.PutAgentAsync(agent, cancellationToken);
        public Task RemoveAgentAsync(AgentId id, CancellationToken cancellationToken = default) => Check() ?? _inner.RemoveAgentAsync(id, cancellationToken);
        public Task PutWeightsAsync(IReadOnlyCollection<KeyValuePair<string, double>> weights, CancellationToken cancellationToken = default) =>
            Check() ?? _inner.PutWeightsAsync(weights, cancellationToken);
        public Task PutQuotasAsync(IReadOnlyCollection<KeyValuePair<string, Allocation.Quota>> quotas, CancellationToken cancellationToken = default) =>
            Check() ?? _inner.PutQuotasAsync(quotas, cancellationToken);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private Task? Check() => Fail ? Task.FromException(new RegistryException("test registry: write failed: disk full")) : null;
    }
}

using Bridge.Kernel.Allocation;
using Bridge.Kernel.Coordination.Etcd;
using Bridge.Kernel.Master.Registry;
using Microsoft.Data.Sqlite;

namespace Bridge.Kernel.Tests.Registry;

/// <summary>The registry contract, for every implementation (the etcd one against a real etcd), and what only the
/// SQLite file has to get right.</summary>
public sealed class RegistryTests(RegistryTests.Etcd etcd) : IDisposable, IClassFixture<RegistryTests.Etcd>
{
    /// <summary>A real etcd (Debian's etcd-server) for the class; each test's registry has its own root.</summary>
    public sealed class Etcd : IAsyncLifetime
    {
        public EtcdProcess Process { get; private set; } = null!;
        public EtcdClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Process = await EtcdProcess.StartTemporaryAsync();
            Client = new EtcdClient([Process.ClientUrl]);
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await Process.DisposeAsync();
        }
    }

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bridge-registry-tests", Guid.NewGuid().ToString("N"));

    private string DbPath => Path.Combine(_dir, "registry.db");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static Resources Reserved(string text, string role, string? principal = null) =>
        Resources.Parse(text).PushReservation(Reservation.Dynamic(role, principal, principal is null ? null : new Dictionary<string, string> { ["team"] = "storage" }));

    private static readonly Resources Volume = Resources.Of(Reserved("disk:500", "db", "alice").Select(r => r.WithDisk(new DiskInfo("vol-1", "data"))));

    private static readonly RegisteredAgent Agent1 = new(new AgentId("M-S1"), "agent-1", "127.0.0.1:4001",
        Reserved("cpus:1.5;mem:2048", "db", "alice").Plus(Reserved("ports:[31000-31010]", "web")).Plus(Volume));

    private static readonly RegisteredAgent Agent2 = new(new AgentId("M-S2"), "agent-2", "127.0.0.1:4002", Resources.Empty);

    private readonly string _etcdRoot = $"/bridge-test/{Guid.NewGuid():N}/registry";

    private IRegistry Create(string kind) => kind switch
    {
        "sqlite" => SqliteRegistry.Open(DbPath),
        "etcd" => new EtcdRegistry(etcd.Client, _etcdRoot),
        _ => new InMemoryRegistry(),
    };

    private static async Task Fill(IRegistry registry)
    {
        await registry.PutAgentAsync(Agent1);
        await registry.PutAgentAsync(Agent2 with { Hostname = "old-name" });
        await registry.PutAgentAsync(Agent2);
        await registry.PutAgentAsync(new RegisteredAgent(new AgentId("M-S3"), "agent-3", "127.0.0.1:4003", Resources.Empty));
        await registry.RemoveAgentAsync(new AgentId("M-S3"));
        await registry.RemoveAgentAsync(new AgentId("never-admitted"));
        await registry.PutWeightsAsync([KeyValuePair.Create("prod", 2.5), KeyValuePair.Create("batch", 1.0)]);
        await registry.PutWeightsAsync([KeyValuePair.Create("prod", 3.0)]);
        await registry.PutQuotasAsync([
            KeyValuePair.Create("prod", new Quota(ResourceQuantities.Parse("cpus:2.5;mem:4096"), ResourceQuantities.Parse("cpus:8"))),
            KeyValuePair.Create("prod/web", new Quota(ResourceQuantities.Parse("cpus:1"))),
            KeyValuePair.Create("capped", new Quota(ResourceQuantities.Empty, ResourceQuantities.Parse("mem:1024"))),
            KeyValuePair.Create("gone", new Quota(ResourceQuantities.Parse("cpus:1"))),
        ]);
        await registry.PutQuotasAsync([KeyValuePair.Create("gone", Quota.None)]);
    }

    private static void AssertFilled(RegistryState state)
    {
        Assert.Equal([Agent1, Agent2], state.Agents);
        Assert.Equal(new Dictionary<string, double> { ["prod"] = 3.0, ["batch"] = 1.0 }, state.Weights);
        Assert.Equal(3, state.Quotas.Count);
        Assert.Equal(new Quota(ResourceQuantities.Parse("cpus:2.5;mem:4096"), ResourceQuantities.Parse("cpus:8")), state.Quotas["prod"]);
        Assert.Equal(new Quota(ResourceQuantities.Parse("cpus:1")), state.Quotas["prod/web"]);
        Assert.Null(state.Quotas["prod/web"].Limit);
        Assert.Equal(new Quota(ResourceQuantities.Empty, ResourceQuantities.Parse("mem:1024")), state.Quotas["capped"]);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("memory")]
    [InlineData("etcd")]
    public async Task PutAndRemove_ThenLoad_GivesBackTheLastOfEverything(string kind)
    {
        await using var registry = Create(kind);
        Assert.Equal(RegistryState.Empty.Agents, (await registry.LoadAsync()).Agents);

        await Fill(registry);

        AssertFilled(await registry.LoadAsync());
    }

    [Fact]
    public async Task Sqlite_Reopened_FindsEverything()
    {
        await using (var registry = SqliteRegistry.Open(DbPath)) await Fill(registry);

        await using var reopened = SqliteRegistry.Open(DbPath);

        AssertFilled(await reopened.LoadAsync());
        var volume = Assert.Single((await reopened.LoadAsync()).Agents[0].Checkpointed, r => r.IsPersistentVolume);
        Assert.Equal(new DiskInfo("vol-1", "data"), volume.Disk);
        Assert.Equal("storage", volume.Reservation!.Labels["team"]);
    }

    [Fact]
    public async Task Sqlite_UsesWriteAheadLogging()
    {
        await using var registry = SqliteRegistry.Open(DbPath);
        await registry.PutWeightsAsync([KeyValuePair.Create("prod", 2.0)]);

        // While the registry is open its writes are in the log; the header says WAL (bytes 18-19 are 2).
        await registry.DisposeAsync();
        var header = new byte[20];
        await using (var file = File.OpenRead(DbPath)) await file.ReadExactlyAsync(header);
        Assert.Equal(2, header[18]);
        Assert.Equal(2, header[19]);
    }

    [Fact]
    public void Sqlite_FileThatIsNotADatabase_IsAClearError()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(DbPath, string.Concat(Enumerable.Repeat("this is not a database\n", 300)));

        var error = Assert.Throws<RegistryException>(() => SqliteRegistry.Open(DbPath));

        Assert.Contains(DbPath, error.Message);
        Assert.Contains("not a SQLite database, or it is corrupt", error.Message);
    }

    [Fact]
    public async Task Sqlite_DatabaseWithDamagedPages_IsAClearError()
    {
        await using (var registry = SqliteRegistry.Open(DbPath))
            for (var i = 0; i < 50; i++) await registry.PutAgentAsync(Agent2 with { Id = new AgentId($"M-S{i}"), Hostname = new string('h', 200) });
        var bytes = await File.ReadAllBytesAsync(DbPath);
        for (var i = 4096 + 100; i < bytes.Length; i += 7) bytes[i] ^= 0x5a; // every page but the first one
        await File.WriteAllBytesAsync(DbPath, bytes);

        var error = Assert.Throws<RegistryException>(() => SqliteRegistry.Open(DbPath));

        Assert.Contains(DbPath, error.Message);
        Assert.Contains("corrupt", error.Message);
    }

    [Fact]
    public void Sqlite_DirectoryThatCannotBeCreated_IsAClearError()
    {
        Directory.CreateDirectory(_dir);
        var file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "");
        var path = Path.Combine(file, "master", "registry.db");

        var error = Assert.Throws<RegistryException>(() => SqliteRegistry.Open(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("cannot be opened", error.Message);
    }

    [Fact]
    public void Sqlite_PathThatIsADirectory_IsAClearError()
    {
        Directory.CreateDirectory(DbPath);

        var error = Assert.Throws<RegistryException>(() => SqliteRegistry.Open(DbPath));

        Assert.Contains("cannot be opened or created", error.Message);
    }

    [Fact]
    public async Task Sqlite_OpenTwice_TheSecondIsRefusedWhileTheFirstHoldsIt()
    {
        await using var first = SqliteRegistry.Open(DbPath);

        var error = Assert.Throws<RegistryException>(() => SqliteRegistry.Open(DbPath));

        Assert.Contains("another process", error.Message);
        await first.PutWeightsAsync([KeyValuePair.Create("prod", 2.0)]);
        await first.DisposeAsync();
        await using var second = SqliteRegistry.Open(DbPath);
        Assert.Equal(2.0, (await second.LoadAsync()).Weights["prod"]);
    }

    [Fact]
    public async Task Sqlite_NewerSchema_IsRefused()
    {
        await (SqliteRegistry.Open(DbPath)).DisposeAsync();
        RawExecute($"PRAGMA user_version = {SqliteRegistry.SchemaVersion + 1}");

        var error = Assert.Throws<RegistryException>(() => SqliteRegistry.Open(DbPath));

        Assert.Contains("newer", error.Message);
    }

    [Fact]
    public async Task Sqlite_MalformedRow_LoadNamesIt()
    {
        await (SqliteRegistry.Open(DbPath)).DisposeAsync();
        RawExecute("INSERT INTO quotas (role, guarantees, limits) VALUES ('prod', 'cpus:lots', NULL)");
        await using var registry = SqliteRegistry.Open(DbPath);

        var error = await Assert.ThrowsAsync<RegistryException>(() => registry.LoadAsync());

        Assert.Contains("quota of role prod is malformed", error.Message);
    }

    [Fact]
    public async Task Sqlite_WriteThatFails_ChangesNothing()
    {
        await using (var registry = SqliteRegistry.Open(DbPath)) await registry.PutWeightsAsync([KeyValuePair.Create("prod", 2.0)]);
        // A trigger makes the second row of one call fail, as a full disk would, after the first row was written.
        RawExecute("CREATE TRIGGER refuse BEFORE INSERT ON weights WHEN NEW.role = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END");
        await using var reopened = SqliteRegistry.Open(DbPath);

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            reopened.PutWeightsAsync([KeyValuePair.Create("prod", 5.0), KeyValuePair.Create("bad", 1.0)]));

        Assert.Contains("write failed", error.Message);
        Assert.Equal(new Dictionary<string, double> { ["prod"] = 2.0 }, (await reopened.LoadAsync()).Weights);
    }

    private void RawExecute(string sql)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task Etcd_AWriteGuardedByALeaderKeyThatChanged_IsRefused_AndLandsNowhere()
    {
        var leaderKey = _etcdRoot + "-leader";
        var elected = await etcd.Client.PutAsync(leaderKey, "master-a");
        var guard = new Coordination.Etcd.Rpc.Compare
        {
            Key = EtcdKeys.Of(leaderKey), Target = Coordination.Etcd.Rpc.Compare.Types.CompareTarget.Create, CreateRevision = elected.Header.Revision,
        };
        await using var registry = new EtcdRegistry(etcd.Client, _etcdRoot, () => guard);
        await registry.PutWeightsAsync([KeyValuePair.Create("prod", 2.0)]);

        // Another master's election: the key is deleted and created again with a new create revision.
        await etcd.Client.DeleteAsync(leaderKey);
        await etcd.Client.PutAsync(leaderKey, "master-b");
        var e = await Assert.ThrowsAsync<RegistryException>(() => registry.PutWeightsAsync([KeyValuePair.Create("prod", 9.0)]));
        Assert.Contains("no longer the leader", e.Message);
        Assert.Equal(2.0, (await registry.LoadAsync()).Weights["prod"]);
    }

    [Fact]
    public async Task Etcd_MalformedValue_LoadNamesTheKey()
    {
        await etcd.Client.PutAsync(_etcdRoot + "/weights/prod", "{\"weight\":\"heavy\"}");
        await using var registry = Create("etcd");
        var e = await Assert.ThrowsAsync<RegistryException>(() => registry.LoadAsync());
        Assert.Contains(_etcdRoot + "/weights/prod is malformed: weight is not a number", e.Message);
    }

    [Fact]
    public async Task Etcd_Unreachable_WritesFailAsUnavailable()
    {
        using var dead = new EtcdClient([new Uri("http://127.0.0.1:9")], new EtcdClientOptions { CallTimeout = TimeSpan.FromMilliseconds(500) });
        await using var registry = new EtcdRegistry(dead, _etcdRoot);
        var e = await Assert.ThrowsAsync<RegistryException>(() => registry.PutAgentAsync(Agent2));
        Assert.Contains("the write failed", e.Message);
        Assert.Contains("no endpoint answered", e.Message);
    }
}

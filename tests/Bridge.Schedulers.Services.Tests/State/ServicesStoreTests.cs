using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Scheduling;
using Bridge.Schedulers.Services.State;
using KernelResources = Bridge.Kernel.Resources;

namespace Bridge.Schedulers.Services.Tests.State;

/// <summary>The SQLite state: what the scheduler saves comes back equal after a reopen.</summary>
public sealed class ServicesStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bridge-services-store-" + Guid.NewGuid().ToString("N")[..8]);

    private string DbPath => Path.Combine(_directory, "services.db");

    private static AppDefinition Web => AppJson.Parse("""
        {"id": "/prod/web", "cmd": "sleep 1000", "cpus": 0.1, "mem": 32, "instances": 2,
         "constraints": [["hostname", "UNIQUE"]], "labels": {"team": "a"}}
        """).App!;

    private static Offer OfferOn(string agent) => new()
    {
        Id = new OfferID { Value = "o-" + agent },
        AgentId = new AgentID { Value = agent },
        Hostname = agent,
        Resources = { ResourceConversion.ToWire(KernelResources.Parse("cpus:4;mem:4096;ports:[31000-31009]")) },
        Attributes = { ResourceConversion.ToWire(Kernel.Attributes.Parse("rack:r1")) },
    };

    [Fact]
    public void Apps_Deployments_And_Instances_Survive_A_Reopen()
    {
        var scheduler = new ServiceScheduler(new ServiceSchedulerOptions { PortRandom = null });
        var decisions = new Decisions();
        scheduler.Create(Web, T0, decisions);
        scheduler.OnOffers([OfferOn("a1"), OfferOn("a2")], T0.AddSeconds(1), decisions);
        using (var store = ServicesStore.Open(DbPath))
        {
            store.SaveFrameworkId("fw-1");
            store.Save(scheduler, decisions);
        }

        using var reopened = ServicesStore.Open(DbPath);
        var saved = reopened.Load();
        Assert.Equal("fw-1", saved.FrameworkId);
        var app = Assert.Single(saved.Apps);
        var original = scheduler.App(AppId.Parse("/prod/web"))!;
        Assert.Equal(original.Definition, app.Definition);
        Assert.Equal(original.ConfigVersion, app.ConfigVersion);
        var deployment = Assert.IsType<Services.Deployments.Deployment>(app.Deployment);
        Assert.Equal(original.Deployment!.Steps, deployment.Steps);
        Assert.Equal(original.Deployment with { Steps = deployment.Steps }, deployment);
        Assert.Equal(scheduler.Instances.All.OrderBy(i => i.TaskId).Select(Describe),
            saved.Instances.OrderBy(i => i.TaskId).Select(Describe));
        Assert.Equal([T0], reopened.Versions(AppId.Parse("/prod/web")));
        Assert.Equal(Web with { Version = T0 }, reopened.Version(AppId.Parse("/prod/web"), T0));
    }

    [Fact]
    public void A_Removed_App_And_An_Ended_Instance_Are_Deleted()
    {
        var scheduler = new ServiceScheduler(new ServiceSchedulerOptions { PortRandom = null });
        var decisions = new Decisions();
        scheduler.Create(Web with { Instances = 1 }, T0, decisions);
        scheduler.OnOffers([OfferOn("a1")], T0, decisions);
        using var store = ServicesStore.Open(DbPath);
        store.Save(scheduler, decisions);
        var task = scheduler.Instances.All.Single().TaskId;

        var delete = new Decisions();
        // The create deployment is still under way: a delete needs force, as in Marathon.
        Assert.Equal(SubmitError.Locked, scheduler.Delete(AppId.Parse("/prod/web"), T0.AddSeconds(5), force: false, delete).Error);
        scheduler.Delete(AppId.Parse("/prod/web"), T0.AddSeconds(5), force: true, delete);
        scheduler.OnStatus(new Kernel.V1.TaskStatus { TaskId = new TaskID { Value = task }, State = TaskState.TaskKilled }, T0.AddSeconds(6), delete);
        store.Save(scheduler, delete);
        var saved = store.Load();
        Assert.Null(scheduler.App(AppId.Parse("/prod/web")));
        Assert.Empty(saved.Instances);
        Assert.Empty(saved.Apps);
    }

    [Fact]
    public void An_Apps_Last_Task_Failure_Is_Recorded_And_Survives_A_Reopen()
    {
        var scheduler = new ServiceScheduler(new ServiceSchedulerOptions { PortRandom = null });
        var decisions = new Decisions();
        scheduler.Create(Web, T0, decisions);
        scheduler.OnOffers([OfferOn("a1"), OfferOn("a2")], T0.AddSeconds(1), decisions);
        var task = scheduler.Instances.All.OrderBy(i => i.TaskId).First().TaskId;
        var failed = new Decisions();
        scheduler.OnStatus(new Kernel.V1.TaskStatus
        {
            TaskId = new TaskID { Value = task }, State = TaskState.TaskFailed, Message = "Command exited with status 1",
        }, T0.AddSeconds(3), failed);
        Assert.Contains(AppId.Parse("/prod/web"), failed.ChangedApps);
        var failure = scheduler.App(AppId.Parse("/prod/web"))!.LastTaskFailure!;
        Assert.Equal((task, "TASK_FAILED", "Command exited with status 1", T0, T0.AddSeconds(3)),
            (failure.TaskId, failure.State, failure.Message, failure.Version, failure.Timestamp));

        using (var store = ServicesStore.Open(DbPath))
        {
            store.Save(scheduler, decisions);
            store.Save(scheduler, failed);
        }
        using var reopened = ServicesStore.Open(DbPath);
        Assert.Equal(failure, Assert.Single(reopened.Load().Apps).LastTaskFailure);
    }

    [Fact]
    public void A_Schema_1_File_Is_Migrated_Its_Apps_Without_A_Last_Task_Failure()
    {
        Directory.CreateDirectory(_directory);
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE apps (id TEXT PRIMARY KEY, definition TEXT NOT NULL, version TEXT NOT NULL, config_version TEXT NOT NULL,
                    previous_config_version TEXT, deployment TEXT);
                CREATE TABLE app_versions (id TEXT NOT NULL, version TEXT NOT NULL, definition TEXT NOT NULL, PRIMARY KEY (id, version));
                CREATE TABLE instances (task_id TEXT PRIMARY KEY, app_id TEXT NOT NULL, version TEXT NOT NULL, agent_id TEXT NOT NULL,
                    hostname TEXT NOT NULL, attributes TEXT NOT NULL, ports TEXT NOT NULL, condition TEXT NOT NULL, healthy INTEGER,
                    staged_at TEXT NOT NULL, started_at TEXT, since TEXT NOT NULL, message TEXT);
                INSERT INTO apps VALUES ('/old', '{"id": "/old", "cmd": "sleep 1"}', '2026-11-22T12:00:00.0000000+00:00',
                    '2026-11-22T12:00:00.0000000+00:00', NULL, NULL);
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }
        using var store = ServicesStore.Open(DbPath);
        var app = Assert.Single(store.Load().Apps);
        Assert.Equal(("/old", null), (app.Definition.Id.Value, app.LastTaskFailure));
    }

    [Fact]
    public void An_App_Keeps_Its_Newest_50_Versions()
    {
        var scheduler = new ServiceScheduler(new ServiceSchedulerOptions { PortRandom = null });
        using var store = ServicesStore.Open(DbPath);
        var created = new Decisions();
        scheduler.Create(Web, T0, created);
        store.Save(scheduler, created);
        for (var i = 1; i <= ServicesStore.MaxVersions + 1; i++)
        {
            var scaled = new Decisions();
            scheduler.Update(Web with { Instances = i }, T0.AddSeconds(i), force: true, scaled);
            store.Save(scheduler, scaled);
        }
        var versions = store.Versions(AppId.Parse("/prod/web"));
        Assert.Equal(ServicesStore.MaxVersions, versions.Count);
        Assert.Equal((T0.AddSeconds(ServicesStore.MaxVersions + 1), T0.AddSeconds(2)), (versions[0], versions[^1]));
        Assert.Null(store.Version(AppId.Parse("/prod/web"), T0));
    }

    [Fact]
    public void A_Second_Scheduler_Cannot_Open_The_Same_State()
    {
        using var first = ServicesStore.Open(DbPath);
        var e = Assert.Throws<InvalidOperationException>(() => ServicesStore.Open(DbPath));
        Assert.Contains("cannot be opened", e.Message);
    }

    private static string Describe(Services.Instances.Instance i) =>
        $"{i.TaskId} {i.AppId} {i.Version:O} {i.Agent.Id.Value} {i.Agent.Hostname} {i.Agent.Attributes} [{string.Join(',', i.Ports)}] {i.Condition} {i.Healthy} {i.StagedAt:O} {i.StartedAt:O} {i.Since:O} {i.Message}";

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

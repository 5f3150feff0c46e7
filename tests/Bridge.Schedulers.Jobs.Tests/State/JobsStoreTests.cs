using Bridge.Kernel.V1;
using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Runs;
using Bridge.Schedulers.Jobs.State;
using Bridge.Schedulers.Jobs.Tests.Runs;
using Microsoft.Data.Sqlite;
using static Bridge.Schedulers.Jobs.Tests.Runs.Harness;

namespace Bridge.Schedulers.Jobs.Tests.State;

/// <summary>The SQLite state: what the jobs scheduler saves comes back equal after a reopen, and a
/// scheduler restored from it carries on where the saved one stopped.</summary>
public sealed class JobsStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = Utc(2026, 5, 4, 12);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bridge-jobs-store-" + Guid.NewGuid().ToString("N")[..8]);

    private string DbPath => Path.Combine(_directory, "jobs.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Drives <paramref name="h"/> step by step, saving each step's decisions as the framework does.</summary>
    private static void Step(Harness h, JobsStore store, Decisions decisions) => store.Save(h.Scheduler, decisions);

    [Fact]
    public void Jobs_Status_SchedulePositions_ActiveRuns_And_History_Survive_A_Reopen()
    {
        var h = new Harness(new JobSchedulerOptions { RetryDelay = TimeSpan.FromSeconds(30) });
        using (var store = JobsStore.Open(DbPath))
        {
            store.SaveFrameworkId("fw-1");
            Step(h, store, h.Add("""{"name": "a", "command": "exit 1", "cron": "* * * * *", "retries": 1, "owner": "ops@example.com"}""", T0.AddSeconds(30)));
            Step(h, store, h.Add("""{"name": "b", "command": "echo b", "parents": ["a"], "environmentVariables": [{"name": "X", "value": "1"}]}""", T0.AddSeconds(30)));
            Step(h, store, h.Tick(T0.AddMinutes(1)));
            var offer = h.OfferOn("a1");
            var launch = h.Offers(T0.AddMinutes(1).AddSeconds(1), offer);
            Step(h, store, launch);
            var task = launch.Launches.Single().Tasks.Single().TaskId.Value;
            Step(h, store, h.Status(task, TaskState.TaskRunning, T0.AddMinutes(1).AddSeconds(2)));
            Step(h, store, h.Status(task, TaskState.TaskFailed, T0.AddMinutes(1).AddSeconds(3), exitCode: 1, message: "Command exited with status 1"));
            Step(h, store, h.Step(d => h.Scheduler.RunNow(JobName.Parse("b"), T0.AddMinutes(1).AddSeconds(4), d, "--once")));
        }

        using var reopened = JobsStore.Open(DbPath);
        var saved = reopened.Load(historyLimit: 100);
        Assert.Equal("fw-1", saved.FrameworkId);
        Assert.Equal(["a", "b"], saved.Jobs.Select(j => j.Definition.Name.Value));
        foreach (var job in saved.Jobs)
        {
            var original = h.State(job.Definition.Name.Value);
            Assert.Equal(original.Definition, job.Definition);
            Assert.Equal(original.Status, job.Status);
            Assert.Equal((original.ScheduledFrom, original.HandledUntil, original.LastRunNumber, original.LastRunCreated),
                (job.ScheduledFrom, job.HandledUntil, job.LastRunNumber, job.LastRunCreated));
            Assert.Equal(original.Active, job.Active);
            Assert.Equal(original.History, job.History);
        }
        // What the steps made: a's first attempt failed (history) and its retry waits; b's run-now is queued.
        var a = saved.Jobs[0];
        Assert.Equal((RunState.Failed, 1, "a1", "a1.local"), (a.History.Single().State, a.History.Single().ExitCode, a.History.Single().AgentId, a.History.Single().Hostname));
        Assert.Equal((RunState.Waiting, 1), (a.Active.Single().State, a.Active.Single().Attempt));
        Assert.Equal((RunState.Queued, "--once"), (saved.Jobs[1].Active.Single().State, saved.Jobs[1].Active.Single().Arguments));
        Assert.Equal(("http://a1.local:5051", "fw-1/bridge-job:a:1:0"), (a.History.Single().AgentUrl, a.History.Single().Sandbox));
    }

    [Fact]
    public void A_Restored_Scheduler_Adopts_Its_Running_Task_And_Drops_A_Backlog()
    {
        var h = new Harness();
        string task;
        using (var store = JobsStore.Open(DbPath))
        {
            Step(h, store, h.Add("""{"name": "m", "command": "sleep 600", "cron": "* * * * *", "startingDeadlineSeconds": 120}""", T0.AddSeconds(30)));
            Step(h, store, h.Tick(T0.AddMinutes(1)));
            var launch = h.Offers(T0.AddMinutes(1), h.OfferOn("a1"));
            Step(h, store, launch);
            task = launch.Launches.Single().Tasks.Single().TaskId.Value;
            Step(h, store, h.Status(task, TaskState.TaskRunning, T0.AddMinutes(1).AddSeconds(1)));
        }

        // The scheduler was down from 12:01:01 to 12:10:30: due times 12:02 ... 12:10 were missed.
        using var reopened = JobsStore.Open(DbPath);
        var restored = new Harness();
        restored.Scheduler.Restore(reopened.Load(historyLimit: 100).Jobs);
        var subscribed = restored.Step(d => restored.Scheduler.Subscribed(T0.AddMinutes(10).AddSeconds(30), d));
        Assert.Equal([(task, "a1")], subscribed.Reconcile);
        Assert.Empty(restored.Status(task, TaskState.TaskRunning, T0.AddMinutes(10).AddSeconds(30)).Kills);

        var tick = restored.Tick(T0.AddMinutes(10).AddSeconds(30));
        var runs = restored.State("m").Runs.ToList();
        // The running run is kept; the latest missed due time (12:10, within the 120 s deadline) runs
        // late; the eight before it are one backlog skip, never replayed.
        Assert.Equal(RunState.Running, runs.Single(r => r.TaskId == task).State);
        Assert.Equal(T0.AddMinutes(10), runs.Single(r => r.State == RunState.Queued).DueAt);
        var backlog = runs.Single(r => r.State == RunState.Skipped);
        Assert.Equal((RunSkipReason.Backlog, T0.AddMinutes(2)), (backlog.SkipReason, backlog.DueAt));
        Assert.StartsWith("8 due time(s)", backlog.Message, StringComparison.Ordinal);
        Assert.Equal(3, runs.Count);
        Assert.True(tick.WantOffers);
    }

    [Fact]
    public void A_Removed_Job_And_Runs_Its_History_Dropped_Are_Deleted()
    {
        var h = new Harness(new JobSchedulerOptions { HistoryLimit = 2 });
        using var store = JobsStore.Open(DbPath);
        Step(h, store, h.Add("""{"name": "keep", "command": "true", "schedule": "R/2030-01-01T00:00:00Z/P1D"}""", T0));
        Step(h, store, h.Add("""{"name": "gone", "command": "true", "schedule": "R/2030-01-01T00:00:00Z/P1D"}""", T0));
        var ended = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var at = T0.AddMinutes(i);
            Step(h, store, h.Step(d => h.Scheduler.RunNow(JobName.Parse("keep"), at, d)));
            Step(h, store, h.Step(d => h.Scheduler.RunNow(JobName.Parse("gone"), at, d)));
            var launch = h.Offers(at, h.OfferOn("a1"));
            Step(h, store, launch);
            foreach (var task in launch.Launches.SelectMany(l => l.Tasks).Select(t => t.TaskId.Value))
            {
                Step(h, store, h.Status(task, TaskState.TaskFinished, at.AddSeconds(1), exitCode: 0));
                if (task.Contains(":keep:", StringComparison.Ordinal)) ended.Add(task);
            }
        }
        Step(h, store, h.Step(d => h.Scheduler.Remove(JobName.Parse("gone"), T0.AddHours(1), d)));

        // Read with a larger limit than the scheduler's: what is in the file, not what the reader keeps.
        var saved = store.Load(historyLimit: 100);
        var keep = Assert.Single(saved.Jobs);
        Assert.Equal(ended.TakeLast(2).Reverse(), keep.History.Select(r => r.TaskId));
        Assert.Equal(4, keep.Status.SuccessCount);
    }

    [Fact]
    public void A_Schema_1_File_Is_Migrated_Its_Runs_Without_A_Sandbox()
    {
        // A file as the first release wrote it: runs with no agent_url or sandbox columns.
        Directory.CreateDirectory(_directory);
        using (var db = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE jobs (name TEXT PRIMARY KEY, definition TEXT NOT NULL, success_count INTEGER NOT NULL,
                    error_count INTEGER NOT NULL, last_success TEXT, last_error TEXT, errors_since_last_success INTEGER NOT NULL,
                    scheduled_from TEXT NOT NULL, handled_until TEXT NOT NULL, last_run_number INTEGER NOT NULL, last_run_created TEXT);
                CREATE TABLE runs (task_id TEXT PRIMARY KEY, job TEXT NOT NULL, number INTEGER NOT NULL, attempt INTEGER NOT NULL,
                    trigger TEXT NOT NULL, due_at TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL, launched_at TEXT,
                    started_at TEXT, ended_at TEXT, skip_reason TEXT NOT NULL, message TEXT, exit_code INTEGER, agent_id TEXT,
                    hostname TEXT, kill_requested INTEGER NOT NULL);
                CREATE INDEX runs_by_job ON runs (job);
                INSERT INTO meta VALUES ('framework_id', 'fw-old');
                INSERT INTO jobs VALUES ('old', '{"name": "old", "command": "true", "schedule": "R1//PT1H"}', 1, 0,
                    '2026-05-04T12:00:05.0000000+00:00', NULL, 0, '2026-05-04T12:00:00.0000000+00:00', '2026-05-04T12:00:00.0000000+00:00', 1,
                    '2026-05-04T12:00:00.0000000+00:00');
                INSERT INTO runs VALUES ('bridge-job:old:1:0', 'old', 1, 0, 'Schedule', '2026-05-04T12:00:00.0000000+00:00', 'Succeeded',
                    '2026-05-04T12:00:00.0000000+00:00', '2026-05-04T12:00:01.0000000+00:00', '2026-05-04T12:00:02.0000000+00:00',
                    '2026-05-04T12:00:05.0000000+00:00', 'None', 'Command exited with status 0', 0, 'a1', 'a1.local', 0);
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }

        using (var store = JobsStore.Open(DbPath))
        {
            var saved = store.Load(historyLimit: 10);
            Assert.Equal("fw-old", saved.FrameworkId);
            var run = Assert.Single(Assert.Single(saved.Jobs).History);
            Assert.Equal((RunState.Succeeded, "a1.local", null, null), (run.State, run.Hostname, run.AgentUrl, run.Sandbox));
        }
        using (var db = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = "PRAGMA user_version";
            Assert.Equal((long)JobsStore.SchemaVersion, command.ExecuteScalar());
        }
    }

    [Fact]
    public void A_Second_Store_On_The_Same_File_Is_Refused()
    {
        using var first = JobsStore.Open(DbPath);
        first.SaveFrameworkId("fw-1");
        var error = Assert.Throws<InvalidOperationException>(() => JobsStore.Open(DbPath));
        Assert.Contains("another scheduler", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Newer_Schema_And_A_File_That_Is_Not_SQLite_Are_Refused()
    {
        using (var store = JobsStore.Open(DbPath)) store.SaveFrameworkId("fw-1");
        using (var db = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = $"PRAGMA user_version = {JobsStore.SchemaVersion + 1}";
            command.ExecuteNonQuery();
        }
        Assert.Contains("newer than this scheduler's", Assert.Throws<InvalidOperationException>(() => JobsStore.Open(DbPath)).Message, StringComparison.Ordinal);

        var notSqlite = Path.Combine(_directory, "text.db");
        File.WriteAllText(notSqlite, "this is not a database, it is a long enough line of text to fill a header and then some more");
        Assert.Throws<InvalidOperationException>(() => JobsStore.Open(notSqlite));
    }
}

using System.Globalization;
using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Runs;
using Bridge.Schedulers.Hosting;
using Microsoft.Data.Sqlite;

namespace Bridge.Schedulers.Jobs.State;

/// <summary>What a jobs scheduler saved, read back at its start.</summary>
/// <param name="FrameworkId">The framework id it last subscribed with, or null.</param>
/// <param name="Jobs">Every job with its status, schedule position, active runs and history, ready
/// for <see cref="JobScheduler.Restore"/>.</param>
public sealed record SavedJobs(string? FrameworkId, IReadOnlyList<JobState> Jobs);

/// <summary>
/// The jobs scheduler's durable state in one SQLite file (<c>WORK_DIR/jobs.db</c>), in WAL mode,
/// held with an exclusive lock so a second scheduler on the same work dir fails at start. Saved
/// before every launch, so no task runs that a restarted scheduler does not know (one it does not
/// know is killed on sight); what a restart reads back keeps the run history, does not replay a
/// backlog (each job's schedule position is saved with every due time handled), and lets the
/// scheduler adopt its running tasks (the active runs and the framework id).
/// </summary>
/// <remarks>
/// Schema 3 (<c>PRAGMA user_version</c>): <c>meta(key, value)</c> (<c>framework_id</c>);
/// <c>jobs(name, definition, success_count, error_count, last_success, last_error,
/// errors_since_last_success, scheduled_from, handled_until, last_run_number, last_run_created)</c>,
/// the definition as Chronos JSON (<see cref="JobJson.Write(JobDefinition, JobStatus?)"/>, its
/// status fields ignored: the columns hold the status); <c>runs(task_id, job, number, attempt,
/// trigger, due_at, state, created_at, launched_at, started_at, ended_at, skip_reason, message,
/// exit_code, agent_id, hostname, kill_requested, agent_url, sandbox, arguments)</c>, every run a job keeps (active ones and its
/// bounded history: a run the history drops is deleted). Times are ISO 8601 round-trip text (to the
/// 100 ns tick), enums their names. Calls are not thread-safe: the scheduler's loop owns the store.
/// </remarks>
public sealed partial class JobsStore : IDisposable
{
    /// <summary>The schema version this code reads and writes.</summary>
    public const int SchemaVersion = 3;

    private const string Schema = """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE jobs (name TEXT PRIMARY KEY, definition TEXT NOT NULL, success_count INTEGER NOT NULL,
            error_count INTEGER NOT NULL, last_success TEXT, last_error TEXT, errors_since_last_success INTEGER NOT NULL,
            scheduled_from TEXT NOT NULL, handled_until TEXT NOT NULL, last_run_number INTEGER NOT NULL, last_run_created TEXT);
        CREATE TABLE runs (task_id TEXT PRIMARY KEY, job TEXT NOT NULL, number INTEGER NOT NULL, attempt INTEGER NOT NULL,
            trigger TEXT NOT NULL, due_at TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL, launched_at TEXT,
            started_at TEXT, ended_at TEXT, skip_reason TEXT NOT NULL, message TEXT, exit_code INTEGER, agent_id TEXT,
            hostname TEXT, kill_requested INTEGER NOT NULL, agent_url TEXT, sandbox TEXT, arguments TEXT);
        CREATE INDEX runs_by_job ON runs (job);
        """;

    /// <summary>From schema 1: runs name their agent's endpoint and sandbox (null for runs launched before);
    /// from 2: runs carry their own arguments (null: none).</summary>
    private static readonly Dictionary<int, string> Migrations = new()
    {
        [1] = "ALTER TABLE runs ADD COLUMN agent_url TEXT; ALTER TABLE runs ADD COLUMN sandbox TEXT;",
        [2] = "ALTER TABLE runs ADD COLUMN arguments TEXT;",
    };

    private readonly StateDatabase _db;

    private JobsStore(StateDatabase db) => _db = db;

    /// <summary>The database file.</summary>
    public string Path => _db.Path;

    /// <summary>Opens (or creates, with its directory) the store at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be opened (another scheduler holds it, it is not a
    /// SQLite database, or it has a newer schema); the message says which. A file of an older schema is migrated.</exception>
    public static JobsStore Open(string path) => new(StateDatabase.Open(path, SchemaVersion, Schema, "jobs state", Migrations));

    /// <summary>Everything saved.</summary>
    /// <param name="historyLimit">How many ended runs each job keeps (the scheduler's
    /// <see cref="JobSchedulerOptions.HistoryLimit"/>); older ones are left out.</param>
    /// <exception cref="InvalidOperationException">A saved row does not parse (the message names it).</exception>
    public SavedJobs Load(int historyLimit)
    {
        var frameworkId = _db.Scalar("SELECT value FROM meta WHERE key = 'framework_id'") as string;
        var runs = new Dictionary<string, List<Run>>(StringComparer.Ordinal);
        using (var read = Command($"SELECT {RunColumns} FROM runs"))
        using (var rows = read.ExecuteReader())
            while (rows.Read())
            {
                var run = ReadRun(rows);
                if (!runs.TryGetValue(run.Job.Value, out var list)) runs[run.Job.Value] = list = [];
                list.Add(run);
            }
        var jobs = new List<JobState>();
        using (var read = Command($"SELECT {JobColumns} FROM jobs ORDER BY name"))
        using (var rows = read.ExecuteReader())
            while (rows.Read())
                jobs.Add(ReadJob(rows, runs.GetValueOrDefault(rows.GetString(0)) ?? [], historyLimit));
        return new SavedJobs(frameworkId, jobs);
    }

    /// <summary>Saves the framework id, durably.</summary>
    public void SaveFrameworkId(string frameworkId)
    {
        _db.Durable(true);
        using var write = Command("INSERT INTO meta (key, value) VALUES ('framework_id', $v) ON CONFLICT(key) DO UPDATE SET value = $v");
        write.Parameters.AddWithValue("$v", frameworkId);
        write.ExecuteNonQuery();
    }

    /// <summary>
    /// Saves what <paramref name="decisions"/> says changed, as <paramref name="scheduler"/> now holds it, in one
    /// transaction: changed jobs (a job that is gone goes with its runs), changed runs, and for every job touched
    /// the runs its history no longer keeps are deleted. A save that comes with launches or job changes (a
    /// definition, a status count, a due time handled) is on disk (fsync) when this returns. One that only records
    /// how runs are doing (TASK_RUNNING, a retry queued) is not fsynced (WAL, <c>synchronous=NORMAL</c>: safe
    /// against a crash of the process, not of the machine): the reconciliation every restart begins with brings
    /// the tasks' states back from the master.
    /// </summary>
    public void Save(JobScheduler scheduler, Decisions decisions)
    {
        _db.Durable(decisions.ChangedJobs.Count > 0 || decisions.Launches.Count > 0);
        using var tx = _db.Connection.BeginTransaction();
        var touched = new HashSet<JobName>();
        foreach (var name in decisions.ChangedJobs)
        {
            if (scheduler.Job(name) is { } job)
            {
                SaveJob(job, tx);
                touched.Add(name);
            }
            else Delete("DELETE FROM jobs WHERE name = $id; DELETE FROM runs WHERE job = $id", name.Value, tx);
        }
        foreach (var taskId in decisions.ChangedRuns)
        {
            if (scheduler.FindRun(taskId) is { } run)
            {
                SaveRun(run, tx);
                touched.Add(run.Job);
            }
            else Delete("DELETE FROM runs WHERE task_id = $id", taskId, tx);
        }
        foreach (var name in touched) DropForgottenRuns(scheduler.Job(name)!, tx);
        tx.Commit();
    }

    /// <summary>Deletes the job's saved runs it no longer keeps (ended runs its history dropped past its limit).</summary>
    private void DropForgottenRuns(JobState job, SqliteTransaction tx)
    {
        var kept = job.Runs.Select(r => r.TaskId).ToHashSet(StringComparer.Ordinal);
        var forgotten = new List<string>();
        using (var read = Command("SELECT task_id FROM runs WHERE job = $job", tx))
        {
            read.Parameters.AddWithValue("$job", job.Definition.Name.Value);
            using var rows = read.ExecuteReader();
            while (rows.Read())
                if (!kept.Contains(rows.GetString(0))) forgotten.Add(rows.GetString(0));
        }
        foreach (var taskId in forgotten) Delete("DELETE FROM runs WHERE task_id = $id", taskId, tx);
    }

    private void Delete(string sql, string id, SqliteTransaction tx)
    {
        using var delete = Command(sql, tx);
        delete.Parameters.AddWithValue("$id", id);
        delete.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, SqliteTransaction? tx = null) => _db.Command(sql, tx);

    /// <summary>Closes the file (and releases its lock).</summary>
    public void Dispose() => _db.Dispose();
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Kernel;
using Bridge.Schedulers.Services.Constraints;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Deployments;
using Bridge.Schedulers.Services.Instances;
using Bridge.Schedulers.Services.Scheduling;
using Bridge.Schedulers.Hosting;
using Microsoft.Data.Sqlite;

namespace Bridge.Schedulers.Services.State;

/// <summary>What a services scheduler saved, read back at its start.</summary>
/// <param name="FrameworkId">The framework id it last subscribed with, or null.</param>
/// <param name="Apps">Apps, with their versions and deployments.</param>
/// <param name="Instances">Instances (the tasks it launched and has not seen end).</param>
public sealed record SavedServices(string? FrameworkId, IReadOnlyList<AppState> Apps, IReadOnlyList<Instance> Instances);

/// <summary>
/// The services scheduler's durable state in one SQLite file (<c>WORK_DIR/services.db</c>), in WAL
/// mode, held with an exclusive lock so a second scheduler on the same work dir fails at start. Saved
/// (and fsynced) before every launch, so no task runs that a restarted scheduler does not know (one
/// it does not know is killed on sight); status-only saves are not fsynced (<see cref="Save"/>).
/// </summary>
/// <remarks>
/// Schema 1 (<c>PRAGMA user_version</c>): <c>meta(key, value)</c> (<c>framework_id</c>);
/// <c>apps(id, definition, version, config_version, previous_config_version, deployment)</c>,
/// definitions as Marathon JSON (<see cref="AppJson"/>), the deployment as JSON; <c>app_versions(id,
/// version, definition)</c>, every version an app had (Marathon's <c>/v2/apps/{id}/versions</c>);
/// <c>instances(task_id, app_id, version, agent_id, hostname, attributes, ports, condition, healthy,
/// staged_at, started_at, since, message)</c>. Times are ISO 8601 round-trip text. Calls are not
/// thread-safe: the scheduler's loop owns the store.
/// </remarks>
public sealed class ServicesStore : IDisposable
{
    /// <summary>The schema version this code reads and writes.</summary>
    public const int SchemaVersion = 2;

    /// <summary>Versions kept per app, the newest (Marathon's <c>--zk_max_versions</c> default: 50).</summary>
    public const int MaxVersions = 50;

    private const string Schema = """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE apps (id TEXT PRIMARY KEY, definition TEXT NOT NULL, version TEXT NOT NULL, config_version TEXT NOT NULL,
            previous_config_version TEXT, deployment TEXT, last_task_failure TEXT);
        CREATE TABLE app_versions (id TEXT NOT NULL, version TEXT NOT NULL, definition TEXT NOT NULL, PRIMARY KEY (id, version));
        CREATE TABLE instances (task_id TEXT PRIMARY KEY, app_id TEXT NOT NULL, version TEXT NOT NULL, agent_id TEXT NOT NULL,
            hostname TEXT NOT NULL, attributes TEXT NOT NULL, ports TEXT NOT NULL, condition TEXT NOT NULL, healthy INTEGER,
            staged_at TEXT NOT NULL, started_at TEXT, since TEXT NOT NULL, message TEXT);
        """;

    /// <summary>From schema 1: apps keep their last task failure (null for apps saved before).</summary>
    private static readonly Dictionary<int, string> Migrations = new()
    {
        [1] = "ALTER TABLE apps ADD COLUMN last_task_failure TEXT;",
    };

    private readonly StateDatabase _db;

    private ServicesStore(StateDatabase db) => _db = db;

    /// <summary>The database file.</summary>
    public string Path => _db.Path;

    /// <summary>Opens (or creates, with its directory) the store at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be opened (another scheduler holds it, it is not a
    /// SQLite database, or it has a newer schema); the message says which.</exception>
    public static ServicesStore Open(string path) => new(StateDatabase.Open(path, SchemaVersion, Schema, "services state", Migrations));

    /// <summary>Everything saved.</summary>
    /// <exception cref="InvalidOperationException">A saved row does not parse (the message names it).</exception>
    public SavedServices Load()
    {
        var frameworkId = _db.Scalar("SELECT value FROM meta WHERE key = 'framework_id'") as string;
        var apps = new List<AppState>();
        using (var read = _db.Command("SELECT id, definition, version, config_version, previous_config_version, deployment, last_task_failure FROM apps ORDER BY id"))
        using (var rows = read.ExecuteReader())
            while (rows.Read())
            {
                var id = rows.GetString(0);
                var definition = ParseApp(rows.GetString(1), $"app {id}") with { Version = Time(rows.GetString(2)) };
                apps.Add(new AppState(definition, Time(rows.GetString(3)))
                {
                    PreviousConfigVersion = rows.IsDBNull(4) ? null : Time(rows.GetString(4)),
                    Deployment = rows.IsDBNull(5) ? null : ReadDeployment(rows.GetString(5), id),
                    LastTaskFailure = rows.IsDBNull(6) ? null : ReadFailure(rows.GetString(6), id),
                });
            }
        var instances = new List<Instance>();
        using (var read = _db.Command("SELECT task_id, app_id, version, agent_id, hostname, attributes, ports, condition, healthy, staged_at, started_at, since, message FROM instances"))
        using (var rows = read.ExecuteReader())
            while (rows.Read())
                instances.Add(new Instance(rows.GetString(0), AppId.Parse(rows.GetString(1)), Time(rows.GetString(2)),
                    new AgentFacts(new AgentId(rows.GetString(3)), rows.GetString(4), Attributes.Parse(rows.GetString(5))),
                    rows.GetString(6).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList(),
                    Enum.Parse<Condition>(rows.GetString(7)), rows.IsDBNull(8) ? null : rows.GetInt64(8) != 0, Time(rows.GetString(9)),
                    rows.IsDBNull(10) ? null : Time(rows.GetString(10)), Time(rows.GetString(11)), rows.IsDBNull(12) ? null : rows.GetString(12)));
        return new SavedServices(frameworkId, apps, instances);
    }

    /// <summary>Saves the framework id, durably.</summary>
    public void SaveFrameworkId(string frameworkId)
    {
        _db.Durable(true);
        using var write = _db.Command("INSERT INTO meta (key, value) VALUES ('framework_id', $v) ON CONFLICT(key) DO UPDATE SET value = $v");
        write.Parameters.AddWithValue("$v", frameworkId);
        write.ExecuteNonQuery();
    }

    /// <summary>
    /// Saves what <paramref name="decisions"/> says changed, as <paramref name="scheduler"/> now holds it, in one
    /// transaction. A save that comes with launches or app changes is on disk (fsync) when this returns. One
    /// that only records how instances are doing (status updates) is not fsynced (WAL, <c>synchronous=NORMAL</c>:
    /// safe against a crash of the process, not of the machine): if the machine loses it, the reconciliation
    /// every restart begins with brings the instances' states back from the master. That spares an fsync per
    /// status update (10,000 of them when 10,000 instances start).
    /// </summary>
    public void Save(ServiceScheduler scheduler, Decisions decisions)
    {
        _db.Durable(decisions.ChangedApps.Count > 0 || decisions.Launches.Count > 0);
        using var tx = _db.Connection.BeginTransaction();
        foreach (var id in decisions.ChangedApps)
        {
            if (scheduler.App(id) is { } app) SaveApp(app, tx);
            else Delete("DELETE FROM apps WHERE id = $id; DELETE FROM app_versions WHERE id = $id", id.Value, tx);
        }
        foreach (var taskId in decisions.ChangedInstances)
        {
            if (scheduler.Instances.Get(taskId) is { } instance) SaveInstance(instance, tx);
            else Delete("DELETE FROM instances WHERE task_id = $id", taskId, tx);
        }
        tx.Commit();
    }

    /// <summary>The versions app <paramref name="id"/> had, newest first (Marathon's <c>/v2/apps/{id}/versions</c>).</summary>
    public IReadOnlyList<DateTimeOffset> Versions(AppId id)
    {
        using var read = _db.Command("SELECT version FROM app_versions WHERE id = $id");
        read.Parameters.AddWithValue("$id", id.Value);
        var versions = new List<DateTimeOffset>();
        using var rows = read.ExecuteReader();
        while (rows.Read()) versions.Add(Time(rows.GetString(0)));
        return [.. versions.OrderDescending()];
    }

    /// <summary>App <paramref name="id"/> as it was at <paramref name="version"/>, compared to the millisecond
    /// (versions are shown to the millisecond; earlier releases stored finer ones), or null.</summary>
    public AppDefinition? Version(AppId id, DateTimeOffset version)
    {
        var wanted = Versions(id).FirstOrDefault(v => ToMillisecond(v) == ToMillisecond(version));
        if (wanted == default) return null;
        using var read = _db.Command("SELECT definition FROM app_versions WHERE id = $id AND version = $v");
        read.Parameters.AddWithValue("$id", id.Value);
        read.Parameters.AddWithValue("$v", Text(wanted));
        return read.ExecuteScalar() is string json ? ParseApp(json, $"app {id} version {Text(wanted)}") with { Version = wanted } : null;
    }

    private static long ToMillisecond(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private void SaveApp(AppState app, SqliteTransaction tx)
    {
        var definition = AppJson.Write(app.Definition);
        var version = Text(app.Definition.Version ?? app.ConfigVersion);
        using (var write = _db.Command("""
            INSERT INTO apps (id, definition, version, config_version, previous_config_version, deployment, last_task_failure)
            VALUES ($id, $d, $v, $c, $p, $dep, $f)
            ON CONFLICT(id) DO UPDATE SET definition = $d, version = $v, config_version = $c, previous_config_version = $p,
                deployment = $dep, last_task_failure = $f
            """, tx))
        {
            write.Parameters.AddWithValue("$id", app.Definition.Id.Value);
            write.Parameters.AddWithValue("$d", definition);
            write.Parameters.AddWithValue("$v", version);
            write.Parameters.AddWithValue("$c", Text(app.ConfigVersion));
            write.Parameters.AddWithValue("$p", app.PreviousConfigVersion is { } p ? Text(p) : DBNull.Value);
            write.Parameters.AddWithValue("$dep", app.Deployment is { } d ? WriteDeployment(d) : DBNull.Value);
            write.Parameters.AddWithValue("$f", app.LastTaskFailure is { } f ? WriteFailure(f) : DBNull.Value);
            write.ExecuteNonQuery();
        }
        // The newest MaxVersions are kept (Marathon's --zk_max_versions); the text form sorts as the instants do.
        using var history = _db.Command("""
            INSERT OR IGNORE INTO app_versions (id, version, definition) VALUES ($id, $v, $d);
            DELETE FROM app_versions WHERE id = $id AND version NOT IN
                (SELECT version FROM app_versions WHERE id = $id ORDER BY version DESC LIMIT $max);
            """, tx);
        history.Parameters.AddWithValue("$id", app.Definition.Id.Value);
        history.Parameters.AddWithValue("$v", version);
        history.Parameters.AddWithValue("$d", definition);
        history.Parameters.AddWithValue("$max", MaxVersions);
        history.ExecuteNonQuery();
    }

    private void SaveInstance(Instance i, SqliteTransaction tx)
    {
        using var write = _db.Command("""
            INSERT OR REPLACE INTO instances (task_id, app_id, version, agent_id, hostname, attributes, ports, condition, healthy, staged_at, started_at, since, message)
            VALUES ($t, $a, $v, $ag, $h, $at, $p, $c, $he, $st, $sa, $si, $m)
            """, tx);
        write.Parameters.AddWithValue("$t", i.TaskId);
        write.Parameters.AddWithValue("$a", i.AppId.Value);
        write.Parameters.AddWithValue("$v", Text(i.Version));
        write.Parameters.AddWithValue("$ag", i.Agent.Id.Value);
        write.Parameters.AddWithValue("$h", i.Agent.Hostname);
        write.Parameters.AddWithValue("$at", i.Agent.Attributes.ToString());
        write.Parameters.AddWithValue("$p", string.Join(',', i.Ports.Select(p => p.ToString(CultureInfo.InvariantCulture))));
        write.Parameters.AddWithValue("$c", i.Condition.ToString());
        write.Parameters.AddWithValue("$he", i.Healthy is { } h ? (h ? 1 : 0) : DBNull.Value);
        write.Parameters.AddWithValue("$st", Text(i.StagedAt));
        write.Parameters.AddWithValue("$sa", i.StartedAt is { } s ? Text(s) : DBNull.Value);
        write.Parameters.AddWithValue("$si", Text(i.Since));
        write.Parameters.AddWithValue("$m", (object?)i.Message ?? DBNull.Value);
        write.ExecuteNonQuery();
    }

    private static string WriteDeployment(Deployment d)
    {
        var json = new JsonObject
        {
            ["id"] = d.Id,
            ["steps"] = new JsonArray([.. d.Steps.Select(s => JsonValue.Create(s.ToString()))]),
            ["started"] = Text(d.Started),
            ["currentStep"] = d.CurrentStep,
            ["original"] = d.Original is { } o ? AppJson.Write(o) : null,
            ["originalVersion"] = d.Original?.Version is { } ov ? Text(ov) : null,
            ["target"] = d.Target is { } t ? AppJson.Write(t) : null,
            ["targetVersion"] = d.Target?.Version is { } tv ? Text(tv) : null,
        };
        return json.ToJsonString();
    }

    private static string WriteFailure(TaskFailure f) => new JsonObject
    {
        ["taskId"] = f.TaskId, ["state"] = f.State, ["message"] = f.Message, ["host"] = f.Host, ["agentId"] = f.AgentId,
        ["version"] = Text(f.Version), ["timestamp"] = Text(f.Timestamp),
    }.ToJsonString();

    private static TaskFailure ReadFailure(string text, string appId)
    {
        try
        {
            var json = JsonNode.Parse(text)!.AsObject();
            string Field(string name) => json[name]!.GetValue<string>();
            return new TaskFailure(Field("taskId"), Field("state"), Field("message"), Field("host"), Field("agentId"), Time(Field("version")), Time(Field("timestamp")));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new InvalidOperationException($"services state: app {appId}'s last task failure does not parse: {e.Message}", e);
        }
    }

    private static Deployment ReadDeployment(string text, string appId)
    {
        try
        {
            var json = JsonNode.Parse(text)!.AsObject();
            AppDefinition? App(string field, string versionField) => json[field] is { } node
                ? ParseApp(node.GetValue<string>(), $"app {appId} deployment") with { Version = json[versionField] is { } v ? Time(v.GetValue<string>()) : null }
                : null;
            var original = App("original", "originalVersion");
            var target = App("target", "targetVersion");
            return new Deployment(json["id"]!.GetValue<string>(), AppId.Parse(appId), original, target,
                [.. json["steps"]!.AsArray().Select(s => Enum.Parse<DeploymentActionType>(s!.GetValue<string>()))],
                Time(json["started"]!.GetValue<string>()), json["currentStep"]!.GetValue<int>());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or NullReferenceException or FormatException)
        {
            throw new InvalidOperationException($"services state: app {appId}'s deployment does not parse: {e.Message}", e);
        }
    }

    private static AppDefinition ParseApp(string json, string what)
    {
        var result = AppJson.Parse(json);
        return result.App ?? throw new InvalidOperationException($"services state: {what} does not parse: {result.Failure?.ToJson()}");
    }

    private void Delete(string sql, string id, SqliteTransaction tx)
    {
        using var delete = _db.Command(sql, tx);
        delete.Parameters.AddWithValue("$id", id);
        delete.ExecuteNonQuery();
    }

    private static string Text(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <summary>Closes the file (and releases its lock).</summary>
    public void Dispose() => _db.Dispose();
}

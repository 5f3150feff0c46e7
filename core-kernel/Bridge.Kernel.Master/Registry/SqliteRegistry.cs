using Bridge.Kernel.Allocation;
using Bridge.Kernel.Protocol;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Microsoft.Data.Sqlite;

namespace Bridge.Kernel.Master.Registry;

/// <summary>
/// The registry in one SQLite file (the master's <c>WORK_DIR/registry.db</c>), in WAL mode with
/// <c>synchronous=FULL</c>: a write returns once its transaction is in the log on disk, so nothing
/// the master acknowledged is lost when the machine stops. The file is held with an exclusive
/// lock while the registry is open, so a second master on the same work dir fails at start
/// instead of writing over the first.
/// </summary>
/// <remarks>
/// Schema (version 1, kept in <c>PRAGMA user_version</c>): <c>agents(id, hostname, address,
/// checkpointed)</c>, the checkpointed resources as <c>bridge.v1.Resource</c> messages (each one
/// length-delimited, field 1 of a repeated field); <c>weights(role, weight)</c>;
/// <c>quotas(role, guarantees, limits)</c>, amounts in the text form <c>cpus:4;mem:4096</c>
/// (limits NULL: no limit). Every call runs in one transaction; calls are serialized.
/// </remarks>
public sealed class SqliteRegistry : IRegistry
{
    /// <summary>The schema version this code reads and writes.</summary>
    public const int SchemaVersion = 1;

    private readonly SqliteConnection _db;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private SqliteRegistry(string path, SqliteConnection db)
    {
        Path = path;
        _db = db;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens (or creates, with its directory) the registry at <paramref name="path"/> and checks it.</summary>
    /// <exception cref="RegistryException">The directory or file cannot be created or written, the file is not a
    /// SQLite database or is corrupt, another process holds it, or it was written by a newer schema.</exception>
    public static SqliteRegistry Open(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        SqliteConnection? db = null;
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            // DefaultTimeout: how long a locked file is retried (s). The lock is ours while open, so only
            // another process holding the file waits that long, and then the open fails.
            var connection = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = 1 };
            db = new SqliteConnection(connection.ToString());
            db.Open();
            // Exclusive locking before WAL: no shared-memory file, and the lock is kept until close.
            Execute(db, "PRAGMA locking_mode = EXCLUSIVE;");
            Execute(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
            if (Query(db, "PRAGMA quick_check") is var check and not "ok")
                throw new RegistryException($"Registry {path} is corrupt (quick_check: {check}); move it away to start with an empty registry");
            Migrate(db, path);
            return new SqliteRegistry(path, db);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            db?.Dispose();
            throw new RegistryException($"Registry {path} cannot be opened: {Describe(e)}", e);
        }
        catch
        {
            db?.Dispose();
            throw;
        }
    }

    private static void Migrate(SqliteConnection db, string path)
    {
        using var tx = db.BeginTransaction();
        var version = Convert.ToInt32(Query(db, "PRAGMA user_version", tx), System.Globalization.CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
            throw new RegistryException($"Registry {path} has schema version {version}, newer than this master's {SchemaVersion}; run a newer Bridge");
        if (version == 0)
        {
            Execute(db, """
                CREATE TABLE IF NOT EXISTS agents (id TEXT PRIMARY KEY, hostname TEXT NOT NULL, address TEXT NOT NULL, checkpointed BLOB NOT NULL);
                CREATE TABLE IF NOT EXISTS weights (role TEXT PRIMARY KEY, weight REAL NOT NULL);
                CREATE TABLE IF NOT EXISTS quotas (role TEXT PRIMARY KEY, guarantees TEXT NOT NULL, limits TEXT);
                """, tx);
            Execute(db, $"PRAGMA user_version = {SchemaVersion}", tx);
        }
        tx.Commit();
    }

    /// <inheritdoc />
    public Task<RegistryState> LoadAsync(CancellationToken cancellationToken = default) => Locked("read", () =>
    {
        var agents = new List<RegisteredAgent>();
        using (var reader = Command("SELECT id, hostname, address, checkpointed FROM agents ORDER BY id").ExecuteReader())
            while (reader.Read())
            {
                var id = reader.GetString(0);
                agents.Add(new RegisteredAgent(new AgentId(id), reader.GetString(1), reader.GetString(2), CheckpointedCodec.Decode((byte[])reader.GetValue(3), Path, id)));
            }
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        using (var reader = Command("SELECT role, weight FROM weights").ExecuteReader())
            while (reader.Read()) weights[reader.GetString(0)] = reader.GetDouble(1);
        var quotas = new Dictionary<string, Quota>(StringComparer.Ordinal);
        using (var reader = Command("SELECT role, guarantees, limits FROM quotas").ExecuteReader())
            while (reader.Read())
            {
                var role = reader.GetString(0);
                quotas[role] = new Quota(CheckpointedCodec.Quantities(reader.GetString(1), Path, role), reader.IsDBNull(2) ? null : CheckpointedCodec.Quantities(reader.GetString(2), Path, role));
            }
        return new RegistryState(agents, weights, quotas);
    }, cancellationToken);

    /// <inheritdoc />
    public Task PutAgentAsync(RegisteredAgent agent, CancellationToken cancellationToken = default) => Write(tx =>
    {
        var command = Command("INSERT OR REPLACE INTO agents (id, hostname, address, checkpointed) VALUES ($id, $hostname, $address, $checkpointed)", tx);
        command.Parameters.AddWithValue("$id", agent.Id.Value);
        command.Parameters.AddWithValue("$hostname", agent.Hostname);
        command.Parameters.AddWithValue("$address", agent.Address);
        command.Parameters.AddWithValue("$checkpointed", CheckpointedCodec.Encode(agent.Checkpointed));
        command.ExecuteNonQuery();
    }, cancellationToken);

    /// <inheritdoc />
    public Task RemoveAgentAsync(AgentId id, CancellationToken cancellationToken = default) => Write(tx =>
    {
        var command = Command("DELETE FROM agents WHERE id = $id", tx);
        command.Parameters.AddWithValue("$id", id.Value);
        command.ExecuteNonQuery();
    }, cancellationToken);

    /// <inheritdoc />
    public Task PutWeightsAsync(IReadOnlyCollection<KeyValuePair<string, double>> weights, CancellationToken cancellationToken = default) => Write(tx =>
    {
        foreach (var (role, weight) in weights)
        {
            var command = Command("INSERT OR REPLACE INTO weights (role, weight) VALUES ($role, $weight)", tx);
            command.Parameters.AddWithValue("$role", role);
            command.Parameters.AddWithValue("$weight", weight);
            command.ExecuteNonQuery();
        }
    }, cancellationToken);

    /// <inheritdoc />
    public Task PutQuotasAsync(IReadOnlyCollection<KeyValuePair<string, Quota>> quotas, CancellationToken cancellationToken = default) => Write(tx =>
    {
        foreach (var (role, quota) in quotas)
        {
            var command = Command(quota.IsNone ? "DELETE FROM quotas WHERE role = $role"
                : "INSERT OR REPLACE INTO quotas (role, guarantees, limits) VALUES ($role, $guarantees, $limits)", tx);
            command.Parameters.AddWithValue("$role", role);
            if (!quota.IsNone)
            {
                command.Parameters.AddWithValue("$guarantees", quota.Guarantee.ToString());
                command.Parameters.AddWithValue("$limits", (object?)quota.Limit?.ToString() ?? DBNull.Value);
            }
            command.ExecuteNonQuery();
        }
    }, cancellationToken);

    /// <summary>Closes the file (checkpointing the log into it) and releases the lock.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await _db.DisposeAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task Write(Action<SqliteTransaction> write, CancellationToken cancellationToken) => Locked("write", () =>
    {
        using var tx = _db.BeginTransaction();
        write(tx);
        tx.Commit();
        return true;
    }, cancellationToken);

    private async Task<T> Locked<T>(string what, Func<T> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return work();
        }
        catch (SqliteException e)
        {
            throw new RegistryException($"Registry {Path}: {what} failed: {Describe(e)}", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    private SqliteCommand Command(string sql, SqliteTransaction? tx = null)
    {
        var command = _db.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        return command;
    }

    private static void Execute(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        command.ExecuteNonQuery();
    }

    private static string Query(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    private static string Describe(Exception e) => e is SqliteException sqlite
        ? sqlite.SqliteErrorCode switch
        {
            5 or 6 => "another process (another master on this work dir?) holds it",
            8 => "it is read-only",
            11 or 26 => "it is not a SQLite database, or it is corrupt; move it away to start with an empty registry",
            13 => "the disk is full",
            14 => "the file cannot be opened or created (does the directory exist and is it writable?)",
            _ => "SQLite failed",
        } + $" ({sqlite.Message})"
        : e.Message;
}

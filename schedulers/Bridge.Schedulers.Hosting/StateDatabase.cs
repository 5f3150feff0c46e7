using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Bridge.Schedulers.Hosting;

/// <summary>
/// A scheduler's state in one SQLite file: WAL mode, held with an exclusive lock while open (so a
/// second scheduler on the same work dir fails at start instead of writing over the first), its
/// schema created at the first open and its version kept in <c>PRAGMA user_version</c>; a file of an
/// older version is brought up to date at open by the caller's migrations, in one transaction. Commits are
/// fsynced (<c>synchronous=FULL</c>) unless the store says otherwise with <see cref="Durable"/>. Not
/// thread-safe: the scheduler's loop owns it.
/// </summary>
public sealed class StateDatabase : IDisposable
{
    private bool _durable = true;

    private StateDatabase(string path, SqliteConnection connection)
    {
        Path = path;
        Connection = connection;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The open connection.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>Opens (or creates, with its directory) the database at <paramref name="path"/>; a new one gets
    /// <paramref name="schema"/>, an older one the <paramref name="migrations"/> from its version on.</summary>
    /// <param name="path">The file.</param>
    /// <param name="schemaVersion">The schema version the caller reads and writes.</param>
    /// <param name="schema">The DDL that creates the schema.</param>
    /// <param name="what">What the state is, for messages (<c>services state</c>).</param>
    /// <param name="migrations">The DDL that takes a file from version <c>n</c> to <c>n + 1</c>, keyed by
    /// <c>n</c>, for every version from 1 up to <paramref name="schemaVersion"/> - 1 (default: none).</param>
    /// <exception cref="InvalidOperationException">The file cannot be opened (another scheduler holds it, it is not a
    /// SQLite database, it has a newer schema, or no migration leads from its version); the message says which.</exception>
    public static StateDatabase Open(string path, int schemaVersion, string schema, string what,
        IReadOnlyDictionary<int, string>? migrations = null)
    {
        path = System.IO.Path.GetFullPath(path);
        SqliteConnection? db = null;
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            db = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = 1,
            }.ToString());
            db.Open();
            var database = new StateDatabase(path, db);
            database.Execute("PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
            using var tx = db.BeginTransaction();
            var version = Convert.ToInt32(database.Scalar("PRAGMA user_version", tx), CultureInfo.InvariantCulture);
            if (version > schemaVersion)
                throw new InvalidOperationException($"{what} {path} has schema {version}, newer than this scheduler's {schemaVersion}; run a newer Bridge");
            if (version == 0)
            {
                database.Execute(schema, tx);
                database.Execute($"PRAGMA user_version = {schemaVersion}", tx);
            }
            for (; version is > 0 && version < schemaVersion; version++)
            {
                if (migrations?.GetValueOrDefault(version) is not { } migration)
                    throw new InvalidOperationException($"{what} {path} has schema {version}, and this scheduler has no migration from it to {schemaVersion}");
                database.Execute(migration, tx);
                database.Execute($"PRAGMA user_version = {version + 1}", tx);
            }
            tx.Commit();
            return database;
        }
        catch (SqliteException e)
        {
            db?.Dispose();
            throw new InvalidOperationException($"{what} {path} cannot be opened: {e.Message} (another scheduler on this work dir, or not a SQLite file)", e);
        }
        catch
        {
            db?.Dispose();
            throw;
        }
    }

    /// <summary>Whether the next commits are fsynced (<c>synchronous=FULL</c>) or only written to the WAL
    /// (<c>NORMAL</c>: safe against a crash of the process, not of the machine).</summary>
    public void Durable(bool durable)
    {
        if (durable == _durable) return;
        Execute(durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        _durable = durable;
    }

    /// <summary>A command of <paramref name="sql"/> in <paramref name="tx"/>; the caller disposes it.</summary>
    public SqliteCommand Command(string sql, SqliteTransaction? tx = null)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        return command;
    }

    /// <summary>Runs <paramref name="sql"/>.</summary>
    public void Execute(string sql, SqliteTransaction? tx = null)
    {
        using var command = Command(sql, tx);
        command.ExecuteNonQuery();
    }

    /// <summary>The first column of the first row of <paramref name="sql"/>, or null.</summary>
    public object? Scalar(string sql, SqliteTransaction? tx = null)
    {
        using var command = Command(sql, tx);
        return command.ExecuteScalar();
    }

    /// <summary>Closes the file (and releases its lock).</summary>
    public void Dispose() => Connection.Dispose();
}

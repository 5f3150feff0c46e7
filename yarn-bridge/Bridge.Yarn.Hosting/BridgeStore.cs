using Bridge.Schedulers.Hosting;
using Bridge.Yarn.State;

namespace Bridge.Yarn.Hosting;

/// <summary>What the YARN bridge saved, read back at its start.</summary>
/// <param name="FrameworkId">The framework id the shell last subscribed with (saved the moment the master gave it), or null.</param>
/// <param name="State">The core's state as last saved (its own framework id may be older than <paramref name="FrameworkId"/>
/// when the process stopped between the two saves: the core then treats its tasks as the old framework's).</param>
public sealed record SavedBridge(string? FrameworkId, BridgeState State);

/// <summary>
/// The YARN bridge's durable state in one SQLite file (<c>WORK_DIR/yarn-bridge.db</c>; WAL mode, held with an exclusive
/// lock so a second bridge on the same work dir fails at start), as Myriad kept its <c>StoreContext</c> in ZooKeeper:
/// the framework id, and the core's <see cref="BridgeState"/> as <see cref="BridgeStateJson"/> (a few hundred bytes per
/// NodeManager and placeholder), written whole on every change and fsynced, before the launches it records go out.
/// </summary>
/// <remarks>Schema 1 (<c>PRAGMA user_version</c>): <c>meta(key, value)</c> (<c>framework_id</c>); <c>state(id = 1, json)</c>.
/// Not thread-safe: the bridge's loop owns it.</remarks>
public sealed class BridgeStore : IDisposable
{
    /// <summary>The schema version this code reads and writes.</summary>
    public const int SchemaVersion = 1;

    private const string Schema = """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE state (id INTEGER PRIMARY KEY CHECK (id = 1), json BLOB NOT NULL);
        """;

    private readonly StateDatabase _db;

    private BridgeStore(StateDatabase db) => _db = db;

    /// <summary>The database file.</summary>
    public string Path => _db.Path;

    /// <summary>Opens (or creates, with its directory) the store at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be opened (another bridge holds it, it is not a SQLite
    /// database, or it has a newer schema); the message says which.</exception>
    public static BridgeStore Open(string path) => new(StateDatabase.Open(path, SchemaVersion, Schema, "YARN bridge state"));

    /// <summary>Everything saved (<see cref="BridgeState.Empty"/> on a first start).</summary>
    /// <exception cref="InvalidOperationException">The saved state does not parse (the message names the field).</exception>
    public SavedBridge Load()
    {
        var frameworkId = _db.Scalar("SELECT value FROM meta WHERE key = 'framework_id'") as string;
        if (_db.Scalar("SELECT json FROM state WHERE id = 1") is not byte[] json) return new SavedBridge(frameworkId, BridgeState.Empty);
        try
        {
            var state = BridgeStateJson.Read(json);
            return new SavedBridge(frameworkId ?? state.FrameworkId, state);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"YARN bridge state {Path} does not parse: {e.Message}", e);
        }
    }

    /// <summary>Saves the core's state (fsynced when this returns).</summary>
    public void Save(BridgeState state)
    {
        using var write = _db.Command("INSERT INTO state (id, json) VALUES (1, $json) ON CONFLICT(id) DO UPDATE SET json = $json");
        write.Parameters.AddWithValue("$json", BridgeStateJson.Write(state));
        write.ExecuteNonQuery();
    }

    /// <summary>Saves the framework id the master gave (fsynced when this returns).</summary>
    public void SaveFrameworkId(string frameworkId)
    {
        using var write = _db.Command("INSERT INTO meta (key, value) VALUES ('framework_id', $v) ON CONFLICT(key) DO UPDATE SET value = $v");
        write.Parameters.AddWithValue("$v", frameworkId);
        write.ExecuteNonQuery();
    }

    /// <summary>Closes the file (and releases its lock).</summary>
    public void Dispose() => _db.Dispose();
}

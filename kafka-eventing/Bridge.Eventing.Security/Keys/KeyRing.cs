using System.Security.Cryptography;

namespace Bridge.Eventing.Security;

/// <summary>
/// The AES-256 keys that seal bus records (<see cref="RecordCipher"/>), by id, one of them active:
/// new records are sealed with the active key, and any key of the ring opens what it sealed. Text
/// form: <see cref="KeyFile"/>, every key exactly 32 bytes. Rotation (<see cref="Rotate"/>) adds a
/// fresh key and makes it active; old keys stay for reading until every record sealed with them has
/// left the topics (Kafka retention), then an operator removes them from the file. Immutable and
/// safe to share across threads.
/// </summary>
public sealed class KeyRing
{
    /// <summary>AES-256 key length, in bytes.</summary>
    public const int KeyLength = 32;

    /// <summary>The environment variable <see cref="FromEnvironment"/> reads by default.</summary>
    public const string DefaultEnvironmentVariable = "BRIDGE_BUS_KEYS";

    private readonly Dictionary<string, byte[]> _keys;

    private KeyRing(KeyFile file)
    {
        KeyFile = file.RequireKeyLength(KeyLength, KeyLength, "an AES-256 key");
        _keys = file.Entries.ToDictionary(e => e.KeyId, e => e.Key, StringComparer.Ordinal);
    }

    /// <summary>The ring as a key file (holds the key bytes: handle as a secret).</summary>
    public KeyFile KeyFile { get; }

    /// <summary>The id of the key new records are sealed with.</summary>
    public string ActiveKeyId => KeyFile.ActiveKeyId;

    /// <summary>Every key id, in file order.</summary>
    public IEnumerable<string> KeyIds => KeyFile.Entries.Select(e => e.KeyId);

    /// <summary>Parses a ring from key-file text.</summary>
    /// <exception cref="KeyFileException">The text is not a valid key file, or a key is not exactly 32 bytes; names the line.</exception>
    public static KeyRing Parse(string text, string source = "key ring") => new(KeyFile.Parse(text, source));

    /// <summary>Reads a ring from the key file at <paramref name="path"/>.</summary>
    /// <exception cref="KeyFileException">As <see cref="Parse"/>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static KeyRing Load(string path) => new(KeyFile.Load(path));

    /// <summary>The ring in environment variable <paramref name="name"/> (default: <c>BRIDGE_BUS_KEYS</c>), or null when unset or empty.</summary>
    /// <exception cref="KeyFileException">The variable is set but not a valid ring.</exception>
    public static KeyRing? FromEnvironment(string name = DefaultEnvironmentVariable) =>
        KeyFile.FromEnvironment(name) is { } file ? new KeyRing(file) : null;

    /// <summary>A ring of one fresh random key (from the OS's CSPRNG), in memory only.</summary>
    /// <exception cref="ArgumentException"><paramref name="keyId"/> is not a valid key id.</exception>
    public static KeyRing Generate(string keyId) =>
        new(KeyFile.Create([new KeyFileEntry(keyId, RandomNumberGenerator.GetBytes(KeyLength))], keyId));

    /// <summary>
    /// Creates a key file at <paramref name="path"/> holding one fresh random key, mode 0600
    /// (for <c>bridge up</c>), and returns its ring. Also fits as an HMAC key set (32 bytes meets
    /// <see cref="TokenSealer"/>'s minimum), though each use should have its own file.
    /// </summary>
    /// <exception cref="IOException">The file already exists (keys are never overwritten), or cannot be written.</exception>
    /// <exception cref="ArgumentException"><paramref name="keyId"/> is not a valid key id.</exception>
    public static KeyRing CreateFile(string path, string keyId)
    {
        var ring = Generate(keyId);
        ring.Save(path);
        return ring;
    }

    /// <summary>A new ring: these keys plus a fresh random key <paramref name="newKeyId"/>, which becomes active.</summary>
    /// <exception cref="ArgumentException"><paramref name="newKeyId"/> is invalid or already in the ring.</exception>
    public KeyRing Rotate(string newKeyId)
    {
        if (_keys.ContainsKey(newKeyId)) throw new ArgumentException($"the ring already has a key '{newKeyId}'", nameof(newKeyId));
        var entries = KeyFile.Entries.Append(new KeyFileEntry(newKeyId, RandomNumberGenerator.GetBytes(KeyLength)));
        return new KeyRing(KeyFile.Create(entries, newKeyId, KeyFile.Source));
    }

    /// <summary>Writes the ring as a key file, mode 0600, atomically (see <see cref="KeyFile.Save"/>).</summary>
    /// <exception cref="IOException">The file exists and <paramref name="overwrite"/> is false, or the write fails.</exception>
    public void Save(string path, bool overwrite = false) => KeyFile.Save(path, overwrite);

    /// <summary>The 32-byte key <paramref name="keyId"/>, if the ring has it.</summary>
    internal bool TryGetKey(string keyId, out byte[] key) => _keys.TryGetValue(keyId, out key!);
}

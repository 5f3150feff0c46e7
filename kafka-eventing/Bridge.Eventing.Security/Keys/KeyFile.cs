using System.Text;

namespace Bridge.Eventing.Security;

/// <summary>
/// The one text format for the bus's secrets, AES-256 record keys (<see cref="KeyRing"/>) and HMAC
/// secrets (<see cref="TokenSealer"/>, <see cref="RequestVerifier"/>) alike. Entries are separated
/// by newlines or <c>;</c> (so a whole set fits in one environment variable); each is either
/// <c>&lt;key-id&gt; &lt;base64 key&gt;</c> or <c>active &lt;key-id&gt;</c>, fields separated by
/// spaces or tabs. <c>#</c> starts a comment that runs to the end of the line; blank entries are
/// ignored. Key ids are 1-64 characters of <c>[A-Za-z0-9._-]</c>; <c>active</c> is reserved. The
/// active key is the one the <c>active</c> entry names, else the last entry. Example:
/// <code>
/// # bus record keys
/// k2025 q83vEjRWeJA...=
/// k2026 3q2+7wAAAAA...=
/// active k2026
/// </code>
/// </summary>
public sealed class KeyFile
{
    /// <summary>Longest key id, in characters.</summary>
    public const int MaxKeyIdLength = 64;

    private const string ActiveDirective = "active";

    private KeyFile(IReadOnlyList<KeyFileEntry> entries, string activeKeyId, string source)
    {
        Entries = entries;
        ActiveKeyId = activeKeyId;
        Source = source;
    }

    /// <summary>The keys in file order; at least one, ids distinct.</summary>
    public IReadOnlyList<KeyFileEntry> Entries { get; }

    /// <summary>The id of the key new material is sealed with: the <c>active</c> entry's, else the last entry's.</summary>
    public string ActiveKeyId { get; }

    /// <summary>Where the text came from (a path, an environment variable name), used in error messages.</summary>
    public string Source { get; }

    /// <summary>The entry whose id is <see cref="ActiveKeyId"/>.</summary>
    public KeyFileEntry Active => Entries.First(e => e.KeyId == ActiveKeyId);

    /// <summary>Parses key-file text.</summary>
    /// <param name="text">The entries (format in the class summary).</param>
    /// <param name="source">Names the text in error messages (default: "key file").</param>
    /// <exception cref="KeyFileException">An entry is malformed (wrong field count, bad key id, bad base64,
    /// duplicate id or <c>active</c> entry), <c>active</c> names no entry, or there are no keys.
    /// The message names the line and never contains key material.</exception>
    public static KeyFile Parse(string text, string source = "key file")
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<KeyFileEntry>();
        (string Id, int Line, string Where)? active = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            var parts = line.Split(';');
            for (var j = 0; j < parts.Length; j++)
            {
                var where = parts.Length == 1 ? $"line {i + 1}" : $"line {i + 1}, entry {j + 1}";
                var fields = parts[j].Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 0) continue;
                if (fields.Length != 2)
                    throw new KeyFileException(source, i + 1, $"{where}: expected '<key-id> <base64 key>' or 'active <key-id>', found {fields.Length} field(s)");
                if (fields[0] == ActiveDirective)
                {
                    if (active is not null)
                        throw new KeyFileException(source, i + 1, $"{where}: a second 'active' entry (the first is on {active.Value.Where})");
                    CheckKeyId(fields[1], source, i + 1, where);
                    active = (fields[1], i + 1, where);
                    continue;
                }
                entries.Add(ParseEntry(fields[0], fields[1], source, i + 1, where, entries));
            }
        }
        if (entries.Count == 0)
            throw new KeyFileException(source, 0, $"{source} holds no keys");
        if (active is { } a && entries.All(e => e.KeyId != a.Id))
            throw new KeyFileException(source, a.Line, $"{a.Where}: 'active {a.Id}' names no key in the file");
        return new KeyFile(entries, active?.Id ?? entries[^1].KeyId, source);
    }

    /// <summary>Reads and parses the key file at <paramref name="path"/> (UTF-8).</summary>
    /// <exception cref="KeyFileException">As <see cref="Parse"/>, with the path as source.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static KeyFile Load(string path) => Parse(File.ReadAllText(path, Encoding.UTF8), path);

    /// <summary>Parses the environment variable <paramref name="name"/>, or returns null when it is unset or empty.</summary>
    /// <exception cref="KeyFileException">As <see cref="Parse"/>, with the variable's name as source.</exception>
    public static KeyFile? FromEnvironment(string name)
    {
        var text = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrWhiteSpace(text) ? null : Parse(text, name);
    }

    /// <summary>A key set of the given entries; <paramref name="activeKeyId"/> must be one of them.</summary>
    /// <exception cref="ArgumentException">No entries, duplicate or invalid ids, an empty key, or an unknown active id.</exception>
    public static KeyFile Create(IEnumerable<KeyFileEntry> entries, string activeKeyId, string source = "key file")
    {
        var list = entries.ToList();
        if (list.Count == 0) throw new ArgumentException("a key set has at least one key", nameof(entries));
        foreach (var e in list)
            if (!IsValidKeyId(e.KeyId) || e.Key.Length == 0) throw new ArgumentException($"invalid entry '{e.KeyId}'", nameof(entries));
        if (list.Select(e => e.KeyId).Distinct().Count() != list.Count) throw new ArgumentException("key ids repeat", nameof(entries));
        if (list.All(e => e.KeyId != activeKeyId)) throw new ArgumentException($"no key '{activeKeyId}'", nameof(activeKeyId));
        return new KeyFile(list, activeKeyId, source);
    }

    /// <summary>True when <paramref name="keyId"/> is 1-64 characters of <c>[A-Za-z0-9._-]</c> and not <c>active</c>.</summary>
    public static bool IsValidKeyId(ReadOnlySpan<char> keyId) => DescribeKeyIdProblem(keyId) is null;

    /// <summary>
    /// Checks every key's length, for consumers with a rule (AES-256: exactly 32 bytes; HMAC-SHA256: at least 32).
    /// </summary>
    /// <param name="minBytes">Shortest key allowed, in bytes.</param>
    /// <param name="maxBytes">Longest key allowed, in bytes.</param>
    /// <param name="what">Names the kind of key in the message ("an AES-256 key").</param>
    /// <returns>This key file.</returns>
    /// <exception cref="KeyFileException">A key is outside the range; names its line and id, not its bytes.</exception>
    public KeyFile RequireKeyLength(int minBytes, int maxBytes, string what)
    {
        foreach (var e in Entries)
        {
            if (e.Key.Length >= minBytes && e.Key.Length <= maxBytes) continue;
            var rule = minBytes == maxBytes ? $"exactly {minBytes}" : maxBytes == int.MaxValue ? $"at least {minBytes}" : $"{minBytes} to {maxBytes}";
            throw new KeyFileException(Source, e.Line, $"line {e.Line}: key '{e.KeyId}' is {e.Key.Length} bytes; {what} has {rule} bytes");
        }
        return this;
    }

    /// <summary>
    /// The text form (one entry a line, then <c>active &lt;id&gt;</c>), parseable by <see cref="Parse"/>.
    /// It contains the keys: write it only to files with mode 0600 (see <see cref="Save"/>).
    /// </summary>
    public string Format()
    {
        var text = new StringBuilder();
        foreach (var e in Entries) text.Append(e.KeyId).Append(' ').Append(Convert.ToBase64String(e.Key)).Append('\n');
        return text.Append(ActiveDirective).Append(' ').Append(ActiveKeyId).Append('\n').ToString();
    }

    /// <summary>
    /// Writes <see cref="Format"/> to <paramref name="path"/> with mode 0600 (owner read/write only, on Unix),
    /// atomically: a temporary file in the same directory, created 0600, then renamed over the target.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="overwrite">Replace an existing file (default: false, so keys are never clobbered by accident).</param>
    /// <exception cref="IOException">The file exists and <paramref name="overwrite"/> is false, or the write fails.</exception>
    public void Save(string path, bool overwrite = false)
    {
        var full = Path.GetFullPath(path);
        if (!overwrite && File.Exists(full)) throw new IOException($"{full} exists; not overwriting a key file");
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
                writer.Write(Format());
            File.Move(temp, full, overwrite);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static KeyFileEntry ParseEntry(string id, string base64, string source, int line, string where, List<KeyFileEntry> seen)
    {
        CheckKeyId(id, source, line, where);
        if (seen.Any(e => e.KeyId == id))
            throw new KeyFileException(source, line, $"{where}: key id '{id}' repeats (first on line {seen.First(e => e.KeyId == id).Line})");
        // Never echo the base64 text: it is the key, or most of it.
        var buffer = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, buffer, out var length))
            throw new KeyFileException(source, line, $"{where}: the key of '{id}' is not valid base64");
        return new KeyFileEntry(id, buffer.AsSpan(0, length).ToArray(), line);
    }

    private static void CheckKeyId(string id, string source, int line, string where)
    {
        // The text is not echoed: a line with its fields swapped would put a key here.
        if (DescribeKeyIdProblem(id) is { } problem)
            throw new KeyFileException(source, line, $"{where}: {problem}");
    }

    private static string? DescribeKeyIdProblem(ReadOnlySpan<char> id)
    {
        if (id.Length is 0 or > MaxKeyIdLength)
            return $"a key id has 1-{MaxKeyIdLength} characters, this one {id.Length}";
        for (var i = 0; i < id.Length; i++)
            if (!IsKeyIdChar(id[i]))
                return $"a key id is made of [A-Za-z0-9._-]; character {i + 1} is not";
        return id.SequenceEqual(ActiveDirective) ? "'active' is reserved and cannot be a key id" : null;
    }

    private static bool IsKeyIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}

/// <summary>One key of a <see cref="KeyFile"/>.</summary>
/// <param name="KeyId">1-64 characters of <c>[A-Za-z0-9._-]</c>.</param>
/// <param name="Key">The key bytes (base64-decoded); callers must not change them.</param>
/// <param name="Line">The 1-based line it was read from (0 when made in code).</param>
public sealed record KeyFileEntry(string KeyId, byte[] Key, int Line = 0)
{
    /// <summary>The id and length only: key bytes never reach logs.</summary>
    public override string ToString() => $"{KeyId} ({Key.Length} bytes)";
}

/// <summary>A key file that cannot be used. The message names the source and line and never contains key material.</summary>
public sealed class KeyFileException : Exception
{
    /// <summary>A failure at <paramref name="line"/> (0: the file as a whole) of <paramref name="source"/>.</summary>
    public KeyFileException(string source, int line, string message)
        : base(message.StartsWith(source, StringComparison.Ordinal) ? message : $"{source} {message}")
    {
        Origin = source;
        LineNumber = line;
    }

    /// <summary>Where the text came from: a path, an environment variable's name, or "key file".</summary>
    public string Origin { get; }

    /// <summary>The 1-based line at fault, or 0 when the fault is the file as a whole (no keys).</summary>
    public int LineNumber { get; }
}

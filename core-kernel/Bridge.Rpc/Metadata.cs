using System.Collections;

namespace Bridge.Rpc;

/// <summary>
/// Custom metadata of a call: an ordered list of key/value entries sent as HTTP/2 headers
/// (request headers, response headers) or trailers. Keys are lower-case
/// <c>[0-9a-z_.-]+</c>; a key ending in <c>-bin</c> carries bytes (base64 on the wire),
/// any other key an ASCII string of printable characters (0x20–0x7E). Keys may repeat.
/// Source: gRPC over HTTP/2, "Custom-Metadata" (PROTOCOL-HTTP2.md). Mirrors grpc-dotnet's
/// <c>Grpc.Core.Metadata</c>.
/// </summary>
public sealed class Metadata : IList<Metadata.Entry>
{
    /// <summary>Suffix that marks a binary-valued key.</summary>
    public const string BinaryHeaderSuffix = "-bin";

    private readonly List<Entry> _entries = new();

    /// <summary>An empty, shared, read-only instance.</summary>
    public static readonly Metadata Empty = new() { IsReadOnly = true };

    /// <summary>Adds an ASCII entry.</summary>
    /// <exception cref="ArgumentException">The key is invalid, is binary, or the value has non-printable characters.</exception>
    public void Add(string key, string value) => Add(new Entry(key, value));

    /// <summary>Adds a binary entry; the key must end in <c>-bin</c>.</summary>
    /// <exception cref="ArgumentException">The key is invalid or not binary.</exception>
    public void Add(string key, byte[] valueBytes) => Add(new Entry(key, valueBytes));

    /// <summary>The first entry with <paramref name="key"/> (case-insensitive), or null.</summary>
    public Entry? Get(string key)
    {
        foreach (var e in _entries)
            if (string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase)) return e;
        return null;
    }

    /// <summary>The string value of the first entry with <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key) => Get(key)?.Value;

    /// <summary>The bytes of the first binary entry with <paramref name="key"/>, or null.</summary>
    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    /// <inheritdoc />
    public Entry this[int index]
    {
        get => _entries[index];
        set { ThrowIfReadOnly(); _entries[index] = value; }
    }

    /// <inheritdoc />
    public int Count => _entries.Count;

    /// <inheritdoc />
    public bool IsReadOnly { get; private set; }

    /// <inheritdoc />
    public void Add(Entry item) { ThrowIfReadOnly(); _entries.Add(item); }

    /// <inheritdoc />
    public void Clear() { ThrowIfReadOnly(); _entries.Clear(); }

    /// <inheritdoc />
    public bool Contains(Entry item) => _entries.Contains(item);

    /// <inheritdoc />
    public void CopyTo(Entry[] array, int arrayIndex) => _entries.CopyTo(array, arrayIndex);

    /// <inheritdoc />
    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public int IndexOf(Entry item) => _entries.IndexOf(item);

    /// <inheritdoc />
    public void Insert(int index, Entry item) { ThrowIfReadOnly(); _entries.Insert(index, item); }

    /// <inheritdoc />
    public bool Remove(Entry item) { ThrowIfReadOnly(); return _entries.Remove(item); }

    /// <inheritdoc />
    public void RemoveAt(int index) { ThrowIfReadOnly(); _entries.RemoveAt(index); }

    private void ThrowIfReadOnly()
    {
        if (IsReadOnly) throw new InvalidOperationException("Metadata is read-only.");
    }

    /// <summary>One metadata entry: a validated, lower-cased key and a string or binary value.</summary>
    public sealed class Entry : IEquatable<Entry>
    {
        private readonly string? _value;
        private readonly byte[]? _bytes;

        /// <summary>An ASCII entry.</summary>
        /// <exception cref="ArgumentException">Invalid key, binary key, or a value outside 0x20–0x7E.</exception>
        public Entry(string key, string value)
        {
            Key = NormalizeKey(key);
            if (IsBinaryKey(Key))
                throw new ArgumentException($"Key '{Key}' ends in '-bin' and needs a byte[] value.", nameof(key));
            ArgumentNullException.ThrowIfNull(value);
            foreach (var c in value)
                if (c < 0x20 || c > 0x7E)
                    throw new ArgumentException($"Value of '{Key}' has a character outside printable ASCII (0x{(int)c:X2}).", nameof(value));
            _value = value;
        }

        /// <summary>A binary entry; <paramref name="key"/> must end in <c>-bin</c>.</summary>
        /// <exception cref="ArgumentException">Invalid or non-binary key.</exception>
        public Entry(string key, byte[] valueBytes)
        {
            Key = NormalizeKey(key);
            if (!IsBinaryKey(Key))
                throw new ArgumentException($"Key '{Key}' carries bytes and must end in '-bin'.", nameof(key));
            _bytes = valueBytes ?? throw new ArgumentNullException(nameof(valueBytes));
        }

        /// <summary>The lower-case key.</summary>
        public string Key { get; }

        /// <summary>True when the key ends in <c>-bin</c>.</summary>
        public bool IsBinary => _bytes is not null;

        /// <summary>The ASCII value.</summary>
        /// <exception cref="InvalidOperationException">The entry is binary.</exception>
        public string Value => _value ?? throw new InvalidOperationException($"Entry '{Key}' is binary; read ValueBytes.");

        /// <summary>The binary value.</summary>
        /// <exception cref="InvalidOperationException">The entry is ASCII.</exception>
        public byte[] ValueBytes => _bytes ?? throw new InvalidOperationException($"Entry '{Key}' is ASCII; read Value.");

        /// <inheritdoc />
        public bool Equals(Entry? other) =>
            other is not null && Key == other.Key &&
            (IsBinary ? other.IsBinary && _bytes.AsSpan().SequenceEqual(other._bytes) : _value == other._value);

        /// <inheritdoc />
        public override bool Equals(object? obj) => Equals(obj as Entry);

        /// <inheritdoc />
        public override int GetHashCode() => HashCode.Combine(Key, _value, _bytes?.Length);

        /// <inheritdoc />
        public override string ToString() =>
            IsBinary ? $"[Entry: key={Key}, valueBytes={Convert.ToBase64String(_bytes!)}]" : $"[Entry: key={Key}, value={_value}]";

        /// <summary>True when <paramref name="key"/> ends in <c>-bin</c>.</summary>
        public static bool IsBinaryKey(string key) => key.EndsWith(BinaryHeaderSuffix, StringComparison.OrdinalIgnoreCase);

        /// <summary>True when <paramref name="key"/> is a valid header name: <c>[0-9a-zA-Z_.-]+</c>.</summary>
        public static bool IsValidKey(string key)
        {
            if (string.IsNullOrEmpty(key)) return false;
            foreach (var c in key)
                if (!(c is >= '0' and <= '9' or >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_' or '-' or '.'))
                    return false;
            return true;
        }

        private static string NormalizeKey(string key)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (!IsValidKey(key))
                throw new ArgumentException($"Metadata key '{key}' is not a valid header name ([0-9a-z_.-]+).", nameof(key));
            return key.ToLowerInvariant();
        }
    }
}

using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Bridge.Schedulers.Services.Definitions;

/// <summary>
/// An immutable string-to-string map with value equality, keys in ordinal order (Marathon's
/// <c>env</c>, <c>labels</c>, port labels). Two maps are equal when they hold the same pairs.
/// </summary>
public sealed class ValueMap : IReadOnlyDictionary<string, string>, IEquatable<ValueMap>
{
    private readonly KeyValuePair<string, string>[] _pairs; // sorted by key, ordinal, keys unique
    private int _hash;

    /// <summary>The empty map.</summary>
    public static readonly ValueMap Empty = new([]);

    private ValueMap(KeyValuePair<string, string>[] sorted) => _pairs = sorted;

    /// <summary>A map of <paramref name="pairs"/>.</summary>
    /// <exception cref="ArgumentException">A key appears twice.</exception>
    public static ValueMap Of(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var array = pairs.ToArray();
        if (array.Length == 0) return Empty;
        Array.Sort(array, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        for (int i = 1; i < array.Length; i++)
            if (array[i].Key == array[i - 1].Key) throw new ArgumentException($"key '{array[i].Key}' appears twice", nameof(pairs));
        return new ValueMap(array);
    }

    /// <summary>A map of the given pairs, e.g. <c>ValueMap.Of(("owner", "zeus"))</c>.</summary>
    /// <exception cref="ArgumentException">A key appears twice.</exception>
    public static ValueMap Of(params (string Key, string Value)[] pairs) => Of(pairs.Select(p => KeyValuePair.Create(p.Key, p.Value)));

    /// <inheritdoc />
    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no key '{key}'");

    /// <inheritdoc />
    public IEnumerable<string> Keys => _pairs.Select(p => p.Key);

    /// <inheritdoc />
    public IEnumerable<string> Values => _pairs.Select(p => p.Value);

    /// <inheritdoc />
    public int Count => _pairs.Length;

    /// <inheritdoc />
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        int i = IndexOf(key);
        value = i >= 0 ? _pairs[i].Value : null;
        return i >= 0;
    }

    /// <inheritdoc />
    public bool Equals(ValueMap? other) => other is not null && (ReferenceEquals(this, other) || _pairs.AsSpan().SequenceEqual(other._pairs));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ValueMap);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        if (_hash != 0) return _hash;
        var h = new HashCode();
        foreach (var p in _pairs) h.Add(p);
        int value = h.ToHashCode();
        return _hash = value == 0 ? 1 : value;
    }

    /// <summary><c>{k=v, ...}</c>.</summary>
    public override string ToString() => "{" + string.Join(", ", _pairs.Select(p => $"{p.Key}={p.Value}")) + "}";

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_pairs).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        int lo = 0, hi = _pairs.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = string.CompareOrdinal(_pairs[mid].Key, key);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }
}

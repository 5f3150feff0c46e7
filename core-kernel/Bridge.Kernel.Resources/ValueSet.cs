using System.Collections;

namespace Bridge.Kernel;

/// <summary>
/// An immutable, ordinally sorted set of text items (Mesos <c>Value::Set</c>, e.g.
/// <c>disks:{sda,sdb}</c>).
/// </summary>
public sealed class ValueSet : IEquatable<ValueSet>, IReadOnlyCollection<string>
{
    private readonly string[] _items;

    /// <summary>The empty set.</summary>
    public static readonly ValueSet Empty = new([]);

    private ValueSet(string[] sortedDistinct) => _items = sortedDistinct;

    /// <summary>A set of the given items (duplicates collapse).</summary>
    /// <exception cref="ArgumentException">An item is empty.</exception>
    public static ValueSet Of(IEnumerable<string> items)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (string.IsNullOrEmpty(item)) throw new ArgumentException("set items must be non-empty", nameof(items));
            set.Add(item);
        }
        return set.Count == 0 ? Empty : new ValueSet([.. set]);
    }

    /// <summary>Number of items.</summary>
    public int Count => _items.Length;

    /// <summary>True when no item is held.</summary>
    public bool IsEmpty => _items.Length == 0;

    /// <summary>True when every item of <paramref name="other"/> is in this set.</summary>
    public bool Contains(ValueSet other) => other._items.All(i => Array.BinarySearch(_items, i, StringComparer.Ordinal) >= 0);

    /// <summary>Set union.</summary>
    public ValueSet Union(ValueSet other) => other.IsEmpty ? this : IsEmpty ? other : Of(_items.Concat(other._items));

    /// <summary>Set difference.</summary>
    public ValueSet Except(ValueSet other) => other.IsEmpty ? this : Of(_items.Except(other._items, StringComparer.Ordinal));

    /// <summary>Mesos text form: <c>{a,b}</c>.</summary>
    public override string ToString() => "{" + string.Join(",", _items) + "}";

    /// <inheritdoc />
    public bool Equals(ValueSet? other) => other is not null && _items.AsSpan().SequenceEqual(other._items);
    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ValueSet);
    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var i in _items) h.Add(i, StringComparer.Ordinal);
        return h.ToHashCode();
    }
    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

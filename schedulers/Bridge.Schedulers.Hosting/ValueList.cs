using System.Collections;
using System.Runtime.CompilerServices;

namespace Bridge.Schedulers.Hosting;

/// <summary>
/// An immutable list with value equality (same items in the same order), so that the schedulers'
/// records holding lists (an app definition and its health checks, a job's arguments and environment)
/// compare by content: a deployment plan tells a changed definition from an unchanged one with
/// <c>==</c>. Build one with a collection expression (<c>ValueList&lt;string&gt; args = ["sleep", "10"];</c>)
/// or <see cref="ValueList.From{T}(IEnumerable{T})"/>. The hash is computed once.
/// </summary>
/// <typeparam name="T">The item type; its <see cref="EqualityComparer{T}.Default"/> decides equality.</typeparam>
[CollectionBuilder(typeof(ValueList), nameof(ValueList.Create))]
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] _items;
    private int _hash;

    /// <summary>The empty list.</summary>
    public static readonly ValueList<T> Empty = new([]);

    internal ValueList(T[] items) => _items = items;

    /// <inheritdoc />
    public T this[int index] => _items[index];

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <summary>True when there are no items.</summary>
    public bool IsEmpty => _items.Length == 0;

    /// <inheritdoc />
    public bool Equals(ValueList<T>? other) =>
        other is not null && (ReferenceEquals(this, other) || _items.AsSpan().SequenceEqual(other._items, EqualityComparer<T>.Default));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        if (_hash != 0) return _hash;
        var h = new HashCode();
        foreach (var item in _items) h.Add(item);
        int value = h.ToHashCode();
        return _hash = value == 0 ? 1 : value;
    }

    /// <summary>The items, comma separated, in brackets.</summary>
    public override string ToString() => "[" + string.Join(", ", _items) + "]";

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Builds <see cref="ValueList{T}"/>s.</summary>
public static class ValueList
{
    /// <summary>A list of <paramref name="items"/> (copied); what collection expressions call.</summary>
    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) => items.IsEmpty ? ValueList<T>.Empty : new ValueList<T>(items.ToArray());

    /// <summary>A list of <paramref name="items"/> (copied).</summary>
    public static ValueList<T> From<T>(IEnumerable<T> items)
    {
        var array = items.ToArray();
        return array.Length == 0 ? ValueList<T>.Empty : new ValueList<T>(array);
    }
}

namespace Bridge.Eventing.Log.Internal;

/// <summary>
/// A list one writer appends to while any number of readers search it without locks: the writer
/// stores the item, then publishes the count (a growing array is published before the count that
/// needs it), so a reader that reads the count first always sees that many initialised items.
/// </summary>
internal sealed class AppendOnlyList<T> where T : struct
{
    private T[] _items;
    private int _count;

    public AppendOnlyList(int capacity = 16) => _items = new T[Math.Max(capacity, 4)];

    /// <summary>Items published so far (read this before <see cref="Items"/>).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The backing array; valid up to a <see cref="Count"/> read before it.</summary>
    public T[] Items => Volatile.Read(ref _items);

    /// <summary>The published items as a span (count read first).</summary>
    public ReadOnlySpan<T> AsSpan()
    {
        var count = Count;
        return Items.AsSpan(0, count);
    }

    /// <summary>Appends an item. Single writer only.</summary>
    public void Add(T item)
    {
        var items = _items;
        if (_count == items.Length)
        {
            var grown = new T[items.Length * 2];
            Array.Copy(items, grown, _count);
            Volatile.Write(ref _items, grown);
            items = grown;
        }
        items[_count] = item;
        Volatile.Write(ref _count, _count + 1);
    }
}

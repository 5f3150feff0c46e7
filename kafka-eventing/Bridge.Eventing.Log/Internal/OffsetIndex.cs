using System.Buffers.Binary;

namespace Bridge.Eventing.Log.Internal;

/// <summary>
/// A segment's sparse offset index, Kafka's .index format: 8-byte entries, big-endian
/// <c>relativeOffset: int32</c> (batch base offset − segment base offset) and <c>position: int32</c>
/// (byte position of that batch in the .log file), both strictly increasing. One entry per
/// <see cref="Storage.LogConfig.IndexIntervalBytes"/> appended; the batch at position 0 is implicit.
/// Held in memory (one writer, lock-free readers); written to disk when the segment is sealed.
/// </summary>
internal sealed class OffsetIndex
{
    public const int EntrySize = 8;

    private readonly AppendOnlyList<Entry> _entries = new();

    public readonly record struct Entry(int RelativeOffset, int Position);

    public int Count => _entries.Count;

    public Entry? Last => Count == 0 ? null : _entries.AsSpan()[^1];

    public void Add(int relativeOffset, int position) => _entries.Add(new Entry(relativeOffset, position));

    /// <summary>The entry with the largest relative offset ≤ <paramref name="relativeOffset"/>, or (0, 0).</summary>
    public Entry Floor(long relativeOffset)
    {
        var entries = _entries.AsSpan();
        int lo = 0, hi = entries.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (entries[mid].RelativeOffset <= relativeOffset) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found < 0 ? new Entry(0, 0) : entries[found];
    }

    public byte[] Serialize()
    {
        var entries = _entries.AsSpan();
        var bytes = new byte[entries.Length * EntrySize];
        for (var i = 0; i < entries.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(i * EntrySize), entries[i].RelativeOffset);
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(i * EntrySize + 4), entries[i].Position);
        }
        return bytes;
    }

    /// <summary>
    /// Loads an index file's bytes, or null when they cannot belong to a segment of
    /// <paramref name="segmentSize"/> bytes: not a whole number of entries, not strictly increasing,
    /// a negative offset, or a position at or past the end of the segment.
    /// </summary>
    public static OffsetIndex? TryLoad(ReadOnlySpan<byte> bytes, long segmentSize)
    {
        if (bytes.Length % EntrySize != 0)
            return null;
        var index = new OffsetIndex();
        var previous = new Entry(-1, -1);
        for (var i = 0; i < bytes.Length; i += EntrySize)
        {
            var entry = new Entry(BinaryPrimitives.ReadInt32BigEndian(bytes[i..]), BinaryPrimitives.ReadInt32BigEndian(bytes[(i + 4)..]));
            if (entry.RelativeOffset <= previous.RelativeOffset || entry.Position <= previous.Position || entry.Position >= segmentSize)
                return null;
            index.Add(entry.RelativeOffset, entry.Position);
            previous = entry;
        }
        return index;
    }
}

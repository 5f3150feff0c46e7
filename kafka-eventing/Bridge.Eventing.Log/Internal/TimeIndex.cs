using System.Buffers.Binary;

namespace Bridge.Eventing.Log.Internal;

/// <summary>
/// A segment's sparse time index, Kafka's .timeindex format: 12-byte entries, big-endian
/// <c>timestamp: int64</c> (ms) and <c>relativeOffset: int32</c>, both increasing. An entry (T, R)
/// means: T is the largest batch maxTimestamp among the segment's batches up to and including the
/// batch at relative offset R. So every batch before the first entry with T ≥ ts has maxTimestamp
/// &lt; ts, and a search for ts may start at the last entry with T &lt; ts. Entries are added with the
/// offset index's (when the running maximum grew) and once more when the segment is sealed, so the
/// last entry's T is the segment's largest timestamp.
/// </summary>
internal sealed class TimeIndex
{
    public const int EntrySize = 12;

    private readonly AppendOnlyList<Entry> _entries = new();

    public readonly record struct Entry(long Timestamp, int RelativeOffset);

    public int Count => _entries.Count;

    /// <summary>Timestamp of the last entry, or -1 (Kafka's NO_TIMESTAMP) when empty.</summary>
    public long LastTimestamp => Count == 0 ? -1 : _entries.AsSpan()[^1].Timestamp;

    public void Add(long timestamp, int relativeOffset) => _entries.Add(new Entry(timestamp, relativeOffset));

    /// <summary>The relative offset of the last entry with a timestamp &lt; <paramref name="timestamp"/>, or 0.</summary>
    public int LastBelow(long timestamp)
    {
        var entries = _entries.AsSpan();
        int lo = 0, hi = entries.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (entries[mid].Timestamp < timestamp) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found < 0 ? 0 : entries[found].RelativeOffset;
    }

    public byte[] Serialize()
    {
        var entries = _entries.AsSpan();
        var bytes = new byte[entries.Length * EntrySize];
        for (var i = 0; i < entries.Length; i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(i * EntrySize), entries[i].Timestamp);
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(i * EntrySize + 8), entries[i].RelativeOffset);
        }
        return bytes;
    }

    /// <summary>
    /// Loads a time index file's bytes, or null when they are not a whole number of entries,
    /// timestamps are not strictly increasing, or relative offsets decrease or are negative.
    /// </summary>
    public static TimeIndex? TryLoad(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % EntrySize != 0)
            return null;
        var index = new TimeIndex();
        var previous = new Entry(long.MinValue, 0);
        for (var i = 0; i < bytes.Length; i += EntrySize)
        {
            var entry = new Entry(BinaryPrimitives.ReadInt64BigEndian(bytes[i..]), BinaryPrimitives.ReadInt32BigEndian(bytes[(i + 8)..]));
            if (entry.Timestamp <= previous.Timestamp || entry.RelativeOffset < previous.RelativeOffset)
                return null;
            index.Add(entry.Timestamp, entry.RelativeOffset);
            previous = entry;
        }
        return index;
    }
}

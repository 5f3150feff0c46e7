using System.Buffers.Binary;
using Bridge.Eventing.Log.Records;

namespace Bridge.Eventing.Log.Internal;

/// <summary>
/// The fetch read path of <see cref="Storage.PartitionLog.Read"/>: locate the batch holding an offset
/// (segment by binary search on base offsets, position by the sparse index plus a short header
/// scan), then copy whole batches across segments into one buffer sized for the answer.
/// </summary>
internal static class SegmentReads
{
    /// <param name="segments">The snapshot's segments, oldest first.</param>
    /// <param name="activeSize">Visible bytes of the last segment in this snapshot.</param>
    /// <param name="fetchOffset">An offset from the first segment's base to below the snapshot's log end.</param>
    /// <param name="maxBytes">Soft limit; the first batch is always returned whole.</param>
    public static ReadOnlyMemory<byte> ReadBatches(LogSegment[] segments, long activeSize, long fetchOffset, int maxBytes)
    {
        long Visible(int i) => i == segments.Length - 1 ? activeSize : segments[i].Size;

        var first = IndexOfSegment(segments, fetchOffset);
        var start = first;
        long position = 0;
        for (; start < segments.Length; start++)
        {
            position = start == first ? segments[start].FindBatchPosition(fetchOffset, Visible(start)) : 0;
            if (position < Visible(start))
                break;
        }
        if (start == segments.Length)
            return ReadOnlyMemory<byte>.Empty;

        var firstBatchSize = ReadBatchSize(segments[start], position);
        long available = Visible(start) - position;
        for (var i = start + 1; i < segments.Length && available < maxBytes; i++)
            available += Visible(i);
        var buffer = new byte[Math.Max(firstBatchSize, (int)Math.Min(maxBytes, available))];

        var written = 0;
        for (var i = start; i < segments.Length && written < buffer.Length; i++)
        {
            var from = i == start ? position : 0;
            var remainingInSegment = Visible(i) - from;
            var want = (int)Math.Min(buffer.Length - written, remainingInSegment);
            if (want <= 0)
                continue;
            var read = segments[i].Read(buffer.AsSpan(written, want), from);
            var whole = WholeBatchesLength(buffer.AsSpan(written, read), segments[i], from);
            written += whole;
            if (whole < remainingInSegment)
                break; // the buffer is full up to a batch boundary
        }
        return buffer.AsMemory(0, written);
    }

    /// <summary>Index of the last segment whose base offset is ≤ <paramref name="offset"/> (0 if none).</summary>
    internal static int IndexOfSegment(LogSegment[] segments, long offset)
    {
        int lo = 0, hi = segments.Length - 1, found = 0;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (segments[mid].BaseOffset <= offset) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }

    private static int ReadBatchSize(LogSegment segment, long position)
    {
        Span<byte> head = stackalloc byte[RecordBatchHeader.LogOverhead];
        if (segment.Read(head, position) < head.Length)
            throw Corrupt(segment, position);
        var length = BinaryPrimitives.ReadInt32BigEndian(head[8..]);
        if (length is < RecordBatchHeader.MinBatchLength or > RecordBatchHeader.MaxBatchLength)
            throw Corrupt(segment, position);
        return RecordBatchHeader.LogOverhead + length;
    }

    /// <summary>Length of the prefix of <paramref name="bytes"/> made of whole batches (by their batchLength fields).</summary>
    private static int WholeBatchesLength(ReadOnlySpan<byte> bytes, LogSegment segment, long filePosition)
    {
        var offset = 0;
        while (bytes.Length - offset >= RecordBatchHeader.LogOverhead)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes[(offset + 8)..]);
            if (length is < RecordBatchHeader.MinBatchLength or > RecordBatchHeader.MaxBatchLength)
                throw Corrupt(segment, filePosition + offset);
            if ((long)RecordBatchHeader.LogOverhead + length > bytes.Length - offset)
                break;
            offset += RecordBatchHeader.LogOverhead + length;
        }
        return offset;
    }

    private static InvalidDataException Corrupt(LogSegment segment, long position) =>
        new($"{segment.LogPath}: no valid batch at byte {position}; the segment is corrupt.");
}

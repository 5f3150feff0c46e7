using Bridge.Eventing.Log.Records;
using Microsoft.Win32.SafeHandles;

namespace Bridge.Eventing.Log.Internal;

/// <summary>
/// Opens a partition directory and repairs it (Kafka's log recovery, simplified for one node):
/// <list type="bullet">
/// <item>stale <c>*.tmp</c> files and indexes without a .log are deleted;</item>
/// <item>the last (active) segment is always scanned batch by batch, checking each header, CRC-32C and
/// that offsets are contiguous from the segment's base offset; the file is cut after the last good
/// batch (a torn write from kill -9 or power loss) and its indexes are rebuilt in memory;</item>
/// <item>older (sealed) segments keep their .index/.timeindex when those pass a sanity check (sizes,
/// order, bounds, and the first and last indexed batches really start at the offsets they claim);
/// otherwise they are rebuilt by the same scan (cutting an invalid tail) and rewritten.</item>
/// </list>
/// The active segment is scanned on every open, clean shutdown or not: at the default 1 GiB segment
/// size that is one sequential read with CRC-32C, about a second on this machine class.
/// </summary>
internal static class SegmentLoader
{
    private const int ScanBufferBytes = 1024 * 1024;

    public sealed record Loaded(List<LogSegment> Segments, long TruncatedBytes, List<long> RebuiltIndexes);

    public static Loaded LoadDirectory(string directory, int indexIntervalBytes, long nowMs)
    {
        System.IO.Directory.CreateDirectory(directory);
        var bases = CleanAndListSegments(directory);
        var segments = new List<LogSegment>();
        var rebuilt = new List<long>();
        long truncated = 0;
        try
        {
            if (bases.Count == 0)
            {
                segments.Add(CreateNew(directory, 0, indexIntervalBytes, nowMs));
                return new Loaded(segments, 0, rebuilt);
            }
            for (var i = 0; i < bases.Count - 1; i++)
            {
                var segment = LoadSealed(directory, bases[i], bases[i + 1], indexIntervalBytes, nowMs, out var cut, out var wasRebuilt);
                segments.Add(segment);
                truncated += cut;
                if (wasRebuilt) rebuilt.Add(bases[i]);
            }
            segments.Add(Recover(directory, bases[^1], indexIntervalBytes, nowMs, out var activeCut));
            return new Loaded(segments, truncated + activeCut, rebuilt);
        }
        catch
        {
            segments.ForEach(s => s.Dispose());
            throw;
        }
    }

    /// <summary>Creates an empty segment file (and makes its name durable).</summary>
    /// <exception cref="IOException">The file already exists or cannot be created.</exception>
    public static LogSegment CreateNew(string directory, long baseOffset, int indexIntervalBytes, long nowMs)
    {
        File.Delete(SegmentFiles.IndexPath(directory, baseOffset));
        File.Delete(SegmentFiles.TimeIndexPath(directory, baseOffset));
        var file = File.OpenHandle(SegmentFiles.LogPath(directory, baseOffset), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        DurableFiles.SyncDirectory(directory);
        return new LogSegment(directory, baseOffset, file, indexIntervalBytes, nowMs);
    }

    private static List<long> CleanAndListSegments(string directory)
    {
        foreach (var temp in System.IO.Directory.EnumerateFiles(directory, "*" + SegmentFiles.TempSuffix))
            File.Delete(temp);
        var bases = new SortedSet<long>();
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*" + SegmentFiles.LogExtension))
        {
            if (SegmentFiles.TryParseBaseOffset(Path.GetFileNameWithoutExtension(path), out var baseOffset))
                bases.Add(baseOffset);
        }
        foreach (var path in System.IO.Directory.EnumerateFiles(directory))
        {
            var extension = Path.GetExtension(path);
            if ((extension == SegmentFiles.IndexExtension || extension == SegmentFiles.TimeIndexExtension)
                && SegmentFiles.TryParseBaseOffset(Path.GetFileNameWithoutExtension(path), out var owner) && !bases.Contains(owner))
                File.Delete(path);
        }
        return bases.ToList();
    }

    private static LogSegment Recover(string directory, long baseOffset, int indexIntervalBytes, long nowMs, out long truncated)
    {
        var file = OpenExisting(directory, baseOffset);
        var segment = new LogSegment(directory, baseOffset, file, indexIntervalBytes, nowMs);
        truncated = ScanAndTruncate(segment);
        return segment;
    }

    private static LogSegment LoadSealed(string directory, long baseOffset, long nextBaseOffset, int indexIntervalBytes, long nowMs,
        out long truncated, out bool rebuilt)
    {
        var file = OpenExisting(directory, baseOffset);
        var segment = new LogSegment(directory, baseOffset, file, indexIntervalBytes, nowMs);
        truncated = 0;
        rebuilt = false;
        var length = RandomAccess.GetLength(file);
        var offsetIndex = TryRead(SegmentFiles.IndexPath(directory, baseOffset)) is { } ib ? OffsetIndex.TryLoad(ib, length) : null;
        var timeIndex = TryRead(SegmentFiles.TimeIndexPath(directory, baseOffset)) is { } tb ? TimeIndex.TryLoad(tb) : null;
        if (offsetIndex is not null && timeIndex is not null && IndexesMatch(segment, offsetIndex, timeIndex, length, nextBaseOffset))
        {
            segment.OffsetIndex = offsetIndex;
            segment.TimeIndex = timeIndex;
            segment.Size = length;
            segment.NextOffset = nextBaseOffset;
            segment.MaxTimestamp = timeIndex.LastTimestamp;
            return segment;
        }
        truncated = ScanAndTruncate(segment);
        segment.Seal();
        rebuilt = true;
        return segment;
    }

    /// <summary>Sanity check of loaded indexes against the .log: bounds, and the batches at position 0 and at the last entry.</summary>
    private static bool IndexesMatch(LogSegment segment, OffsetIndex offsetIndex, TimeIndex timeIndex, long length, long nextBaseOffset)
    {
        var span = nextBaseOffset - segment.BaseOffset;
        if (length == 0)
            return offsetIndex.Count == 0 && timeIndex.Count == 0;
        if (timeIndex.Count == 0 && offsetIndex.Count > 0)
            return false; // entries are added together; only all-untimestamped segments have no time entries
        var last = offsetIndex.Last ?? new OffsetIndex.Entry(0, 0);
        return last.RelativeOffset < span
            && BatchStartsAt(segment, 0, segment.BaseOffset)
            && BatchStartsAt(segment, last.Position, segment.BaseOffset + last.RelativeOffset);
    }

    private static bool BatchStartsAt(LogSegment segment, long position, long expectedBaseOffset)
    {
        Span<byte> header = stackalloc byte[RecordBatchHeader.Size];
        var n = segment.Read(header, position);
        return RecordBatchHeader.TryReadHeader(header[..n], out var parsed) == RecordBatchError.None
            && parsed.BaseOffset == expectedBaseOffset;
    }

    /// <summary>
    /// Scans the whole file verifying every batch, indexes the good prefix into <paramref name="segment"/>
    /// and cuts the file after it. Returns the bytes cut.
    /// </summary>
    private static long ScanAndTruncate(LogSegment segment)
    {
        var length = RandomAccess.GetLength(segment.File);
        var reader = new BatchReader(segment.File, 0, length, verifyCrc: true, ScanBufferBytes);
        var expected = segment.BaseOffset;
        while (reader.TryNext(out var header, out var position) && header.BaseOffset == expected)
        {
            segment.Track(header, position);
            expected = header.LastOffset + 1;
        }
        if (segment.Size == length)
            return 0;
        RandomAccess.SetLength(segment.File, segment.Size);
        RandomAccess.FlushToDisk(segment.File);
        return length - segment.Size;
    }

    private static SafeFileHandle OpenExisting(string directory, long baseOffset) =>
        File.OpenHandle(SegmentFiles.LogPath(directory, baseOffset), FileMode.Open, FileAccess.ReadWrite, FileShare.Read);

    private static byte[]? TryRead(string path) => File.Exists(path) ? File.ReadAllBytes(path) : null;
}

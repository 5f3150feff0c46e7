using Bridge.Eventing.Log.Records;
using Bridge.Eventing.Log.Storage;
using Microsoft.Win32.SafeHandles;

namespace Bridge.Eventing.Log.Internal;

/// <summary>
/// One segment of a partition log: the .log file of batches starting at <see cref="BaseOffset"/>
/// and its in-memory sparse indexes. The owning <see cref="PartitionLog"/> is the single writer
/// (appends, flush, seal); readers use positional reads bounded by a size they were given, plus the
/// indexes, which are safe to search while the writer appends. Opening and repairing segment files
/// is in <see cref="SegmentLoader"/>.
/// </summary>
internal sealed class LogSegment : IDisposable
{
    private const int LookupBufferBytes = 8 * 1024;

    private readonly SafeFileHandle _file;
    private readonly int _indexIntervalBytes;
    private int _bytesSinceIndexEntry;
    private long _maxTimestamp = -1;

    internal LogSegment(string directory, long baseOffset, SafeFileHandle file, int indexIntervalBytes, long openedAtMs)
    {
        Directory = directory;
        BaseOffset = baseOffset;
        NextOffset = baseOffset;
        _file = file;
        _indexIntervalBytes = indexIntervalBytes;
        OpenedAtMs = openedAtMs;
    }

    public string Directory { get; }
    public long BaseOffset { get; }
    public string LogPath => SegmentFiles.LogPath(Directory, BaseOffset);
    internal SafeFileHandle File => _file;
    public OffsetIndex OffsetIndex { get; internal set; } = new();
    public TimeIndex TimeIndex { get; internal set; } = new();

    /// <summary>Bytes of whole batches in the file (the writer's view; readers get theirs from the log state).</summary>
    public long Size { get; internal set; }

    /// <summary>Offset after the last batch (the writer's view).</summary>
    public long NextOffset { get; internal set; }

    /// <summary>Largest batch maxTimestamp in the segment, ms (-1: none).</summary>
    public long MaxTimestamp
    {
        get => Volatile.Read(ref _maxTimestamp);
        internal set => Volatile.Write(ref _maxTimestamp, value);
    }

    /// <summary>maxTimestamp of the first batch (-1: none or empty): Kafka's base for time-based rolls.</summary>
    public long FirstBatchMaxTimestamp { get; private set; } = -1;

    /// <summary>Wall-clock ms when this segment was created or opened: the roll base when batches carry no timestamps.</summary>
    public long OpenedAtMs { get; }

    private long LastBatchBaseOffset { get; set; } = -1;

    /// <summary>
    /// Records one batch written at <paramref name="position"/> (header carrying its assigned base
    /// offset): sizes, timestamps, and an index entry every <c>IndexIntervalBytes</c>.
    /// </summary>
    internal void Track(in RecordBatchHeader header, long position)
    {
        if (position == 0)
            FirstBatchMaxTimestamp = header.MaxTimestamp;
        if (header.MaxTimestamp > MaxTimestamp)
            MaxTimestamp = header.MaxTimestamp;
        if (position > 0 && _bytesSinceIndexEntry >= _indexIntervalBytes)
        {
            var relative = (int)(header.BaseOffset - BaseOffset);
            OffsetIndex.Add(relative, (int)position);
            if (MaxTimestamp > TimeIndex.LastTimestamp)
                TimeIndex.Add(MaxTimestamp, relative);
            _bytesSinceIndexEntry = 0;
        }
        _bytesSinceIndexEntry += header.SizeInBytes;
        LastBatchBaseOffset = header.BaseOffset;
        Size = position + header.SizeInBytes;
        NextOffset = header.LastOffset + 1;
    }

    /// <summary>
    /// Writes <paramref name="batches"/> at the end of the file with offsets assigned from
    /// <paramref name="firstOffset"/> (one gathered positional write), fsyncs when asked, then indexes
    /// them. On an I/O error the file is cut back to its previous size and the error rethrown.
    /// </summary>
    public void Append(IReadOnlyList<RecordBatch> batches, long firstOffset, int leaderEpoch, bool fsync)
    {
        var prefixes = new byte[batches.Count * RecordBatchHeader.MagicOffset];
        var pieces = new ReadOnlyMemory<byte>[batches.Count * 2];
        var offset = firstOffset;
        for (var i = 0; i < batches.Count; i++)
        {
            var prefix = prefixes.AsMemory(i * RecordBatchHeader.MagicOffset, RecordBatchHeader.MagicOffset);
            batches[i].Bytes.Span[..RecordBatchHeader.MagicOffset].CopyTo(prefix.Span);
            RecordBatchHeader.AssignOffsets(prefix.Span, offset, leaderEpoch);
            pieces[2 * i] = prefix;
            pieces[2 * i + 1] = batches[i].Bytes[RecordBatchHeader.MagicOffset..];
            offset += batches[i].Header.LastOffsetDelta + 1;
        }
        try
        {
            RandomAccess.Write(_file, pieces, Size);
            if (fsync)
                RandomAccess.FlushToDisk(_file);
        }
        catch (IOException)
        {
            TryCutBack();
            throw;
        }
        offset = firstOffset;
        foreach (var batch in batches)
        {
            Track(batch.Header with { BaseOffset = offset, PartitionLeaderEpoch = leaderEpoch }, Size);
            offset += batch.Header.LastOffsetDelta + 1;
        }
    }

    private void TryCutBack()
    {
        try { RandomAccess.SetLength(_file, Size); }
        catch (IOException) { /* the torn tail is cut by recovery on the next open */ }
    }

    /// <summary>fsyncs the .log file.</summary>
    public void Flush() => RandomAccess.FlushToDisk(_file);

    /// <summary>
    /// Makes the segment read-only for good: fsyncs it, adds the final time-index entry (so the last
    /// entry holds the segment's largest timestamp) and writes .index and .timeindex atomically.
    /// </summary>
    public void Seal()
    {
        Flush();
        if (MaxTimestamp > TimeIndex.LastTimestamp && LastBatchBaseOffset >= 0)
            TimeIndex.Add(MaxTimestamp, (int)(LastBatchBaseOffset - BaseOffset));
        WriteIndexes();
    }

    internal void WriteIndexes()
    {
        DurableFiles.WriteAtomically(SegmentFiles.IndexPath(Directory, BaseOffset), OffsetIndex.Serialize());
        DurableFiles.WriteAtomically(SegmentFiles.TimeIndexPath(Directory, BaseOffset), TimeIndex.Serialize());
    }

    /// <summary>
    /// Byte position of the batch holding <paramref name="offset"/>, or of the first batch after it
    /// when offsets are missing; <paramref name="visibleSize"/> when no visible batch ends at or after it.
    /// </summary>
    /// <exception cref="InvalidDataException">The segment file holds an invalid batch on the way.</exception>
    public long FindBatchPosition(long offset, long visibleSize)
    {
        var start = OffsetIndex.Floor(offset - BaseOffset).Position;
        var reader = new BatchReader(_file, Math.Min(start, visibleSize), visibleSize, verifyCrc: false, LookupBufferBytes);
        while (reader.TryNext(out var header, out var position))
        {
            if (header.LastOffset >= offset)
                return position;
        }
        ThrowIfCorrupt(reader);
        return visibleSize;
    }

    /// <summary>
    /// The first offset whose timestamp is ≥ <paramref name="timestampMs"/> within the first
    /// <paramref name="visibleSize"/> bytes: per record in uncompressed CreateTime batches, else the
    /// base offset and maxTimestamp of the first batch whose maxTimestamp is ≥ it. Null when none.
    /// </summary>
    public TimestampOffset? FindOffsetForTimestamp(long timestampMs, long visibleSize)
    {
        if (MaxTimestamp < timestampMs)
            return null;
        var relative = TimeIndex.LastBelow(timestampMs);
        var start = Math.Min(OffsetIndex.Floor(relative).Position, visibleSize);
        var reader = new BatchReader(_file, start, visibleSize, verifyCrc: false, LookupBufferBytes);
        while (reader.TryNext(out var header, out var position))
        {
            if (header.MaxTimestamp < timestampMs)
                continue;
            if (header.Compression == CompressionCodec.None && header.TimestampType == TimestampType.CreateTime)
            {
                var batch = new byte[header.SizeInBytes];
                if (BatchReader.ReadFully(_file, batch, position) == batch.Length
                    && RecordTimestamps.TryFindFirstAtOrAfter(batch, header, timestampMs, out var recordOffset, out var recordTimestamp))
                    return new TimestampOffset(recordOffset, recordTimestamp);
            }
            return new TimestampOffset(header.BaseOffset, header.MaxTimestamp);
        }
        ThrowIfCorrupt(reader);
        return null;
    }

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes at <paramref name="position"/>; returns the count.</summary>
    public int Read(Span<byte> destination, long position) => BatchReader.ReadFully(_file, destination, position);

    private void ThrowIfCorrupt(BatchReader reader)
    {
        if (reader.Error != RecordBatchError.None)
            throw new InvalidDataException($"{LogPath}: {reader.Error} in the batch at byte {reader.Position}; the segment is corrupt.");
    }

    /// <summary>Closes the file and deletes the segment's files (.log first, then its indexes).</summary>
    public void Delete()
    {
        Dispose();
        System.IO.File.Delete(LogPath);
        System.IO.File.Delete(SegmentFiles.IndexPath(Directory, BaseOffset));
        System.IO.File.Delete(SegmentFiles.TimeIndexPath(Directory, BaseOffset));
    }

    public void Dispose() => _file.Dispose();
}

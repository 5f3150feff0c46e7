using Bridge.Eventing.Log.Internal;
using Bridge.Eventing.Log.Records;

namespace Bridge.Eventing.Log.Storage;

/// <summary>
/// The log of one topic partition: a directory of segment files named by base offset
/// (<c>00000000000000000000.log</c> with <c>.index</c> and <c>.timeindex</c>, Kafka's layout and
/// index formats) holding RecordBatch v2 batches exactly as produced, offsets assigned.
/// <para>
/// Threading: one writer at a time — <see cref="Append"/>, <see cref="Flush"/>,
/// <see cref="ApplyRetention"/> and <see cref="Dispose"/> serialise on a lock. Readers
/// (<see cref="Read"/>, <see cref="OffsetForTimestamp"/>, the offset properties) take no writer
/// lock: they read an immutable snapshot (segments, visible size of the active segment, start and
/// end offsets) that the writer replaces after each append, and positional reads never move a shared
/// file position. A reader only shares a reader/writer lock with segment deletion (retention,
/// dispose), so a segment is never closed under it.
/// </para>
/// <para>
/// Durability: see <see cref="LogConfig.FlushIntervalMs"/>. Under the default policy a batch is
/// fsynced before <see cref="Append"/> returns and before readers can see it.
/// </para>
/// </summary>
public sealed class PartitionLog : IDisposable
{
    private readonly object _writeLock = new();
    private readonly ReaderWriterLockSlim _segmentLifetime = new();
    private readonly TimeProvider _time;
    private readonly ITimer? _flushTimer;
    private LogState _state;
    private long _flushedOffset;
    private Exception? _flushFailure;
    private volatile bool _disposed;

    /// <summary>What readers see; replaced as a whole by the writer.</summary>
    private sealed record LogState(LogSegment[] Segments, long ActiveSize, long LogStartOffset, long LogEndOffset);

    private PartitionLog(string directory, LogConfig config, TimeProvider time, SegmentLoader.Loaded loaded)
    {
        Directory = directory;
        Config = config;
        _time = time;
        var segments = loaded.Segments.ToArray();
        var active = segments[^1];
        _state = new LogState(segments, active.Size, segments[0].BaseOffset, active.NextOffset);
        _flushedOffset = active.NextOffset; // recovery fsynced what it kept
        Recovery = new LogRecovery(loaded.TruncatedBytes, loaded.RebuiltIndexes);
        if (config.FlushIntervalMs > 0)
        {
            var period = TimeSpan.FromMilliseconds(config.FlushIntervalMs);
            _flushTimer = time.CreateTimer(_ => FlushOnTimer(), null, period, period);
        }
    }

    /// <summary>
    /// Opens (creating if needed) the log in <paramref name="directory"/> and recovers it: the active
    /// segment is scanned and cut after its last whole valid batch, older segments' indexes are
    /// checked and rebuilt when missing or invalid (see <see cref="Recovery"/>). Cost: one CRC pass
    /// over the active segment.
    /// </summary>
    /// <param name="directory">The partition directory (Kafka names it TOPIC-PARTITION).</param>
    /// <param name="config">Segment, retention, index and fsync settings.</param>
    /// <param name="time">Clock for rolls, retention and the flush timer (default: system).</param>
    /// <exception cref="ArgumentException"><paramref name="config"/> is out of range.</exception>
    /// <exception cref="IOException">The directory or a segment cannot be read or repaired.</exception>
    public static PartitionLog Open(string directory, LogConfig config, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Validate() is { } problem)
            throw new ArgumentException(problem, nameof(config));
        time ??= TimeProvider.System;
        var loaded = SegmentLoader.LoadDirectory(directory, config.IndexIntervalBytes, time.GetUtcNow().ToUnixTimeMilliseconds());
        return new PartitionLog(directory, config, time, loaded);
    }

    /// <summary>The partition directory.</summary>
    public string Directory { get; }

    /// <summary>The settings the log was opened with.</summary>
    public LogConfig Config { get; }

    /// <summary>What opening the log repaired.</summary>
    public LogRecovery Recovery { get; }

    /// <summary>First offset still stored (moves forward as retention deletes segments).</summary>
    public long LogStartOffset => Volatile.Read(ref _state).LogStartOffset;

    /// <summary>Offset the next appended record gets; also the high watermark (one replica).</summary>
    public long LogEndOffset => Volatile.Read(ref _state).LogEndOffset;

    /// <summary>Every offset below this is fsynced (equals <see cref="LogEndOffset"/> under the default policy).</summary>
    public long FlushedOffset => Volatile.Read(ref _flushedOffset);

    /// <summary>Bytes stored in all segments.</summary>
    public long SizeInBytes
    {
        get
        {
            var state = Volatile.Read(ref _state);
            return state.Segments[..^1].Sum(s => s.Size) + state.ActiveSize;
        }
    }

    /// <summary>Base offsets of the segments, oldest first (the last is the active segment).</summary>
    public IReadOnlyList<long> SegmentBaseOffsets => Volatile.Read(ref _state).Segments.Select(s => s.BaseOffset).ToArray();

    /// <summary>
    /// Appends validated batches (as returned by <see cref="RecordBatches.Split"/>) in one write,
    /// assigning consecutive offsets from <see cref="LogEndOffset"/> by rewriting each batch's
    /// baseOffset and partitionLeaderEpoch (outside the CRC, so batches stay valid). Rolls to a new
    /// segment first when the active one would pass <see cref="LogConfig.SegmentBytes"/> or is
    /// <see cref="LogConfig.SegmentMs"/> old. Under the default fsync policy the data is on disk when
    /// this returns.
    /// </summary>
    /// <param name="batches">One or more batches; none larger than max.message.bytes or segment.bytes.</param>
    /// <param name="leaderEpoch">The partitionLeaderEpoch to stamp (default: 0).</param>
    /// <returns>Ok with the assigned offsets, or <see cref="AppendStatus.MessageTooLarge"/> (nothing written).</returns>
    /// <exception cref="ArgumentException"><paramref name="batches"/> is empty, or a batch's bytes do not match its header.</exception>
    /// <exception cref="IOException">The write or fsync failed, or an earlier background fsync did.</exception>
    /// <exception cref="ObjectDisposedException">The log is closed.</exception>
    public AppendResult Append(IReadOnlyList<RecordBatch> batches, int leaderEpoch = 0)
    {
        ArgumentNullException.ThrowIfNull(batches);
        if (batches.Count == 0)
            throw new ArgumentException("Append needs at least one batch.", nameof(batches));
        if (batches.Any(b => b.Bytes.Length != b.Header.SizeInBytes))
            throw new ArgumentException("Each batch's bytes must be exactly its header's size; use RecordBatches.Split.", nameof(batches));
        lock (_writeLock)
        {
            ThrowIfUnusable();
            var state = _state;
            var limit = Math.Min(Config.MaxMessageBytes, Config.SegmentBytes);
            if (batches.Any(b => b.Bytes.Length > limit))
                return new AppendResult(AppendStatus.MessageTooLarge, -1, -1, state.LogEndOffset, state.LogStartOffset);
            long bytes = 0, records = 0, maxTimestamp = -1;
            foreach (var batch in batches)
            {
                bytes += batch.Bytes.Length;
                records += batch.Header.LastOffsetDelta + 1L;
                maxTimestamp = Math.Max(maxTimestamp, batch.Header.MaxTimestamp);
            }
            if (ShouldRoll(state.Segments[^1], bytes, state.LogEndOffset + records - 1, maxTimestamp))
                state = Roll(state);
            var active = state.Segments[^1];
            var everyAppend = Config.FlushIntervalMs == 0;
            active.Append(batches, state.LogEndOffset, leaderEpoch, fsync: everyAppend);
            if (everyAppend)
                Volatile.Write(ref _flushedOffset, active.NextOffset);
            Volatile.Write(ref _state, state with { ActiveSize = active.Size, LogEndOffset = active.NextOffset });
            return new AppendResult(AppendStatus.Ok, state.LogEndOffset, active.NextOffset - 1, active.NextOffset, state.LogStartOffset);
        }
    }

    private bool ShouldRoll(LogSegment active, long bytes, long lastOffset, long incomingMaxTimestamp)
    {
        if (active.Size == 0)
            return false;
        if (active.Size + bytes > Config.SegmentBytes || lastOffset - active.BaseOffset > int.MaxValue)
            return true;
        var elapsed = active.FirstBatchMaxTimestamp >= 0 && incomingMaxTimestamp >= 0
            ? incomingMaxTimestamp - active.FirstBatchMaxTimestamp
            : NowMs - active.OpenedAtMs;
        return elapsed > Config.SegmentMs;
    }

    /// <summary>Seals the active segment and starts a new one at the log end offset. Caller holds the write lock.</summary>
    private LogState Roll(LogState state)
    {
        var active = state.Segments[^1];
        active.Seal();
        Volatile.Write(ref _flushedOffset, Math.Max(FlushedOffset, active.NextOffset));
        var next = SegmentLoader.CreateNew(Directory, state.LogEndOffset, Config.IndexIntervalBytes, NowMs);
        var rolled = new LogState([.. state.Segments, next], 0, state.LogStartOffset, state.LogEndOffset);
        Volatile.Write(ref _state, rolled);
        return rolled;
    }

    /// <summary>
    /// Reads whole batches starting with the batch that holds <paramref name="fetchOffset"/> (or the
    /// next stored batch, if that offset is gone), continuing across segments, until adding the next
    /// batch would pass <paramref name="maxBytes"/>. The first batch is returned whole even when larger
    /// than <paramref name="maxBytes"/> (KIP-74), so a consumer always makes progress.
    /// </summary>
    /// <param name="fetchOffset">First offset wanted; from <see cref="LogStartOffset"/> to <see cref="LogEndOffset"/> (which reads nothing).</param>
    /// <param name="maxBytes">Soft limit on the bytes returned (≥ 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is negative.</exception>
    /// <exception cref="InvalidDataException">A stored segment is corrupt (Kafka: KAFKA_STORAGE_ERROR).</exception>
    /// <exception cref="ObjectDisposedException">The log is closed.</exception>
    public ReadResult Read(long fetchOffset, int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        _segmentLifetime.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var state = Volatile.Read(ref _state);
            if (fetchOffset < state.LogStartOffset || fetchOffset > state.LogEndOffset)
                return new ReadResult(ReadStatus.OffsetOutOfRange, ReadOnlyMemory<byte>.Empty, state.LogEndOffset, state.LogStartOffset);
            var records = fetchOffset == state.LogEndOffset ? ReadOnlyMemory<byte>.Empty : SegmentReads.ReadBatches(
                state.Segments, state.ActiveSize, fetchOffset, maxBytes);
            return new ReadResult(ReadStatus.Ok, records, state.LogEndOffset, state.LogStartOffset);
        }
        finally
        {
            _segmentLifetime.ExitReadLock();
        }
    }

    /// <summary>
    /// ListOffsets by timestamp: the earliest offset whose record timestamp is ≥
    /// <paramref name="timestampMs"/> (ms since the Unix epoch). Exact per record for uncompressed
    /// CreateTime batches; for compressed or LogAppendTime batches (never decompressed) it is the base
    /// offset and maxTimestamp of the first batch with maxTimestamp ≥ the target, so the answer is
    /// never later than Kafka's. Null when no record is that recent (Kafka answers offset -1).
    /// </summary>
    /// <exception cref="InvalidDataException">A stored segment is corrupt.</exception>
    /// <exception cref="ObjectDisposedException">The log is closed.</exception>
    public TimestampOffset? OffsetForTimestamp(long timestampMs)
    {
        _segmentLifetime.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var state = Volatile.Read(ref _state);
            for (var i = 0; i < state.Segments.Length; i++)
            {
                var segment = state.Segments[i];
                var visible = i == state.Segments.Length - 1 ? state.ActiveSize : segment.Size;
                if (segment.MaxTimestamp >= timestampMs && segment.FindOffsetForTimestamp(timestampMs, visible) is { } found)
                    return found;
            }
            return null;
        }
        finally
        {
            _segmentLifetime.ExitReadLock();
        }
    }

    /// <summary>fsyncs the active segment now; afterwards <see cref="FlushedOffset"/> = the log end offset at the call.</summary>
    /// <exception cref="IOException">The fsync failed.</exception>
    /// <exception cref="ObjectDisposedException">The log is closed.</exception>
    public void Flush()
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var state = _state;
            state.Segments[^1].Flush();
            Volatile.Write(ref _flushedOffset, state.LogEndOffset);
        }
    }

    private void FlushOnTimer()
    {
        try
        {
            if (!_disposed && FlushedOffset < LogEndOffset)
                Flush();
        }
        catch (ObjectDisposedException)
        {
            // closed between the check and the flush
        }
        catch (IOException e)
        {
            _flushFailure = e; // surfaced by the next Append: durability can no longer be promised
        }
    }

    /// <summary>
    /// Deletes the oldest whole segments that break <see cref="LogConfig.RetentionMs"/> (against the
    /// clock) or <see cref="LogConfig.RetentionBytes"/>; the log start offset moves to the first kept
    /// segment. When every segment is due, the log rolls first, so it ends empty with start = end.
    /// Waits for readers of the deleted segments to finish. A broker calls this periodically
    /// (<see cref="Topics.LogManager"/> does).
    /// </summary>
    /// <returns>How many segments were deleted.</returns>
    /// <exception cref="IOException">A file could not be deleted.</exception>
    /// <exception cref="ObjectDisposedException">The log is closed.</exception>
    public int ApplyRetention()
    {
        lock (_writeLock)
        {
            ThrowIfUnusable();
            var state = _state;
            var infos = state.Segments.Select((s, i) => new RetentionPolicy.SegmentInfo(
                i == state.Segments.Length - 1 ? state.ActiveSize : s.Size,
                s.MaxTimestamp >= 0 ? s.MaxTimestamp : new DateTimeOffset(File.GetLastWriteTimeUtc(s.LogPath)).ToUnixTimeMilliseconds())).ToList();
            var count = RetentionPolicy.DeletableCount(infos, NowMs, Config.RetentionMs, Config.RetentionBytes);
            if (count == 0)
                return 0;
            if (count == state.Segments.Length)
                state = Roll(state);
            var doomed = state.Segments[..count];
            var kept = state.Segments[count..];
            Volatile.Write(ref _state, state with { Segments = kept, LogStartOffset = kept[0].BaseOffset });
            DeleteSegments(doomed);
            return count;
        }
    }

    private void DeleteSegments(IEnumerable<LogSegment> segments)
    {
        _segmentLifetime.EnterWriteLock();
        try
        {
            foreach (var segment in segments)
                segment.Delete();
        }
        finally
        {
            _segmentLifetime.ExitWriteLock();
        }
        DurableFiles.SyncDirectory(Directory);
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_flushFailure is { } failure)
            throw new IOException($"A background fsync of {Directory} failed; the log no longer accepts writes.", failure);
    }

    /// <summary>Stops the flush timer, fsyncs the active segment and closes every file. Idempotent.</summary>
    public void Dispose()
    {
        lock (_writeLock)
        {
            if (_disposed)
                return;
            _flushTimer?.Dispose();
            _segmentLifetime.EnterWriteLock();
            try
            {
                _disposed = true;
                var segments = _state.Segments;
                try { segments[^1].Flush(); }
                finally
                {
                    foreach (var segment in segments)
                        segment.Dispose();
                }
            }
            finally
            {
                _segmentLifetime.ExitWriteLock();
            }
        }
    }
}

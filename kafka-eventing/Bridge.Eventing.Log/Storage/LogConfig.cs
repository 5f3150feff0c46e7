namespace Bridge.Eventing.Log.Storage;

/// <summary>
/// Settings of one partition log. Names and defaults follow Kafka's topic configs (in brackets), so a
/// broker maps CreateTopics/DescribeConfigs entries onto them one to one.
/// </summary>
public sealed record LogConfig
{
    /// <summary>Kafka's default max.message.bytes: 1 MiB + 12 bytes of log overhead.</summary>
    public const int DefaultMaxMessageBytes = 1024 * 1024 + 12;

    /// <summary>
    /// [segment.bytes] Roll to a new segment when an append would make the active one larger than this
    /// (default: 1 GiB; at least 64 bytes, at most int.MaxValue because index positions are int32).
    /// A single append larger than this still goes into one (fresh) segment.
    /// </summary>
    public int SegmentBytes { get; init; } = 1024 * 1024 * 1024;

    /// <summary>
    /// [segment.ms] Roll when the incoming batch's maxTimestamp is this many ms past the maxTimestamp of
    /// the active segment's first batch (Kafka's rule; wall-clock time since the segment was opened when
    /// batches carry no timestamp). Default: 7 days.
    /// </summary>
    public long SegmentMs { get; init; } = (long)TimeSpan.FromDays(7).TotalMilliseconds;

    /// <summary>
    /// [retention.ms] Delete a segment once every batch in it is older than this, i.e. now − the
    /// segment's largest batch maxTimestamp &gt; RetentionMs (ms). -1: keep forever. Default: 7 days.
    /// </summary>
    public long RetentionMs { get; init; } = (long)TimeSpan.FromDays(7).TotalMilliseconds;

    /// <summary>
    /// [retention.bytes] Delete the oldest segments while the log minus that segment still holds at
    /// least this many bytes. -1: no size limit (default).
    /// </summary>
    public long RetentionBytes { get; init; } = -1;

    /// <summary>
    /// [index.interval.bytes] Bytes appended between two entries of the sparse offset and time
    /// indexes (default: 4096). Smaller means faster lookups and bigger indexes (8 + 12 bytes an entry).
    /// </summary>
    public int IndexIntervalBytes { get; init; } = 4096;

    /// <summary>
    /// [flush.ms] fsync policy. 0 (default): fsync every append before it returns and before readers
    /// see it, so an acknowledged batch survives kill -9 and power loss. N &gt; 0: fsync the active
    /// segment every N ms from a <see cref="TimeProvider"/> timer (appends are visible at once and
    /// survive kill -9 through the OS page cache; up to N ms of them may be lost on power loss).
    /// </summary>
    public long FlushIntervalMs { get; init; }

    /// <summary>
    /// [max.message.bytes] Largest batch accepted by <see cref="PartitionLog.Append"/>, in bytes
    /// (default: 1,048,588 as in Kafka). Larger batches get <see cref="AppendStatus.MessageTooLarge"/>.
    /// </summary>
    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    /// <summary>Checks ranges; returns a message naming the first bad setting, or null when valid.</summary>
    public string? Validate()
    {
        if (SegmentBytes < 64) return $"segment.bytes must be at least 64, not {SegmentBytes}";
        if (SegmentMs < 1) return $"segment.ms must be at least 1, not {SegmentMs}";
        if (RetentionMs < -1) return $"retention.ms must be -1 or more, not {RetentionMs}";
        if (RetentionBytes < -1) return $"retention.bytes must be -1 or more, not {RetentionBytes}";
        if (IndexIntervalBytes < 0) return $"index.interval.bytes must be 0 or more, not {IndexIntervalBytes}";
        if (FlushIntervalMs < 0) return $"flush.ms must be 0 or more, not {FlushIntervalMs}";
        if (MaxMessageBytes < 0) return $"max.message.bytes must be 0 or more, not {MaxMessageBytes}";
        return null;
    }
}

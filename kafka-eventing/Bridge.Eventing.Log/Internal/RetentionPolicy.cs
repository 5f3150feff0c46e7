namespace Bridge.Eventing.Log.Internal;

/// <summary>
/// Which old segments retention deletes (Kafka's <c>UnifiedLog.deleteRetentionMsBreachedSegments</c>
/// and <c>deleteRetentionSizeBreachedSegments</c>): always a prefix of whole segments, the longer of
/// the two prefixes. Pure: the log passes sizes, timestamps and the clock.
/// </summary>
internal static class RetentionPolicy
{
    /// <param name="SizeBytes">Bytes in the segment.</param>
    /// <param name="LargestTimestampMs">Largest batch maxTimestamp in the segment, or its file's last-write time when it has none (as Kafka does).</param>
    public readonly record struct SegmentInfo(long SizeBytes, long LargestTimestampMs);

    /// <summary>
    /// How many of the oldest <paramref name="segments"/> (oldest first; the last is the active one)
    /// to delete. By time: each segment whose largest timestamp is more than
    /// <paramref name="retentionMs"/> before <paramref name="nowMs"/>, stopping at the first that is
    /// not. By size: while the log minus the next segment is still ≥ <paramref name="retentionBytes"/>.
    /// -1 disables either rule. An empty active segment is never deleted; a non-empty one may be
    /// (the log rolls first, so the log end offset survives as the new start).
    /// </summary>
    public static int DeletableCount(IReadOnlyList<SegmentInfo> segments, long nowMs, long retentionMs, long retentionBytes)
    {
        var limit = segments.Count > 0 && segments[^1].SizeBytes == 0 ? segments.Count - 1 : segments.Count;
        var byTime = 0;
        if (retentionMs >= 0)
        {
            while (byTime < limit && nowMs - segments[byTime].LargestTimestampMs > retentionMs)
                byTime++;
        }
        var bySize = 0;
        if (retentionBytes >= 0)
        {
            var excess = segments.Sum(s => s.SizeBytes) - retentionBytes;
            while (bySize < limit && excess - segments[bySize].SizeBytes >= 0)
            {
                excess -= segments[bySize].SizeBytes;
                bySize++;
            }
        }
        return Math.Max(byTime, bySize);
    }
}

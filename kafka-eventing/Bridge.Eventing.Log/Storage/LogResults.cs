namespace Bridge.Eventing.Log.Storage;

/// <summary>Outcome of <see cref="PartitionLog.Append"/>.</summary>
public enum AppendStatus
{
    /// <summary>Every batch was appended (and fsynced under the default policy).</summary>
    Ok,
    /// <summary>
    /// A batch is larger than <see cref="LogConfig.MaxMessageBytes"/>; nothing was appended.
    /// Kafka answers MESSAGE_TOO_LARGE (10).
    /// </summary>
    MessageTooLarge,
}

/// <summary>What an append did.</summary>
/// <param name="Status">Ok, or why nothing was appended.</param>
/// <param name="BaseOffset">Offset assigned to the first record of the first batch (-1 unless Ok).</param>
/// <param name="LastOffset">Offset of the last record appended (-1 unless Ok).</param>
/// <param name="LogEndOffset">The log end offset after the append (next offset to assign).</param>
/// <param name="LogStartOffset">The log start offset (first offset still stored).</param>
public readonly record struct AppendResult(AppendStatus Status, long BaseOffset, long LastOffset, long LogEndOffset, long LogStartOffset);

/// <summary>Outcome of <see cref="PartitionLog.Read"/>.</summary>
public enum ReadStatus
{
    /// <summary>The records (possibly none, at the log end) are returned.</summary>
    Ok,
    /// <summary>
    /// fetchOffset is below the log start offset or above the log end offset. Kafka answers
    /// OFFSET_OUT_OF_RANGE (1); the client then resets per auto.offset.reset.
    /// </summary>
    OffsetOutOfRange,
}

/// <summary>Bytes read from a partition log.</summary>
/// <param name="Status">Ok or OffsetOutOfRange.</param>
/// <param name="Records">
/// Whole RecordBatch v2 batches, back to back, exactly as stored: the first is the batch holding
/// fetchOffset (it may start before fetchOffset; clients skip the earlier records, as with Kafka).
/// </param>
/// <param name="HighWatermark">The high watermark: the log end offset (single replica, so every appended offset is committed).</param>
/// <param name="LogStartOffset">The first offset still stored.</param>
public readonly record struct ReadResult(ReadStatus Status, ReadOnlyMemory<byte> Records, long HighWatermark, long LogStartOffset);

/// <summary>An offset found by timestamp (ListOffsets).</summary>
/// <param name="Offset">The offset.</param>
/// <param name="TimestampMs">The timestamp of that record (or batch; see <see cref="PartitionLog.OffsetForTimestamp"/>), ms since the Unix epoch.</param>
public readonly record struct TimestampOffset(long Offset, long TimestampMs);

/// <summary>What opening a log had to repair.</summary>
/// <param name="TruncatedBytes">Bytes cut from segment tails that did not hold whole, valid, contiguous batches (a torn write, corruption).</param>
/// <param name="RebuiltIndexes">Base offsets of the older segments whose .index/.timeindex were missing or invalid and were rebuilt by scanning.</param>
public sealed record LogRecovery(long TruncatedBytes, IReadOnlyList<long> RebuiltIndexes);

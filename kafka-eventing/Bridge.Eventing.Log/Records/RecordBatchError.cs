namespace Bridge.Eventing.Log.Records;

/// <summary>
/// Why bytes are not a valid Kafka RecordBatch v2 (see <see cref="RecordBatchHeader.TryParse"/>).
/// Parsing never throws on bad input; it returns one of these.
/// </summary>
public enum RecordBatchError
{
    /// <summary>The bytes are a valid batch.</summary>
    None = 0,

    /// <summary>
    /// Fewer bytes than the batch needs: shorter than the 61-byte header, or than the 12 +
    /// batchLength bytes the header announces. In a stream this means "read more"; at the end of
    /// a produce request or a segment file it means a truncated (torn) batch.
    /// </summary>
    Incomplete,

    /// <summary>batchLength is below 14 (no message format is that short), for magic 2 below 49 (a header with no records: 61 − 12), or above <see cref="RecordBatchHeader.MaxBatchLength"/> (12 + batchLength would not fit in an int).</summary>
    InvalidLength,

    /// <summary>The magic byte (offset 16) is not 2: a v0/v1 MessageSet or garbage.</summary>
    UnsupportedMagic,

    /// <summary>The stored CRC-32C (offset 17) differs from the CRC-32C of bytes 21..end.</summary>
    CrcMismatch,

    /// <summary>
    /// recordCount is negative or differs from lastOffsetDelta + 1, or lastOffsetDelta is
    /// negative (Kafka's LogValidator: "Record count in batch does not match ... offsets").
    /// </summary>
    InvalidRecordCount,

    /// <summary>The compression codec bits (attributes 0-2) are 5, 6 or 7, which no Kafka client writes.</summary>
    UnknownCompression,

    /// <summary>A records blob holds no batch at all (Kafka: "must have at least one record batch").</summary>
    NoBatches,
}

/// <summary>Maps <see cref="RecordBatchError"/> to the Kafka protocol error code a broker answers with.</summary>
public static class RecordBatchErrorCodes
{
    /// <summary>Kafka error code CORRUPT_MESSAGE (2): CorruptRecordException.</summary>
    public const short CorruptMessage = 2;

    /// <summary>Kafka error code INVALID_RECORD (87): InvalidRecordException (KIP-467, Kafka 2.5+).</summary>
    public const short InvalidRecord = 87;

    /// <summary>
    /// The Kafka error code for a produce partition whose records fail with <paramref name="error"/>,
    /// as Apache Kafka answers: truncated or short batches and CRC mismatches are CORRUPT_MESSAGE (2)
    /// (<c>DefaultRecordBatch.ensureValid</c>, <c>ByteBufferLogInputStream</c>); a magic other than 2
    /// in a Produce v3+ request, an empty records blob and an offset/count mismatch are INVALID_RECORD (87)
    /// (<c>ProduceRequest.validateRecords</c>, <c>LogValidator.validateBatch</c>). Clients older than
    /// Kafka 2.5 know 87 as unknown; librdkafka ≥ 1.4 knows it. Returns 0 for <see cref="RecordBatchError.None"/>.
    /// </summary>
    public static short ToKafkaErrorCode(this RecordBatchError error) => error switch
    {
        RecordBatchError.None => 0,
        RecordBatchError.UnsupportedMagic or RecordBatchError.InvalidRecordCount or RecordBatchError.NoBatches => InvalidRecord,
        _ => CorruptMessage,
    };
}

using System.Buffers.Binary;

namespace Bridge.Eventing.Log.Records;

/// <summary>Compression codec of a record batch (attributes bits 0-2).</summary>
public enum CompressionCodec
{
    /// <summary>Uncompressed records.</summary>
    None = 0,
    /// <summary>gzip.</summary>
    Gzip = 1,
    /// <summary>Snappy (xerial framing).</summary>
    Snappy = 2,
    /// <summary>LZ4 frame.</summary>
    Lz4 = 3,
    /// <summary>Zstandard (Produce v7+).</summary>
    Zstd = 4,
}

/// <summary>Timestamp type of a record batch (attributes bit 3).</summary>
public enum TimestampType
{
    /// <summary>Timestamps set by the producer.</summary>
    CreateTime = 0,
    /// <summary>MaxTimestamp set by the broker at append.</summary>
    LogAppendTime = 1,
}

/// <summary>
/// The 61-byte header of a Kafka RecordBatch (message format v2, magic 2), all fields big-endian,
/// as specified at https://kafka.apache.org/documentation/#recordbatch and in Kafka's
/// <c>DefaultRecordBatch.java</c>:
/// <code>
///  offset size field
///   0      8   baseOffset            (assigned by the broker)
///   8      4   batchLength           (bytes after this field: total size − 12)
///  12      4   partitionLeaderEpoch  (assigned by the broker; not covered by the CRC)
///  16      1   magic                 (2)
///  17      4   crc                   (uint32 CRC-32C of bytes 21..end)
///  21      2   attributes            (bits 0-2 codec, 3 timestamp type, 4 transactional, 5 control)
///  23      4   lastOffsetDelta
///  27      8   baseTimestamp         (ms since the Unix epoch; -1 if none)
///  35      8   maxTimestamp          (ms since the Unix epoch; -1 if none)
///  43      8   producerId            (-1 if not idempotent)
///  51      2   producerEpoch
///  53      4   baseSequence
///  57      4   recordCount
///  61      …   records (compressed as one block if a codec is set; never decompressed here)
/// </code>
/// </summary>
public readonly record struct RecordBatchHeader
{
    /// <summary>Size of the fixed header in bytes (Kafka's RECORD_BATCH_OVERHEAD).</summary>
    public const int Size = 61;
    /// <summary>Bytes before and including batchLength (baseOffset + batchLength): Kafka's LOG_OVERHEAD.</summary>
    public const int LogOverhead = 12;
    /// <summary>Smallest valid batchLength: a header with no records (61 − 12).</summary>
    public const int MinBatchLength = Size - LogOverhead;
    /// <summary>Smallest length of any message format (v0's RECORD_OVERHEAD_V0), checked before the magic is known.</summary>
    private const int LegacyMinLength = 14;
    /// <summary>The only magic (message format version) accepted.</summary>
    public const byte CurrentMagic = 2;

    internal const int BaseOffsetOffset = 0;
    internal const int BatchLengthOffset = 8;
    internal const int PartitionLeaderEpochOffset = 12;
    internal const int MagicOffset = 16; // also the length of the prefix the broker rewrites (baseOffset, batchLength, epoch)
    internal const int CrcOffset = 17;
    internal const int AttributesOffset = 21;
    internal const int LastOffsetDeltaOffset = 23;
    internal const int BaseTimestampOffset = 27;
    internal const int MaxTimestampOffset = 35;
    internal const int ProducerIdOffset = 43;
    internal const int ProducerEpochOffset = 51;
    internal const int BaseSequenceOffset = 53;
    internal const int RecordCountOffset = 57;

    /// <summary>Offset of the first record.</summary>
    public long BaseOffset { get; init; }
    /// <summary>Bytes of the batch after the batchLength field (total size − 12).</summary>
    public int BatchLength { get; init; }
    /// <summary>Leader epoch stamped by the broker that appended the batch.</summary>
    public int PartitionLeaderEpoch { get; init; }
    /// <summary>Message format version; always 2 for a parsed header.</summary>
    public byte Magic { get; init; }
    /// <summary>The stored CRC-32C of bytes 21..end.</summary>
    public uint Crc { get; init; }
    /// <summary>Raw attributes (codec, timestamp type, transactional, control).</summary>
    public short Attributes { get; init; }
    /// <summary>Offset of the last record relative to <see cref="BaseOffset"/>.</summary>
    public int LastOffsetDelta { get; init; }
    /// <summary>Timestamp of the first record, ms since the Unix epoch (-1: none).</summary>
    public long BaseTimestamp { get; init; }
    /// <summary>Largest record timestamp, ms since the Unix epoch (-1: none).</summary>
    public long MaxTimestamp { get; init; }
    /// <summary>Idempotent producer id (-1: none).</summary>
    public long ProducerId { get; init; }
    /// <summary>Idempotent producer epoch (-1: none).</summary>
    public short ProducerEpoch { get; init; }
    /// <summary>Sequence number of the first record (-1: none).</summary>
    public int BaseSequence { get; init; }
    /// <summary>Number of records in the batch.</summary>
    public int RecordCount { get; init; }

    /// <summary>
    /// The largest batchLength accepted: 12 + batchLength must fit in an int (a batch larger than
    /// 2 GiB cannot exist in a Kafka request or segment). Larger values are
    /// <see cref="RecordBatchError.InvalidLength"/>, so <see cref="SizeInBytes"/> never overflows.
    /// </summary>
    public const int MaxBatchLength = int.MaxValue - LogOverhead;

    /// <summary>Total size of the batch in bytes (12 + <see cref="BatchLength"/>).</summary>
    public int SizeInBytes => LogOverhead + BatchLength;
    /// <summary>Offset of the last record.</summary>
    public long LastOffset => BaseOffset + LastOffsetDelta;
    /// <summary>Compression codec (attributes bits 0-2).</summary>
    public CompressionCodec Compression => (CompressionCodec)(Attributes & 0x07);
    /// <summary>Timestamp type (attributes bit 3).</summary>
    public TimestampType TimestampType => (Attributes & 0x08) != 0 ? TimestampType.LogAppendTime : TimestampType.CreateTime;
    /// <summary>Whether the batch belongs to a transaction (attributes bit 4).</summary>
    public bool IsTransactional => (Attributes & 0x10) != 0;
    /// <summary>Whether the batch is a control batch, e.g. a transaction marker (attributes bit 5).</summary>
    public bool IsControl => (Attributes & 0x20) != 0;

    /// <summary>
    /// Parses and validates a whole batch at the start of <paramref name="bytes"/> (extra bytes after
    /// it are ignored): header checks as in <see cref="TryReadHeader"/>, then that all 12 +
    /// batchLength bytes are present and the CRC-32C over bytes 21..end matches. Costs one pass of
    /// CRC over the batch; never decompresses. Never throws.
    /// </summary>
    /// <returns><see cref="RecordBatchError.None"/> and the header, or why the bytes are not a batch.</returns>
    public static RecordBatchError TryParse(ReadOnlySpan<byte> bytes, out RecordBatchHeader header)
    {
        var error = TryReadHeader(bytes, out header);
        if (error != RecordBatchError.None)
            return error;
        if (bytes.Length < header.SizeInBytes)
            return RecordBatchError.Incomplete;
        var computed = Crc32C.Compute(bytes[AttributesOffset..header.SizeInBytes]);
        return computed == header.Crc ? RecordBatchError.None : RecordBatchError.CrcMismatch;
    }

    /// <summary>
    /// Reads and validates only the 61-byte header (no CRC, records need not be present), in Kafka's
    /// order (<c>ByteBufferLogInputStream.nextBatchSize</c>): 14 ≤ batchLength ≤ <see cref="MaxBatchLength"/> (any message format),
    /// magic 2 (so a v0/v1 MessageSet is <see cref="RecordBatchError.UnsupportedMagic"/>), batchLength
    /// ≥ 49, codec 0-4, lastOffsetDelta ≥ 0 and recordCount == lastOffsetDelta + 1.
    /// <see cref="RecordBatchError.Incomplete"/> when fewer than 61 bytes are given (after the
    /// length and magic, which are checked as soon as they are present). Never throws.
    /// </summary>
    public static RecordBatchError TryReadHeader(ReadOnlySpan<byte> bytes, out RecordBatchHeader header)
    {
        header = default;
        if (bytes.Length < LogOverhead)
            return RecordBatchError.Incomplete;
        var batchLength = BinaryPrimitives.ReadInt32BigEndian(bytes[BatchLengthOffset..]);
        if (batchLength is < LegacyMinLength or > MaxBatchLength)
            return RecordBatchError.InvalidLength;
        if (bytes.Length <= MagicOffset)
            return RecordBatchError.Incomplete;
        if (bytes[MagicOffset] != CurrentMagic)
            return RecordBatchError.UnsupportedMagic;
        if (batchLength < MinBatchLength)
            return RecordBatchError.InvalidLength;
        if (bytes.Length < Size)
            return RecordBatchError.Incomplete;
        header = Read(bytes, batchLength);
        if ((header.Attributes & 0x07) > (int)CompressionCodec.Zstd)
            return RecordBatchError.UnknownCompression;
        if (header.LastOffsetDelta < 0 || header.RecordCount != (long)header.LastOffsetDelta + 1)
            return RecordBatchError.InvalidRecordCount;
        return RecordBatchError.None;
    }

    private static RecordBatchHeader Read(ReadOnlySpan<byte> b, int batchLength) => new()
    {
        BaseOffset = BinaryPrimitives.ReadInt64BigEndian(b[BaseOffsetOffset..]),
        BatchLength = batchLength,
        PartitionLeaderEpoch = BinaryPrimitives.ReadInt32BigEndian(b[PartitionLeaderEpochOffset..]),
        Magic = b[MagicOffset],
        Crc = BinaryPrimitives.ReadUInt32BigEndian(b[CrcOffset..]),
        Attributes = BinaryPrimitives.ReadInt16BigEndian(b[AttributesOffset..]),
        LastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(b[LastOffsetDeltaOffset..]),
        BaseTimestamp = BinaryPrimitives.ReadInt64BigEndian(b[BaseTimestampOffset..]),
        MaxTimestamp = BinaryPrimitives.ReadInt64BigEndian(b[MaxTimestampOffset..]),
        ProducerId = BinaryPrimitives.ReadInt64BigEndian(b[ProducerIdOffset..]),
        ProducerEpoch = BinaryPrimitives.ReadInt16BigEndian(b[ProducerEpochOffset..]),
        BaseSequence = BinaryPrimitives.ReadInt32BigEndian(b[BaseSequenceOffset..]),
        RecordCount = BinaryPrimitives.ReadInt32BigEndian(b[RecordCountOffset..]),
    };

    /// <summary>
    /// Stamps the broker-assigned fields into a batch's bytes: baseOffset (bytes 0-7) and
    /// partitionLeaderEpoch (bytes 12-15). Both lie outside the CRC, so the batch stays valid.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="batch"/> is shorter than 16 bytes.</exception>
    public static void AssignOffsets(Span<byte> batch, long baseOffset, int partitionLeaderEpoch)
    {
        if (batch.Length < MagicOffset)
            throw new ArgumentException("A record batch is at least 61 bytes.", nameof(batch));
        BinaryPrimitives.WriteInt64BigEndian(batch[BaseOffsetOffset..], baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(batch[PartitionLeaderEpochOffset..], partitionLeaderEpoch);
    }
}

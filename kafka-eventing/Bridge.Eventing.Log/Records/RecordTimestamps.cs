namespace Bridge.Eventing.Log.Records;

/// <summary>
/// Reads record timestamps inside an <em>uncompressed</em> RecordBatch v2, to answer ListOffsets
/// by timestamp per record rather than per batch. Each record (Kafka's <c>DefaultRecord</c>) starts
/// <c>length: varint, attributes: int8, timestampDelta: varlong, offsetDelta: varint, …</c>, all
/// varints zigzag-encoded as in protobuf; only those four fields are read, the rest is skipped by length.
/// </summary>
internal static class RecordTimestamps
{
    /// <summary>
    /// The first record of <paramref name="batch"/> whose timestamp is ≥ <paramref name="timestampMs"/>.
    /// False when the batch is compressed, uses LogAppendTime (every record then has maxTimestamp),
    /// has no such record, or its records do not parse; the caller then answers per batch.
    /// </summary>
    public static bool TryFindFirstAtOrAfter(ReadOnlySpan<byte> batch, in RecordBatchHeader header, long timestampMs,
        out long offset, out long recordTimestampMs)
    {
        offset = -1;
        recordTimestampMs = -1;
        if (header.Compression != CompressionCodec.None || header.TimestampType != TimestampType.CreateTime)
            return false;
        var records = batch[RecordBatchHeader.Size..Math.Min(batch.Length, header.SizeInBytes)];
        for (var i = 0; i < header.RecordCount; i++)
        {
            if (!TryReadVarLong(ref records, out var length) || length < 0 || length > records.Length)
                return false;
            var record = records[..(int)length];
            records = records[(int)length..];
            if (record.IsEmpty)
                return false;
            record = record[1..]; // attributes
            if (!TryReadVarLong(ref record, out var timestampDelta) || !TryReadVarLong(ref record, out var offsetDelta))
                return false;
            var timestamp = header.BaseTimestamp + timestampDelta;
            if (timestamp >= timestampMs)
            {
                offset = header.BaseOffset + offsetDelta;
                recordTimestampMs = timestamp;
                return true;
            }
        }
        return false;
    }

    /// <summary>Reads a zigzag varint of at most 10 bytes and advances <paramref name="span"/> past it.</summary>
    internal static bool TryReadVarLong(ref ReadOnlySpan<byte> span, out long value)
    {
        ulong raw = 0;
        for (var i = 0; i < 10 && i < span.Length; i++)
        {
            raw |= (ulong)(span[i] & 0x7F) << (7 * i);
            if ((span[i] & 0x80) == 0)
            {
                span = span[(i + 1)..];
                value = (long)(raw >> 1) ^ -(long)(raw & 1);
                return true;
            }
        }
        value = 0;
        return false;
    }
}

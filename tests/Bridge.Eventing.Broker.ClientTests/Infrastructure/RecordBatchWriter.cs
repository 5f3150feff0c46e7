using System.Buffers.Binary;
using Bridge.Eventing.Log.Records;

namespace Bridge.Eventing.Broker.ClientTests.Infrastructure;

/// <summary>
/// Writes an uncompressed RecordBatch v2 (magic 2) the way a non-idempotent producer does, for
/// hand-made Produce frames: producer id, epoch and base sequence -1, CRC-32C over bytes 21..end.
/// Layout: https://kafka.apache.org/documentation/#recordbatch.
/// </summary>
internal static class RecordBatchWriter
{
    /// <summary>Offset of the CRC field in a batch.</summary>
    public const int CrcOffset = 17;

    /// <summary>A batch of <paramref name="records"/> (key and value null or bytes), timestamps from <paramref name="baseTimestamp"/> 1 ms apart.</summary>
    public static byte[] Write(IReadOnlyList<(byte[]? Key, byte[]? Value)> records, long baseTimestamp)
    {
        var body = new List<byte>();
        for (int i = 0; i < records.Count; i++)
        {
            var record = new List<byte> { 0 }; // attributes
            VarLong(record, i); // timestamp delta
            VarLong(record, i); // offset delta
            Bytes(record, records[i].Key);
            Bytes(record, records[i].Value);
            VarLong(record, 0); // headers
            VarLong(body, record.Count);
            body.AddRange(record);
        }

        var batch = new byte[RecordBatchHeader.Size + body.Count];
        var span = batch.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(span, 0); // base offset: the broker assigns it
        BinaryPrimitives.WriteInt32BigEndian(span[8..], batch.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(span[12..], -1); // partition leader epoch
        span[16] = RecordBatchHeader.CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(span[21..], 0); // attributes: no codec, CreateTime
        BinaryPrimitives.WriteInt32BigEndian(span[23..], records.Count - 1); // last offset delta
        BinaryPrimitives.WriteInt64BigEndian(span[27..], baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[35..], baseTimestamp + records.Count - 1);
        BinaryPrimitives.WriteInt64BigEndian(span[43..], -1); // producer id
        BinaryPrimitives.WriteInt16BigEndian(span[51..], -1); // producer epoch
        BinaryPrimitives.WriteInt32BigEndian(span[53..], -1); // base sequence
        BinaryPrimitives.WriteInt32BigEndian(span[57..], records.Count);
        body.CopyTo(batch, RecordBatchHeader.Size);
        BinaryPrimitives.WriteUInt32BigEndian(span[CrcOffset..], Crc32C.Compute(span[21..]));
        return batch;
    }

    private static void Bytes(List<byte> output, byte[]? bytes)
    {
        VarLong(output, bytes?.Length ?? -1);
        if (bytes is not null) output.AddRange(bytes);
    }

    // Zig-zag varint (protocol guide, "varint"/"varlong").
    private static void VarLong(List<byte> output, long value)
    {
        ulong v = (ulong)((value << 1) ^ (value >> 63));
        while (v >= 0x80)
        {
            output.Add((byte)(v | 0x80));
            v >>= 7;
        }
        output.Add((byte)v);
    }
}

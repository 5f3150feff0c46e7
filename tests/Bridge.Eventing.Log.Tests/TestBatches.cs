using System.Buffers.Binary;
using System.Text;
using Bridge.Eventing.Log.Records;

namespace Bridge.Eventing.Log.Tests;

/// <summary>One record to put in a hand-built batch.</summary>
public sealed record TestRecord(string? Key, string? Value, long TimestampDelta = 0, params (string Key, string Value)[] Headers);

/// <summary>
/// Builds RecordBatch v2 bytes by hand, straight from the spec
/// (https://kafka.apache.org/documentation/#recordbatch), independent of the code under test:
/// <list type="number">
/// <item>each record is <c>attributes int8 = 0, timestampDelta varlong, offsetDelta varint, keyLength
/// varint (-1 = null), key, valueLength varint, value, headerCount varint, headers (keyLength varint,
/// key, valueLength varint, value)</c>, prefixed by its length as a varint; varints are zigzag
/// LEB128 as in protobuf;</item>
/// <item>the 61-byte header is written big-endian field by field: baseOffset, batchLength = total − 12,
/// partitionLeaderEpoch, magic 2, crc placeholder, attributes, lastOffsetDelta = n − 1,
/// baseTimestamp, maxTimestamp = baseTimestamp + largest delta, producerId, producerEpoch,
/// baseSequence, recordCount = n;</item>
/// <item>the CRC is the CRC-32C of bytes 21..end computed by <see cref="ReferenceCrc32C"/> (a
/// bitwise implementation, not the library's) and written at byte 17.</item>
/// </list>
/// Checked against librdkafka: rebuilding the records of Golden/kcat-none.bin gives identical bytes.
/// </summary>
public static class TestBatches
{
    public static byte[] Build(long baseTimestamp, IReadOnlyList<TestRecord> records, short attributes = 0,
        int partitionLeaderEpoch = -1, long baseOffset = 0, long producerId = -1, short producerEpoch = -1, int baseSequence = -1)
    {
        var body = new List<byte>();
        for (var i = 0; i < records.Count; i++)
        {
            var record = EncodeRecord(records[i], i);
            WriteVarLong(body, record.Count);
            body.AddRange(record);
        }
        var maxDelta = records.Count == 0 ? 0 : records.Max(r => r.TimestampDelta);
        return Assemble(baseTimestamp, baseTimestamp + maxDelta, records.Count, body.ToArray(), attributes,
            partitionLeaderEpoch, baseOffset, producerId, producerEpoch, baseSequence);
    }

    /// <summary>A batch of <paramref name="count"/> records with values "value-i" padded to <paramref name="valueBytes"/>.</summary>
    public static byte[] Simple(long timestamp, int count = 1, int valueBytes = 10) =>
        Build(timestamp, Enumerable.Range(0, count).Select(i => new TestRecord($"k{i}", $"value-{i}".PadRight(valueBytes, 'x'))).ToList());

    /// <summary>A batch whose records blob is opaque bytes, as a compressed batch's is.</summary>
    public static byte[] Opaque(long baseTimestamp, long maxTimestamp, int recordCount, byte[] payload, short attributes) =>
        Assemble(baseTimestamp, maxTimestamp, recordCount, payload, attributes, -1, 0, -1, -1, -1);

    private static byte[] Assemble(long baseTimestamp, long maxTimestamp, int recordCount, byte[] records, short attributes,
        int partitionLeaderEpoch, long baseOffset, long producerId, short producerEpoch, int baseSequence)
    {
        var batch = new byte[61 + records.Length];
        var span = batch.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(span[0..], baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], batch.Length - 12);
        BinaryPrimitives.WriteInt32BigEndian(span[12..], partitionLeaderEpoch);
        batch[16] = 2;
        BinaryPrimitives.WriteInt16BigEndian(span[21..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(span[23..], recordCount - 1);
        BinaryPrimitives.WriteInt64BigEndian(span[27..], baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[35..], maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[43..], producerId);
        BinaryPrimitives.WriteInt16BigEndian(span[51..], producerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(span[53..], baseSequence);
        BinaryPrimitives.WriteInt32BigEndian(span[57..], recordCount);
        records.CopyTo(batch, 61);
        FixCrc(batch);
        return batch;
    }

    /// <summary>Recomputes and stores the CRC after a test edits bytes 21..end.</summary>
    public static void FixCrc(byte[] batch) =>
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(17), ReferenceCrc32C(batch.AsSpan(21)));

    private static List<byte> EncodeRecord(TestRecord r, int offsetDelta)
    {
        var bytes = new List<byte> { 0 };
        WriteVarLong(bytes, r.TimestampDelta);
        WriteVarLong(bytes, offsetDelta);
        WriteBytes(bytes, r.Key is null ? null : Encoding.UTF8.GetBytes(r.Key));
        WriteBytes(bytes, r.Value is null ? null : Encoding.UTF8.GetBytes(r.Value));
        WriteVarLong(bytes, r.Headers.Length);
        foreach (var (key, value) in r.Headers)
        {
            WriteBytes(bytes, Encoding.UTF8.GetBytes(key));
            WriteBytes(bytes, Encoding.UTF8.GetBytes(value));
        }
        return bytes;
    }

    private static void WriteBytes(List<byte> output, byte[]? value)
    {
        WriteVarLong(output, value?.Length ?? -1);
        if (value is not null) output.AddRange(value);
    }

    private static void WriteVarLong(List<byte> output, long value)
    {
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        while (zigzag >= 0x80)
        {
            output.Add((byte)(zigzag | 0x80));
            zigzag >>= 7;
        }
        output.Add((byte)zigzag);
    }

    /// <summary>Bit-at-a-time CRC-32C (reflected polynomial 0x82F63B78), the textbook definition.</summary>
    public static uint ReferenceCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>Splits a valid blob (asserting it is valid).</summary>
    public static IReadOnlyList<RecordBatch> Batches(params byte[][] batches)
    {
        var split = RecordBatches.Split(batches.SelectMany(b => b).ToArray());
        Assert.Equal(RecordBatchError.None, split.Error);
        return split.Batches;
    }
}

/// <summary>A temp directory deleted at the end of the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bridge-log-tests", Guid.NewGuid().ToString("N"));

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

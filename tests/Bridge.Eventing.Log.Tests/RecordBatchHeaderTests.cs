using System.Buffers.Binary;
using System.Text;
using Bridge.Eventing.Log.Records;

namespace Bridge.Eventing.Log.Tests;

public class Crc32CTests
{
    [Fact]
    public void Compute_CheckValue_MatchesRfc3720()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void Compute_RandomData_MatchesBitwiseReference()
    {
        var random = new Random(42);
        for (var length = 0; length < 300; length += 7)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(TestBatches.ReferenceCrc32C(data), Crc32C.Compute(data));
        }
    }

    [Fact]
    public void Append_InPieces_EqualsOneShot()
    {
        var data = Encoding.ASCII.GetBytes("the quick brown fox jumps over the lazy dog");
        var crc = Crc32C.Append(0xFFFFFFFFu, data.AsSpan(0, 13));
        crc = Crc32C.Append(crc, data.AsSpan(13));
        Assert.Equal(Crc32C.Compute(data), ~crc);
    }
}

public class RecordBatchHeaderTests
{
    private const long Timestamp = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    [Fact]
    public void TryParse_HandBuiltBatch_ReadsEveryField()
    {
        var bytes = TestBatches.Build(Timestamp,
            [new TestRecord("a", "one"), new TestRecord("b", "two", 5), new TestRecord(null, "three", 9, ("h", "v"))],
            attributes: 0x10, partitionLeaderEpoch: 7, baseOffset: 42, producerId: 1234, producerEpoch: 3, baseSequence: 100);

        Assert.Equal(RecordBatchError.None, RecordBatchHeader.TryParse(bytes, out var h));

        Assert.Equal(42, h.BaseOffset);
        Assert.Equal(bytes.Length - 12, h.BatchLength);
        Assert.Equal(bytes.Length, h.SizeInBytes);
        Assert.Equal(7, h.PartitionLeaderEpoch);
        Assert.Equal(2, h.Magic);
        Assert.Equal(TestBatches.ReferenceCrc32C(bytes.AsSpan(21)), h.Crc);
        Assert.Equal(2, h.LastOffsetDelta);
        Assert.Equal(44, h.LastOffset);
        Assert.Equal(Timestamp, h.BaseTimestamp);
        Assert.Equal(Timestamp + 9, h.MaxTimestamp);
        Assert.Equal(1234, h.ProducerId);
        Assert.Equal(3, h.ProducerEpoch);
        Assert.Equal(100, h.BaseSequence);
        Assert.Equal(3, h.RecordCount);
        Assert.True(h.IsTransactional);
        Assert.False(h.IsControl);
        Assert.Equal(CompressionCodec.None, h.Compression);
        Assert.Equal(TimestampType.CreateTime, h.TimestampType);
    }

    [Theory]
    [InlineData((short)0x01, CompressionCodec.Gzip, TimestampType.CreateTime, false)]
    [InlineData((short)0x02, CompressionCodec.Snappy, TimestampType.CreateTime, false)]
    [InlineData((short)0x0B, CompressionCodec.Lz4, TimestampType.LogAppendTime, false)]
    [InlineData((short)0x24, CompressionCodec.Zstd, TimestampType.CreateTime, true)]
    public void Attributes_Bits_DecodeAsSpecified(short attributes, CompressionCodec codec, TimestampType type, bool control)
    {
        var bytes = TestBatches.Opaque(Timestamp, Timestamp, 1, [1, 2, 3, 4], attributes);
        Assert.Equal(RecordBatchError.None, RecordBatchHeader.TryParse(bytes, out var h));
        Assert.Equal(codec, h.Compression);
        Assert.Equal(type, h.TimestampType);
        Assert.Equal(control, h.IsControl);
    }

    [Fact]
    public void TryParse_FlippedPayloadBit_IsCrcMismatch()
    {
        var bytes = TestBatches.Simple(Timestamp, 3);
        bytes[^5] ^= 0x01;
        Assert.Equal(RecordBatchError.CrcMismatch, RecordBatchHeader.TryParse(bytes, out _));
        Assert.Equal(RecordBatchErrorCodes.CorruptMessage, RecordBatchError.CrcMismatch.ToKafkaErrorCode());
    }

    [Fact]
    public void TryParse_FlippedAttributesBit_IsCrcMismatch()
    {
        var bytes = TestBatches.Simple(Timestamp);
        bytes[22] ^= 0x08; // timestamp type: covered by the CRC
        Assert.Equal(RecordBatchError.CrcMismatch, RecordBatchHeader.TryParse(bytes, out _));
    }

    [Fact]
    public void AssignOffsets_RewritesBaseOffsetAndEpoch_CrcStaysValid()
    {
        var bytes = TestBatches.Simple(Timestamp, 2);
        RecordBatchHeader.AssignOffsets(bytes, 1_000_000, 9);
        Assert.Equal(RecordBatchError.None, RecordBatchHeader.TryParse(bytes, out var h));
        Assert.Equal(1_000_000, h.BaseOffset);
        Assert.Equal(1_000_001, h.LastOffset);
        Assert.Equal(9, h.PartitionLeaderEpoch);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    [InlineData(16)]
    [InlineData(60)]
    public void TryParse_ShorterThanHeader_IsIncomplete(int length)
    {
        var bytes = TestBatches.Simple(Timestamp);
        Assert.Equal(RecordBatchError.Incomplete, RecordBatchHeader.TryParse(bytes.AsSpan(0, length), out _));
    }

    [Fact]
    public void TryParse_RecordsCutShort_IsIncomplete()
    {
        var bytes = TestBatches.Simple(Timestamp, 3);
        Assert.Equal(RecordBatchError.Incomplete, RecordBatchHeader.TryParse(bytes.AsSpan(0, bytes.Length - 1), out _));
        Assert.Equal(RecordBatchError.None, RecordBatchHeader.TryReadHeader(bytes.AsSpan(0, 61), out _));
    }

    [Fact]
    public void TryParse_BatchLengthBelowMinimum_IsInvalidLength()
    {
        var bytes = TestBatches.Simple(Timestamp);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), 48);
        Assert.Equal(RecordBatchError.InvalidLength, RecordBatchHeader.TryParse(bytes, out _));
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), -1);
        Assert.Equal(RecordBatchError.InvalidLength, RecordBatchHeader.TryParse(bytes, out _));
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MaxValue - 11)]
    public void TryParse_BatchLengthWhoseTotalOverflowsAnInt_IsInvalidLength_NotAnException(int batchLength)
    {
        // Found by the network fuzz test: 12 + batchLength overflowed to a negative size.
        var bytes = TestBatches.Simple(Timestamp);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), batchLength);
        Assert.Equal(RecordBatchError.InvalidLength, RecordBatchHeader.TryParse(bytes, out _));
        Assert.Equal(RecordBatchError.InvalidLength, RecordBatches.Split(bytes).Error);
    }

    [Fact]
    public void TryParse_LargestBatchLength_IsMerelyIncomplete()
    {
        var bytes = TestBatches.Simple(Timestamp);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), RecordBatchHeader.MaxBatchLength);
        Assert.Equal(RecordBatchError.Incomplete, RecordBatchHeader.TryParse(bytes, out var header));
        Assert.Equal(int.MaxValue, header.SizeInBytes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void TryParse_OtherMagic_IsUnsupportedMagic_InvalidRecord(byte magic)
    {
        var bytes = TestBatches.Simple(Timestamp);
        bytes[16] = magic;
        Assert.Equal(RecordBatchError.UnsupportedMagic, RecordBatchHeader.TryParse(bytes, out _));
        Assert.Equal(RecordBatchErrorCodes.InvalidRecord, RecordBatchError.UnsupportedMagic.ToKafkaErrorCode());
    }

    [Fact]
    public void TryParse_LegacyMessageSetV1_IsUnsupportedMagic()
    {
        // MessageSet v1 entry: offset int64, messageSize int32, crc int32, magic int8 = 1, attributes,
        // timestamp int64, key bytes, value bytes. Its magic sits at byte 16 too.
        var v1 = new byte[12 + 4 + 1 + 1 + 8 + 4 + 4 + 3];
        BinaryPrimitives.WriteInt32BigEndian(v1.AsSpan(8), v1.Length - 12);
        v1[16] = 1;
        BinaryPrimitives.WriteInt32BigEndian(v1.AsSpan(26), -1);
        BinaryPrimitives.WriteInt32BigEndian(v1.AsSpan(30), 3);
        Assert.Equal(RecordBatchError.UnsupportedMagic, RecordBatchHeader.TryParse(v1, out _));
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(-1, 0)]
    [InlineData(3, 3)]
    [InlineData(1, -1)]
    public void TryParse_CountNotLastOffsetDeltaPlusOne_IsInvalidRecordCount(int recordCount, int lastOffsetDelta)
    {
        var bytes = TestBatches.Simple(Timestamp);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(57), recordCount);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(23), lastOffsetDelta);
        TestBatches.FixCrc(bytes);
        Assert.Equal(RecordBatchError.InvalidRecordCount, RecordBatchHeader.TryParse(bytes, out _));
    }

    [Theory]
    [InlineData((short)5)]
    [InlineData((short)7)]
    public void TryParse_UnknownCodec_IsUnknownCompression(short attributes)
    {
        var bytes = TestBatches.Opaque(Timestamp, Timestamp, 1, [0], attributes);
        Assert.Equal(RecordBatchError.UnknownCompression, RecordBatchHeader.TryParse(bytes, out _));
    }

    [Fact]
    public void TryParse_ExtraBytesAfterBatch_AreIgnored()
    {
        var bytes = TestBatches.Simple(Timestamp).Concat(new byte[] { 9, 9, 9 }).ToArray();
        Assert.Equal(RecordBatchError.None, RecordBatchHeader.TryParse(bytes, out var h));
        Assert.Equal(bytes.Length - 3, h.SizeInBytes);
    }

    [Fact]
    public void TryParse_RandomBytes_NeverThrows()
    {
        var random = new Random(7);
        var valid = TestBatches.Simple(Timestamp, 4);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = i % 2 == 0 ? new byte[random.Next(0, 200)] : (byte[])valid.Clone();
            if (i % 2 == 0) random.NextBytes(bytes);
            else bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            var error = RecordBatchHeader.TryParse(bytes, out _);
            Assert.True(Enum.IsDefined(error));
        }
    }
}

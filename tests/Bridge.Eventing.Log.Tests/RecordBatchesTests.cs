using System.Buffers.Binary;
using Bridge.Eventing.Log.Records;

namespace Bridge.Eventing.Log.Tests;

public class RecordBatchesTests
{
    private const long Timestamp = 1_767_225_600_000;

    [Fact]
    public void Split_ThreeBatches_ReturnsEachWithItsBytes()
    {
        var a = TestBatches.Simple(Timestamp, 1);
        var b = TestBatches.Simple(Timestamp, 5, 100);
        var c = TestBatches.Simple(Timestamp, 2);
        var split = RecordBatches.Split(a.Concat(b).Concat(c).ToArray());

        Assert.True(split.IsValid);
        Assert.Equal(-1, split.ErrorPosition);
        Assert.Equal([1, 5, 2], split.Batches.Select(x => x.Header.RecordCount));
        Assert.Equal(a, split.Batches[0].Bytes.ToArray());
        Assert.Equal(b, split.Batches[1].Bytes.ToArray());
        Assert.Equal(c, split.Batches[2].Bytes.ToArray());
        Assert.Equal(a.Length + b.Length + c.Length, split.SizeInBytes);
    }

    [Fact]
    public void Split_SecondBatchCorrupt_FailsWholeBlobAtItsPosition()
    {
        var a = TestBatches.Simple(Timestamp);
        var b = TestBatches.Simple(Timestamp, 2);
        b[^1] ^= 0xFF;
        var split = RecordBatches.Split(a.Concat(b).ToArray());
        Assert.Equal(RecordBatchError.CrcMismatch, split.Error);
        Assert.Equal(a.Length, split.ErrorPosition);
        Assert.Empty(split.Batches);
    }

    [Fact]
    public void Split_TrailingPartialBatch_IsIncomplete()
    {
        var a = TestBatches.Simple(Timestamp);
        var split = RecordBatches.Split(a.Concat(a.Take(30)).ToArray());
        Assert.Equal(RecordBatchError.Incomplete, split.Error);
        Assert.Equal(a.Length, split.ErrorPosition);
    }

    [Fact]
    public void Split_Empty_IsNoBatches_InvalidRecord()
    {
        var split = RecordBatches.Split(ReadOnlyMemory<byte>.Empty);
        Assert.Equal(RecordBatchError.NoBatches, split.Error);
        Assert.Equal(87, split.Error.ToKafkaErrorCode());
    }
}

/// <summary>
/// Batches made by librdkafka 2.0.2 (kcat 1.7.1 -P, 20 records with key, value and header
/// "trace=abc", one per codec), captured from the Produce request it sent to
/// Golden/capture-kcat-batch.py. They pin our parsing to a client nobody here wrote.
/// </summary>
public class GoldenKcatBatchTests
{
    private static byte[] Golden(string codec) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Golden", $"kcat-{codec}.bin"));

    [Theory]
    [InlineData("none", CompressionCodec.None)]
    [InlineData("gzip", CompressionCodec.Gzip)]
    [InlineData("snappy", CompressionCodec.Snappy)]
    [InlineData("lz4", CompressionCodec.Lz4)]
    [InlineData("zstd", CompressionCodec.Zstd)]
    public void Split_LibrdkafkaBatch_IsOneValidBatchOfTwentyRecords(string codec, CompressionCodec expected)
    {
        var bytes = Golden(codec);
        var split = RecordBatches.Split(bytes);

        Assert.True(split.IsValid, $"{codec}: {split.Error}");
        var h = Assert.Single(split.Batches).Header;
        Assert.Equal(bytes.Length, h.SizeInBytes);
        Assert.Equal(expected, h.Compression);
        Assert.Equal(20, h.RecordCount);
        Assert.Equal(19, h.LastOffsetDelta);
        Assert.Equal(0, h.BaseOffset);
        Assert.Equal(-1, h.ProducerId);
        Assert.Equal(TimestampType.CreateTime, h.TimestampType);
        Assert.False(h.IsTransactional);
        Assert.InRange(h.MaxTimestamp, 1_700_000_000_000, 1_900_000_000_000);
        if (expected != CompressionCodec.None)
            Assert.True(bytes.Length < Golden("none").Length, "librdkafka compressed the records");
    }

    [Fact]
    public void HandBuiltBatch_SameRecordsAsLibrdkafka_IsByteIdentical()
    {
        var golden = Golden("none");
        RecordBatchHeader.TryParse(golden, out var h);
        const string fox = "the quick brown fox jumps over the lazy dog";
        var records = Enumerable.Range(1, 20)
            .Select(i => new TestRecord($"key-{i}", $"value {i}: {fox}, {fox}", 0, ("trace", "abc")))
            .ToList();

        var ours = TestBatches.Build(h.BaseTimestamp, records, partitionLeaderEpoch: h.PartitionLeaderEpoch);

        Assert.Equal(Convert.ToHexString(golden), Convert.ToHexString(ours));
    }

    [Fact]
    public void GoldenBatch_OneBitFlipped_IsCrcMismatch()
    {
        foreach (var codec in new[] { "none", "gzip", "snappy", "lz4", "zstd" })
        {
            var bytes = Golden(codec);
            bytes[bytes.Length / 2] ^= 0x40;
            Assert.Equal(RecordBatchError.CrcMismatch, RecordBatchHeader.TryParse(bytes, out _));
        }
    }

    [Fact]
    public void GoldenBatch_AssignedOffsets_StillValid()
    {
        var bytes = Golden("zstd");
        RecordBatchHeader.AssignOffsets(bytes, 5_000, 3);
        Assert.Equal(RecordBatchError.None, RecordBatchHeader.TryParse(bytes, out var h));
        Assert.Equal(5_019, h.LastOffset);
        Assert.Equal(5_000, BinaryPrimitives.ReadInt64BigEndian(bytes));
    }
}

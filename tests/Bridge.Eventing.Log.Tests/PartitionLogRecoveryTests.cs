using Bridge.Eventing.Log.Storage;
using Bridge.Testing;
using static Bridge.Eventing.Log.Tests.PartitionLogTests;

namespace Bridge.Eventing.Log.Tests;

/// <summary>Opening a log after crashes: torn tails, corrupt batches, lost or broken index files.</summary>
public class PartitionLogRecoveryTests : IDisposable
{
    private const long T0 = 1_767_225_600_000;
    private readonly TempDirectory _dir = new();
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(T0));

    public void Dispose() => _dir.Dispose();

    private string LogDir => _dir.Sub("t-0");

    private PartitionLog Open(LogConfig? config = null) => PartitionLog.Open(LogDir, config ?? new LogConfig(), _clock);

    private string Segment(long baseOffset, string extension = ".log") => Path.Combine(LogDir, baseOffset.ToString("D20") + extension);

    /// <summary>Writes five batches of 2 records (offsets 0-9) and closes the log; returns the batch size.</summary>
    private int WriteFiveBatches(LogConfig? config = null)
    {
        var batch = TestBatches.Simple(T0, 2, 50);
        using var log = Open(config);
        for (var i = 0; i < 5; i++) Append(log, batch);
        return batch.Length;
    }

    [Fact]
    public void Open_TornLastBatch_TruncatesToLastWholeBatch()
    {
        var size = WriteFiveBatches();
        using (var file = File.OpenHandle(Segment(0), FileMode.Open, FileAccess.ReadWrite))
            RandomAccess.SetLength(file, 4 * size + size / 2);

        using var log = Open();

        Assert.Equal(size / 2, log.Recovery.TruncatedBytes);
        Assert.Equal(8, log.LogEndOffset);
        Assert.Equal(4L * size, new FileInfo(Segment(0)).Length);
        Assert.Equal(4, Batches(log.Read(0, 1 << 20)).Count);
        Assert.Equal(8, Append(log, TestBatches.Simple(T0)).BaseOffset);
    }

    [Fact]
    public void Open_TornInsideHeader_Truncates()
    {
        var size = WriteFiveBatches();
        using (var file = File.OpenHandle(Segment(0), FileMode.Open, FileAccess.ReadWrite))
            RandomAccess.SetLength(file, 4 * size + 7);
        using var log = Open();
        Assert.Equal(8, log.LogEndOffset);
        Assert.Equal(7, log.Recovery.TruncatedBytes);
    }

    [Fact]
    public void Open_CorruptByteInThirdBatch_DropsItAndEverythingAfter()
    {
        var size = WriteFiveBatches();
        var bytes = File.ReadAllBytes(Segment(0));
        bytes[2 * size + 40] ^= 0x01;
        File.WriteAllBytes(Segment(0), bytes);

        using var log = Open();

        Assert.Equal(4, log.LogEndOffset);
        Assert.Equal(3L * size, log.Recovery.TruncatedBytes);
    }

    [Fact]
    public void Open_ZerosAfterLastBatch_AreCut()
    {
        var size = WriteFiveBatches();
        using (var stream = new FileStream(Segment(0), FileMode.Append))
            stream.Write(new byte[4096]);
        using var log = Open();
        Assert.Equal(10, log.LogEndOffset);
        Assert.Equal(4096, log.Recovery.TruncatedBytes);
        Assert.Equal(5L * size, log.SizeInBytes);
    }

    [Fact]
    public void Open_BatchWithWrongBaseOffset_IsTreatedAsCorruptTail()
    {
        var size = WriteFiveBatches();
        var bytes = File.ReadAllBytes(Segment(0));
        bytes[4 * size + 7] = 99; // baseOffset of the last batch: outside the CRC, so only contiguity catches it
        File.WriteAllBytes(Segment(0), bytes);
        using var log = Open();
        Assert.Equal(8, log.LogEndOffset);
    }

    [Fact]
    public void Open_MissingOrGarbageIndexes_AreRebuiltIdentically()
    {
        var config = new LogConfig { SegmentBytes = 2048, IndexIntervalBytes = 300 };
        using (var log = Open(config))
        {
            for (var i = 0; i < 40; i++) Append(log, TestBatches.Simple(T0 + (i * 7919 % 50), 1, 60));
            Assert.True(log.SegmentBaseOffsets.Count >= 3);
        }
        var originalIndex = File.ReadAllBytes(Segment(0, ".index"));
        var originalTime = File.ReadAllBytes(Segment(0, ".timeindex"));
        Assert.NotEmpty(originalIndex);
        Assert.NotEmpty(originalTime);
        File.Delete(Segment(0, ".index"));
        var secondBase = long.Parse(Path.GetFileNameWithoutExtension(Directory.GetFiles(LogDir, "*.log").Order().ElementAt(1)));
        File.WriteAllBytes(Segment(secondBase, ".timeindex"), [1, 2, 3, 4, 5]);

        using (var log = Open(config))
        {
            Assert.Equal([0L, secondBase], log.Recovery.RebuiltIndexes);
            Assert.Equal(0, log.Recovery.TruncatedBytes);
            Assert.Equal(40, log.LogEndOffset);
            Assert.Equal(40, Batches(log.Read(0, 1 << 20)).Count);
        }
        Assert.Equal(originalIndex, File.ReadAllBytes(Segment(0, ".index")));
        Assert.Equal(originalTime, File.ReadAllBytes(Segment(0, ".timeindex")));
    }

    [Fact]
    public void Open_IndexPointingAtWrongBatch_IsRebuilt()
    {
        var config = new LogConfig { SegmentBytes = 2048, IndexIntervalBytes = 200 };
        using (var log = Open(config))
            for (var i = 0; i < 30; i++) Append(log, TestBatches.Simple(T0, 1, 60));
        var index = File.ReadAllBytes(Segment(0, ".index"));
        Assert.True(index.Length >= 16);
        index[^1] += 1; // last entry's position now lands inside a batch: well-formed, but wrong
        File.WriteAllBytes(Segment(0, ".index"), index);

        using var reopened = Open(config);
        Assert.Equal([0L], reopened.Recovery.RebuiltIndexes);
        for (var offset = 0L; offset < 30; offset++)
            Assert.Equal(offset, Batches(reopened.Read(offset, 1))[0].Header.BaseOffset);
    }

    [Fact]
    public void Open_CorruptOlderSegmentWithLostIndex_IsCut_ReadsSkipTheGap()
    {
        var batch = TestBatches.Simple(T0, 1, 60);
        var config = new LogConfig { SegmentBytes = batch.Length * 4 };
        using (var log = Open(config))
            for (var i = 0; i < 10; i++) Append(log, batch);
        var bytes = File.ReadAllBytes(Segment(0));
        bytes[2 * batch.Length + 30] ^= 0x10; // third batch of the first segment (offsets 0-3)
        File.WriteAllBytes(Segment(0), bytes);
        File.Delete(Segment(0, ".index"));

        using var reopened = Open(config);

        Assert.Equal([0L], reopened.Recovery.RebuiltIndexes);
        Assert.Equal(2L * batch.Length, reopened.Recovery.TruncatedBytes);
        Assert.Equal(10, reopened.LogEndOffset);
        Assert.Equal([0L, 1L, 4L, 5L], Batches(reopened.Read(0, batch.Length * 4)).Select(b => b.Header.BaseOffset));
        Assert.Equal(4, Batches(reopened.Read(2, 1))[0].Header.BaseOffset);
    }

    [Fact]
    public void Open_BatchLargerThanTheScanBuffer_IsVerifiedInPieces()
    {
        var config = new LogConfig { MaxMessageBytes = 4 << 20 };
        var big = TestBatches.Simple(T0, 1, 3 << 20); // 3 MiB record: three times the 1 MiB scan buffer
        using (var log = Open(config))
            Append(log, TestBatches.Simple(T0), big, TestBatches.Simple(T0));
        using (var log = Open(config))
        {
            Assert.Equal(0, log.Recovery.TruncatedBytes);
            Assert.Equal(3, log.LogEndOffset);
        }
        var first = TestBatches.Simple(T0).Length;
        using (var file = File.OpenHandle(Segment(0), FileMode.Open, FileAccess.ReadWrite))
            RandomAccess.Write(file, new byte[] { 0xEE }, first + big.Length - 100);

        using var reopened = Open(config);
        Assert.Equal(1, reopened.LogEndOffset);
        Assert.Equal((long)big.Length + first, reopened.Recovery.TruncatedBytes);
    }

    [Fact]
    public void Open_StaleTempAndOrphanIndexFiles_AreDeleted()
    {
        WriteFiveBatches();
        File.WriteAllBytes(Segment(0, ".index.tmp"), [1]);
        File.WriteAllBytes(Segment(500, ".index"), new byte[8]);
        File.WriteAllBytes(Segment(500, ".timeindex"), new byte[12]);
        File.WriteAllText(Path.Combine(LogDir, "notes.txt"), "kept");

        using var log = Open();

        Assert.False(File.Exists(Segment(0, ".index.tmp")));
        Assert.False(File.Exists(Segment(500, ".index")));
        Assert.False(File.Exists(Segment(500, ".timeindex")));
        Assert.True(File.Exists(Path.Combine(LogDir, "notes.txt")));
        Assert.Equal(10, log.LogEndOffset);
    }

    [Fact]
    public void Open_EmptyDirectory_StartsAtOffsetZero()
    {
        using var log = Open();
        Assert.Equal(0, log.LogStartOffset);
        Assert.Equal(0, log.LogEndOffset);
        Assert.True(File.Exists(Segment(0)));
    }

    [Fact]
    public void Open_InvalidConfig_Throws()
    {
        Assert.Throws<ArgumentException>(() => Open(new LogConfig { SegmentBytes = 10 }));
        Assert.Throws<ArgumentException>(() => Open(new LogConfig { RetentionMs = -2 }));
    }
}

using Bridge.Eventing.Log.Records;
using Bridge.Eventing.Log.Storage;
using Bridge.Testing;

namespace Bridge.Eventing.Log.Tests;

public class PartitionLogTests : IDisposable
{
    private const long T0 = 1_767_225_600_000;
    private readonly TempDirectory _dir = new();
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(T0));

    public void Dispose() => _dir.Dispose();

    private PartitionLog Open(LogConfig? config = null) => PartitionLog.Open(_dir.Sub("orders-0"), config ?? new LogConfig(), _clock);

    internal static AppendResult Append(PartitionLog log, params byte[][] batches)
    {
        var result = log.Append(TestBatches.Batches(batches));
        Assert.Equal(AppendStatus.Ok, result.Status);
        return result;
    }

    /// <summary>Splits a read result, asserting every batch is valid.</summary>
    internal static IReadOnlyList<RecordBatch> Batches(ReadResult read)
    {
        Assert.Equal(ReadStatus.Ok, read.Status);
        if (read.Records.IsEmpty) return [];
        var split = RecordBatches.Split(read.Records);
        Assert.Equal(RecordBatchError.None, split.Error);
        return split.Batches;
    }

    [Fact]
    public void Append_Batches_AssignsConsecutiveOffsets()
    {
        using var log = Open();
        var first = Append(log, TestBatches.Simple(T0, 1));
        var second = Append(log, TestBatches.Simple(T0, 5), TestBatches.Simple(T0, 2));

        Assert.Equal((0, 0, 1), (first.BaseOffset, first.LastOffset, first.LogEndOffset));
        Assert.Equal((1, 7, 8), (second.BaseOffset, second.LastOffset, second.LogEndOffset));
        Assert.Equal(8, log.LogEndOffset);
        Assert.Equal(0, log.LogStartOffset);
    }

    [Fact]
    public void Read_FromStart_ReturnsStoredBytesWithOnlyOffsetAndEpochRewritten()
    {
        using var log = Open();
        var a = TestBatches.Simple(T0, 3);
        var b = TestBatches.Simple(T0 + 1, 2);
        Append(log, a);
        log.Append(TestBatches.Batches(b), leaderEpoch: 4);

        var read = log.Read(0, 1 << 20);
        var batches = Batches(read);

        Assert.Equal(5, read.HighWatermark);
        Assert.Equal([0L, 3L], batches.Select(x => x.Header.BaseOffset));
        Assert.Equal([0, 4], batches.Select(x => x.Header.PartitionLeaderEpoch));
        Assert.Equal(a.AsSpan(16).ToArray(), batches[0].Bytes.Span[16..].ToArray());
        Assert.Equal(b.AsSpan(16).ToArray(), batches[1].Bytes.Span[16..].ToArray());
    }

    [Fact]
    public void Append_ThousandsOfBatchesInOneCall_OneGatheredWrite()
    {
        using var log = Open();
        var batches = Enumerable.Range(0, 3000).Select(i => TestBatches.Simple(T0 + i, 1 + i % 2)).ToArray();
        var result = Append(log, batches);
        Assert.Equal(result.LogEndOffset, Batches(log.Read(0, int.MaxValue)).Sum(b => (long)b.Header.RecordCount));
        Assert.Equal(3000 + 1500, result.LogEndOffset);
        Assert.Equal(batches.Sum(b => (long)b.Length), log.SizeInBytes);
    }

    [Fact]
    public void Read_OffsetInsideBatch_StartsAtTheBatchHoldingIt()
    {
        using var log = Open();
        Append(log, TestBatches.Simple(T0, 1), TestBatches.Simple(T0, 5), TestBatches.Simple(T0, 2));
        var batches = Batches(log.Read(4, 1 << 20));
        Assert.Equal([1L, 6L], batches.Select(b => b.Header.BaseOffset));
    }

    [Fact]
    public void Read_MaxBytesBelowFirstBatch_ReturnsFirstBatchWhole()
    {
        using var log = Open();
        var big = TestBatches.Simple(T0, 10, 500);
        Append(log, big, TestBatches.Simple(T0));
        var read = log.Read(0, 100);
        var batch = Assert.Single(Batches(read));
        Assert.Equal(big.Length, batch.Bytes.Length);
    }

    [Fact]
    public void Read_MaxBytes_StopsAtLastWholeBatchThatFits()
    {
        using var log = Open();
        var batch = TestBatches.Simple(T0, 1, 200);
        for (var i = 0; i < 5; i++) Append(log, batch);
        var read = log.Read(0, batch.Length * 5 / 2);
        Assert.Equal(2, Batches(read).Count);
        Assert.Equal(batch.Length * 2, read.Records.Length);
        Assert.Equal(0, log.Read(0, 0).Records.Length - batch.Length);
    }

    [Fact]
    public void Read_AtLogEnd_IsEmpty_BeyondIsOutOfRange()
    {
        using var log = Open();
        Append(log, TestBatches.Simple(T0, 2));
        var atEnd = log.Read(2, 1000);
        Assert.Equal(ReadStatus.Ok, atEnd.Status);
        Assert.True(atEnd.Records.IsEmpty);
        Assert.Equal(ReadStatus.OffsetOutOfRange, log.Read(3, 1000).Status);
        Assert.Equal(ReadStatus.OffsetOutOfRange, log.Read(-1, 1000).Status);
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Read(0, -1));
    }

    [Fact]
    public void Append_BatchOverMaxMessageBytes_IsMessageTooLarge_NothingWritten()
    {
        using var log = Open(new LogConfig { MaxMessageBytes = 500 });
        var result = log.Append(TestBatches.Batches(TestBatches.Simple(T0), TestBatches.Simple(T0, 1, 600)));
        Assert.Equal(AppendStatus.MessageTooLarge, result.Status);
        Assert.Equal(0, log.LogEndOffset);
        Assert.Equal(0, log.SizeInBytes);
    }

    [Fact]
    public void Append_Empty_Throws_AndClosedLog_Throws()
    {
        var log = Open();
        Assert.Throws<ArgumentException>(() => log.Append([]));
        log.Dispose();
        Assert.Throws<ObjectDisposedException>(() => log.Append(TestBatches.Batches(TestBatches.Simple(T0))));
        Assert.Throws<ObjectDisposedException>(() => log.Read(0, 10));
        log.Dispose();
    }

    [Fact]
    public void SegmentRoll_BySize_NamesSegmentsByBaseOffset_AndReadsCrossBoundaries()
    {
        var batch = TestBatches.Simple(T0, 2, 100); // ~ 230 bytes
        using var log = Open(new LogConfig { SegmentBytes = batch.Length * 3 });
        for (var i = 0; i < 10; i++) Append(log, batch);

        Assert.Equal([0L, 6L, 12L, 18L], log.SegmentBaseOffsets);
        foreach (var name in new[] { "00000000000000000000", "00000000000000000006", "00000000000000000012", "00000000000000000018" })
            Assert.True(File.Exists(Path.Combine(log.Directory, name + ".log")), name);
        Assert.True(File.Exists(Path.Combine(log.Directory, "00000000000000000000.index")));
        Assert.True(File.Exists(Path.Combine(log.Directory, "00000000000000000012.timeindex")));

        var all = Batches(log.Read(0, 1 << 20));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => 2L * i), all.Select(b => b.Header.BaseOffset));
        var fromMiddle = Batches(log.Read(9, batch.Length * 4));
        Assert.Equal([8L, 10L, 12L, 14L], fromMiddle.Select(b => b.Header.BaseOffset));
    }

    [Fact]
    public void SegmentRoll_ByBatchTimestamps_AfterSegmentMs()
    {
        using var log = Open(new LogConfig { SegmentMs = 1000 });
        Append(log, TestBatches.Simple(T0));
        Append(log, TestBatches.Simple(T0 + 1000));
        Assert.Single(log.SegmentBaseOffsets);
        Append(log, TestBatches.Simple(T0 + 1001));
        Assert.Equal([0L, 2L], log.SegmentBaseOffsets);
    }

    [Fact]
    public void SegmentRoll_WithoutTimestamps_UsesTheClock()
    {
        using var log = Open(new LogConfig { SegmentMs = 1000 });
        Append(log, TestBatches.Simple(-1));
        _clock.Advance(TimeSpan.FromMilliseconds(1000));
        Append(log, TestBatches.Simple(-1));
        Assert.Single(log.SegmentBaseOffsets);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Append(log, TestBatches.Simple(-1));
        Assert.Equal([0L, 2L], log.SegmentBaseOffsets);
    }

    [Fact]
    public void Append_ThenReopen_TenThousandBatches_AllReadable()
    {
        var config = new LogConfig { SegmentBytes = 256 * 1024 };
        var sizes = new List<int>();
        using (var log = Open(config))
        {
            for (var i = 0; i < 10_000; i++)
            {
                var batch = TestBatches.Simple(T0 + i, 1 + i % 3, 10 + i % 50);
                sizes.Add(1 + i % 3);
                Append(log, batch);
            }
        }
        var total = sizes.Sum();
        using var reopened = Open(config);
        Assert.Equal(total, reopened.LogEndOffset);
        Assert.Equal(0, reopened.Recovery.TruncatedBytes);
        Assert.Empty(reopened.Recovery.RebuiltIndexes);
        Assert.True(reopened.SegmentBaseOffsets.Count > 3);

        var offset = 0L;
        var batches = 0;
        while (offset < total)
        {
            var chunk = Batches(reopened.Read(offset, 64 * 1024));
            Assert.Equal(offset, chunk[0].Header.BaseOffset);
            foreach (var batch in chunk)
            {
                Assert.Equal(offset, batch.Header.BaseOffset);
                Assert.Equal(sizes[batches++], batch.Header.RecordCount);
                offset = batch.Header.LastOffset + 1;
            }
        }
        Assert.Equal(10_000, batches);
        var append = Append(reopened, TestBatches.Simple(T0));
        Assert.Equal(total, append.BaseOffset);
    }

    [Fact]
    public async Task ConcurrentReaders_WhileAppending_SeeOnlyWholeValidBatches()
    {
        using var log = Open(new LogConfig { SegmentBytes = 16 * 1024, FlushIntervalMs = 60_000, IndexIntervalBytes = 512 });
        using var done = new CancellationTokenSource();
        var failures = new List<string>();
        var readers = Enumerable.Range(0, 2).Select(seed => Task.Run(() =>
        {
            var random = new Random(seed);
            var reads = 0;
            while (!done.IsCancellationRequested || reads < 100)
            {
                var end = log.LogEndOffset;
                if (end == 0) continue;
                var offset = random.NextInt64(0, end);
                var read = log.Read(offset, random.Next(0, 4096));
                var split = RecordBatches.Split(read.Records);
                if (!split.IsValid || split.Batches[0].Header.BaseOffset > offset || split.Batches[0].Header.LastOffset < offset)
                    lock (failures) failures.Add($"offset {offset}: {split.Error}");
                reads++;
            }
        })).ToArray();
        for (var i = 0; i < 3000; i++)
            Append(log, TestBatches.Simple(T0 + i, 1 + i % 4, 20 + i % 200));
        done.Cancel();
        await Task.WhenAll(readers);
        Assert.Empty(failures);
    }
}

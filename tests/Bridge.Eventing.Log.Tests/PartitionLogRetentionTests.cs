using Bridge.Eventing.Log.Internal;
using Bridge.Eventing.Log.Storage;
using Bridge.Testing;
using static Bridge.Eventing.Log.Tests.PartitionLogTests;

namespace Bridge.Eventing.Log.Tests;

/// <summary>Retention by time and size, and the fsync-every-N-ms flusher, all on a manual clock.</summary>
public class PartitionLogRetentionTests : IDisposable
{
    private const long T0 = 1_767_225_600_000;
    private readonly TempDirectory _dir = new();
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(T0));

    public void Dispose() => _dir.Dispose();

    private PartitionLog Open(LogConfig config) => PartitionLog.Open(_dir.Sub("t-0"), config, _clock);

    private long NowMs => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    [Fact]
    public void ApplyRetention_ByTime_DeletesExpiredSegments_StartOffsetMoves()
    {
        var hour = (long)TimeSpan.FromHours(1).TotalMilliseconds;
        using var log = Open(new LogConfig { SegmentMs = hour, RetentionMs = 2 * hour + hour / 2 });
        for (var h = 0; h < 4; h++)
        {
            Append(log, TestBatches.Simple(NowMs, 2));
            _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMilliseconds(1));
        }
        Assert.Equal([0L, 2L, 4L, 6L], log.SegmentBaseOffsets);

        // now = T0 + 4h + 4 ms: the segments written at T0 and T0 + 1h are more than 2.5 h old, T0 + 2h is not
        Assert.Equal(2, log.ApplyRetention());

        Assert.Equal([4L, 6L], log.SegmentBaseOffsets);
        Assert.Equal(4, log.LogStartOffset);
        Assert.Equal(8, log.LogEndOffset);
        Assert.False(File.Exists(Path.Combine(log.Directory, "00000000000000000000.log")));
        Assert.False(File.Exists(Path.Combine(log.Directory, "00000000000000000002.index")));
        Assert.Equal(ReadStatus.OffsetOutOfRange, log.Read(3, 1000).Status);
        Assert.Equal(4, Batches(log.Read(4, 1000))[0].Header.BaseOffset);
        Assert.Equal(0, log.ApplyRetention());
    }

    [Fact]
    public void ApplyRetention_EverythingExpired_RollsAndLeavesAnEmptyLogAtTheEndOffset()
    {
        using var log = Open(new LogConfig { RetentionMs = 1000 });
        Append(log, TestBatches.Simple(NowMs, 3));
        _clock.Advance(TimeSpan.FromMilliseconds(1001));

        Assert.Equal(1, log.ApplyRetention());

        Assert.Equal([3L], log.SegmentBaseOffsets);
        Assert.Equal(3, log.LogStartOffset);
        Assert.Equal(3, log.LogEndOffset);
        Assert.True(log.Read(3, 100).Records.IsEmpty);
        Assert.Equal(3, Append(log, TestBatches.Simple(NowMs)).BaseOffset);
    }

    [Fact]
    public void ApplyRetention_BySize_KeepsAtLeastRetentionBytes()
    {
        var batch = TestBatches.Simple(T0, 1, 100);
        using var log = Open(new LogConfig { SegmentBytes = batch.Length * 2, RetentionBytes = batch.Length * 3, RetentionMs = -1 });
        for (var i = 0; i < 7; i++) Append(log, batch);
        Assert.Equal([0L, 2L, 4L, 6L], log.SegmentBaseOffsets);

        Assert.Equal(2, log.ApplyRetention());

        Assert.Equal([4L, 6L], log.SegmentBaseOffsets);
        Assert.Equal(batch.Length * 3L, log.SizeInBytes);
    }

    [Fact]
    public void ApplyRetention_ReopenedLog_UsesSealedSegmentTimestampsFromTheTimeIndex()
    {
        var config = new LogConfig { SegmentMs = 1000, RetentionMs = 5000 };
        using (var log = Open(config))
        {
            Append(log, TestBatches.Simple(T0));
            Append(log, TestBatches.Simple(T0 + 2000));
            Append(log, TestBatches.Simple(T0 + 4000));
        }
        _clock.Advance(TimeSpan.FromMilliseconds(7500));
        using var reopened = Open(config);
        Assert.Equal(2, reopened.ApplyRetention()); // T0 and T0 + 2000 are more than 5 s old at T0 + 7500
        Assert.Equal(2, reopened.LogStartOffset);
    }

    [Fact]
    public void FlushInterval_FlusherTimer_FsyncsEveryNMs()
    {
        using var log = Open(new LogConfig { FlushIntervalMs = 100 });
        Append(log, TestBatches.Simple(T0, 3));
        Assert.Equal(3, log.LogEndOffset);
        Assert.Equal(0, log.FlushedOffset);
        Assert.Single(Batches(log.Read(0, 1000))); // visible before the fsync

        _clock.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Equal(0, log.FlushedOffset);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(3, log.FlushedOffset);

        Append(log, TestBatches.Simple(T0, 2));
        Assert.Equal(3, log.FlushedOffset);
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(5, log.FlushedOffset);
    }

    [Fact]
    public void FlushDefault_EveryAppendIsFlushedBeforeItReturns_NoTimer()
    {
        var timersBefore = _clock.ActiveTimers;
        using var log = Open(new LogConfig());
        Assert.Equal(timersBefore, _clock.ActiveTimers);
        Append(log, TestBatches.Simple(T0, 2));
        Assert.Equal(2, log.FlushedOffset);
    }

    [Fact]
    public void Dispose_StopsTheFlusherTimer()
    {
        var log = Open(new LogConfig { FlushIntervalMs = 50 });
        Assert.Equal(1, _clock.ActiveTimers);
        log.Dispose();
        Assert.Equal(0, _clock.ActiveTimers);
    }
}

public class RetentionPolicyTests
{
    private static List<RetentionPolicy.SegmentInfo> Segments(params (long Size, long Timestamp)[] s) =>
        s.Select(x => new RetentionPolicy.SegmentInfo(x.Size, x.Timestamp)).ToList();

    [Theory]
    [InlineData(750, -1, 2)]   // 1000 - 100 and 1000 - 200 exceed 750; 1000 - 300 does not
    [InlineData(-1, 15, 1)]    // 30 bytes, keep ≥ 15: deleting 10 leaves 20, deleting 10 more would leave 10
    [InlineData(750, 15, 2)]   // the longer prefix wins
    [InlineData(-1, -1, 0)]    // both rules off
    [InlineData(850, -1, 1)]
    public void DeletableCount_Examples(long retentionMs, long retentionBytes, int expected)
    {
        var segments = Segments((10, 100), (10, 200), (10, 300), (0, -1));
        Assert.Equal(expected, RetentionPolicy.DeletableCount(segments, 1000, retentionMs, retentionBytes));
    }

    [Fact]
    public void DeletableCount_TimeRule_StopsAtFirstYoungSegment()
    {
        var segments = Segments((10, 100), (10, 900), (10, 100), (5, 950));
        Assert.Equal(1, RetentionPolicy.DeletableCount(segments, 1000, 500, -1));
    }

    [Fact]
    public void DeletableCount_EmptyActiveSegment_IsNeverDeleted_NonEmptyIs()
    {
        Assert.Equal(1, RetentionPolicy.DeletableCount(Segments((10, 0), (0, -1)), 1000, 0, 0));
        Assert.Equal(2, RetentionPolicy.DeletableCount(Segments((10, 0), (5, 0)), 1000, 0, -1));
    }
}

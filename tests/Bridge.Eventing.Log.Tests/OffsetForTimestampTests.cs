using Bridge.Eventing.Log.Storage;
using Bridge.Testing;
using static Bridge.Eventing.Log.Tests.PartitionLogTests;

namespace Bridge.Eventing.Log.Tests;

public class OffsetForTimestampTests : IDisposable
{
    private const long T0 = 1_767_225_600_000;
    private readonly TempDirectory _dir = new();
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(T0));

    public void Dispose() => _dir.Dispose();

    private PartitionLog Open(LogConfig? config = null) => PartitionLog.Open(_dir.Sub("t-0"), config ?? new LogConfig(), _clock);

    [Fact]
    public void UncompressedBatch_FindsTheExactRecord()
    {
        using var log = Open();
        // offsets 0..2 at T0, T0+10, T0+20; offsets 3..4 at T0+30, T0+40
        Append(log, TestBatches.Build(T0, [new TestRecord("a", "1"), new TestRecord("b", "2", 10), new TestRecord("c", "3", 20)]));
        Append(log, TestBatches.Build(T0 + 30, [new TestRecord("d", "4"), new TestRecord("e", "5", 10)]));

        Assert.Equal(new TimestampOffset(0, T0), log.OffsetForTimestamp(T0 - 1000));
        Assert.Equal(new TimestampOffset(0, T0), log.OffsetForTimestamp(T0));
        Assert.Equal(new TimestampOffset(1, T0 + 10), log.OffsetForTimestamp(T0 + 1));
        Assert.Equal(new TimestampOffset(2, T0 + 20), log.OffsetForTimestamp(T0 + 20));
        Assert.Equal(new TimestampOffset(3, T0 + 30), log.OffsetForTimestamp(T0 + 21));
        Assert.Equal(new TimestampOffset(4, T0 + 40), log.OffsetForTimestamp(T0 + 40));
        Assert.Null(log.OffsetForTimestamp(T0 + 41));
    }

    [Fact]
    public void CompressedBatch_AnswersWithTheBatchBaseOffsetAndMaxTimestamp()
    {
        using var log = Open();
        Append(log, TestBatches.Simple(T0));
        Append(log, TestBatches.Opaque(T0 + 5, T0 + 50, 4, [0x1f, 0x8b, 0, 1, 2, 3], attributes: 1));

        Assert.Equal(new TimestampOffset(1, T0 + 50), log.OffsetForTimestamp(T0 + 20));
    }

    [Fact]
    public void ManySegmentsAndOutOfOrderTimestamps_MatchesALinearScan()
    {
        var config = new LogConfig { SegmentBytes = 1500, IndexIntervalBytes = 150 };
        using var log = Open(config);
        var random = new Random(3);
        var batchTimestamps = new List<long>();
        for (var i = 0; i < 200; i++)
        {
            var ts = T0 + i * 10 + random.Next(-40, 40); // mostly rising, sometimes earlier than its predecessor
            batchTimestamps.Add(ts);
            Append(log, TestBatches.Simple(ts, 1, 40));
        }
        Assert.True(log.SegmentBaseOffsets.Count > 10);

        for (var target = T0 - 50; target < T0 + 2050; target += 7)
        {
            var expected = batchTimestamps.FindIndex(ts => ts >= target);
            var found = log.OffsetForTimestamp(target);
            if (expected < 0) Assert.Null(found);
            else Assert.Equal(new TimestampOffset(expected, batchTimestamps[expected]), found);
        }
    }

    [Fact]
    public void AfterReopen_SameAnswers()
    {
        var config = new LogConfig { SegmentBytes = 1000, IndexIntervalBytes = 100 };
        var answers = new Dictionary<long, TimestampOffset?>();
        using (var log = Open(config))
        {
            for (var i = 0; i < 50; i++) Append(log, TestBatches.Simple(T0 + i * 100, 2, 30));
            for (var t = T0; t < T0 + 5100; t += 33) answers[t] = log.OffsetForTimestamp(t);
        }
        using var reopened = Open(config);
        foreach (var (t, answer) in answers)
            Assert.Equal(answer, reopened.OffsetForTimestamp(t));
    }
}

using Bridge.Eventing.Log.Offsets;
using Bridge.Eventing.Log.Storage;
using Bridge.Eventing.Log.Topics;
using Bridge.Testing;
using static Bridge.Eventing.Log.Tests.PartitionLogTests;

namespace Bridge.Eventing.Log.Tests;

public class LogManagerTests : IDisposable
{
    private const long T0 = 1_767_225_600_000;
    private readonly TempDirectory _dir = new();
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(T0));

    public void Dispose() => _dir.Dispose();

    private LogManager Open(int defaultPartitions = 1, LogConfig? defaults = null) =>
        LogManager.Open(new LogManagerOptions { DataDirectory = _dir.Path, DefaultPartitions = defaultPartitions, DefaultConfig = defaults ?? new LogConfig() }, _clock);

    [Fact]
    public void CreateTopic_MakesKafkaLayout_AndSurvivesRestart()
    {
        var custom = new LogConfig { RetentionMs = 60_000, SegmentBytes = 4096 };
        using (var manager = Open())
        {
            Assert.Equal(TopicStatus.Ok, manager.CreateTopic("orders", 3, custom));
            Assert.Equal(TopicStatus.Ok, manager.CreateTopic("audit.log_v2"));
            Append(manager.GetLog("orders", 2)!, TestBatches.Simple(T0, 4));
        }
        Assert.True(Directory.Exists(_dir.Sub("orders-0")));
        Assert.True(File.Exists(Path.Combine(_dir.Sub("orders-2"), "00000000000000000000.log")));
        Assert.True(File.Exists(_dir.Sub("topics.json")));

        using var reopened = Open();
        Assert.Equal(["audit.log_v2", "orders"], reopened.ListTopics().Select(t => t.Name));
        Assert.Equal(new TopicDescription("orders", 3, custom), reopened.GetTopic("orders"));
        Assert.Equal(4, reopened.GetLog("orders", 2)!.LogEndOffset);
        Assert.Equal(custom, reopened.GetLog("orders", 0)!.Config);
        Assert.Null(reopened.GetLog("orders", 3));
        Assert.Null(reopened.GetLog("nope", 0));
    }

    [Theory]
    [InlineData("", TopicStatus.InvalidTopic)]
    [InlineData("..", TopicStatus.InvalidTopic)]
    [InlineData("has space", TopicStatus.InvalidTopic)]
    [InlineData("a/b", TopicStatus.InvalidTopic)]
    [InlineData("ok-topic", TopicStatus.Ok)]
    public void CreateTopic_Names_FollowKafkaRules(string name, TopicStatus expected)
    {
        using var manager = Open();
        Assert.Equal(expected, manager.CreateTopic(name, 1));
    }

    [Fact]
    public void CreateTopic_BadRequests_ReturnKafkaStatuses()
    {
        using var manager = Open(defaultPartitions: 4);
        Assert.Equal(TopicStatus.Ok, manager.CreateTopic("t"));
        Assert.Equal(4, manager.GetTopic("t")!.Partitions);
        Assert.Equal(TopicStatus.TopicAlreadyExists, manager.CreateTopic("t", 1));
        Assert.Equal(TopicStatus.InvalidPartitions, manager.CreateTopic("u", 0));
        Assert.Equal(TopicStatus.InvalidConfig, manager.CreateTopic("u", 1, new LogConfig { SegmentBytes = 1 }));
        Assert.Equal(TopicStatus.InvalidTopic, manager.CreateTopic(new string('x', 250), 1));
        Assert.Equal(36, TopicStatus.TopicAlreadyExists.ToKafkaErrorCode());
        Assert.Equal(3, TopicStatus.UnknownTopic.ToKafkaErrorCode());
    }

    [Fact]
    public void DeleteTopic_RemovesDirectoriesLogsAndCommittedOffsets()
    {
        using var manager = Open();
        manager.CreateTopic("gone", 2);
        manager.CreateTopic("kept", 1);
        var log = manager.GetLog("gone", 0)!;
        manager.GroupOffsets.Commit("g", [new(new TopicPartition("gone", 0), new CommittedOffset(5, -1, null, T0)),
                                          new(new TopicPartition("kept", 0), new CommittedOffset(7, -1, null, T0))]);

        Assert.Equal(TopicStatus.Ok, manager.DeleteTopic("gone"));

        Assert.Null(manager.GetTopic("gone"));
        Assert.False(Directory.Exists(_dir.Sub("gone-0")));
        Assert.Empty(Directory.GetDirectories(_dir.Path, "*-delete"));
        Assert.Throws<ObjectDisposedException>(() => log.Read(0, 10));
        Assert.Null(manager.GroupOffsets.Get("g", new TopicPartition("gone", 0)));
        Assert.Equal(7, manager.GroupOffsets.Get("g", new TopicPartition("kept", 0))!.Offset);
        Assert.Equal(TopicStatus.UnknownTopic, manager.DeleteTopic("gone"));
    }

    [Fact]
    public void Open_OrphanAndHalfDeletedDirectories_AreRemoved()
    {
        using (var manager = Open()) manager.CreateTopic("live", 1);
        Directory.CreateDirectory(_dir.Sub("stale-0"));
        Directory.CreateDirectory(_dir.Sub("live-5"));
        Directory.CreateDirectory(_dir.Sub("live-0.0123456789abcdef-delete"));
        Directory.CreateDirectory(_dir.Sub("not a partition dir"));

        using var reopened = Open();

        Assert.Equal(["live"], reopened.ListTopics().Select(t => t.Name));
        Assert.False(Directory.Exists(_dir.Sub("stale-0")));
        Assert.False(Directory.Exists(_dir.Sub("live-5")));
        Assert.False(Directory.Exists(_dir.Sub("live-0.0123456789abcdef-delete")));
        Assert.True(Directory.Exists(_dir.Sub("not a partition dir")));
    }

    [Fact]
    public void Open_WithoutCatalog_AdoptsPartitionDirectories()
    {
        using (var log = PartitionLog.Open(_dir.Sub("legacy-1"), new LogConfig(), _clock))
            Append(log, TestBatches.Simple(T0, 2));

        using var manager = Open();

        Assert.Equal(new TopicDescription("legacy", 2, new LogConfig()), manager.GetTopic("legacy"));
        Assert.Equal(2, manager.GetLog("legacy", 1)!.LogEndOffset);
        Assert.Equal(0, manager.GetLog("legacy", 0)!.LogEndOffset);
    }

    [Fact]
    public void Open_SecondManagerOnSameDirectory_Fails()
    {
        using var manager = Open();
        Assert.ThrowsAny<IOException>(() => Open());
    }

    [Fact]
    public void RetentionTimer_DeletesExpiredSegmentsOnTheClock()
    {
        using var manager = LogManager.Open(new LogManagerOptions
        {
            DataDirectory = _dir.Path,
            DefaultConfig = new LogConfig { RetentionMs = 60_000 },
            RetentionCheckInterval = TimeSpan.FromMinutes(1),
        }, _clock);
        manager.CreateTopic("t", 2);
        Append(manager.GetLog("t", 0)!, TestBatches.Simple(T0, 3));
        Append(manager.GetLog("t", 1)!, TestBatches.Simple(T0 + 90_000, 1));

        _clock.Advance(TimeSpan.FromMinutes(2)); // now T0 + 120 s: partition 0's data is 120 s old, partition 1's 30 s

        Assert.Equal(3, manager.GetLog("t", 0)!.LogStartOffset);
        Assert.Equal(0, manager.GetLog("t", 1)!.LogStartOffset);
        Assert.Null(manager.LastRetentionError);
    }
}

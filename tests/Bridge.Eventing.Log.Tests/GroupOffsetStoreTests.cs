using Bridge.Eventing.Log.Offsets;

namespace Bridge.Eventing.Log.Tests;

public class GroupOffsetStoreTests : IDisposable
{
    private const long T0 = 1_767_225_600_000;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string FilePath => _dir.Sub("consumer-offsets.log");

    private static KeyValuePair<TopicPartition, CommittedOffset> Offset(string topic, int partition, long offset, string? metadata = null) =>
        new(new TopicPartition(topic, partition), new CommittedOffset(offset, 3, metadata, T0));

    [Fact]
    public void Commit_ThenReopen_OffsetsSurvive_LaterCommitsWin()
    {
        using (var store = GroupOffsetStore.Open(FilePath))
        {
            store.Commit("billing", [Offset("orders", 0, 10, "m"), Offset("orders", 1, 20)]);
            store.Commit("billing", [Offset("orders", 0, 15)]);
            store.Commit("audit", [Offset("orders", 0, 1, "ünïcode")]);
        }
        using var reopened = GroupOffsetStore.Open(FilePath);
        Assert.Equal(["audit", "billing"], reopened.Groups);
        Assert.Equal(new CommittedOffset(15, 3, null, T0), reopened.Get("billing", new TopicPartition("orders", 0)));
        Assert.Equal(20, reopened.Get("billing", new TopicPartition("orders", 1))!.Offset);
        Assert.Equal("ünïcode", reopened.Get("audit", new TopicPartition("orders", 0))!.Metadata);
        Assert.Equal(2, reopened.GetGroup("billing").Count);
        Assert.Empty(reopened.GetGroup("nobody"));
        Assert.Null(reopened.Get("billing", new TopicPartition("orders", 9)));
    }

    [Fact]
    public void Open_TornLastEntry_IsCutAndEarlierCommitsKept()
    {
        using (var store = GroupOffsetStore.Open(FilePath))
        {
            store.Commit("g", [Offset("t", 0, 1)]);
            store.Commit("g", [Offset("t", 0, 2)]);
        }
        var length = new FileInfo(FilePath).Length;
        using (var file = File.OpenHandle(FilePath, FileMode.Open, FileAccess.ReadWrite))
            RandomAccess.SetLength(file, length - 3);

        using var reopened = GroupOffsetStore.Open(FilePath);
        Assert.Equal(1, reopened.Get("g", new TopicPartition("t", 0))!.Offset);
        Assert.True(reopened.TruncatedBytes > 0);
        reopened.Commit("g", [Offset("t", 0, 3)]);
        reopened.Dispose();
        using var again = GroupOffsetStore.Open(FilePath);
        Assert.Equal(3, again.Get("g", new TopicPartition("t", 0))!.Offset);
        Assert.Equal(0, again.TruncatedBytes);
    }

    [Fact]
    public void Open_CorruptEntry_StopsReplayThere()
    {
        using (var store = GroupOffsetStore.Open(FilePath))
        {
            store.Commit("g", [Offset("t", 0, 1)]);
            store.Commit("g", [Offset("t", 0, 2)]);
        }
        var bytes = File.ReadAllBytes(FilePath);
        bytes[^2] ^= 0xFF;
        File.WriteAllBytes(FilePath, bytes);
        using var reopened = GroupOffsetStore.Open(FilePath);
        Assert.Equal(1, reopened.Get("g", new TopicPartition("t", 0))!.Offset);
    }

    [Fact]
    public void DeleteGroupAndTopic_AreDurable()
    {
        using (var store = GroupOffsetStore.Open(FilePath))
        {
            store.Commit("a", [Offset("t", 0, 1), Offset("u", 0, 1)]);
            store.Commit("b", [Offset("t", 1, 1)]);
            Assert.True(store.DeleteGroup("a"));
            Assert.False(store.DeleteGroup("a"));
            store.Commit("c", [Offset("u", 0, 9)]);
            Assert.Equal(1, store.DeleteTopic("t"));
        }
        using var reopened = GroupOffsetStore.Open(FilePath);
        Assert.Equal(["c"], reopened.Groups);
        Assert.Equal(9, reopened.Get("c", new TopicPartition("u", 0))!.Offset);
    }

    [Fact]
    public void Compaction_KeepsLatestOffsets_AndShrinksTheFile()
    {
        var compactions = 0;
        using (var store = GroupOffsetStore.Open(FilePath, compactThresholdBytes: 4096))
        {
            for (var i = 0; i < 500; i++)
            {
                var before = store.FileSizeBytes;
                store.Commit($"g{i % 3}", [Offset("t", i % 4, i)]);
                if (store.FileSizeBytes < before) compactions++;
            }
            Assert.True(store.FileSizeBytes < 4096 * 2, $"size {store.FileSizeBytes}");
        }
        Assert.True(compactions >= 2, $"{compactions} compactions"); // 500 commits of ~40 bytes: ~20 KB uncompacted
        using var reopened = GroupOffsetStore.Open(FilePath);
        for (var i = 488; i < 500; i++)
            Assert.Equal(i, reopened.Get($"g{i % 3}", new TopicPartition("t", i % 4))!.Offset);
    }

    [Fact]
    public void Commit_Invalid_Throws()
    {
        using var store = GroupOffsetStore.Open(FilePath);
        Assert.Throws<ArgumentException>(() => store.Commit("g", [Offset("t", -1, 0)]));
        Assert.Throws<ArgumentException>(() => store.Commit("g", [Offset("t", 0, 0, new string('x', 40_000))]));
        Assert.Empty(store.Groups);
    }
}

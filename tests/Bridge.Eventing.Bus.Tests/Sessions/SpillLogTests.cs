using System.Collections.Immutable;
using Bridge.Eventing.Bus.Spill;
using Confluent.Kafka;

namespace Bridge.Eventing.Bus.Tests.Sessions;

public sealed class SpillLogTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bridge-spill-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static SpillEntry Entry(ulong sequence) => new("orders", Guid.NewGuid(), sequence,
        ImmutableSortedDictionary.CreateRange(new Dictionary<int, long> { [0] = 3, [1] = 9 }),
        [
            new SpillRecord(0, null, new Message<byte[]?, byte[]?> { Key = [1, 2], Value = [3, 4, 5], Headers = new Headers { { "h", [6] } }, Timestamp = new Timestamp(1_700_000_000_000, TimestampType.CreateTime) }),
            new SpillRecord(2, 1, new Message<byte[]?, byte[]?> { Key = null, Value = [], Headers = new Headers(), Timestamp = new Timestamp(1, TimestampType.CreateTime) }),
        ]);

    [Fact]
    public void Entries_Round_Trip()
    {
        string path;
        var written = new[] { Entry(1), Entry(2) };
        using (var log = new SpillLog(_directory, "n1", DateTimeOffset.UnixEpoch))
        {
            foreach (var entry in written) log.Append(entry);
            path = log.Path;
        }
        var (entries, problem) = SpillLog.Read(path);
        Assert.Null(problem);
        Assert.Equal(2, entries.Count);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal((written[i].Topic, written[i].Writer, written[i].Sequence), (entries[i].Topic, entries[i].Writer, entries[i].Sequence));
            Assert.Equal(written[i].ScanFrom, entries[i].ScanFrom);
            Assert.Equal(written[i].Records.Select(r => (r.Index, r.Partition, r.Message.Key, r.Message.Value, r.Message.Timestamp.UnixTimestampMs)),
                entries[i].Records.Select(r => (r.Index, r.Partition, r.Message.Key, r.Message.Value, r.Message.Timestamp.UnixTimestampMs)));
            Assert.Equal([6], entries[i].Records[0].Message.Headers.GetLastBytes("h"));
        }
    }

    [Fact]
    public void A_Torn_Last_Entry_Is_Dropped_And_A_Damaged_Middle_One_Reported()
    {
        string path;
        using (var log = new SpillLog(_directory, "n1", DateTimeOffset.UnixEpoch))
        {
            log.Append(Entry(1));
            log.Append(Entry(2));
            path = log.Path;
        }
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);
        var (torn, problem) = SpillLog.Read(path);
        Assert.Single(torn);
        Assert.Null(problem);

        bytes[12] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var (damaged, report) = SpillLog.Read(path);
        Assert.Empty(damaged);
        Assert.Contains("checksum", report);
    }

    [Fact]
    public void An_Empty_Spill_File_Is_Removed()
    {
        string path;
        using (var log = new SpillLog(_directory, "n1", DateTimeOffset.UnixEpoch)) path = log.Path;
        Assert.False(File.Exists(path));
    }
}

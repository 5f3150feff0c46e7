using System.Text.Json;
using Bridge.Eventing.Broker.ClientTests.Infrastructure;
using Bridge.Testing;

namespace Bridge.Eventing.Broker.ClientTests;

/// <summary>
/// Debian's kcat 1.7.1 (librdkafka 2.0.2) against the running broker: produce keyed lines,
/// consume them back, list metadata as JSON, and consume in a group (<c>-G</c>). Each kcat runs
/// with a deadline and is killed in all cases. Needs kcat (./test.sh installs it).
/// </summary>
[Trait("Category", "Interop")]
public class KcatTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static async Task<string> Kcat(TestBroker broker, string[] arguments, string? stdin = null)
    {
        using var kcat = ChildProcess.Start("kcat", ["-b", broker.BootstrapServers, .. arguments], stdin);
        bool exited = await kcat.WaitForExitAsync(Deadline);
        Assert.True(exited, $"{kcat.CommandLine} did not finish within {Deadline.TotalSeconds} s; stderr:\n{kcat.Stderr}");
        Assert.True(kcat.ExitCode == 0, $"{kcat.CommandLine} exited {kcat.ExitCode}; stderr:\n{kcat.Stderr}");
        return string.Concat(kcat.Lines.Select(l => l + "\n"));
    }

    [Fact]
    public async Task ProduceKeyedLines_ThenConsumeToEnd_ReturnsExactlyWhatWasWritten()
    {
        await using var broker = await TestBroker.StartAsync();
        const string lines = "order-1:created\norder-2:paid in full\norder-1:shipped: by post\n:no key\nlast:ünïcode ✓\n";

        await Kcat(broker, ["-P", "-t", "orders", "-K:"], lines);
        string consumed = await Kcat(broker, ["-C", "-t", "orders", "-e", "-f", "%k:%s\n"]);

        // The key ends at the first ':'; the rest of the line, colons included, is the value.
        Assert.Equal(lines, consumed);
    }

    [Fact]
    public async Task ListAsJson_ShowsTheBrokerAndTheTopicWithItsPartitions()
    {
        await using var broker = await TestBroker.StartAsync(o => o with { DefaultPartitions = 3 });
        await Kcat(broker, ["-P", "-t", "listed", "-K:"], "a:1\n");

        string json = await Kcat(broker, ["-L", "-J"]);

        using var doc = JsonDocument.Parse(json);
        var self = doc.RootElement.GetProperty("brokers").EnumerateArray().Single();
        Assert.Equal(broker.BootstrapServers, self.GetProperty("name").GetString());
        int selfId = self.GetProperty("id").GetInt32();
        var topic = doc.RootElement.GetProperty("topics").EnumerateArray().Single(t => t.GetProperty("topic").GetString() == "listed");
        var partitions = topic.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], partitions.Select(p => p.GetProperty("partition").GetInt32()));
        Assert.All(partitions, p => Assert.Equal(selfId, p.GetProperty("leader").GetInt32()));
    }

    [Fact]
    public async Task GroupConsumer_ReceivesEveryRecordOfEveryPartition()
    {
        await using var broker = await TestBroker.StartAsync(o => o with { DefaultPartitions = 2 });
        var expected = Enumerable.Range(0, 40).Select(i => $"key{i % 7}:value-{i}").ToList();
        await Kcat(broker, ["-P", "-t", "grouped", "-K:"], string.Join('\n', expected) + "\n");

        // -G runs until killed; it is killed once every record arrived, or at the deadline. -u: unbuffered
        // output, so records show as they come; -o beginning is kcat's way to set auto.offset.reset
        // (it overrides -X auto.offset.reset with its own default).
        using var kcat = ChildProcess.Start("kcat", ["-b", broker.BootstrapServers, "-G", "kcat-group", "-o", "beginning", "-u",
            "-f", "%k:%s\n", "grouped"]);
        bool all = await kcat.WaitForLinesAsync(lines => lines.Count >= expected.Count, Deadline);

        Assert.True(all, $"{kcat.CommandLine} printed {kcat.Lines.Count} of {expected.Count} records; stderr:\n{kcat.Stderr}");
        Assert.Equal(expected.Order(), kcat.Lines.Order());
    }
}

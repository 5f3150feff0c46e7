using System.Collections.Concurrent;
using Bridge.Eventing.Bus.Tests.Infrastructure;
using Bridge.Eventing.Client;
using Bridge.Eventing.V1;

namespace Bridge.Eventing.Bus.Tests.Integration;

/// <summary>
/// Back-end nodes killed under load (bounded: 3,000 records, three nodes, loopback): a publisher and a
/// consumer run through the client SDK while one node and then another is killed mid-session. Every
/// acknowledged write must be read exactly once by the consumer, in order per partition, and Kafka
/// itself must hold each record once.
/// </summary>
public sealed class ChaosTests
{
    private const int Records = 3000;
    private const int Partitions = 3;

    [Fact]
    public async Task Killing_Two_Of_Three_Nodes_Mid_Session_Loses_And_Duplicates_Nothing_Acknowledged()
    {
        await using var bus = await BusHarness.StartAsync();
        await bus.CreateTopicAsync("chaos", Partitions);
        using var client = bus.Client();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var consumed = new ConcurrentQueue<BusRecord>();
        var consumer = Task.Run(async () =>
        {
            await foreach (var record in client.ConsumeAsync("chaos", new ConsumeOptions { Start = StartPosition.Earliest, Wait = TimeSpan.FromMilliseconds(200) }, stop.Token))
            {
                consumed.Enqueue(record);
                if (consumed.Count >= Records) break;
            }
        });

        var acknowledged = new ConcurrentDictionary<string, PublishResult>();
        var kills = 0;
        await using (var publisher = client.CreatePublisher("chaos", new() { MaxBatchRecords = 50 }))
        {
            var acks = new List<Task>();
            for (var i = 0; i < Records; i++)
            {
                var text = i.ToString("D5");
                var ack = await publisher.SendAsync(Values.Record("key-" + (i % 17), text), stop.Token);
                acks.Add(ack.ContinueWith(t => acknowledged[text] = t.Result, TaskContinuationOptions.OnlyOnRanToCompletion));
                if (i == Records / 3 || i == 2 * Records / 3) await KillWhenAcknowledgedAsync(i / 2);
            }
            await Task.WhenAll(acks);

            // Kills a node that holds a session now (the publisher's, the consumer's or both), so each kill is mid-session.
            async Task KillWhenAcknowledgedAsync(int atLeast)
            {
                await Testing.Wait.UntilAsync(() => acknowledged.Count >= atLeast, $"{atLeast} acknowledged", TimeSpan.FromSeconds(60));
                var victim = Enumerable.Range(0, 3).First(n => bus.Bus.Backends[n] is { Node.SessionCount: > 0 });
                await bus.Bus.KillBackendAsync(victim);
                kills++;
            }
        }
        await consumer.WaitAsync(stop.Token);

        Assert.Equal(2, kills);
        Assert.Equal(Records, acknowledged.Count);
        var seen = consumed.GroupBy(r => Values.Text(r.Value)).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(acknowledged.Keys, text => Assert.Equal(1, seen.GetValueOrDefault(text)));
        Assert.Equal(Records, consumed.Count);
        foreach (var partition in consumed.GroupBy(r => r.Partition))
        {
            var offsets = partition.Select(r => r.Offset).ToList();
            Assert.Equal(offsets.Order(), offsets);
            Assert.Equal(offsets.Count, offsets.Distinct().Count());
            // Per key, the publisher's order survives: the values of one key come out ascending.
            foreach (var key in partition.GroupBy(r => System.Text.Encoding.UTF8.GetString(r.Key!)))
                Assert.Equal(key.Select(r => Values.Text(r.Value)).Order(StringComparer.Ordinal), key.Select(r => Values.Text(r.Value)));
        }
        foreach (var (text, result) in acknowledged)
        {
            var record = consumed.Single(r => Values.Text(r.Value) == text);
            Assert.Equal((result.Partition, result.Offset), (record.Partition, record.Offset));
        }
        Assert.Equal(Records, bus.Count("chaos", Partitions));
    }
}

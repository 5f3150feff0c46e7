using System.Diagnostics;
using System.Text;
using Bridge.Eventing.Broker.ClientTests.Infrastructure;
using Bridge.Testing;
using Confluent.Kafka;

namespace Bridge.Eventing.Broker.ClientTests;

/// <summary>
/// Consumer groups through Confluent.Kafka's <c>Subscribe</c> (librdkafka's classic, eager
/// protocol: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, OffsetCommit, OffsetFetch, LeaveGroup).
/// </summary>
public class ConsumerGroupTests
{
    private readonly ClientLog _log = new();

    private static Message<byte[]?, byte[]?> Record(int i) => new() { Key = Encoding.UTF8.GetBytes($"k{i}"), Value = Encoding.UTF8.GetBytes($"{i}") };

    private static int Id(ConsumeResult<byte[]?, byte[]?> r) => int.Parse(Encoding.UTF8.GetString(r.Message.Value!));

    // Heartbeats every 300 ms, so a member learns of a rebalance quickly (librdkafka's default is 3 s).
    private static void GroupMember(ConsumerConfig c)
    {
        c.HeartbeatIntervalMs = 300;
        c.SessionTimeoutMs = 10_000;
    }

    private async Task ProduceAsync(string bootstrap, string topic, int partitions, IEnumerable<int> ids)
    {
        using var producer = Clients.Producer(bootstrap, _log);
        await Clients.ProduceAllAsync(producer, ids.Select(i => (new TopicPartition(topic, i % partitions), Record(i))));
    }

    [Fact]
    public async Task Subscribe_OneMember_GetsEveryPartitionAndConsumesEverythingInOrder()
    {
        await using var broker = await TestBroker.StartAsync();
        string topic = Clients.TopicName("group-one");
        await Clients.CreateTopicAsync(broker.BootstrapServers, topic, 3, _log);
        await ProduceAsync(broker.BootstrapServers, topic, 3, Enumerable.Range(0, 600));

        using var consumer = Clients.Consumer(broker.BootstrapServers, "group-one", _log, GroupMember);
        consumer.Subscribe(topic);
        var consumed = Clients.ConsumeUntil(consumer, 600, _log);

        Assert.Equal(Enumerable.Range(0, 600), consumed.Select(Id).Order());
        Assert.Equal([0, 1, 2], consumer.Assignment.Select(tp => tp.Partition.Value).Order());
        Assert.All(consumed.GroupBy(r => r.Partition.Value), p => Assert.Equal(p.Select(Id).Order(), p.Select(Id)));
        consumer.Close();
    }

    [Fact]
    public async Task Subscribe_TwoMembers_SplitFourPartitionsDisjointly_AndTogetherConsumeEverythingOnce()
    {
        await using var broker = await TestBroker.StartAsync();
        string topic = Clients.TopicName("group-two");
        await Clients.CreateTopicAsync(broker.BootstrapServers, topic, 4, _log);
        using var stop = new CancellationTokenSource();
        var members = new[] { new Member(), new Member() };
        var loops = members.Select(m => Task.Run(() => m.Run(broker.BootstrapServers, topic, _log, stop.Token))).ToArray();
        try
        {
            // Both members joined and the group settled: each owns some partitions, none twice, all four owned.
            await Wait.UntilAsync(() =>
            {
                var a = members[0].Assignment;
                var b = members[1].Assignment;
                return a.Length > 0 && b.Length > 0 && !a.Intersect(b).Any() && a.Union(b).Order().SequenceEqual([0, 1, 2, 3]);
            }, "both members assigned, disjoint, covering all 4 partitions");
            var assignments = members.Select(m => m.Assignment).ToArray();

            await ProduceAsync(broker.BootstrapServers, topic, 4, Enumerable.Range(0, 1_000));
            await Wait.UntilAsync(() => members.Sum(m => m.Count) >= 1_000, "1,000 records consumed by the two members");

            var all = members.SelectMany(m => m.Consumed).ToList();
            Assert.Equal(Enumerable.Range(0, 1_000), all.Select(r => r.Id).Order());
            for (int i = 0; i < members.Length; i++)
            {
                // With no rebalance after the records were produced, each member read exactly its own partitions.
                Assert.Equal(assignments[i], members[i].Assignment);
                Assert.All(members[i].Consumed, r => Assert.Contains(r.Partition, assignments[i]));
            }
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(loops);
        }
    }

    [Fact]
    public async Task CommittedOffsets_SurviveBrokerRestart_NewConsumerResumesAfterThem()
    {
        await using var broker = await TestBroker.StartAsync();
        string topic = Clients.TopicName("restart");
        await Clients.CreateTopicAsync(broker.BootstrapServers, topic, 2, _log);
        await ProduceAsync(broker.BootstrapServers, topic, 2, Enumerable.Range(0, 200));

        using (var consumer = Clients.Consumer(broker.BootstrapServers, "durable-group", _log, GroupMember))
        {
            consumer.Subscribe(topic);
            // Read 60 records of each partition (ids are produced alternately: even to 0, odd to 1).
            var perPartition = new Dictionary<int, long>();
            var clock = Stopwatch.StartNew();
            while ((perPartition.Count < 2 || perPartition.Values.Any(o => o < 59)) && clock.Elapsed < Clients.ConsumeDeadline)
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (r is null || r.Offset.Value >= 60) continue;
                perPartition[r.Partition.Value] = Math.Max(perPartition.GetValueOrDefault(r.Partition.Value, -1), r.Offset.Value);
            }
            Assert.True(perPartition.Count == 2 && perPartition.Values.All(o => o == 59), $"read {string.Join(",", perPartition)}; log:\n{_log.Tail()}");
            consumer.Commit([new TopicPartitionOffset(topic, 0, 60), new TopicPartitionOffset(topic, 1, 60)]);
            consumer.Close();
        }

        await broker.RestartAsync();

        using var resumed = Clients.Consumer(broker.BootstrapServers, "durable-group", _log, GroupMember);
        var committed = resumed.Committed([new TopicPartition(topic, 0), new TopicPartition(topic, 1)], TimeSpan.FromSeconds(10));
        Assert.Equal([60L, 60L], committed.Select(c => c.Offset.Value));
        resumed.Subscribe(topic);
        var rest = Clients.ConsumeUntil(resumed, 80, _log);
        Assert.Equal(Enumerable.Range(120, 80), rest.Select(Id).Order());
        Assert.All(rest, r => Assert.True(r.Offset.Value >= 60));
        resumed.Close();
    }

    /// <summary>One group member polling on its own thread; publishes its assignment and records.</summary>
    private sealed class Member
    {
        private readonly object _gate = new();
        private readonly List<(int Partition, int Id)> _consumed = [];
        private int[] _assignment = [];

        public int[] Assignment => Volatile.Read(ref _assignment);

        public int Count { get { lock (_gate) return _consumed.Count; } }

        public List<(int Partition, int Id)> Consumed { get { lock (_gate) return [.. _consumed]; } }

        public void Run(string bootstrap, string topic, ClientLog log, CancellationToken stop)
        {
            using var consumer = Clients.Consumer(bootstrap, "group-two", log, c =>
            {
                GroupMember(c);
                c.EnableAutoCommit = true;
            });
            consumer.Subscribe(topic);
            while (!stop.IsCancellationRequested)
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (r is { IsPartitionEOF: false })
                    lock (_gate) _consumed.Add((r.Partition.Value, Id(r)));
                Volatile.Write(ref _assignment, consumer.Assignment.Select(tp => tp.Partition.Value).Order().ToArray());
            }
            consumer.Close();
        }
    }
}

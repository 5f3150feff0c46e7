using System.Text;
using Bridge.Eventing.Broker.ClientTests.Infrastructure;
using Bridge.Testing;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace Bridge.Eventing.Broker.ClientTests;

/// <summary>
/// The <c>bridge broker</c> process killed with SIGKILL while a producer with acks=all is
/// sending: after a restart on the same data directory, every acknowledged record is there, at
/// the offset its acknowledgement named, in produce order, exactly once.
/// </summary>
public class KillDurabilityTests(ITestOutputHelper output)
{
    private const string Topic = "durable";
    private const int KillAfterAcks = 5_000;
    private const int Window = 2_000; // records produced but not yet acknowledged, at most

    private readonly ClientLog _log = new();
    private readonly List<(int Id, long Offset)> _acked = [];
    private int _produced;
    private int _failed;

    [Fact]
    public async Task BrokerProcess_KilledWithSigkillMidStream_KeepsEveryAcknowledgedRecord()
    {
        string data = Path.Combine(Path.GetTempPath(), "bridge-kill9-" + Guid.NewGuid().ToString("N"));
        try
        {
            int producedAtKill;
            using (var first = await BrokerProcess.StartAsync(data))
            {
                // Small batches: many Produce requests, each fsynced by the broker before it is
                // acknowledged (flush.ms 0).
                using var producer = Clients.Producer(first.BootstrapServers, _log, c =>
                {
                    c.Acks = Acks.All;
                    c.BatchNumMessages = 50;
                    c.LingerMs = 5;
                    c.MessageTimeoutMs = 1_000;
                });
                // The producer keeps sending, up to Window records ahead of the acknowledgements,
                // from before the kill until after it: the broker dies with traffic under way, and
                // the burst sent once the kill is done must fail. Nothing here depends on how fast
                // the broker acknowledges.
                var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var sending = Task.Run(async () =>
                {
                    while (!killed.Task.IsCompleted)
                    {
                        if (_produced - AckedCount() < Window) Produce(producer, 100);
                        else await Task.WhenAny(killed.Task, Task.Delay(1));
                    }
                    Produce(producer, 100); // to a dead broker
                });
                await Wait.UntilAsync(() => AckedCount() >= KillAfterAcks || sending.IsCompleted,
                    $"{KillAfterAcks} acknowledgements", Clients.ConsumeDeadline);
                first.KillHard();
                killed.SetResult();
                await sending;
                producedAtKill = _produced;

                // Responses the broker wrote before it died may still be read; the rest fails
                // (nothing listens there any more). Wait for every delivery report.
                producer.Flush(TimeSpan.FromSeconds(20));
                lock (_acked) Assert.Equal(producedAtKill, _acked.Count + _failed);
            }

            using var second = await BrokerProcess.StartAsync(data);
            long stored;
            using (var reader = Clients.Consumer(second.BootstrapServers, "kill9-reader", _log))
                stored = reader.QueryWatermarkOffsets(new TopicPartition(Topic, 0), TimeSpan.FromSeconds(10)).High.Value;
            var consumed = Clients.ReadTopic(second.BootstrapServers, Topic, 1, (int)stored, _log);

            var ids = consumed.Select(r => int.Parse(Encoding.UTF8.GetString(r.Message.Value!)["record-".Length..])).ToList();
            var offsetOf = ids.Zip(consumed, (id, r) => (id, r.Offset.Value)).ToDictionary(); // throws on a record stored twice
            output.WriteLine($"produced {producedAtKill}, acknowledged {_acked.Count} before the kill, stored after restart {stored}");
            // Produce order, offsets 0..n-1 without a gap.
            Assert.Equal(ids.Order(), ids);
            Assert.Equal(Enumerable.Range(0, consumed.Count).Select(o => (long)o), consumed.Select(r => r.Offset.Value));
            Assert.True(_acked.Count >= KillAfterAcks && _failed > 0, $"acknowledged {_acked.Count}, failed {_failed} of {producedAtKill}: the kill did not land mid-stream");
            // Every acknowledged record is stored, at the offset its acknowledgement named.
            Assert.All(_acked, a => Assert.Equal(a.Offset, offsetOf.GetValueOrDefault(a.Id, -1)));
        }
        finally
        {
            TestBroker.DeleteDirectory(data);
        }
    }

    private int AckedCount()
    {
        lock (_acked) return _acked.Count;
    }

    private void Produce(IProducer<byte[]?, byte[]?> producer, int count)
    {
        for (int n = 0; n < count; n++, _produced++)
        {
            int id = _produced;
            var message = new Message<byte[]?, byte[]?> { Key = BitConverter.GetBytes(id), Value = Encoding.UTF8.GetBytes($"record-{id:D6}") };
            producer.Produce(Topic, message, report =>
            {
                lock (_acked)
                {
                    if (report.Error.Code == ErrorCode.NoError) _acked.Add((id, report.Offset.Value));
                    else _failed++;
                }
            });
        }
    }
}

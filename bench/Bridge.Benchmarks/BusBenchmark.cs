using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Bridge.Eventing.Broker;
using Bridge.Eventing.Bus;
using Bridge.Eventing.Client;
using Bridge.Eventing.Kafka;
using Bridge.Eventing.V1;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Bridge.Benchmarks;

/// <summary>
/// The event bus against raw Kafka, in one process on one embedded broker (a temporary data
/// directory, deleted at the end), each on its own one-partition topic, with the same records:
/// <c>size</c>-byte values in the Confluent wire format, no key.
/// <list type="bullet">
/// <item>raw: one Confluent.Kafka producer (acks=all, linger.ms=1, as the bus's nodes) sends all N and
/// awaits every delivery report; then one consumer, assigned from the beginning, reads all N.</item>
/// <item>bus: the whole bus as <c>bridge up</c> runs it (three back-end nodes and the API tier, gRPC over
/// loopback, no encryption), one write session sending batches (Write, then Ack, which waits for
/// Kafka), then one read session reading batches (Read, then Ack), through the client SDK.</item>
/// </list>
/// Each rate is N over the sum of the two phases. Last line:
/// <c>bus records=N size=100 session_rec_s=X raw_kafka_rec_s=Y ratio=Z write_ack_ms_p99=W</c>, where
/// W is the 99th percentile of one batch's Write+Ack round trip.
/// </summary>
public static class BusBenchmark
{
    /// <summary>Runs the benchmark, writing context lines and the result line to <paramref name="output"/>.</summary>
    /// <param name="records">Records to send and read back (at least 1).</param>
    /// <param name="size">Bytes of each value (at least 5: the Confluent header).</param>
    /// <param name="batch">Records per Write and per Read.</param>
    /// <param name="output">Where the lines go.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>(session rec/s, raw rec/s, write+ack p99 ms).</returns>
    public static async Task<(double Session, double Raw, double WriteAckP99Ms)> RunAsync(int records, int size, int batch, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(records, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 5);
        var inv = CultureInfo.InvariantCulture;
        var dataDir = Path.Combine(Path.GetTempPath(), $"bridge-bench-bus-{Guid.NewGuid():N}"[..30]);
        var value = new byte[size];
        new Random(1).NextBytes(value);
        value[0] = 0;
        BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(1), 1);
        try
        {
            await using var broker = await KafkaBroker.StartAsync(new BrokerOptions { DataDirectory = dataDir, Endpoint = new IPEndPoint(IPAddress.Loopback, 0) }, cancellationToken);
            LibrdkafkaCompat.EnsureInstalled();
            using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
                await admin.CreateTopicsAsync([new TopicSpecification { Name = "raw", NumPartitions = 1 }, new TopicSpecification { Name = "bus", NumPartitions = 1 }]);
            output.WriteLine(string.Create(inv, $"setup: broker {broker.BootstrapServers}, topics raw and bus with 1 partition each, {records} records of {size} bytes, bus batches of {batch}; {Environment.ProcessorCount} cores, load {LaunchBenchmark.LoadAverage()}"));

            var (rawProduce, rawConsume) = await Task.Run(() => Raw(broker.BootstrapServers, records, value), cancellationToken);
            output.WriteLine(string.Create(inv, $"raw: produce {rawProduce:F2} s ({records / rawProduce:F0} rec/s), consume {rawConsume:F2} s ({records / rawConsume:F0} rec/s)"));

            await using var bus = await BusCluster.StartAsync(new BusClusterOptions { BootstrapServers = broker.BootstrapServers });
            using var client = new BusClient(bus.Api.Address);
            var (write, read, rounds, reads) = await Sessions(client, records, batch, value, cancellationToken);
            rounds.Sort();
            var p99 = Percentiles.Of(rounds, 0.99);
            output.WriteLine(string.Create(inv, $"bus: write {write:F2} s ({records / write:F0} rec/s, {rounds.Count} write/ack rounds, p50 {Percentiles.Of(rounds, 0.5):F1} ms, p99 {p99:F1} ms), read {read:F2} s ({records / read:F0} rec/s, {reads} read/ack rounds)"));
            var session = records / (write + read);
            var raw = records / (rawProduce + rawConsume);
            output.WriteLine(string.Create(inv, $"bus records={records} size={size} session_rec_s={session:F0} raw_kafka_rec_s={raw:F0} ratio={session / raw:F2} write_ack_ms_p99={p99:F1}"));
            return (session, raw, p99);
        }
        finally
        {
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException e)
            {
                output.WriteLine($"warning: could not delete {dataDir}: {e.Message}");
            }
        }
    }

    private static (double Produce, double Consume) Raw(string bootstrap, int records, byte[] value)
    {
        var watch = Stopwatch.StartNew();
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All, LingerMs = 1 }).Build())
        {
            var failed = 0;
            for (var i = 0; i < records; i++)
            {
                while (true)
                {
                    try
                    {
                        producer.Produce("raw", new Message<byte[]?, byte[]?> { Value = value }, r => { if (r.Error.IsError) Interlocked.Increment(ref failed); });
                        break;
                    }
                    catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(10));
                    }
                }
            }
            producer.Flush();
            if (failed > 0) throw new InvalidOperationException($"{failed} raw deliveries failed");
        }
        var produce = watch.Elapsed.TotalSeconds;
        watch.Restart();
        using (var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "bench", EnableAutoCommit = false }).Build())
        {
            consumer.Assign(new TopicPartitionOffset("raw", 0, Offset.Beginning));
            for (var seen = 0; seen < records;)
                if (consumer.Consume(TimeSpan.FromSeconds(30)) is { Message: not null }) seen++;
                else throw new TimeoutException("raw consume stalled");
        }
        return (produce, watch.Elapsed.TotalSeconds);
    }

    private static async Task<(double Write, double Read, List<double> Rounds, int Reads)> Sessions(BusClient client, int records, int batch, byte[] value, CancellationToken cancellationToken)
    {
        var rounds = new List<double>();
        var reads = 0;
        var watch = Stopwatch.StartNew();
        await using (var writer = await client.OpenWriteAsync("bus", cancellationToken: cancellationToken))
        {
            for (var sent = 0; sent < records;)
            {
                var count = Math.Min(batch, records - sent);
                var round = Stopwatch.StartNew();
                var sequence = await writer.WriteAsync(Enumerable.Repeat(new OutgoingRecord(null, value), count).ToList(), cancellationToken);
                await writer.AckAsync(sequence, cancellationToken);
                rounds.Add(round.Elapsed.TotalMilliseconds);
                sent += count;
            }
        }
        var write = watch.Elapsed.TotalSeconds;
        watch.Restart();
        await using (var reader = await client.OpenReadAsync("bus", start: StartPosition.Earliest, cancellationToken: cancellationToken))
        {
            for (var seen = 0; seen < records;)
            {
                var read = await reader.ReadAsync(batch, 0, TimeSpan.FromSeconds(5), cancellationToken);
                if (read.Records.Count == 0) throw new TimeoutException("bus read stalled");
                seen += read.Records.Count;
                reads++;
                await reader.AckAsync(read, cancellationToken);
            }
        }
        return (write, watch.Elapsed.TotalSeconds, rounds, reads);
    }
}

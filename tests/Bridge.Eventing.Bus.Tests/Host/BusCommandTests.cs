using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Bridge.Eventing.Broker;
using Bridge.Eventing.Bus.Tests.Infrastructure;
using Bridge.Eventing.Client;
using Bridge.Eventing.Client.Publishing;
using Bridge.Eventing.Kafka;
using Bridge.Eventing.V1;
using Bridge.Testing;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Bridge.Eventing.Bus.Tests.Host;

/// <summary>
/// <c>bridge bus</c>: two <c>--role backend</c> processes and one <c>--role api</c> process over an
/// in-process embedded broker, sharing sealing keys from <c>bridge bus keygen</c>, serving a
/// <see cref="BusClient"/> in the test, through the SIGKILL of a back-end process.
/// </summary>
public sealed partial class BusCommandTests : IAsyncLifetime
{
    private const string Topic = "cli.bus";
    private const int Partitions = 2;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly string _directory = Directory.CreateTempSubdirectory("bridge-bus-cli-").FullName;
    private readonly List<ChildProcess> _processes = [];
    private KafkaBroker _broker = null!;

    public async Task InitializeAsync() =>
        _broker = await KafkaBroker.StartAsync(new BrokerOptions { DataDirectory = Path.Combine(_directory, "broker"), Endpoint = new IPEndPoint(IPAddress.Loopback, 0) });

    public async Task DisposeAsync()
    {
        foreach (var process in _processes) process.Dispose();
        await _broker.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task ApiAndTwoBackendProcesses_ServeAClient_ExactlyOnceInOrder_ThroughTheKillOfABackend()
    {
        var keys = Path.Combine(_directory, "sealing.keys");
        using (var keygen = await BridgeProgram.RunAsync(["bus", "keygen", keys], Timeout))
            Assert.True(keygen.ExitCode == 0, keygen.Stderr);
        // Debug logs name each session a node allocates: how the test finds the node serving its sessions.
        ChildProcess[] backends = [StartBackend("backend-1", keys), StartBackend("backend-2", keys)];
        var urls = new List<string>();
        foreach (var backend in backends) urls.Add(await ReadyAddressAsync(backend, BackendReady()));
        var api = Start(["bus", "--role", "api", "--port", "0", "--sealing-keys", keys, "--backend", $"backend-1={urls[0]}", "--backend", $"backend-2={urls[1]}"]);
        using var client = new BusClient(new Uri(await ReadyAddressAsync(api, ApiReady())), new BusClientOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(500), MaxRetries = 40, CallTimeout = Timeout,
        });
        await CreateTopicAsync();

        var received = new List<BusRecord>();
        using var stop = new CancellationTokenSource();
        var before = Allocations(backends, "Read");
        var consumer = Task.Run(async () =>
        {
            var options = new ConsumeOptions { Start = StartPosition.Earliest, Wait = TimeSpan.FromMilliseconds(200) };
            await foreach (var record in client.ConsumeAsync(Topic, options, stop.Token))
                lock (received) received.Add(record);
        });
        var reading = await NewAllocationAsync(backends, "Read", before);

        // Both sessions on the node to be killed, so that both fail over: a new writer until rendezvous hashing puts it there.
        var sent = new List<(OutgoingRecord Record, Task<PublishResult> Ack)>();
        BusPublisher publisher;
        for (var attempt = 1; ; attempt++)
        {
            before = Allocations(backends, "Write");
            publisher = client.CreatePublisher(Topic);
            await SendAsync(publisher, sent, 1);
            await sent[^1].Ack;
            if (await NewAllocationAsync(backends, "Write", before) == reading) break;
            await publisher.DisposeAsync();
            Assert.True(attempt < 30, "30 write sessions in a row went to the other node");
        }
        await using (publisher)
        {
            await SendAsync(publisher, sent, 100 - sent.Count);
            await Task.WhenAll(sent.Select(s => s.Ack));
            await Wait.UntilAsync(() => Count(received) == 100, "the first 100 records read back", Timeout);

            backends[reading].Kill();
            await SendAsync(publisher, sent, 100);
            await Task.WhenAll(sent.Select(s => s.Ack));
            await Wait.UntilAsync(() => Count(received) >= 200, "all 200 records read back after the kill", Timeout);
        }
        await stop.CancelAsync();
        await consumer;

        // Exactly once: Kafka holds 200 records, and the consumer got each at the offset its Ack reported, in offset order per partition.
        Assert.Equal(200, CountInKafka());
        var results = await Task.WhenAll(sent.Select(s => s.Ack));
        var landed = sent.Zip(results).ToDictionary(s => (s.Second.Partition, s.Second.Offset), s => Values.Text(s.First.Record.Value));
        Assert.Equal(200, landed.Count);
        Assert.Equal(landed.OrderBy(kv => kv.Key).Select(kv => kv.Value), received.OrderBy(r => (r.Partition, r.Offset)).Select(r => Values.Text(r.Value)));
        foreach (var partition in received.GroupBy(r => r.Partition))
            Assert.Equal(Enumerable.Range(0, partition.Count()).Select(o => (long)o), partition.Select(r => r.Offset));
        Assert.True(Allocations(backends, "Read").Sum() >= 2 && Allocations(backends, "Write").Sum() >= 2, "the sessions did not move");
    }

    [Fact]
    public async Task Api_WithoutABackend_Exits2WithTheReason()
    {
        var keys = Path.Combine(_directory, "sealing.keys");
        using (var keygen = await BridgeProgram.RunAsync(["bus", "keygen", keys], Timeout)) Assert.Equal(0, keygen.ExitCode);
        using var api = await BridgeProgram.RunAsync(["bus", "--role", "api", "--port", "0", "--sealing-keys", keys], Timeout);
        Assert.Equal(2, api.ExitCode);
        Assert.Contains("--backend ID=URL", api.Stderr);
    }

    private ChildProcess StartBackend(string nodeId, string keys) => Start(
        ["bus", "--role", "backend", "--node-id", nodeId, "--port", "0", "--sealing-keys", keys, "--bootstrap", _broker.BootstrapServers],
        new Dictionary<string, string> { ["BRIDGE_LOG_LEVEL"] = "Debug" });

    private ChildProcess Start(string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = BridgeProgram.Start(arguments, environment: environment);
        _processes.Add(process);
        return process;
    }

    private static async Task<string> ReadyAddressAsync(ChildProcess process, Regex ready)
    {
        Assert.True(await process.WaitForLinesAsync(lines => lines.Any(ready.IsMatch), Timeout),
            $"{process.CommandLine}: no ready line; stdout:\n{process.Stdout}\nstderr:\n{process.Stderr}");
        return process.Lines.Select(l => ready.Match(l)).First(m => m.Success).Groups["address"].Value;
    }

    /// <summary>Per node, the sessions of <paramref name="mode"/> (Read, Write) on the topic it has allocated so far.</summary>
    private static int[] Allocations(ChildProcess[] backends, string mode) =>
        backends.Select(b => b.Stderr.Split('\n').Count(l => l.Contains($" allocated ({mode} on {Topic})", StringComparison.Ordinal))).ToArray();

    /// <summary>The node that allocates the next session of <paramref name="mode"/> after the counts <paramref name="before"/>.</summary>
    private static async Task<int> NewAllocationAsync(ChildProcess[] backends, string mode, int[] before)
    {
        var node = -1;
        await Wait.UntilAsync(() =>
        {
            var now = Allocations(backends, mode);
            node = Enumerable.Range(0, now.Length).FirstOrDefault(i => now[i] > before[i], -1);
            return node >= 0;
        }, $"a {mode} session allocated", Timeout);
        return node;
    }

    private static async Task SendAsync(BusPublisher publisher, List<(OutgoingRecord, Task<PublishResult>)> sent, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var n = sent.Count;
            var record = new OutgoingRecord(Encoding.UTF8.GetBytes($"k{n % 7}"), Values.Framed($"record {n}"));
            sent.Add((record, await publisher.SendAsync(record)));
        }
    }

    private static int Count(List<BusRecord> received)
    {
        lock (received) return received.Count;
    }

    private async Task CreateTopicAsync()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _broker.BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = Partitions, ReplicationFactor = 1 }]);
    }

    private long CountInKafka()
    {
        LibrdkafkaCompat.EnsureInstalled();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = _broker.BootstrapServers, GroupId = "count" }).Build();
        return Enumerable.Range(0, Partitions).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(Topic, p), Timeout).High.Value);
    }

    [GeneratedRegex(@"^bus backend \S+ listening on (?<address>http://127\.0\.0\.1:\d+) kafka \S+$")]
    private static partial Regex BackendReady();

    [GeneratedRegex(@"^bus api listening on (?<address>http://127\.0\.0\.1:\d+) backends backend-1,backend-2$")]
    private static partial Regex ApiReady();
}

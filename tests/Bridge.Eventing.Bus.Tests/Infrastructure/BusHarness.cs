using System.Net;
using Bridge.Eventing.Broker;
using Bridge.Eventing.Bus;
using Bridge.Eventing.Client;
using Bridge.Eventing.Kafka;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Bridge.Eventing.Bus.Tests.Infrastructure;

/// <summary>
/// A bus as it runs: an embedded broker on 127.0.0.1 over a fresh data directory, and a
/// <see cref="BusCluster"/> over it (three back-end nodes and the API tier by default), with
/// clients. The broker can be stopped and started on the same port; disposing stops everything and
/// deletes the directory.
/// </summary>
internal sealed class BusHarness : IAsyncDisposable
{
    private readonly string _directory;
    private int _brokerPort;

    private BusHarness(string directory, KafkaBroker broker)
    {
        _directory = directory;
        Broker = broker;
        _brokerPort = new Uri("kafka://" + broker.BootstrapServers).Port;
    }

    public KafkaBroker? Broker { get; private set; }

    public BusCluster Bus { get; private set; } = null!;

    public string BootstrapServers => $"127.0.0.1:{_brokerPort}";

    /// <summary>Where nodes spill (one folder per node).</summary>
    public string SpillRoot => Path.Combine(_directory, "spill");

    /// <summary>Starts a broker and a bus over it; <paramref name="configure"/> adjusts the bus's settings.</summary>
    public static async Task<BusHarness> StartAsync(Func<BusClusterOptions, BusClusterOptions>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "bridge-bus-tests-" + Guid.NewGuid().ToString("N"));
        var broker = await KafkaBroker.StartAsync(new BrokerOptions { DataDirectory = Path.Combine(directory, "broker"), Endpoint = new IPEndPoint(IPAddress.Loopback, 0) });
        var harness = new BusHarness(directory, broker);
        try
        {
            var options = new BusClusterOptions { BootstrapServers = harness.BootstrapServers, SpillRoot = harness.SpillRoot, ProbeInterval = TimeSpan.FromMilliseconds(200) };
            harness.Bus = await BusCluster.StartAsync(configure is null ? options : configure(options));
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of the API tier.</summary>
    public BusClient Client(BusClientOptions? options = null) => new(Bus.Api.Address, (options ?? new BusClientOptions()) with
    {
        InitialBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(500),
        MaxRetries = 40,
        CallTimeout = TimeSpan.FromSeconds(20),
    });

    /// <summary>Creates <paramref name="topic"/> with <paramref name="partitions"/> partitions.</summary>
    public async Task CreateTopicAsync(string topic, int partitions = 1)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    /// <summary>Every raw record of <paramref name="topic"/> as Kafka holds it, read with Confluent.Kafka directly.</summary>
    public List<ConsumeResult<byte[]?, byte[]?>> ReadRaw(string topic, int partitions, int expected)
    {
        LibrdkafkaCompat.EnsureInstalled();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "raw-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (records.Count < expected && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } result) records.Add(result);
        return records;
    }

    /// <summary>How many records <paramref name="topic"/> holds in all (sum of high watermarks).</summary>
    public long Count(string topic, int partitions)
    {
        LibrdkafkaCompat.EnsureInstalled();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = "count" }).Build();
        return Enumerable.Range(0, partitions).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
    }

    public async Task StopBrokerAsync()
    {
        if (Broker is { } broker) await broker.DisposeAsync();
        Broker = null;
    }

    public async Task StartBrokerAsync()
    {
        Broker = await KafkaBroker.StartAsync(new BrokerOptions { DataDirectory = Path.Combine(_directory, "broker"), Endpoint = new IPEndPoint(IPAddress.Loopback, _brokerPort) });
    }

    public async ValueTask DisposeAsync()
    {
        if (Bus is not null) await Bus.DisposeAsync();
        await StopBrokerAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

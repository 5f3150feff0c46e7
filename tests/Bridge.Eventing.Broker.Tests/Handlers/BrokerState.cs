using Bridge.Eventing.Broker.Groups;
using Bridge.Eventing.Broker.Handlers;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Storage;
using Bridge.Eventing.Log.Tests;
using Bridge.Eventing.Log.Topics;
using Bridge.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Eventing.Broker.Tests.Handlers;

/// <summary>Real partition logs in a temp directory, a manual clock, and every handler over them.</summary>
internal sealed class BrokerState : IDisposable
{
    private readonly TempDirectory _dir = new();

    public BrokerState(LogConfig? config = null, int defaultPartitions = 1, bool autoCreate = true)
    {
        Logs = LogManager.Open(new LogManagerOptions { DataDirectory = _dir.Path, DefaultPartitions = defaultPartitions, DefaultConfig = config ?? new LogConfig() }, Clock);
        Coordinator = new GroupCoordinator(Logs.GroupOffsets, new GroupCoordinatorOptions { TimeProvider = Clock });
        var appended = new AppendSignal();
        Produce = new ProduceHandler(Logs, appended, NullLogger.Instance);
        Fetch = new FetchHandler(Logs, appended, Clock, NullLogger.Instance);
        Metadata = new MetadataHandler(Logs, Self, autoCreate);
        ListOffsets = new ListOffsetsHandler(Logs, NullLogger.Instance);
        Topics = new TopicAdminHandler(Logs, defaultPartitions);
        Groups = new GroupHandler(Coordinator, Logs, Self, Clock);
    }

    public static BrokerIdentity Self { get; } = new(0, "127.0.0.1", 9092, "test-cluster");

    public ManualTimeProvider Clock { get; } = new();
    public LogManager Logs { get; }
    public GroupCoordinator Coordinator { get; }
    public ProduceHandler Produce { get; }
    public FetchHandler Fetch { get; }
    public MetadataHandler Metadata { get; }
    public ListOffsetsHandler ListOffsets { get; }
    public TopicAdminHandler Topics { get; }
    public GroupHandler Groups { get; }

    /// <summary>A Produce request of one batch per (topic, partition).</summary>
    public static ProduceRequest ProduceOf(string topic, int partition, byte[] records, short acks = -1) => new()
    {
        Acks = acks,
        TimeoutMs = 1000,
        TopicData = [new ProduceRequest.Topic(topic, [new ProduceRequest.Partition(partition, records)])],
    };

    /// <summary>A Fetch request for one partition.</summary>
    public static FetchRequest FetchOf(string topic, int partition, long offset, int maxWaitMs = 500, int minBytes = 1,
        int partitionMaxBytes = 1 << 20, int maxBytes = 50 << 20) => new()
    {
        MaxWaitMs = maxWaitMs,
        MinBytes = minBytes,
        MaxBytes = maxBytes,
        Topics = [new FetchRequest.FetchTopic(topic, [new FetchRequest.FetchPartition(partition, offset, partitionMaxBytes)])],
    };

    public void Dispose()
    {
        Coordinator.Dispose();
        Logs.Dispose();
        _dir.Dispose();
    }
}

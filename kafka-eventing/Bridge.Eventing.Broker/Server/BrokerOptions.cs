using System.Net;
using Bridge.Eventing.Broker.Groups;
using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Log.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Eventing.Broker;

/// <summary>
/// Settings of the embedded broker. Names follow Kafka's broker configs where one exists
/// (<c>auto.create.topics.enable</c>, <c>num.partitions</c>, <c>socket.request.max.bytes</c>,
/// <c>max.connections</c>).
/// </summary>
public sealed record BrokerOptions
{
    /// <summary>The data directory (created if missing): topics, partition logs, committed offsets. See docs/broker.md, "Layout".</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Where to listen. Default 127.0.0.1:9092, Kafka's port; port 0 picks a free one (read <see cref="KafkaBroker.Endpoint"/>).</summary>
    public IPEndPoint Endpoint { get; init; } = new(IPAddress.Loopback, 9092);

    /// <summary>The host clients are told to connect to in Metadata and FindCoordinator answers. Default: the bound address.</summary>
    public string? AdvertisedHost { get; init; }

    /// <summary>Kafka's <c>auto.create.topics.enable</c>: a Metadata request naming an unknown topic creates it (default true).</summary>
    public bool AutoCreateTopics { get; init; } = true;

    /// <summary>Kafka's <c>num.partitions</c>: partitions of an auto-created topic, and of a CreateTopics entry asking for -1 (default 1).</summary>
    public int DefaultPartitions { get; init; } = 1;

    /// <summary>Topic config for topics created without overrides (segment size, retention, fsync policy, max message size).</summary>
    public LogConfig DefaultLogConfig { get; init; } = new();

    /// <summary>Consumer-group limits (session timeout bounds, initial rebalance delay).</summary>
    public GroupCoordinatorOptions Groups { get; init; } = new();

    /// <summary>Kafka's <c>socket.request.max.bytes</c>: a request frame larger than this closes the connection (default 100 MiB).</summary>
    public int MaxFrameBytes { get; init; } = KafkaFrame.DefaultMaxFrameBytes;

    /// <summary>Kafka's <c>max.connections</c>: connections beyond this are refused (default 1,000).</summary>
    public int MaxConnections { get; init; } = 1_000;

    /// <summary>Clock for fetch long polling, group timers, log rolls and retention.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the broker logs connections closed for bad input and storage errors.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Checks ranges; returns a message naming the first bad setting, or null when valid.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory)) return "the data directory must be set";
        if (DefaultPartitions is < 1 or > Log.Topics.LogManager.MaxPartitions)
            return $"num.partitions must be 1..{Log.Topics.LogManager.MaxPartitions}, not {DefaultPartitions}";
        if (MaxFrameBytes < 1024) return $"socket.request.max.bytes must be at least 1024, not {MaxFrameBytes}";
        if (MaxConnections < 1) return $"max.connections must be at least 1, not {MaxConnections}";
        return DefaultLogConfig.Validate();
    }
}

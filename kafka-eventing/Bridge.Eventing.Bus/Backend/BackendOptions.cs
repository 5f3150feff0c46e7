using Bridge.Eventing.Bus.Cursors;
using Bridge.Eventing.Bus.Policy;
using Bridge.Eventing.Bus.Sessions;
using Bridge.Eventing.Schemas.Client;
using Bridge.Eventing.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Eventing.Bus.Backend;

/// <summary>Settings of a back-end node. Immutable; create with an object initializer.</summary>
public sealed record BackendOptions
{
    /// <summary>The node's id, unique among the back-end nodes (the API tier hashes sessions over these).</summary>
    public required string NodeId { get; init; }

    /// <summary>Kafka's bootstrap servers, <c>host:port[,host:port...]</c>.</summary>
    public required string BootstrapServers { get; init; }

    /// <summary>Seals and opens cursor tokens; every node of a bus must share the keys.</summary>
    public required CursorTokens Cursors { get; init; }

    /// <summary>Encrypts and decrypts record values; null: no key ring, nothing encrypted, encrypted records unreadable (default: null).</summary>
    public RecordCipher? Cipher { get; init; }

    /// <summary>Per-topic policies; here only encryption matters (default: none, so encrypt whenever <see cref="Cipher"/> is set).</summary>
    public TopicPolicies Policies { get; init; } = TopicPolicies.None;

    /// <summary>When set, every written record's schema id must be registered here (default: null, framing checked only).</summary>
    public SchemaRegistryClient? Registry { get; init; }

    /// <summary>Where to spill at shutdown and re-inject from at start; null: no spilling (default: null).</summary>
    public string? SpillDirectory { get; init; }

    /// <summary>A session with no call for this long is disposed (default: 60 s).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>At shutdown, how long pending publishes may take before they are spilled (default: 5 s).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long Kafka may take to answer a metadata query or confirm a record (default: 30 s).</summary>
    public TimeSpan KafkaTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Most sessions the node holds at once (default: 1,024); each read session has its own consumer and thread.</summary>
    public int MaxSessions { get; init; } = 1024;

    /// <summary>How much each read session buffers ahead of its reads (default: 4,000 records, 4 MiB).</summary>
    public ReadAheadLimits ReadAhead { get; init; } = new();

    /// <summary>Bounds of each write session's staging (default: 8 MiB, 10,000 records).</summary>
    public WriteLimits WriteLimits { get; init; } = new();

    /// <summary>Clock for idle timeouts, read waits and drains (default: <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the node logs (default: nowhere).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}

/// <summary>How much a read session buffers ahead of its reads; past either bound its consumer pauses.</summary>
/// <param name="Records">Most records (at least 1; default: 4,000).</param>
/// <param name="Bytes">Most key+value bytes (at least 1; default: 4 MiB); the record that crosses it is kept.</param>
public sealed record ReadAheadLimits(int Records = 4000, long Bytes = 4L << 20);

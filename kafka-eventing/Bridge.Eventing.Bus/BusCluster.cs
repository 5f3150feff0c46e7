using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bridge.Eventing.Bus.Api;
using Bridge.Eventing.Bus.Backend;
using Bridge.Eventing.Bus.Cursors;
using Bridge.Eventing.Bus.Policy;
using Bridge.Eventing.Schemas.Client;
using Bridge.Eventing.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Eventing.Bus;

/// <summary>Settings of a whole bus in one process. Immutable; create with an object initializer.</summary>
public sealed record BusClusterOptions
{
    /// <summary>Kafka's bootstrap servers.</summary>
    public required string BootstrapServers { get; init; }

    /// <summary>Back-end nodes to run, named <c>backend-1</c>, <c>backend-2</c>, ... (default: 3).</summary>
    public int Backends { get; init; } = 3;

    /// <summary>Keys that seal cursors and session ids (default: one random key, so tokens die with the process).</summary>
    public KeyFile? SealingKeys { get; init; }

    /// <summary>The key ring for record encryption (default: none, nothing encrypted).</summary>
    public KeyRing? KeyRing { get; init; }

    /// <summary>Per-topic policies (default: none).</summary>
    public TopicPolicies Policies { get; init; } = TopicPolicies.None;

    /// <summary>Validates bearer tokens (default: none).</summary>
    public BearerTokenValidator? Tokens { get; init; }

    /// <summary>Verifies request signatures (default: none).</summary>
    public RequestVerifier? Signatures { get; init; }

    /// <summary>When set, written records' schema ids must be registered here (default: none).</summary>
    public SchemaRegistryClient? Registry { get; init; }

    /// <summary>Node <c>backend-N</c> spills to <c>SpillRoot/backend-N</c> (default: none, no spilling).</summary>
    public string? SpillRoot { get; init; }

    /// <summary>Where the API tier listens (default: 127.0.0.1, a free port).</summary>
    public IPEndPoint ApiEndpoint { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>TLS certificate of the API tier (default: none, h2c).</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Changes each node's settings before it starts (tests: timeouts, limits) (default: none).</summary>
    public Func<BackendOptions, BackendOptions>? ConfigureBackend { get; init; }

    /// <summary>How often the API tier checks the nodes' health (default: 1 s).</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Clock (default: <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Logging (default: none).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}

/// <summary>
/// The whole bus in one process, as <c>bridge up</c> runs it: several back-end nodes, each on its own
/// loopback port, and the API tier routing to them over gRPC, exactly as separate processes would.
/// Nodes can be stopped gracefully, killed, and started again (on the same port, with the same id and
/// spill directory), for the fault tests.
/// </summary>
public sealed class BusCluster : IAsyncDisposable
{
    private readonly BusClusterOptions _options;
    private readonly BackendServer?[] _backends;
    private readonly int[] _ports;

    private BusCluster(BusClusterOptions options, BackendServer?[] backends, int[] ports, ApiServer api)
    {
        _options = options;
        _backends = backends;
        _ports = ports;
        Api = api;
    }

    /// <summary>The API tier: where clients connect.</summary>
    public ApiServer Api { get; }

    /// <summary>The running back-end nodes, by index (null while stopped).</summary>
    public IReadOnlyList<BackendServer?> Backends => _backends;

    /// <summary>Starts the nodes, then the API tier.</summary>
    public static async Task<BusCluster> StartAsync(BusClusterOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Backends, 1);
        var keys = options.SealingKeys ?? KeyFile.Create([new KeyFileEntry("bus-1", RandomNumberGenerator.GetBytes(32))], "bus-1");
        options = options with { SealingKeys = keys };
        var backends = new BackendServer?[options.Backends];
        var ports = new int[options.Backends];
        try
        {
            for (var i = 0; i < backends.Length; i++)
            {
                backends[i] = await StartBackendAsync(options, i, 0);
                ports[i] = backends[i]!.Address.Port;
            }
            var api = await ApiServer.StartAsync(new ApiOptions
            {
                Backends = backends.Select((b, i) => new BackendEndpoint(NodeId(i), b!.Address)).ToList(),
                SessionIds = new SessionIds(new TokenSealer(keys, SessionIds.Purpose)),
                Policies = options.Policies,
                Tokens = options.Tokens,
                Signatures = options.Signatures,
                Endpoint = options.ApiEndpoint,
                Certificate = options.Certificate,
                ProbeInterval = options.ProbeInterval,
                TimeProvider = options.TimeProvider,
                LoggerFactory = options.LoggerFactory,
            });
            return new BusCluster(options, backends, ports, api);
        }
        catch
        {
            foreach (var backend in backends)
                if (backend is not null) await backend.DisposeAsync();
            throw;
        }
    }

    /// <summary>The id of node <paramref name="index"/>: <c>backend-(index+1)</c>.</summary>
    public static string NodeId(int index) => $"backend-{index + 1}";

    /// <summary>Stops node <paramref name="index"/> gracefully (drain, spill).</summary>
    public async Task StopBackendAsync(int index)
    {
        if (_backends[index] is { } backend) await backend.DisposeAsync();
        _backends[index] = null;
    }

    /// <summary>Kills node <paramref name="index"/>: no drain, no spill (<see cref="BackendServer.KillAsync"/>).</summary>
    public async Task KillBackendAsync(int index)
    {
        if (_backends[index] is { } backend) await backend.KillAsync();
        _backends[index] = null;
    }

    /// <summary>Starts node <paramref name="index"/> again, same id and port; it re-injects what it spilled.</summary>
    public async Task<BackendServer> StartBackendAsync(int index)
    {
        if (_backends[index] is not null) throw new InvalidOperationException($"{NodeId(index)} is running");
        var backend = await StartBackendAsync(_options, index, _ports[index]);
        _backends[index] = backend;
        return backend;
    }

    /// <summary>Stops the API tier, then every node gracefully.</summary>
    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        for (var i = 0; i < _backends.Length; i++) await StopBackendAsync(i);
    }

    private static Task<BackendServer> StartBackendAsync(BusClusterOptions options, int index, int port)
    {
        var backend = new BackendOptions
        {
            NodeId = NodeId(index),
            BootstrapServers = options.BootstrapServers,
            Cursors = new CursorTokens(new TokenSealer(options.SealingKeys!, CursorTokens.Purpose)),
            Cipher = options.KeyRing is { } ring ? new RecordCipher(ring) : null,
            Policies = options.Policies,
            Registry = options.Registry,
            SpillDirectory = options.SpillRoot is { } root ? Path.Combine(root, NodeId(index)) : null,
            TimeProvider = options.TimeProvider,
            LoggerFactory = options.LoggerFactory,
        };
        if (options.ConfigureBackend is { } configure) backend = configure(backend);
        return BackendServer.StartAsync(backend, new IPEndPoint(IPAddress.Loopback, port));
    }
}

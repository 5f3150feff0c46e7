using Bridge.Kernel.Agent.Containers;
using Bridge.Kernel.Agent.Fetching;
using Bridge.Rpc;
using Bridge.Rpc.Health;
using Bridge.Yarn.NodeManager.Containers;
using Bridge.Yarn.NodeManager.Rpc;
using Bridge.Yarn.ResourceManager.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Yarn.NodeManager;

/// <summary>Where a NodeManager serves and what it reaches.</summary>
public sealed record NodeManagerServerOptions
{
    /// <summary>The NodeManager's settings; its NodeId's port is where ContainerManagementProtocol (and the node's
    /// web pages) are served, on 127.0.0.1 unless <see cref="BindAddress"/> says otherwise.</summary>
    public required NodeManagerOptions NodeManager { get; init; }

    /// <summary>The ResourceManager's gRPC address, e.g. <c>http://127.0.0.1:8088</c>.</summary>
    public required Uri ResourceManager { get; init; }

    /// <summary>The NodeManager's own directory: <c>nm-local-dir</c> (usercache), <c>userlogs</c>, <c>filecache</c>
    /// (localised resources) and <c>containers</c> (container bookkeeping) go under it.</summary>
    public required string WorkDir { get; init; }

    /// <summary>The IP address to listen on (default 127.0.0.1).</summary>
    public string BindAddress { get; init; } = "127.0.0.1";

    /// <summary>Variables containers inherit (the whitelist picks from these; default: this process's environment).</summary>
    public IReadOnlyDictionary<string, string>? Inherited { get; init; }

    /// <summary>Logs.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}

/// <summary>
/// A whole NodeManager process's parts: the container runner (the kernel agent's Containerizer with this machine's
/// isolator, cgroups named <c>bridge/yarn-HOST-PORT/CONTAINER</c>), the <see cref="NodeManagerService"/>, and an
/// RPC server on the node's port serving ContainerManagementProtocol and the gRPC health service.
/// </summary>
public sealed class NodeManagerServer : Hosting.INodeManagerHandle
{
    private readonly RpcServer _server;
    private readonly RpcChannel _channel;
    private readonly UriFetcher _fetcher;
    private readonly HttpClient _http;
    private readonly IIsolator _isolator;

    private NodeManagerServer(NodeManagerService service, RpcServer server, RpcChannel channel, UriFetcher fetcher, HttpClient http, IIsolator isolator)
    {
        NodeManager = service;
        _server = server;
        _channel = channel;
        _fetcher = fetcher;
        _http = http;
        _isolator = isolator;
    }

    /// <summary>The NodeManager.</summary>
    public NodeManagerService NodeManager { get; }

    /// <inheritdoc />
    public Task Registered => NodeManager.Registered;

    /// <inheritdoc />
    public Task<string> Stopped => NodeManager.Stopped;

    /// <inheritdoc />
    public event Action<ContainerStatus>? ContainerCompleted
    {
        add => NodeManager.ContainerCompleted += value;
        remove => NodeManager.ContainerCompleted -= value;
    }

    /// <inheritdoc />
    public IReadOnlyList<NmContainer> Containers => NodeManager.Containers;

    /// <inheritdoc />
    public IReadOnlyList<ContainerRequestOutcome> StopContainers(IReadOnlyList<ContainerId> ids, StopRequester by) => NodeManager.StopContainers(ids, by);

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:45454</c>.</summary>
    public Uri Address => _server.Address;

    /// <summary>Starts serving on the node's port, then registers with the ResourceManager (in the background: await
    /// <see cref="NodeManagerService.Registered"/>).</summary>
    /// <exception cref="IOException">The port is in use, or the work directory cannot be created.</exception>
    public static async Task<NodeManagerServer> StartAsync(NodeManagerServerOptions options, CancellationToken cancellationToken = default)
    {
        var nm = options.NodeManager;
        Directory.CreateDirectory(options.WorkDir);
        var isolator = Containerizer.DetectIsolator($"yarn-{nm.NodeId.Host}-{nm.NodeId.Port}");
        var containerizer = new Containerizer(isolator, Path.Combine(options.WorkDir, "containers"), nm.Time, TimeSpan.FromSeconds(1));
        var http = new HttpClient();
        var fetcher = new UriFetcher(Path.Combine(options.WorkDir, "filecache"), http, logger: options.LoggerFactory.CreateLogger<UriFetcher>());
        var inherited = options.Inherited ?? Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        var layout = new NodeLayout(nm.NodeId, nm.HttpPort == 0 ? nm.NodeId.Port : nm.HttpPort, Path.Combine(options.WorkDir, "nm-local-dir"),
            Path.Combine(options.WorkDir, "userlogs"), inherited);
        var channel = RpcChannel.ForAddress(options.ResourceManager);
        var service = new NodeManagerService(nm with { HttpPort = layout.HttpPort }, new GrpcResourceTracker(channel),
            new ContainerRunner(containerizer, fetcher, layout), options.LoggerFactory.CreateLogger<NodeManagerService>());
        RpcServer server;
        try
        {
            server = await RpcServer.StartAsync(
                new RpcServerOptions { Endpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Parse(options.BindAddress), nm.NodeId.Port), LoggerFactory = options.LoggerFactory },
                [new ContainerManagementService(service), new HealthService()], cancellationToken: cancellationToken);
        }
        catch
        {
            channel.Dispose();
            fetcher.Dispose();
            http.Dispose();
            throw;
        }
        service.Start();
        return new NodeManagerServer(service, server, channel, fetcher, http, isolator);
    }

    /// <summary>Stops the NodeManager (its containers end ABORTED and the ResourceManager hears of it), then serving.</summary>
    public async ValueTask DisposeAsync()
    {
        await NodeManager.DisposeAsync();
        await _server.DisposeAsync();
        _channel.Dispose();
        _fetcher.Dispose();
        _http.Dispose();
        _isolator.Release();
    }
}

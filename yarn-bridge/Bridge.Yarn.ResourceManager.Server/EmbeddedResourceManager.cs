using EventLoop = Bridge.Kernel.EventLoop;
using Bridge.Yarn.Protocol.Security;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;
using Microsoft.Extensions.Logging;

namespace Bridge.Yarn.ResourceManager.Server;

/// <summary>
/// The embedded ResourceManager's shell: one <see cref="EventLoop"/> owns a <see cref="ResourceManagerCore"/> and
/// what the wire needs beside it (each application's whole submission, the AM and container token keys, each
/// NodeManager's web address and the AM containers waiting to be handed to it, applications' resource-seconds).
/// Every operation runs on the loop, one at a time, so nothing here takes locks; reads return immutable views built
/// on the loop. A <see cref="TimeProvider"/> timer drives <see cref="ResourceManagerCore.Tick"/> (liveness) every
/// <see cref="ResourceManagerServerOptions.TickInterval"/>. Split by protocol: <c>.Clients.cs</c>
/// (ApplicationClientProtocol), <c>.ApplicationMasters.cs</c>, <c>.NodeManagers.cs</c> (ResourceTracker),
/// <c>.Views.cs</c> (reads for REST).
/// </summary>
public sealed partial class EmbeddedResourceManager : IAsyncDisposable
{
    private readonly ResourceManagerCore _core;
    private readonly EventLoop _loop;
    private readonly ResourceManagerServerOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Dictionary<ApplicationId, AppShell> _apps = [];
    private readonly Dictionary<NodeId, NodeShell> _nodes = [];
    private ITimer? _ticker;
    private DateTimeOffset _lastTick;
    private Uri? _schedulerAddress;

    /// <summary>A ResourceManager with <paramref name="options"/>; call <see cref="Start"/> to run its loop and ticks.</summary>
    /// <exception cref="ArgumentException">The core's options are invalid.</exception>
    public EmbeddedResourceManager(ResourceManagerServerOptions options)
    {
        _options = options;
        _clock = options.TimeProvider;
        _logger = options.LoggerFactory.CreateLogger<EmbeddedResourceManager>();
        var core = options.ResourceManager ?? new ResourceManagerOptions { ClusterTimestamp = _clock.GetUtcNow().ToUnixTimeMilliseconds() };
        _core = new ResourceManagerCore(core);
        _loop = new EventLoop(_logger);
        AmKey = MasterKey.Generate(1);
        ContainerKey = MasterKey.Generate(1);
        StartedOn = _clock.GetUtcNow();
    }

    /// <summary>The ResourceManager's cluster timestamp (ms since the epoch): every application id's prefix and the REST API's cluster id.</summary>
    public long ClusterTimestamp => _core.Options.ClusterTimestamp;

    /// <summary>When this ResourceManager started.</summary>
    public DateTimeOffset StartedOn { get; }

    /// <summary>The ResourceManager's clock reading now.</summary>
    public DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>The scheduler's configuration (immutable).</summary>
    public SchedulerOptions SchedulerOptions => _core.Options.Scheduler;

    /// <summary>The key AM tokens are signed with (never leaves this process).</summary>
    internal MasterKey AmKey { get; }

    /// <summary>The key container tokens are signed with (handed to NodeManagers when they register).</summary>
    internal MasterKey ContainerKey { get; }

    /// <summary>Starts the loop and the liveness ticks.</summary>
    public void Start()
    {
        _loop.Start();
        _lastTick = _clock.GetUtcNow();
        _ticker = _clock.CreateTimer(_ => _loop.Post(() => Tick()), null, _options.TickInterval, _options.TickInterval);
    }

    /// <summary>Sets the address AM containers are told to reach ApplicationMasterProtocol at (the server calls this once bound).</summary>
    public Task SetSchedulerAddressAsync(Uri address) => _loop.Run(() => { _schedulerAddress = _options.AdvertisedAddress ?? address; });

    /// <summary>
    /// Runs <paramref name="read"/> on the loop with the core, for in-process readers (the bridge's YARN framework,
    /// tests). It must only read: changing the core behind the shell's back would lose AM launches.
    /// </summary>
    /// <returns>Its result; <see cref="ObjectDisposedException"/> once stopped.</returns>
    public Task<T> ReadAsync<T>(Func<ResourceManagerCore, T> read) => _loop.Run(() => read(_core));

    /// <summary>
    /// Sets a NodeManager's capacity now and allocates against it (fine-grained scaling: a kernel offer arrived or a
    /// placeholder finished); AM containers placed go to the NodeManager with its next heartbeat.
    /// </summary>
    /// <returns>The status (UnknownNode, InvalidRequest for a negative capacity) and the containers allocated on it.</returns>
    public Task<(RmStatus Status, IReadOnlyList<Allocation> Allocated)> UpdateNodeCapacityAsync(NodeId node, Resource capability) => _loop.Run(() =>
    {
        var now = _clock.GetUtcNow();
        var (status, allocated) = _core.UpdateNodeCapacity(node, capability, now);
        QueueAmLaunches(allocated, now);
        return (status, allocated);
    });

    /// <summary>
    /// Fine-grained scaling's capacity change (the YARN bridge calls it when a kernel offer arrives for the node): switches
    /// the node to capacity-follows-containers (<see cref="ResourceManagerCore.SetCapacityFollowsContainers"/>: a container
    /// that completes takes its resource out of the capacity, so freed room is not reused without a new offer), sets the
    /// capacity and allocates against it at once; AM containers placed go to the NodeManager with its next heartbeat.
    /// </summary>
    /// <returns>The status (UnknownNode, InvalidRequest for a negative capacity) and the containers allocated on it.</returns>
    public Task<(RmStatus Status, IReadOnlyList<Allocation> Allocated)> ScaleNodeAsync(NodeId node, Resource capability) => _loop.Run(() =>
    {
        var follows = _core.SetCapacityFollowsContainers(node, true);
        if (!follows.IsOk) return (follows, (IReadOnlyList<Allocation>)[]);
        var now = _clock.GetUtcNow();
        var (status, allocated) = _core.UpdateNodeCapacity(node, capability, now);
        QueueAmLaunches(allocated, now);
        return (status, allocated);
    });

    /// <summary>Starts a NodeManager's graceful decommission (see <see cref="ResourceManagerCore.DecommissionNode"/>).</summary>
    public Task<RmStatus> DecommissionNodeAsync(NodeId node, TimeSpan? timeout = null) =>
        _loop.Run(() => _core.DecommissionNode(node, _clock.GetUtcNow(), timeout));

    /// <summary>Runs the liveness monitors now instead of at the next tick (tests, operators).</summary>
    public Task<TickResult> TickNowAsync() => _loop.Run(Tick);

    private TickResult Tick()
    {
        var now = _clock.GetUtcNow();
        SampleResourceSeconds(now);
        var result = _core.Tick(now);
        foreach (var node in result.LostNodes) LogNodeLost(node);
        foreach (var attempt in result.ExpiredAttempts) LogAmExpired(attempt);
        return result;
    }

    /// <summary>Adds each running application's allocation times the time since the last tick to its MB-seconds and
    /// vcore-seconds (Hadoop adds each container's exact lifetime; this samples, so it is within one tick per change).</summary>
    private void SampleResourceSeconds(DateTimeOffset now)
    {
        var seconds = (now - _lastTick).TotalSeconds;
        _lastTick = now;
        if (seconds <= 0) return;
        foreach (var (id, shell) in _apps)
        {
            if (shell.Final) continue;
            var report = _core.Application(id);
            if (report is null) continue;
            shell.MemorySeconds += report.Allocated.MemoryMb * seconds;
            shell.VcoreSeconds += report.Allocated.VCores * seconds;
            shell.Final = report.FinishedTime is not null;
        }
    }

    /// <summary>Stops the ticks, lets queued work finish, and stops the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ticker is not null) await _ticker.DisposeAsync();
        await _loop.StopAsync();
    }

    /// <summary>What the shell keeps per application beside the core.</summary>
    private sealed class AppShell(Protocol.Records.ApplicationSubmissionContext context, int maxAttempts)
    {
        public Protocol.Records.ApplicationSubmissionContext Context { get; } = context;
        public int MaxAttempts { get; } = maxAttempts;
        public double MemorySeconds { get; set; }
        public double VcoreSeconds { get; set; }
        public bool Final { get; set; }

        /// <summary>The current attempt's AM RPC port as it registered (-1 before).</summary>
        public int AmRpcPort { get; set; } = -1;
    }

    /// <summary>What the shell keeps per NodeManager beside the core.</summary>
    private sealed class NodeShell(string httpAddress)
    {
        public string HttpAddress { get; } = httpAddress;

        /// <summary>AM containers placed here, waiting for the node's next heartbeat answer.</summary>
        public List<(ContainerId Id, V1.StartContainerRequestProto Request)> ToLaunch { get; } = [];
    }
}

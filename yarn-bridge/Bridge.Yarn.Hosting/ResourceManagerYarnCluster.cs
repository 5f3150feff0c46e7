using Bridge.Yarn.Cluster;
using Bridge.Yarn.ResourceManager;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Server;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Yarn.Hosting;

/// <summary>
/// <see cref="IYarnCluster"/> over the embedded ResourceManager server (<see cref="EmbeddedResourceManager"/>), which
/// owns its core on its own event loop: every call runs there, and the bridge's loop waits for it (a hop of
/// microseconds; the ResourceManager's loop never waits on the bridge, so the two cannot deadlock). Capacity changes go
/// through <see cref="EmbeddedResourceManager.ScaleNodeAsync"/>, so AM containers they place reach their NodeManager
/// with its next heartbeat and completed containers shrink the capacity. A call that fails because the ResourceManager
/// is stopping (or does not answer within <see cref="CallTimeout"/>) is logged and answered as if the node were
/// unknown: the core retries on its next offer or tick. Since each call holds a thread-pool thread while the
/// ResourceManager's loop (itself on the thread pool) runs it, the first instance raises the pool's minimum worker
/// threads to 8 per core, so that waits like this one never starve the loop they wait for (the pool otherwise adds a
/// thread only every half second or so under load).
/// </summary>
/// <param name="rm">The ResourceManager.</param>
/// <param name="logger">Where failures are logged.</param>
public sealed class ResourceManagerYarnCluster(EmbeddedResourceManager rm, ILogger? logger = null) : IYarnCluster
{
    /// <summary>How long the bridge waits for the ResourceManager's loop (10 s).</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private static readonly RmStatus Unanswered = RmStatus.Fail(RmStatusCode.InvalidState, "the ResourceManager did not answer");

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    static ResourceManagerYarnCluster()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        var wanted = 8 * Environment.ProcessorCount;
        if (workers < wanted) ThreadPool.SetMinThreads(wanted, io);
    }

    /// <inheritdoc />
    public YarnNode? Node(NodeId id) => Call(rm.ReadAsync(core => core.Node(id) is { } n
        ? new YarnNode(n.Id, n.State, n.Capability,
            core.Containers(id).Select(c => new YarnContainer(c.Container.Id, c.Container.Resource, c.IsAm)).ToList())
        : null), null, "node");

    /// <inheritdoc />
    public IReadOnlyList<YarnContainer> SetCapacity(NodeId id, Resource capacity, DateTimeOffset now)
    {
        var (status, allocated) = Call(rm.ScaleNodeAsync(id, capacity), (Unanswered, []), "capacity");
        if (!status.IsOk)
        {
            _logger.LogWarning("YARN bridge: capacity {Capacity} for {Node} refused: {Status}", capacity, id, status);
            return [];
        }
        return allocated.Select(a => new YarnContainer(a.Container.Id, a.Container.Resource, a.IsAmContainer)).ToList();
    }

    /// <inheritdoc />
    public bool Decommission(NodeId id, TimeSpan timeout, DateTimeOffset now) =>
        Call(rm.DecommissionNodeAsync(id, timeout), Unanswered, "decommission").IsOk;

    /// <inheritdoc />
    public YarnDemand Demand() => Call(rm.ReadAsync(core =>
    {
        var m = core.Metrics();
        return new YarnDemand(m.ContainersPending, m.Pending, m.AppsPending);
    }), default, "demand");

    private T Call<T>(Task<T> call, T fallback, string what)
    {
        try
        {
            if (call.Wait(CallTimeout)) return call.Result;
            _logger.LogWarning("YARN bridge: the ResourceManager did not answer a {What} call within {Timeout}", what, CallTimeout);
        }
        catch (AggregateException e) when (e.InnerException is ObjectDisposedException or OperationCanceledException)
        {
            _logger.LogDebug("YARN bridge: {What} call after the ResourceManager stopped", what);
        }
        return fallback;
    }
}

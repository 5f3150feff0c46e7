using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;

namespace Bridge.Yarn.ResourceManager.Server;

/// <summary>An application as the REST API and GetApplicationReport show it: the core's report plus what the shell keeps.</summary>
/// <param name="Report">The core's report (state, final status, attempts, usage, outstanding asks).</param>
/// <param name="Tags">Its tags.</param>
/// <param name="MemorySeconds">MB-seconds allocated so far (sampled every tick).</param>
/// <param name="VcoreSeconds">Vcore-seconds allocated so far (sampled every tick).</param>
/// <param name="AmRpcPort">The port its current AM registered with, or -1.</param>
/// <param name="AmNodeHttpAddress">The web address of the NodeManager running its AM container, or empty.</param>
/// <param name="MaxAppAttempts">The attempts it may have.</param>
/// <param name="Unsupported">Fields of its submission not honoured (<c>field: what happens instead</c>).</param>
public sealed record ApplicationView(
    ApplicationReport Report, IReadOnlyList<string> Tags, long MemorySeconds, long VcoreSeconds,
    int AmRpcPort, string AmNodeHttpAddress, int MaxAppAttempts, IReadOnlyList<string> Unsupported);

/// <summary>An attempt with the web address of the NodeManager that ran its AM container (or empty).</summary>
/// <param name="Report">The core's report.</param>
/// <param name="NodeHttpAddress">The AM container's NodeManager web address, or empty.</param>
public sealed record AttemptView(AttemptReport Report, string NodeHttpAddress);

/// <summary>A live container with whether it is its attempt's ApplicationMaster and the HTTP address of its node.</summary>
/// <param name="Container">The container: id, node, resource, priority.</param>
/// <param name="IsAm">It runs the ApplicationMaster.</param>
/// <param name="NodeHttpAddress">Its NodeManager's web address (host:port), empty when unknown.</param>
public sealed record ContainerView(Container Container, bool IsAm, string NodeHttpAddress);

/// <summary>The scheduler as <c>/ws/v1/cluster/scheduler</c> shows it.</summary>
/// <param name="Options">Its configuration (policy, allocation limits).</param>
/// <param name="Root">The queue tree's figures.</param>
/// <param name="Metrics">Cluster-wide figures.</param>
public sealed record SchedulerView(SchedulerOptions Options, QueueReport Root, SchedulerMetrics Metrics);

public sealed partial class EmbeddedResourceManager
{
    /// <summary>Every submitted application, in id order; O(applications) on the loop.</summary>
    public Task<IReadOnlyList<ApplicationView>> ApplicationsAsync() => _loop.Run(() =>
    {
        var now = _clock.GetUtcNow();
        return (IReadOnlyList<ApplicationView>)_core.Applications().Select(r => View(r, now)).ToList();
    });

    /// <summary>One application, or null when no application with that id was submitted.</summary>
    public Task<ApplicationView?> ApplicationAsync(ApplicationId id) => _loop.Run(() =>
        _core.Application(id) is { } r ? View(r, _clock.GetUtcNow()) : null);

    /// <summary>An application's attempts, oldest first, or null when no application with that id was submitted.</summary>
    public Task<IReadOnlyList<AttemptView>?> AttemptsAsync(ApplicationId id) => _loop.Run(() =>
    {
        if (_core.Application(id) is null) return null;
        return (IReadOnlyList<AttemptView>?)_core.Attempts(id).Select(a => new AttemptView(a, HttpAddressOf(a.AmContainer?.NodeId))).ToList();
    });

    /// <summary>An attempt's live containers, in id order, with whether each is the AM's and its node's HTTP address; null when
    /// the attempt's application was never submitted.</summary>
    public Task<IReadOnlyList<ContainerView>?> ContainersAsync(ApplicationAttemptId id) => _loop.Run(() =>
    {
        if (_core.Application(id.ApplicationId) is null) return null;
        return (IReadOnlyList<ContainerView>?)_core.Containers(id).Select(c => new ContainerView(c.Container, c.IsAm, HttpAddressOf(c.Container.NodeId))).ToList();
    });

    /// <summary>Every NodeManager ever registered, in id order.</summary>
    public Task<IReadOnlyList<NodeReport>> NodesAsync() => _loop.Run(_core.Nodes);

    /// <summary>Cluster metrics.</summary>
    public Task<ClusterMetrics> MetricsAsync() => _loop.Run(_core.Metrics);

    /// <summary>The scheduler's configuration and figures.</summary>
    public Task<SchedulerView> SchedulerAsync() => _loop.Run(() =>
        new SchedulerView(_core.Options.Scheduler, _core.Scheduler.Queues(), _core.Scheduler.Metrics()));

    private ApplicationView View(ApplicationReport r, DateTimeOffset now)
    {
        if (!_apps.TryGetValue(r.Id, out var shell))
            return new ApplicationView(r, [], 0, 0, -1, HttpAddressOf(r.AmContainer?.NodeId), _core.Options.MaxAppAttempts, []);
        // Usage since the last tick counts too, so a finished reading is never behind by a tick.
        var since = shell.Final || r.FinishedTime is not null ? 0 : Math.Max(0, (now - _lastTick).TotalSeconds);
        return new ApplicationView(r, shell.Context.ApplicationTags,
            (long)(shell.MemorySeconds + r.Allocated.MemoryMb * since), (long)(shell.VcoreSeconds + r.Allocated.VCores * since),
            r.CurrentAttemptId is null ? -1 : shell.AmRpcPort, HttpAddressOf(r.AmContainer?.NodeId), shell.MaxAttempts, shell.Context.Unsupported);
    }

    private string HttpAddressOf(NodeId? node) =>
        node is { } n && _nodes.TryGetValue(n, out var shell) ? shell.HttpAddress : "";
}

using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.ResourceManager;

/// <summary>An application as <c>/ws/v1/cluster/apps/{id}</c> shows it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">Its name.</param>
/// <param name="User">The submitting user.</param>
/// <param name="Queue">Its queue.</param>
/// <param name="ApplicationType">Its type.</param>
/// <param name="Priority">Its application priority.</param>
/// <param name="State">Its state.</param>
/// <param name="FinalStatus">Its final status.</param>
/// <param name="Diagnostics">Why it is where it is, or empty.</param>
/// <param name="Progress">The current attempt's progress, 0 to 1.</param>
/// <param name="StartedTime">Submission time.</param>
/// <param name="FinishedTime">End time, or null.</param>
/// <param name="CurrentAttemptId">The latest attempt, or null.</param>
/// <param name="Attempts">How many attempts it has had.</param>
/// <param name="AmContainer">The current attempt's AM container, or null.</param>
/// <param name="AmHost">The host its AM registered from, or <c>N/A</c>.</param>
/// <param name="TrackingUrl">What its AM gave, or empty.</param>
/// <param name="Allocated">Resources of its running containers (MB, vcores).</param>
/// <param name="RunningContainers">Its running containers.</param>
/// <param name="ResourceRequests">Its outstanding asks.</param>
public sealed record ApplicationReport(
    ApplicationId Id, string Name, string User, string Queue, string ApplicationType, int Priority,
    RmAppState State, FinalApplicationStatus FinalStatus, string Diagnostics, float Progress,
    DateTimeOffset StartedTime, DateTimeOffset? FinishedTime,
    ApplicationAttemptId? CurrentAttemptId, int Attempts, Container? AmContainer, string AmHost, string TrackingUrl,
    Resource Allocated, int RunningContainers, IReadOnlyList<ResourceRequest> ResourceRequests);

/// <summary>An attempt as <c>/ws/v1/cluster/apps/{id}/appattempts</c> shows it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="State">Its state.</param>
/// <param name="StartTime">When it started.</param>
/// <param name="FinishTime">When it ended, or null.</param>
/// <param name="AmContainer">Its AM container, or null.</param>
/// <param name="Diagnostics">Why it ended, or empty.</param>
public sealed record AttemptReport(ApplicationAttemptId Id, RmAppAttemptState State, DateTimeOffset StartTime, DateTimeOffset? FinishTime, Container? AmContainer, string Diagnostics);

/// <summary>A NodeManager as <c>/ws/v1/cluster/nodes</c> shows it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Rack">Its rack.</param>
/// <param name="State">Its state.</param>
/// <param name="HttpAddress">Its web address.</param>
/// <param name="LastHeartbeat">Its last heartbeat (or registration).</param>
/// <param name="Capability">Its capacity (MB, vcores).</param>
/// <param name="Used">Resources of its containers.</param>
/// <param name="NumContainers">Its containers.</param>
public sealed record NodeReport(NodeId Id, string Rack, RmNodeState State, string HttpAddress, DateTimeOffset LastHeartbeat, Resource Capability, Resource Used, int NumContainers)
{
    /// <summary>Capacity minus used, each component at least 0.</summary>
    public Resource Available => (Capability - Used).ClampToZero();
}

/// <summary>Cluster metrics as <c>/ws/v1/cluster/metrics</c> shows them (memory in MB).</summary>
/// <param name="AppsSubmitted">Applications ever submitted.</param>
/// <param name="AppsCompleted">Applications FINISHED.</param>
/// <param name="AppsPending">Applications ACCEPTED whose AM container is not yet allocated (or SUBMITTED).</param>
/// <param name="AppsRunning">Applications whose current attempt's AM container is allocated.</param>
/// <param name="AppsFailed">Applications FAILED.</param>
/// <param name="AppsKilled">Applications KILLED.</param>
/// <param name="ContainersAllocated">Running containers.</param>
/// <param name="ContainersPending">Containers asked for and not yet allocated.</param>
/// <param name="Pending">Resources asked for and not yet allocated (pendingMB, pendingVirtualCores).</param>
/// <param name="Allocated">Resources of running containers (allocatedMB, allocatedVirtualCores).</param>
/// <param name="Available">Total minus allocated (availableMB, availableVirtualCores).</param>
/// <param name="Total">Sum of active NodeManagers' capacities (totalMB, totalVirtualCores).</param>
/// <param name="ActiveNodes">NodeManagers RUNNING.</param>
/// <param name="DecommissioningNodes">NodeManagers DECOMMISSIONING.</param>
/// <param name="DecommissionedNodes">NodeManagers DECOMMISSIONED.</param>
/// <param name="LostNodes">NodeManagers LOST.</param>
public sealed record ClusterMetrics(
    int AppsSubmitted, int AppsCompleted, int AppsPending, int AppsRunning, int AppsFailed, int AppsKilled,
    int ContainersAllocated, int ContainersPending, Resource Pending, Resource Allocated, Resource Available, Resource Total,
    int ActiveNodes, int DecommissioningNodes, int DecommissionedNodes, int LostNodes);

public sealed partial class ResourceManagerCore
{
    /// <summary>Every application, in id order.</summary>
    public IReadOnlyList<ApplicationReport> Applications() => _apps.Values.OrderBy(a => a.Id).Select(Report).ToList();

    /// <summary>One application, or null when unknown.</summary>
    public ApplicationReport? Application(ApplicationId id) => _apps.TryGetValue(id, out var app) ? Report(app) : null;

    /// <summary>An application's attempts, oldest first (empty when unknown).</summary>
    public IReadOnlyList<AttemptReport> Attempts(ApplicationId id) =>
        _apps.TryGetValue(id, out var app)
            ? app.Attempts.Select(a => new AttemptReport(a.Id, a.State, a.StartTime, a.FinishTime, a.AmContainer, a.Diagnostics)).ToList()
            : [];

    /// <summary>Every NodeManager ever registered, in id order.</summary>
    public IReadOnlyList<NodeReport> Nodes() => _nodes.Values.OrderBy(n => n.Id.ToString(), StringComparer.Ordinal).Select(Report).ToList();

    /// <summary>One NodeManager, or null when it never registered.</summary>
    public NodeReport? Node(NodeId id) => _nodes.TryGetValue(id, out var node) ? Report(node) : null;

    /// <summary>The live containers on a NodeManager, in id order, each with whether it is an AM's (empty when unknown or not active).</summary>
    public IReadOnlyList<(Container Container, bool IsAm)> Containers(NodeId id) =>
        _scheduler.ContainersOn(id).Select(c => _scheduler.FindContainer(c)!.Value)
            .OrderBy(c => c.Container.Id.ApplicationAttemptId.ApplicationId).ThenBy(c => c.Container.Id.ApplicationAttemptId.AttemptId)
            .ThenBy(c => c.Container.Id.SequenceNumber).ToList();

    /// <summary>The live containers of an application attempt, in id order, each with whether it is the AM's (empty when
    /// it has none or is unknown).</summary>
    public IReadOnlyList<(Container Container, bool IsAm)> Containers(ApplicationAttemptId id) =>
        _nodes.Keys.SelectMany(Containers).Where(c => c.Container.Id.ApplicationAttemptId == id).OrderBy(c => c.Container.Id.SequenceNumber).ToList();

    private NodeReport Report(RmNode n)
    {
        // The scheduler's capacity is the live one (fine-grained scaling may shrink it as containers complete).
        var usage = _scheduler.NodeUsage(n.Id);
        return new NodeReport(n.Id, n.Rack, n.State, n.HttpAddress, n.LastHeartbeat, usage?.Total ?? n.Capability,
            usage?.Allocated ?? Resource.None, usage?.Containers ?? 0);
    }

    /// <summary>Cluster metrics; O(applications + nodes).</summary>
    public ClusterMetrics Metrics()
    {
        var s = _scheduler.Metrics();
        int Apps(RmAppState state) => _apps.Values.Count(a => a.State == state);
        int NodesIn(RmNodeState state) => _nodes.Values.Count(n => n.State == state);
        var pending = _apps.Values.Count(a => a.State is RmAppState.Submitted || (a.State == RmAppState.Accepted && a.Current?.AmContainer is null));
        var running = _apps.Values.Count(a => !a.IsFinal && a.Current?.AmContainer is not null && !a.Current.IsFinal);
        return new ClusterMetrics(_apps.Count, Apps(RmAppState.Finished), pending, running, Apps(RmAppState.Failed), Apps(RmAppState.Killed),
            s.ContainersAllocated, s.ContainersPending, s.Pending, s.Allocated, s.Available, s.Total,
            NodesIn(RmNodeState.Running), NodesIn(RmNodeState.Decommissioning), NodesIn(RmNodeState.Decommissioned), NodesIn(RmNodeState.Lost));
    }

    private ApplicationReport Report(RmApp app)
    {
        var attempt = app.Current;
        var usage = attempt is null ? null : _scheduler.AttemptUsage(attempt.Id);
        var sub = app.Submission;
        return new ApplicationReport(app.Id, sub.Name, sub.User, sub.Queue, sub.ApplicationType, sub.Priority,
            app.State, app.FinalStatus, app.Diagnostics, attempt?.Progress ?? 0, app.StartTime, app.FinishTime,
            attempt?.Id, app.Attempts.Count, attempt?.AmContainer, attempt?.Host ?? "N/A", attempt?.TrackingUrl ?? "",
            usage?.Used ?? Resource.None, usage?.Containers ?? 0,
            attempt is null ? [] : _scheduler.Asks(attempt.Id));
    }
}

using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;

namespace Bridge.Yarn.ResourceManager.Tests;

/// <summary>A ResourceManagerCore with a hand-driven clock and helpers that play NodeManagers and AMs.</summary>
internal sealed class RmHarness
{
    public const long ClusterTimestamp = 1410901177871;

    public RmHarness(SchedulerOptions? scheduler = null, int maxAttempts = 2)
    {
        Rm = new ResourceManagerCore(new ResourceManagerOptions
        {
            ClusterTimestamp = ClusterTimestamp,
            Scheduler = scheduler ?? SchedulerOptions.Fifo(),
            MaxAppAttempts = maxAttempts,
        });
    }

    public ResourceManagerCore Rm { get; }
    public DateTimeOffset Now { get; set; } = DateTimeOffset.FromUnixTimeMilliseconds(ClusterTimestamp + 1000);

    public void Advance(TimeSpan by) => Now += by;

    public static NodeId Node(int i) => new($"h{i}", 8041);

    public NodeId AddNode(int i, Resource? capacity = null)
    {
        Assert.True(Rm.RegisterNode(new NodeRegistration(Node(i), capacity ?? new Resource(8192, 8), $"h{i}:8042"), Now).IsOk);
        return Node(i);
    }

    public NodeHeartbeatResponse Heartbeat(NodeId node, params ContainerStatus[] statuses) =>
        Rm.NodeHeartbeat(new NodeHeartbeat(node, statuses), Now);

    public static ContainerStatus Running(ContainerId id) => new(id, ContainerState.Running, ContainerExitStatus.Invalid, "");

    public static ContainerStatus Exited(ContainerId id, int exit) => new(id, ContainerState.Complete, exit, $"exit {exit}");

    public ApplicationId Submit(string queue = "default", int? maxAttempts = null)
    {
        var (id, _) = Rm.NewApplication();
        Assert.True(Rm.SubmitApplication(new ApplicationSubmission { ApplicationId = id, Name = "t", Queue = queue, MaxAppAttempts = maxAttempts }, Now).IsOk);
        return id;
    }

    /// <summary>Runs the current attempt's AM up to registered: heartbeat (AM allocated), heartbeat (AM running), register.</summary>
    public ApplicationAttemptId StartAm(ApplicationId app, NodeId node)
    {
        // The AM container may already be allocated (by the heartbeat that ended the previous attempt).
        var am = Rm.Attempts(app)[^1].AmContainer ?? Assert.Single(Heartbeat(node).Allocated, a => a.IsAmContainer).Container;
        Heartbeat(node, Running(am.Id));
        Assert.Equal(RmAppAttemptState.Launched, Rm.Attempts(app)[^1].State);
        Assert.True(Rm.RegisterApplicationMaster(am.AttemptId, "amhost", 1234, "http://amhost:8080", Now).Status.IsOk);
        return am.AttemptId;
    }

    public AllocateResponse Allocate(ApplicationAttemptId attempt, int responseId, IReadOnlyList<ResourceRequest>? asks = null, IReadOnlyList<ContainerId>? releases = null)
    {
        var result = Rm.Allocate(new AllocateRequest(attempt, responseId, 0.5f, asks ?? [], releases ?? []), Now);
        Assert.True(result.Status.IsOk, result.Status.Message);
        return result.Response!;
    }

    public static ResourceRequest Ask(int n, int mb = 1024) => new(new Priority(1), "*", new Resource(mb, 1), n);
}

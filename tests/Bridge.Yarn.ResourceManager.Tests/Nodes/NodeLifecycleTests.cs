using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using static Bridge.Yarn.ResourceManager.Tests.RmHarness;

namespace Bridge.Yarn.ResourceManager.Tests.Nodes;

public class NodeLifecycleTests
{
    [Fact]
    public void NodeLost_AfterLivenessExpiry_ItsContainersCompleteAborted_AndTheAmIsRetriedWithoutCounting()
    {
        var h = new RmHarness(maxAttempts: 1);
        var n1 = h.AddNode(1);
        var app = h.Submit();
        var attempt = h.StartAm(app, n1);
        h.Allocate(attempt, 0, [Ask(2)]);
        h.Heartbeat(n1);
        h.Advance(TimeSpan.FromSeconds(300));
        var n2 = h.AddNode(2);
        h.Allocate(attempt, 1);
        h.Advance(TimeSpan.FromSeconds(301));
        h.Heartbeat(n2);

        Assert.Equal(n1, Assert.Single(h.Rm.Tick(h.Now).LostNodes));
        Assert.Equal(RmNodeState.Lost, h.Rm.Nodes().Single(n => n.Id == n1).State);
        Assert.Equal(1, h.Rm.Metrics().LostNodes);
        Assert.Equal(0, h.Rm.Metrics().ContainersAllocated - h.Rm.Nodes().Sum(n => n.NumContainers));
        var attempts = h.Rm.Attempts(app);
        Assert.Equal(RmAppAttemptState.Failed, attempts[0].State);
        Assert.Contains("exitCode: -100", attempts[0].Diagnostics);
        // A lost node is the platform's fault: a second attempt starts although max-app-attempts is 1.
        Assert.Equal(RmAppState.Accepted, h.Rm.Application(app)!.State);
        Assert.True(h.Heartbeat(n2).Allocated.Single().IsAmContainer);

        var resync = h.Heartbeat(n1);
        Assert.Equal((RmStatusCode.UnknownNode, NodeAction.Resync), (resync.Status.Code, resync.Action));
    }

    [Fact]
    public void Decommission_WaitsForContainersThenShutsDown()
    {
        var h = new RmHarness();
        var n1 = h.AddNode(1);
        var app = h.Submit();
        var attempt = h.StartAm(app, n1);
        h.Allocate(attempt, 0, [Ask(3)]);
        Assert.True(h.Rm.DecommissionNode(n1, h.Now).IsOk);
        var hb = h.Heartbeat(n1);
        Assert.Equal(NodeAction.Normal, hb.Action);
        Assert.Empty(hb.Allocated);
        Assert.Equal(1, h.Rm.Metrics().DecommissioningNodes);

        Assert.True(h.Rm.FinishApplicationMaster(attempt, FinalApplicationStatus.Succeeded, "", "", h.Now).IsOk);
        var last = h.Heartbeat(n1, Exited(new ContainerId(attempt, 0, 1), 0));
        Assert.Equal(NodeAction.Shutdown, last.Action);
        Assert.Equal(RmNodeState.Decommissioned, h.Rm.Nodes().Single().State);
        Assert.Equal(Resource.None, h.Rm.Metrics().Total);
    }

    [Fact]
    public void Decommission_TimeoutPasses_DecommissionedWithContainersAborted()
    {
        var h = new RmHarness();
        var n1 = h.AddNode(1);
        var app = h.Submit();
        var attempt = h.StartAm(app, n1);
        h.Rm.DecommissionNode(n1, h.Now, TimeSpan.FromSeconds(30));
        h.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(h.Rm.Tick(h.Now).DecommissionedNodes);
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(n1, Assert.Single(h.Rm.Tick(h.Now).DecommissionedNodes));
        Assert.Equal(NodeAction.Shutdown, h.Heartbeat(n1).Action);
        Assert.Equal(RmAppAttemptState.Failed, h.Rm.Attempts(app)[0].State);
    }

    [Fact]
    public void ZeroCapacityNode_CapacityRaised_AllocatesAtOnceWithoutAHeartbeat()
    {
        var h = new RmHarness();
        var n1 = h.AddNode(1, Resource.None);
        var app = h.Submit();
        Assert.Empty(h.Heartbeat(n1).Allocated);
        var (status, made) = h.Rm.UpdateNodeCapacity(n1, new Resource(2048, 2), h.Now);
        Assert.True(status.IsOk);
        Assert.True(Assert.Single(made).IsAmContainer);
        Assert.Equal(new Resource(2048, 2), h.Rm.Metrics().Total);
        Assert.Equal(RmStatusCode.UnknownNode, h.Rm.UpdateNodeCapacity(Node(9), new Resource(1, 1), h.Now).Status.Code);
    }

    [Fact]
    public void ReRegistration_CompletesContainersTheNodeNoLongerRuns()
    {
        var h = new RmHarness();
        var n1 = h.AddNode(1);
        var app = h.Submit();
        var attempt = h.StartAm(app, n1);
        h.Allocate(attempt, 0, [Ask(1)]);
        h.Heartbeat(n1);
        var worker = Assert.Single(h.Allocate(attempt, 1).Allocated);
        Assert.True(h.Rm.RegisterNode(new NodeRegistration(n1, new Resource(8192, 8), RunningContainers: [new ContainerId(attempt, 0, 1)]), h.Now).IsOk);
        var completed = Assert.Single(h.Allocate(attempt, 2).Completed);
        Assert.Equal((worker.Id, ContainerExitStatus.Aborted), (completed.ContainerId, completed.ExitStatus));
        Assert.Equal(RmAppState.Running, h.Rm.Application(app)!.State);
    }

    [Fact]
    public void Metrics_CountNodesAppsAndResources()
    {
        var h = new RmHarness();
        h.AddNode(1);
        h.AddNode(2, new Resource(4096, 4));
        h.Submit();
        var m = h.Rm.Metrics();
        Assert.Equal(2, m.ActiveNodes);
        Assert.Equal(new Resource(12288, 12), m.Total);
        Assert.Equal((1, 1, 0), (m.AppsSubmitted, m.AppsPending, m.AppsRunning));
        Assert.Equal(1, m.ContainersPending);
        Assert.Equal(1024, m.Pending.MemoryMb);
        Assert.Equal("default", Assert.Single(h.Rm.Scheduler.Queues().Children).Name);
    }
}

using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;
using static Bridge.Yarn.ResourceManager.Tests.Scheduling.SchedulerFixture;

namespace Bridge.Yarn.ResourceManager.Tests.Scheduling;

public class YarnSchedulerTests
{
    private static SchedulerOptions TwoQueues(double aMax = 100, double bMax = 100, double am = 1.0) => SchedulerOptions.Capacity(
        new QueueOptions("a", 70, aMax, am), new QueueOptions("b", 30, bMax, am)) with { NodeLocalityDelay = 0 };

    [Fact]
    public void CapacitySharing_BothQueuesBusy_SplitsSeventyThirty()
    {
        var s = new YarnScheduler(TwoQueues());
        AddNodes(s, 10, new Resource(10 * 1024, 10));
        var a = Submit(s, 1, "a", 500);
        var b = Submit(s, 2, "b", 500);
        s.AllocateAll();
        Assert.Equal(70, s.AttemptUsage(a)!.Value.Containers);
        Assert.Equal(30, s.AttemptUsage(b)!.Value.Containers);
        var queues = s.Queues();
        Assert.Equal(100, queues.Children[0].UsedCapacityPercent, 6);
        Assert.Equal(30, queues.Children[1].AbsoluteUsedCapacityPercent, 6);
    }

    [Fact]
    public void CapacitySharing_IdleQueue_OtherReclaimsUpToItsMaximumThenGivesBackAsContainersEnd()
    {
        var s = new YarnScheduler(TwoQueues());
        AddNodes(s, 10, new Resource(10 * 1024, 10));
        var a = Submit(s, 1, "a", 500);
        s.AllocateAll();
        Assert.Equal(100, s.AttemptUsage(a)!.Value.Containers);

        // b arrives; as a's containers end, the freed room goes to b (lower used-capacity ratio) until b has its 30%.
        var b = Submit(s, 2, "b", 500);
        var aContainers = s.PullNewlyAllocated(a).Where(c => c.Id.SequenceNumber > 1).ToList();
        foreach (var c in aContainers.Take(40))
        {
            s.CompleteContainer(c.Id, ContainerExitStatus.Success, "");
            s.NodeUpdate(c.NodeId);
        }
        Assert.Equal(30, s.AttemptUsage(b)!.Value.Containers);
        Assert.Equal(70, s.AttemptUsage(a)!.Value.Containers);
    }

    [Fact]
    public void MaximumCapacity_OnlyQueueBusy_StopsAtItsMaximum()
    {
        var s = new YarnScheduler(TwoQueues(aMax: 80));
        AddNodes(s, 10, new Resource(10 * 1024, 10));
        var a = Submit(s, 1, "a", 500);
        s.AllocateAll();
        Assert.Equal(80, s.AttemptUsage(a)!.Value.Containers);
        Assert.Equal(new Resource(20 * 1024, 20), s.Metrics().Available);
        // Headroom is 0: the queue is at its maximum though the cluster has room.
        Assert.Equal(Resource.None, s.Headroom(a));
    }

    [Fact]
    public void Fifo_FirstSubmittedIsServedFirst_ThenHigherAppPriorityJumpsAhead()
    {
        var s = new YarnScheduler(SchedulerOptions.Fifo());
        AddNodes(s, 1, new Resource(4 * 1024, 4));
        var first = Submit(s, 1, "default", 10);
        var second = Submit(s, 2, "default", 10);
        s.AllocateAll();
        Assert.Equal(4, s.AttemptUsage(first)!.Value.Containers);
        Assert.Equal(0, s.AttemptUsage(second)!.Value.Containers);

        var urgent = Submit(s, 3, "default", 10, appPriority: 5);
        var freed = s.PullNewlyAllocated(first)[1];
        s.CompleteContainer(freed.Id, 0, "");
        s.NodeUpdate(freed.NodeId);
        Assert.Equal(1, s.AttemptUsage(urgent)!.Value.Containers);
        Assert.Equal(0, s.AttemptUsage(second)!.Value.Containers);
    }

    [Fact]
    public void Fifo_RequestPriorities_LowerNumberServedFirst()
    {
        var s = new YarnScheduler(SchedulerOptions.Fifo());
        AddNodes(s, 1, new Resource(8 * 1024, 8));
        var id = Attempt(1);
        s.AddAttempt(id, "default", 0, Gb);
        s.UpdateAsks(id, [Ask(1, priority: 0), Ask(2, priority: 20, size: new Resource(2048, 1)), Ask(2, priority: 10)]);
        var made = s.NodeUpdate(Node(1));
        Assert.Equal([0, 10, 10, 20, 20], made.Select(a => a.Container.Priority.Value));
        Assert.True(made[0].IsAmContainer);
        Assert.Equal(1, made[0].Container.Id.SequenceNumber);
    }

    [Fact]
    public void LocalityDelay_WaitsNodeLocalityDelayUpdatesThenRackThenOffSwitch()
    {
        var s = new YarnScheduler(SchedulerOptions.Fifo() with { NodeLocalityDelay = 2 });
        AddNodes(s, 4, new Resource(4096, 4), i => i <= 2 ? "/r1" : "/r2");
        var id = Attempt(1);
        s.AddAttempt(id, "default", 0, Gb);
        s.UpdateAsks(id, [Ask(1, "h1", priority: 0), Ask(1, "/r1", priority: 0), Ask(1, priority: 0)]);

        Assert.Empty(s.NodeUpdate(Node(2)));   // missed 1
        Assert.Empty(s.NodeUpdate(Node(3)));   // missed 2
        var rack = s.NodeUpdate(Node(2));       // missed 3 > 2: rack-local on h2
        Assert.Equal(NodeLocality.RackLocal, Assert.Single(rack).Locality);

        s.UpdateAsks(id, [Ask(1, "h1"), Ask(1, "/r1"), Ask(1)]);
        Assert.Equal(NodeLocality.NodeLocal, Assert.Single(s.NodeUpdate(Node(1))).Locality);

        s.UpdateAsks(id, [Ask(1, "h1"), Ask(1, "/r1"), Ask(1)]);
        Assert.Empty(s.NodeUpdate(Node(3)));
        Assert.Empty(s.NodeUpdate(Node(4)));
        Assert.Equal(NodeLocality.OffSwitch, Assert.Single(s.NodeUpdate(Node(3))).Locality);
    }

    [Fact]
    public void RelaxLocalityFalse_StrictHostAsk_NeverPlacedElsewhere()
    {
        var s = new YarnScheduler(SchedulerOptions.Fifo());
        AddNodes(s, 3, new Resource(4096, 4));
        var id = Attempt(1);
        s.AddAttempt(id, "default", 0, Gb);
        s.UpdateAsks(id, [Ask(1, "h3", priority: 0), Ask(1, "/default-rack", priority: 0, relax: false), Ask(1, priority: 0, relax: false)]);
        for (var i = 0; i < 5; i++)
        {
            Assert.Empty(s.NodeUpdate(Node(1)));
            Assert.Empty(s.NodeUpdate(Node(2)));
        }
        Assert.Equal(Node(3), Assert.Single(s.NodeUpdate(Node(3))).Container.NodeId);
    }

    [Fact]
    public void Asks_RoundedUpToMinimumMultiple_AboveMaximumRefusedNamingTheField()
    {
        var s = new YarnScheduler(SchedulerOptions.Fifo());
        AddNodes(s, 1, new Resource(8192, 8));
        var id = Attempt(1);
        s.AddAttempt(id, "default", 0, Gb);
        var refused = s.UpdateAsks(id, [Ask(1, size: new Resource(1024, 1)), Ask(1, size: new Resource(9000, 1))]);
        Assert.Equal(RmStatusCode.InvalidRequest, refused.Code);
        Assert.Contains("capability.memoryMb=9000", refused.Message);
        Assert.Contains("8192", refused.Message);
        Assert.Empty(s.Asks(id)); // all-or-nothing
        Assert.Contains("numContainers=-1", s.UpdateAsks(id, [Ask(-1)]).Message);
        Assert.Contains("capability.vCores=5", s.UpdateAsks(id, [Ask(1, size: new Resource(1024, 5))]).Message);

        Assert.True(s.UpdateAsks(id, [Ask(1, size: new Resource(1500, 1))]).IsOk);
        Assert.Equal(new Resource(2048, 1), Assert.Single(s.NodeUpdate(Node(1))).Container.Resource);
    }

    [Fact]
    public void Asks_AreAbsolute_ANewAskReplacesTheOld()
    {
        var s = new YarnScheduler(SchedulerOptions.Fifo());
        var id = Attempt(1);
        s.AddAttempt(id, "default", 0, Gb);
        s.UpdateAsks(id, [Ask(5)]);
        s.UpdateAsks(id, [Ask(2)]);
        Assert.Equal(2, s.Metrics().ContainersPending);
        Assert.Equal(new Resource(2048, 2), s.Metrics().Pending);
        s.UpdateAsks(id, [Ask(0)]);
        Assert.Equal(0, s.Metrics().ContainersPending);
        Assert.Empty(s.Asks(id));
    }

    [Fact]
    public void Decommissioning_NodeGetsNoNewContainers()
    {
        var s = new YarnScheduler(SchedulerOptions.Fifo());
        AddNodes(s, 2, new Resource(4096, 4));
        var id = Submit(s, 1, "default", 10);
        s.SetDecommissioning(Node(1), true);
        Assert.Empty(s.NodeUpdate(Node(1)));
        Assert.Equal(4, s.NodeUpdate(Node(2)).Count);
    }

    [Fact]
    public void NodeCapacity_ZeroThenRaised_AllocatesOnlyWhatFits()
    {
        var s = new YarnScheduler(SchedulerOptions.Fifo());
        s.AddNode(Node(1), Resource.None, "/default-rack");
        var id = Submit(s, 1, "default", 10);
        Assert.Empty(s.NodeUpdate(Node(1)));
        s.UpdateNodeCapacity(Node(1), new Resource(3072, 2));
        Assert.Equal(2, s.NodeUpdate(Node(1)).Count);
        s.UpdateNodeCapacity(Node(1), new Resource(1024, 1)); // shrinks under its containers
        Assert.Empty(s.NodeUpdate(Node(1)));
        Assert.Equal(new Resource(2048, 2), s.NodeUsage(Node(1))!.Value.Allocated);
    }

    [Fact]
    public void MaximumAmResourcePercent_SecondAppWaitsUntilTheFirstLeaves()
    {
        // 10 GB, AM limit 0.1 of 100% = 1 GB: one 1 GB AM fits, the second waits.
        var s = new YarnScheduler(SchedulerOptions.Capacity(new QueueOptions("q", 100)) with { NodeLocalityDelay = 0 });
        AddNodes(s, 1, new Resource(10 * 1024, 10));
        var first = Submit(s, 1, "q", 2);
        var second = Submit(s, 2, "q", 2);
        s.AllocateAll();
        Assert.Equal(3, s.AttemptUsage(first)!.Value.Containers);
        Assert.Equal(0, s.AttemptUsage(second)!.Value.Containers);
        Assert.Equal(1, s.Metrics().AppsPending);
        s.RemoveAttempt(first, ContainerExitStatus.KilledAfterAppCompletion, "done");
        s.AllocateAll();
        Assert.Equal(3, s.AttemptUsage(second)!.Value.Containers);
    }

    [Fact]
    public void Completion_ReturnsExactlyTheContainersResources_AndIsReportedOnce()
    {
        var s = new YarnScheduler(SchedulerOptions.Fifo());
        AddNodes(s, 1, new Resource(8192, 8));
        var id = Attempt(1);
        s.AddAttempt(id, "default", 0, Gb);
        s.UpdateAsks(id, [Ask(1, priority: 0), Ask(1, size: new Resource(3072, 2))]);
        var made = s.NodeUpdate(Node(1));
        Assert.Equal(new Resource(4096, 3), s.Metrics().Allocated);
        var done = s.CompleteContainer(made[1].Container.Id, 3, "exit 3")!;
        Assert.Equal(new Resource(3072, 2), done.Container.Resource);
        Assert.False(done.IsAmContainer);
        Assert.Equal(new Resource(1024, 1), s.Metrics().Allocated);
        Assert.Null(s.CompleteContainer(made[1].Container.Id, 3, "again"));
        Assert.Equal(3, Assert.Single(s.PullCompleted(id)).ExitStatus);
        Assert.Empty(s.PullCompleted(id));
    }

    [Fact]
    public void RemoveNode_CompletesItsContainers()
    {
        var s = new YarnScheduler(SchedulerOptions.Fifo());
        AddNodes(s, 1, new Resource(4096, 4));
        Submit(s, 1, "default", 10);
        s.AllocateAll();
        var done = s.RemoveNode(Node(1), ContainerExitStatus.Aborted, "lost");
        Assert.Equal(4, done.Count);
        Assert.All(done, d => Assert.Equal(ContainerExitStatus.Aborted, d.Status.ExitStatus));
        Assert.Equal(Resource.None, s.Metrics().Allocated);
        Assert.Equal(Resource.None, s.ClusterResource);
    }

    [Fact]
    public void QueueConfiguration_Invalid_Throws()
    {
        Assert.Throws<ArgumentException>(() => new YarnScheduler(SchedulerOptions.Capacity(new QueueOptions("a", 60), new QueueOptions("b", 30))));
        Assert.Throws<ArgumentException>(() => new YarnScheduler(SchedulerOptions.Capacity(new QueueOptions("a", 60, 50), new QueueOptions("b", 40))));
        var s = new YarnScheduler(SchedulerOptions.Capacity(new QueueOptions("a", 100)));
        Assert.Equal(RmStatusCode.UnknownQueue, s.AddAttempt(Attempt(1), "root", 0, Gb).Code);
    }
}

using Bridge.Kernel.V1;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;
using static Bridge.Yarn.Tests.BridgeHarness;
using KernelResources = Bridge.Kernel.Resources;

namespace Bridge.Yarn.Tests.FineGrained;

/// <summary>Fine-grained scaling with a real ResourceManagerCore behind IYarnCluster, under every queue policy.</summary>
public class FineGrainedScalingTests
{
    public static TheoryData<string> Policies => new() { "fifo", "capacity" };

    private static BridgeHarness Harness(string policy) => new(policy == "fifo"
        ? SchedulerOptions.Fifo()
        : SchedulerOptions.Capacity(new QueueOptions("default", 50), new QueueOptions("other", 50)));

    [Fact]
    public void ZeroProfileNodeManager_RegistersWithNoCapacity_AndNoDemandMeansOffersAreDeclined()
    {
        var h = Harness("fifo");
        var nm = h.StartNodeManager("zero", 1);

        var d = h.Offers(h.OfferOn(1, "cpus:4;mem:8192"));

        Assert.True(nm.IsFineGrained);
        Assert.Equal(Resource.None, h.Rm.Node(nm.NodeId!.Value)!.Capability);
        Assert.Empty(d.Launches);
        Assert.Single(d.Declines);
        Assert.Equal(Resource.None, h.Rm.Metrics().Total);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void OfferRaisesCapacity_TheAmContainerBecomesAPlaceholder_OnTheNodeManagersExecutor(string policy)
    {
        var h = Harness(policy);
        var nm = h.StartNodeManager("zero", 1);
        var node = nm.NodeId!.Value;
        h.Submit();
        Assert.True(h.Tick().WantOffers); // YARN has demand and a fine-grained NodeManager runs: REVIVE

        var d = h.Offers(h.OfferOn(1, "cpus:3.5;mem:6000"));

        var task = Assert.Single(Assert.Single(d.Launches).Tasks);
        var am = Assert.Single(h.AmAllocations).Container;
        Assert.Equal(node, am.NodeId);
        Assert.Equal("yarn_" + am.Id, task.TaskId.Value);
        Assert.Equal(am.Id.ToString(), task.Name);
        Assert.Equal(am.Id.ToString(), task.Data.ToStringUtf8());
        Assert.Equal(KernelResources.Parse("cpus:1;mem:1024"), ResourcesOf(task));
        Assert.Equal(nm.Executor, task.Executor); // the very executor the NodeManager runs in
        Assert.Equal("a1", task.AgentId.Value);
        // The capacity went up for the allocation and straight back down to what runs there.
        Assert.Equal(new Resource(1024, 1), h.Rm.Node(node)!.Capability);
        Assert.Equal(h.Rm.Node(node)!.Capability, h.Rm.Node(node)!.Used);
        var placeholder = Assert.Single(h.Bridge.Placeholders);
        Assert.Equal((am.Id, PlaceholderState.Launched), (placeholder.ContainerId, placeholder.State));
        Assert.True(d.Changed);

        h.Status(task.TaskId.Value, TaskState.TaskRunning, "a1");
        Assert.Equal(PlaceholderState.Running, placeholder.State);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void AsksBecomeContainersAndPlaceholders_LeftoversGoBack_CompletionsShrinkCapacity_AndYarnsShareReturnsToZero(string policy)
    {
        var h = Harness(policy);
        var nm = h.StartNodeManager("zero", 1);
        var node = nm.NodeId!.Value;
        h.Submit();
        var amTask = Assert.Single(Assert.Single(h.Offers(h.OfferOn(1, "cpus:1;mem:1024")).Launches).Tasks);
        var am = Assert.Single(h.AmAllocations).Container;
        var attempt = h.StartAm(am);
        h.Allocate(attempt, 0, [Ask(4)]);
        Assert.Empty(h.Heartbeat(node, Running(am.Id)).Allocated); // no room until an offer comes

        // 2.7 cpus and 3000 MB: 2 whole vcores, so 2 containers of <1024, 1>; the rest of the offer is not used.
        var first = Assert.Single(h.Offers(h.OfferOn(1, "cpus:2.7;mem:3000")).Launches);
        Assert.Equal(2, first.Tasks.Count);
        Assert.Equal(KernelResources.Parse("cpus:2;mem:2048"), first.Tasks.Select(ResourcesOf).Aggregate((a, b) => a.Plus(b)));
        var second = Assert.Single(h.Offers(h.OfferOn(1, "cpus:8;mem:16384")).Launches);
        Assert.Equal(2, second.Tasks.Count);
        Assert.Equal(new Resource(5120, 5), h.Rm.Node(node)!.Capability);
        var workers = h.Allocate(attempt, 1).Allocated;
        Assert.Equal(4, workers.Count);
        Assert.Equal(5, h.Bridge.Placeholders.Count());
        foreach (var t in first.Tasks.Concat(second.Tasks).Append(amTask)) h.Status(t.TaskId.Value, TaskState.TaskRunning, "a1");

        // Nothing asked for any more: an offer is declined and the capacity stays.
        var idle = h.Offers(h.OfferOn(1, "cpus:8;mem:16384"));
        Assert.Empty(idle.Launches);
        Assert.Single(idle.Declines);

        // A worker exits: its capacity leaves the node at once, and its placeholder is killed.
        h.Heartbeat(node, Running(am.Id), Exited(workers[0].Id));
        Assert.Equal(new Resource(4096, 4), h.Rm.Node(node)!.Capability);
        var exited = h.Sync();
        Assert.Equal("yarn_" + workers[0].Id, Assert.Single(exited.Kills).TaskId);
        // The AM releases one, and the NodeManager reports another preempted.
        h.Allocate(attempt, 2, releases: [workers[1].Id]);
        h.Heartbeat(node, Running(am.Id), new ContainerStatus(workers[2].Id, ContainerState.Complete, ContainerExitStatus.Preempted, "preempted"));
        Assert.Equal(["yarn_" + workers[1].Id, "yarn_" + workers[2].Id], h.Sync().Kills.Select(k => k.TaskId).Order());
        // The application finishes: the AM and the last worker go.
        Assert.True(h.Rm.FinishApplicationMaster(attempt, FinalApplicationStatus.Succeeded, "", "", h.Now).IsOk);
        Assert.Equal(["yarn_" + am.Id, "yarn_" + workers[3].Id], h.Sync().Kills.Select(k => k.TaskId).Order());
        Assert.All(h.Bridge.Placeholders, p => Assert.Equal(PlaceholderState.Killing, p.State));
        foreach (var p in h.Bridge.Placeholders.ToList()) h.Status(p.TaskId, TaskState.TaskKilled, "a1");

        Assert.Empty(h.Bridge.Placeholders);
        Assert.Equal(Resource.None, h.Rm.Node(node)!.Capability);
        Assert.Equal(Resource.None, h.Rm.Metrics().Total);
        Assert.Equal(NodeManagerTaskState.Active, nm.State);
        Assert.False(h.Tick().WantOffers ?? false);
    }

    [Fact]
    public void VCoresPerCpu_TurnsAFractionOfACpuIntoWholeVcores_AndEachPlaceholderTakesItsShare()
    {
        // A 2-core machine split into three agents offers 0.666 cpus each: at 1 vcore per cpu YARN would get nothing.
        var h = new BridgeHarness(configure: o => o with { VCoresPerCpu = 4 });
        var nm = h.StartNodeManager("zero", 1);
        var node = nm.NodeId!.Value;
        h.Submit();
        h.Offers(h.OfferOn(1, "cpus:0.25;mem:1024"));
        var attempt = h.StartAm(Assert.Single(h.AmAllocations).Container);
        h.Allocate(attempt, 0, [Ask(3)]);

        var d = h.Offers(h.OfferOn(1, "cpus:0.6;mem:8192"));

        // 0.6 cpus are 2 whole vcores: two of the three containers fit, each backed by 0.25 cpus.
        var tasks = Assert.Single(d.Launches).Tasks;
        Assert.Equal(2, tasks.Count);
        Assert.All(tasks, t => Assert.Equal(KernelResources.Parse("cpus:0.25;mem:1024"), ResourcesOf(t)));
        Assert.Equal(new Resource(3 * 1024, 3), h.Rm.Node(node)!.Capability);
        Assert.Equal("vcoresPerCpu=0 must be above 0 and at most 1000", (BridgeHarness.Options() with { VCoresPerCpu = 0 }).Validate());
    }

    [Fact]
    public void PlaceholderThatEndsBeforeYarnHearsOfItsContainersEnd_IsNotLaunchedAgain()
    {
        // The NodeManager's executor sees the container exit and finishes the placeholder; the ResourceManager hears of
        // it only with the next NodeManager heartbeat. An offer in between must not back the container a second time
        // (a second launch of the same task id would leave the master with a task no update ever ends).
        var h = Harness("fifo");
        var nm = h.StartNodeManager("zero", 1);
        var node = nm.NodeId!.Value;
        h.Submit();
        var amTask = Assert.Single(Assert.Single(h.Offers(h.OfferOn(1, "cpus:1;mem:1024")).Launches).Tasks);
        var am = Assert.Single(h.AmAllocations).Container;
        h.StartAm(am);
        h.Status(amTask.TaskId.Value, TaskState.TaskRunning, "a1");
        h.Status(amTask.TaskId.Value, TaskState.TaskFinished, "a1");

        var d = h.Offers(h.OfferOn(1, "cpus:4;mem:8192"));

        Assert.Empty(d.Launches);
        Assert.Contains(h.Rm.Containers(node), c => c.Container.Id == am.Id); // YARN still lists it
        h.Heartbeat(node, Exited(am.Id));
        h.Tick();
        Assert.DoesNotContain(h.Bridge.Placeholders, p => p.ContainerId == am.Id);
        Assert.DoesNotContain(h.Offers(h.OfferOn(1, "cpus:4;mem:8192")).Launches.SelectMany(l => l.Tasks), t => t.TaskId == amTask.TaskId);
    }

    [Fact]
    public void PlaceholderThatFailsToLaunch_LeavesItsContainerUnbacked_AndTheNextOfferFromTheHostBacksIt()
    {
        var h = Harness("fifo");
        var nm = h.StartNodeManager("zero", 1);
        h.Submit();
        var task = Assert.Single(Assert.Single(h.Offers(h.OfferOn(1, "cpus:1;mem:1024")).Launches).Tasks);

        h.Status(task.TaskId.Value, TaskState.TaskError, "a1");
        Assert.Empty(h.Bridge.Placeholders);
        var again = Assert.Single(Assert.Single(h.Offers(h.OfferOn(1, "cpus:1;mem:2048")).Launches).Tasks);

        Assert.Equal(task.TaskId, again.TaskId);
        Assert.Equal(KernelResources.Parse("cpus:1;mem:1024"), ResourcesOf(again));
        Assert.Single(h.Bridge.Placeholders);
        Assert.Equal(new Resource(1024, 1), h.Rm.Node(nm.NodeId!.Value)!.Capability);
    }

    [Fact]
    public void OffersFromHostsWithoutARunningFineGrainedNodeManager_AreDeclined()
    {
        var h = Harness("fifo");
        h.FlexUp("zero", 1);
        var id = Assert.Single(Assert.Single(h.Offers(h.OfferOn(1)).Launches).Tasks).TaskId.Value;
        h.StartNodeManager("medium", 2);
        h.Submit();

        var staging = h.Offers(h.OfferOn(1)); // launched, not running yet
        h.Status(id, TaskState.TaskRunning, "a1");
        var unregistered = h.Offers(h.OfferOn(1)); // running, not registered with YARN yet
        var sized = h.Offers(h.OfferOn(2)); // a sized NodeManager's host
        var none = h.Offers(h.OfferOn(3)); // no NodeManager

        Assert.All([staging, unregistered, sized, none], d => Assert.Empty(d.Launches));
        Assert.Empty(h.AmAllocations);
    }

    [Fact]
    public void FlexDownOfAFineGrainedNodeManager_StopsPlacingContainers_AndStopsItWhenTheyAreDone()
    {
        var h = Harness("fifo");
        var nm = h.StartNodeManager("zero", 1);
        var node = nm.NodeId!.Value;
        h.Submit();
        var amTask = Assert.Single(Assert.Single(h.Offers(h.OfferOn(1, "cpus:1;mem:1024")).Launches).Tasks);
        var am = Assert.Single(h.AmAllocations).Container;
        var attempt = h.StartAm(am);
        h.Allocate(attempt, 0, [Ask(2)]);

        var (result, d) = h.FlexDown("zero", 1);
        Assert.Equal(1, result.Active);
        Assert.Empty(d.Kills);
        Assert.Empty(h.Offers(h.OfferOn(1)).Launches); // decommissioning: no more capacity

        Assert.True(h.Rm.FinishApplicationMaster(attempt, FinalApplicationStatus.Succeeded, "", "", h.Now).IsOk);
        var done = h.Sync();

        Assert.Equal([amTask.TaskId.Value, nm.TaskId], done.Kills.Select(k => k.TaskId));
    }
}

using Bridge.Kernel.V1;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using static Bridge.Yarn.Tests.BridgeHarness;

namespace Bridge.Yarn.Tests.Scheduling;

/// <summary>Flexup and flexdown: states, offer interest, and graceful decommissioning through the real ResourceManager.</summary>
public class FlexTests
{
    [Fact]
    public void FlexUp_ThenRunning_GoesPendingStagingActive_AndOfferInterestFollows()
    {
        var h = new BridgeHarness();
        var subscribed = h.Subscribe();
        Assert.False(subscribed.WantOffers); // nothing to do yet: SUPPRESS

        var up = h.FlexUp("medium", 2);
        var ids = h.Bridge.NodeManagers.Select(t => t.TaskId).ToList();
        Assert.True(up.WantOffers);
        Assert.True(up.Changed);
        Assert.Equal(NodeManagerTaskState.Pending, h.Bridge.NodeManager(ids[0])!.State);

        h.Offers(h.OfferOn(1));
        var second = h.Offers(h.OfferOn(2));
        Assert.False(second.WantOffers); // nothing pending any more
        Assert.All(ids, id => Assert.Equal(NodeManagerTaskState.Staging, h.Bridge.NodeManager(id)!.State));

        h.Status(ids[0], TaskState.TaskStarting);
        Assert.Equal(NodeManagerTaskState.Staging, h.Bridge.NodeManager(ids[0])!.State);
        var running = h.Status(ids[0], TaskState.TaskRunning);
        Assert.Equal(NodeManagerTaskState.Active, h.Bridge.NodeManager(ids[0])!.State);
        Assert.True(running.Changed);
        Assert.Contains(running.Events, e => e.Type == "nodemanager_running");
    }

    [Fact]
    public void FlexDown_TakesPendingFirst_ThenStaging_ThenActive()
    {
        var h = new BridgeHarness();
        var active = h.StartNodeManager("small", 1).TaskId;
        h.FlexUp("small", 1);
        var staging = Assert.Single(Assert.Single(h.Offers(h.OfferOn(2)).Launches).Tasks).TaskId.Value;
        h.FlexUp("small", 1);
        var pending = h.Bridge.InState(NodeManagerTaskState.Pending).Single().TaskId;

        var (one, d1) = h.FlexDown("small", 1);
        Assert.Equal(new Bridge.Yarn.Scheduling.FlexDownResult(1, 0, 0), one);
        Assert.Null(h.Bridge.NodeManager(pending)); // forgotten: it never ran
        Assert.Empty(d1.Kills);

        var (two, d2) = h.FlexDown("small", 2);
        Assert.Equal(new Bridge.Yarn.Scheduling.FlexDownResult(0, 1, 1), two);
        // The staging one is killed at once; the active one has no containers, so its decommission ends at once too.
        Assert.Equal([staging, active], d2.Kills.Select(k => k.TaskId));
        Assert.Equal(NodeManagerTaskState.Killable, h.Bridge.NodeManager(staging)!.State);
        Assert.Equal(NodeManagerTaskState.Killable, h.Bridge.NodeManager(active)!.State);
        Assert.Equal(0, h.Bridge.FlexedUp(h.Bridge.Options.Profiles["small"]));
    }

    [Fact]
    public void FlexDown_OtherProfilesAndUnmatchedConstraints_AreLeftAlone()
    {
        var h = new BridgeHarness();
        var onH1 = h.StartNodeManager("small", 1).TaskId;
        var onH2 = h.StartNodeManager("small", 2).TaskId;
        var medium = h.StartNodeManager("medium", 3).TaskId;

        var (result, _) = h.FlexDown("small", 5, "hostname LIKE h2");

        Assert.Equal(1, result.Total);
        Assert.Equal(NodeManagerTaskState.Killable, h.Bridge.NodeManager(onH2)!.State);
        Assert.Equal(NodeManagerTaskState.Active, h.Bridge.NodeManager(onH1)!.State);
        Assert.Equal(NodeManagerTaskState.Active, h.Bridge.NodeManager(medium)!.State);
    }

    [Fact]
    public void GracefulDecommission_WaitsForRunningContainers_ThenStopsTheNodeManager()
    {
        var h = new BridgeHarness();
        var nm = h.StartNodeManager("medium", 1);
        var node = nm.NodeId!.Value;
        h.Submit();
        var am = Assert.Single(h.Heartbeat(node).Allocated).Container;
        var attempt = h.StartAm(am);
        h.Allocate(attempt, 0, [Ask(2)]);
        var workers = h.Heartbeat(node).Allocated.Select(a => a.Container).ToList();
        Assert.Equal(2, workers.Count);

        var (result, d) = h.FlexDown("medium", 1);

        Assert.Equal(1, result.Active);
        Assert.Empty(d.Kills); // containers still run there
        Assert.Equal(RmNodeState.Decommissioning, h.Rm.Node(node)!.State);
        Assert.Equal(h.Now + TimeSpan.FromHours(1), nm.DecommissionDeadline);
        // YARN places nothing new on it.
        h.Allocate(attempt, 1, [Ask(3)]);
        Assert.Empty(h.Heartbeat(node, Running(am.Id)).Allocated);

        h.Heartbeat(node, Exited(workers[0].Id));
        Assert.Empty(h.Sync().Kills);

        h.Heartbeat(node, Exited(workers[1].Id), Exited(am.Id));
        var stop = h.Sync();
        var kill = Assert.Single(stop.Kills);
        Assert.Equal((nm.TaskId, "a1", TimeSpan.FromSeconds(30)), (kill.TaskId, kill.AgentId, kill.GracePeriod));
        Assert.True(nm.KillSent);
        Assert.Empty(h.Sync().Kills); // once

        var ended = h.Status(nm.TaskId, TaskState.TaskKilled);
        Assert.Null(h.Bridge.NodeManager(nm.TaskId));
        Assert.Empty(h.Bridge.InState(NodeManagerTaskState.Pending)); // flexed down: not relaunched
        Assert.True(ended.Changed);
    }

    [Fact]
    public void AKillThatDoesNotEndTheNodeManager_IsSentAgain_AfterItsGracePeriodAndTenSeconds()
    {
        // The shell logs a KILL the master did not take and goes on: the core asks again.
        var h = new BridgeHarness(configure: o => o with { KillGracePeriod = TimeSpan.FromSeconds(5) });
        var nm = h.StartNodeManager("medium", 1);
        var (_, flexdown) = h.FlexDown("medium", 1);
        var first = Assert.Single(flexdown.Kills.Concat(h.Tick().Kills)); // no containers: stopped at once
        Assert.Equal((nm.TaskId, TimeSpan.FromSeconds(5)), (first.TaskId, first.GracePeriod));

        h.Advance(TimeSpan.FromSeconds(14));
        Assert.Empty(h.Tick().Kills);
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(nm.TaskId, Assert.Single(h.Tick().Kills).TaskId);
        Assert.Empty(h.Tick().Kills);

        h.Status(nm.TaskId, Kernel.V1.TaskState.TaskKilled, "a1");
        h.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(h.Tick().Kills); // ended: nothing more
    }

    [Fact]
    public void GracefulDecommission_StopsTheNodeManagerAtTheTimeout_EvenWithContainersRunning()
    {
        var h = new BridgeHarness(configure: o => o with { DecommissionTimeout = TimeSpan.FromMinutes(5) });
        var nm = h.StartNodeManager("medium", 1);
        var node = nm.NodeId!.Value;
        h.Submit();
        var am = Assert.Single(h.Heartbeat(node).Allocated).Container;
        h.StartAm(am);
        h.FlexDown("medium", 1);

        h.Advance(TimeSpan.FromMinutes(4));
        h.Heartbeat(node, Running(am.Id));
        Assert.Empty(h.Tick().Kills);

        h.Advance(TimeSpan.FromMinutes(1));
        var d = h.Tick();

        Assert.Equal(nm.TaskId, Assert.Single(d.Kills).TaskId);
        Assert.Contains(d.Events, e => e.Message.Contains("decommission timeout passed", StringComparison.Ordinal));
    }

    [Fact]
    public void FlexDownOfActive_PrefersNodeManagersWithoutApplicationMasters_ThenFewestContainers()
    {
        var h = new BridgeHarness();
        var withAm = h.StartNodeManager("small", 1);
        var busy = h.StartNodeManager("small", 2);
        var idle = h.StartNodeManager("small", 3);
        h.Submit();
        var am = Assert.Single(h.Heartbeat(withAm.NodeId!.Value).Allocated).Container;
        var attempt = h.StartAm(am);
        h.Allocate(attempt, 0, [Ask(1)]);
        Assert.Single(h.Heartbeat(busy.NodeId!.Value).Allocated);

        h.FlexDown("small", 1);
        Assert.Equal(NodeManagerTaskState.Killable, idle.State);
        h.FlexDown("small", 1);
        Assert.Equal(NodeManagerTaskState.Killable, busy.State);
        Assert.Equal(NodeManagerTaskState.Active, withAm.State);
    }

    [Fact]
    public void NodeManagerThatFails_IsRelaunchedUnderANewTaskId_AndItsYarnNodeLeavesAtOnce()
    {
        var h = new BridgeHarness();
        var nm = h.StartNodeManager("small", 1);

        var d = h.Status(nm.TaskId, TaskState.TaskFailed, "a1", "exited 1");

        Assert.Null(h.Bridge.NodeManager(nm.TaskId));
        var again = Assert.Single(h.Bridge.InState(NodeManagerTaskState.Pending));
        Assert.Equal("small", again.Profile.Name);
        Assert.NotEqual(nm.TaskId, again.TaskId);
        Assert.True(d.WantOffers);
        Assert.Contains(d.Events, e => e.Type == "nodemanager_ended" && e.Message.EndsWith("TASK_FAILED exited 1", StringComparison.Ordinal));
        // Decommissioned with no timeout: the ResourceManager's next tick ends it (and any containers there) at once.
        Assert.Equal(RmNodeState.Decommissioning, h.Rm.Node(nm.NodeId!.Value)!.State);
        Assert.Contains(nm.NodeId!.Value, h.Rm.Tick(h.Now).DecommissionedNodes);
    }

    [Theory]
    [InlineData(TaskState.TaskFinished)]
    [InlineData(TaskState.TaskKilled)]
    [InlineData(TaskState.TaskGoneByOperator)]
    public void NodeManagerThatEndsOnPurpose_IsForgotten_NotRelaunched(TaskState state)
    {
        var h = new BridgeHarness();
        var nm = h.StartNodeManager("small", 1);

        h.Status(nm.TaskId, state);

        Assert.Empty(h.Bridge.NodeManagers);
    }

    [Fact]
    public void KilledNodeManager_ThatStillReportsRunning_IsKilledAgain()
    {
        var h = new BridgeHarness();
        h.FlexUp("small", 1);
        var id = Assert.Single(Assert.Single(h.Offers(h.OfferOn(1)).Launches).Tasks).TaskId.Value;
        h.FlexDown("small", 1);

        var d = h.Status(id, TaskState.TaskRunning);

        Assert.Equal(id, Assert.Single(d.Kills).TaskId);
        Assert.Equal(NodeManagerTaskState.Killable, h.Bridge.NodeManager(id)!.State);
    }

    [Fact]
    public void InitialInstances_AreFlexedUpAtTheFirstSubscription_Only()
    {
        var h = new BridgeHarness(configure: o => o with { InitialInstances = new Dictionary<string, int> { ["medium"] = 2, ["zero"] = 1 } });

        var first = h.Subscribe();
        h.Subscribe();

        Assert.Equal(3, h.Bridge.InState(NodeManagerTaskState.Pending).Count());
        Assert.Equal(2, h.Bridge.NodeManagers.Count(t => t.Profile.Name == "medium"));
        Assert.True(first.WantOffers);
        Assert.NotNull(first.Reconcile);
        Assert.Empty(first.Reconcile!); // implicit reconciliation
    }
}

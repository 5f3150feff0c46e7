using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.Scheduling;
using Bridge.Yarn.State;
using static Bridge.Yarn.Tests.BridgeHarness;

namespace Bridge.Yarn.Tests.Scheduling;

/// <summary>Demand-driven autoscaling: off by default; flexes up on lasting demand and down on idleness, within bounds.</summary>
public class AutoscalingTests
{
    private static BridgeHarness Harness(int min = 0, int max = 10) => new(configure: o => o with
    {
        Autoscaling = new AutoscalingOptions { Enabled = true, Profile = "small", MinInstances = min, MaxInstances = max },
    });

    [Fact]
    public void Off_ByDefault_DemandFlexesNothingUp()
    {
        var h = new BridgeHarness();
        h.Submit();
        h.Tick();
        h.Advance(TimeSpan.FromMinutes(10));

        h.Tick();

        Assert.Empty(h.Bridge.NodeManagers);
    }

    [Fact]
    public void DemandLastingPendingFor_FlexesUpWhatThePendingResourcesNeed_OnceUntilTheyLaunch()
    {
        var h = Harness();
        h.Submit(amMb: 3072); // <3072 MB, 1 vcore> pending: two small (2048 MB) NodeManagers
        h.Tick();
        h.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(h.Tick().Events);

        h.Advance(TimeSpan.FromSeconds(1));
        var up = h.Tick();

        Assert.Equal(2, h.Bridge.InState(NodeManagerTaskState.Pending).Count());
        Assert.True(up.WantOffers);
        Assert.Contains(up.Events, e => e.Type == "flexup" && e.Message.StartsWith("autoscale: 1 container(s) and 1 app(s) pending for 30 s", StringComparison.Ordinal));
        h.Advance(TimeSpan.FromMinutes(5));
        h.Tick();
        Assert.Equal(2, h.Bridge.NodeManagers.Count()); // not again while they wait for offers
    }

    [Fact]
    public void MaxInstances_BoundsTheFlexUp()
    {
        var h = Harness(max: 1);
        h.Submit(amMb: 8192);
        h.Tick();
        h.Advance(TimeSpan.FromMinutes(1));

        h.Tick();

        Assert.Single(h.Bridge.NodeManagers);
    }

    [Fact]
    public void IdleNodeManagers_WithNoDemand_AreFlexedDownAfterIdleFor_DownToTheMinimum()
    {
        var h = Harness(min: 1);
        var first = h.StartNodeManager("small", 1);
        h.Advance(TimeSpan.FromSeconds(1));
        var second = h.StartNodeManager("small", 2);
        h.Tick();
        h.Advance(TimeSpan.FromMinutes(4));
        h.Tick();
        Assert.All(h.Bridge.NodeManagers, t => Assert.Equal(NodeManagerTaskState.Active, t.State));

        h.Advance(TimeSpan.FromMinutes(1));
        var down = h.Tick();

        Assert.Equal(NodeManagerTaskState.Killable, first.State);
        Assert.Equal(NodeManagerTaskState.Active, second.State);
        Assert.Equal(first.TaskId, Assert.Single(down.Kills).TaskId); // no containers: stopped at once
    }

    [Fact]
    public void BelowTheMinimum_FlexesUpToIt_WithoutDemand()
    {
        var h = Harness(min: 2);

        h.Tick();

        Assert.Equal(2, h.Bridge.InState(NodeManagerTaskState.Pending).Count(t => t.Profile.Name == "small"));
    }

    [Fact]
    public void ABusyNodeManager_IsNotIdle()
    {
        var h = Harness();
        var nm = h.StartNodeManager("small", 1);
        h.Submit();
        var am = Assert.Single(h.Heartbeat(nm.NodeId!.Value).Allocated).Container;
        var attempt = h.StartAm(am);
        h.Tick();
        h.Advance(TimeSpan.FromMinutes(30));

        h.Tick();

        Assert.Equal(NodeManagerTaskState.Active, nm.State);
        Assert.True(h.Rm.FinishApplicationMaster(attempt, FinalApplicationStatus.Succeeded, "", "", h.Now).IsOk);
        h.Tick();
        h.Advance(TimeSpan.FromMinutes(5));
        h.Tick();
        Assert.Equal(NodeManagerTaskState.Killable, nm.State);
    }

    [Fact]
    public void ARestoredFramework_IsNotFlexedUpByInitialInstancesAgain()
    {
        var h = new BridgeHarness(configure: o => o with { InitialInstances = new Dictionary<string, int> { ["small"] = 1 } });
        h.Subscribe();
        var saved = h.Bridge.Snapshot();
        var restarted = new YarnBridgeScheduler(h.Bridge.Options, h.Yarn);
        restarted.Restore(BridgeStateJson.Read(BridgeStateJson.Write(saved)));

        restarted.Subscribed("fw-1", h.Now, new Decisions());

        Assert.Single(restarted.NodeManagers);
    }
}

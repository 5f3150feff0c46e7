using Bridge.Yarn.Protocol.Launching;
using Bridge.Kernel;
using Bridge.Kernel.V1;
using Bridge.Yarn.Launching;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.ResourceManager.Records;
using static Bridge.Yarn.Tests.BridgeHarness;
using KernelResources = Bridge.Kernel.Resources;

namespace Bridge.Yarn.Tests.Offers;

/// <summary>Offers against pending NodeManagers: sizes with overhead, ports, one per host, constraints.</summary>
public class OfferMatchingTests
{
    // medium + defaults: task cpus 4.2, mem 4352 MB; executor 0.1 cpus, 128 MB; 4 ports. In all: 4.3 cpus, 4480 MB.
    private const string Fits = "cpus:4.3;mem:4480;ports:[31000-31003]";

    [Fact]
    public void OfferThatFitsExactly_LaunchesTheNodeManager_WithProfilePlusOverhead_OnItsExecutor()
    {
        var h = new BridgeHarness();
        h.Subscribe();
        var taskId = Assert.Single(h.Bridge.FlexUp(h.Bridge.Options.Profiles["medium"], 1, null, h.Now, new()));

        var d = h.Offers(h.OfferOn(1, Fits));

        var launch = Assert.Single(d.Launches);
        Assert.Empty(d.Declines);
        var task = Assert.Single(launch.Tasks);
        Assert.Equal(taskId, task.TaskId.Value);
        Assert.StartsWith("nm.medium.", taskId);
        Assert.Equal(KernelResources.Parse("cpus:4.2;mem:4352;ports:[31000-31003]"), ResourcesOf(task));
        Assert.Equal(ExecutorInfo.Types.Type.Custom, task.Executor.Type);
        Assert.Equal("nm-executor." + taskId, task.Executor.ExecutorId.Value);
        Assert.Equal("fw-1", task.Executor.FrameworkId.Value);
        Assert.Equal("bridge-yarn-executor", task.Executor.Command.Value);
        Assert.Equal(KernelResources.Parse("cpus:0.1;mem:128"), Kernel.Protocol.ResourceConversion.ToModel(task.Executor.Resources, "x"));
        Assert.True(NodeManagerLaunch.TryParse(task.Data.Span, out var data, out _));
        Assert.Equal(new NodeManagerLaunch(taskId, "medium", "h1", new Resource(4096, 4), new NodeManagerPorts(31000, 31001, 31002, 31003), "127.0.0.1:8031"), data);
        var nm = h.Bridge.NodeManager(taskId)!;
        Assert.Equal((NodeManagerTaskState.Staging, "h1", "a1"), (nm.State, nm.Hostname, nm.AgentId));
        Assert.Equal(new NodeId("h1", 31000), nm.NodeId);
        Assert.True(d.Changed);
    }

    [Theory]
    [InlineData("cpus:4.2;mem:4480;ports:[31000-31003]", "cpus: need 4.3, offered 4.2")]
    [InlineData("cpus:4.3;mem:4479;ports:[31000-31003]", "mem: need 4480, offered 4479")]
    [InlineData("cpus:4.3;mem:4480;ports:[31000-31002]", "ports: need 4, offered 3")]
    [InlineData("cpus:4.3;mem:4480", "ports: need 4, offered 0")]
    [InlineData("cpus:1;mem:100;ports:[31000-31000]", "cpus: need 4.3, offered 1; mem: need 4480, offered 100; ports: need 4, offered 1")]
    public void OfferTooSmall_IsDeclined_AndTheNodeManagerSaysWhy(string resources, string why)
    {
        var h = new BridgeHarness();
        var taskId = Assert.Single(h.Bridge.FlexUp(h.Bridge.Options.Profiles["medium"], 1, null, h.Now, new()));

        var d = h.Offers(h.OfferOn(1, resources));

        Assert.Empty(d.Launches);
        Assert.Equal("offer-1", Assert.Single(d.Declines).Value);
        var nm = h.Bridge.NodeManager(taskId)!;
        Assert.Equal(NodeManagerTaskState.Pending, nm.State);
        Assert.Equal(why, nm.LastRejection);
    }

    [Fact]
    public void PortsFromSeveralRanges_TheLowestFourAreTaken()
    {
        var h = new BridgeHarness();
        h.FlexUp("zero", 1);

        var task = Assert.Single(Assert.Single(h.Offers(h.OfferOn(1, "cpus:1;mem:1024;ports:[31005-31006,31000-31001,32000-32010]")).Launches).Tasks);

        Assert.Equal(ValueRanges.Of([new ValueRange(31000, 31001), new ValueRange(31005, 31006)]), ResourcesOf(task).GetRanges("ports"));
        Assert.Equal(new NodeManagerPorts(31000, 31001, 31005, 31006), h.Bridge.NodeManagers.Single().Ports);
    }

    [Fact]
    public void ReservedResources_AreTakenFirst_AndKeepTheirReservation()
    {
        var h = new BridgeHarness();
        h.FlexUp("zero", 1);

        var task = Assert.Single(Assert.Single(h.Offers(h.OfferOn(1, "cpus:2;cpus(yarn):0.2;mem:2048;mem(yarn):100;ports:[31000-31003]")).Launches).Tasks);

        // The task's 0.2 cpus and 256 MB: reserved first (0.2 and 100), the rest unreserved; the executor's from what is left.
        Assert.Equal(KernelResources.Parse("cpus(yarn):0.2;mem(yarn):100;mem:156;ports:[31000-31003]"), ResourcesOf(task));
        Assert.Equal(KernelResources.Parse("cpus:0.1;mem:128"), Kernel.Protocol.ResourceConversion.ToModel(task.Executor.Resources, "x"));
    }

    [Fact]
    public void OneNodeManagerPerHost_TheSecondWaitsForAnotherHost()
    {
        var h = new BridgeHarness();
        var ids = h.Bridge.FlexUp(h.Bridge.Options.Profiles["small"], 2, null, h.Now, new());

        Assert.Equal(ids[0], Assert.Single(Assert.Single(h.Offers(h.OfferOn(1)).Launches).Tasks).TaskId.Value);

        Assert.Empty(h.Offers(h.OfferOn(1)).Launches);
        Assert.Equal("a NodeManager already runs on h1", h.Bridge.NodeManager(ids[1])!.LastRejection);

        Assert.Equal(ids[1], Assert.Single(Assert.Single(h.Offers(h.OfferOn(2)).Launches).Tasks).TaskId.Value);
    }

    [Fact]
    public void AgentsOnOneAddress_EachGetANodeManager_RegisteredUnderTheAgentUrlsHost()
    {
        // bridge up: three agents named agent-N on 127.0.0.1. YARN knows each NodeManager by the address its
        // ApplicationMasters can dial; one-per-host still goes by the agent's host name.
        var h = new BridgeHarness();
        var ids = h.Bridge.FlexUp(h.Bridge.Options.Profiles["small"], 2, null, h.Now, new());
        var first = h.OfferOn(1);
        first.Url = "http://127.0.0.1:40001";
        var second = h.OfferOn(2, "cpus:8;mem:16384;ports:[32000-32009]");
        second.Url = "http://127.0.0.1:40002";

        var launched = Assert.Single(Assert.Single(h.Offers(first).Launches).Tasks);
        Assert.Single(Assert.Single(h.Offers(second).Launches).Tasks);

        Assert.True(NodeManagerLaunch.TryParse(launched.Data.Span, out var launch, out _));
        Assert.Equal(("127.0.0.1", "h1"), (launch.Hostname, h.Bridge.NodeManager(ids[0])!.Hostname));
        Assert.Equal(new NodeId("127.0.0.1", 31000), h.Bridge.NodeManager(ids[0])!.NodeId);
        Assert.Equal(new NodeId("127.0.0.1", 32000), h.Bridge.NodeManager(ids[1])!.NodeId);
        Assert.Equal(new NodeId("h3", 31000), new BridgeHarness().StartNodeManager("small", 3).NodeId); // no URL: the host name
    }

    [Fact]
    public void OneOffer_LaunchesOneNodeManager_EvenWhenTwoWouldFit()
    {
        var h = new BridgeHarness();
        h.FlexUp("small", 2);

        var d = h.Offers(h.OfferOn(1, "cpus:32;mem:65536;ports:[31000-31100]"), h.OfferOn(1, "cpus:32;mem:65536;ports:[31000-31100]"));

        Assert.Single(d.Launches);
        Assert.Single(d.Declines);
    }

    [Fact]
    public void HostnameConstraint_OnlyMatchingHostsGetTheNodeManager()
    {
        var h = new BridgeHarness();
        var id = Assert.Single(h.Bridge.FlexUp(h.Bridge.Options.Profiles["small"], 1, Constraints.LikeConstraint.Parse("hostname LIKE h[2-3]"), h.Now, new()));

        Assert.Empty(h.Offers(h.OfferOn(1)).Launches);
        Assert.Equal("constraint 'hostname LIKE h[2-3]' does not hold on h1", h.Bridge.NodeManager(id)!.LastRejection);

        Assert.Single(h.Offers(h.OfferOn(3)).Launches);
        Assert.Equal("h3", h.Bridge.NodeManager(id)!.Hostname);
    }

    [Fact]
    public void AttributeConstraint_RackLike_MatchesTheAgentsAttribute()
    {
        var h = new BridgeHarness();
        h.FlexUp("small", 1, "rack LIKE r1.*");

        var wrongRack = h.Offers(h.OfferOn(1, attributes: "rack:r2"));
        var noRack = h.Offers(h.OfferOn(2));
        var right = h.Offers(h.OfferOn(3, attributes: "rack:r1-b;zone:z"));

        Assert.Empty(wrongRack.Launches);
        Assert.Empty(noRack.Launches);
        Assert.Single(right.Launches);
        Assert.Equal("rack:r1-b;zone:z", h.Bridge.NodeManagers.Single().Attributes.ToString());
    }

    [Fact]
    public void NothingPending_AndNoFineGrainedNodeManager_EveryOfferIsDeclined()
    {
        var h = new BridgeHarness();

        var d = h.Offers(h.OfferOn(1), h.OfferOn(2));

        Assert.Empty(d.Launches);
        Assert.Equal(["offer-1", "offer-2"], d.Declines.Select(o => o.Value));
    }

    [Fact]
    public void PendingNodeManagers_AreServedOldestFlexupFirst()
    {
        var h = new BridgeHarness();
        h.FlexUp("small", 1);
        h.Advance(TimeSpan.FromSeconds(1));
        h.FlexUp("large", 1);

        var task = Assert.Single(Assert.Single(h.Offers(h.OfferOn(1, "cpus:64;mem:131072;ports:[31000-31010]")).Launches).Tasks);

        Assert.StartsWith("nm.small.", task.TaskId.Value);
    }
}

using Bridge.Yarn.ResourceManager.Records;
using static Bridge.Yarn.ResourceManager.Tests.RmHarness;

namespace Bridge.Yarn.ResourceManager.Tests.Nodes;

/// <summary>The fine-grained-scaling switch: a completed container's resource leaves the node's capacity with it.</summary>
public class CapacityFollowsContainersTests
{
    [Fact]
    public void CompletedContainer_OnAFollowingNode_ShrinksCapacity_SoTheSameHeartbeatAllocatesNothingInItsPlace()
    {
        var h = new RmHarness();
        var n1 = h.AddNode(1, Resource.None);
        Assert.True(h.Rm.SetCapacityFollowsContainers(n1, true).IsOk);
        var app = h.Submit();
        var (status, made) = h.Rm.UpdateNodeCapacity(n1, new Resource(1024, 1), h.Now);
        Assert.True(status.IsOk);
        var am = Assert.Single(made).Container;
        var attempt = h.StartAm(app, n1);
        h.Allocate(attempt, 0, [Ask(5)]);
        var (_, workers) = h.Rm.UpdateNodeCapacity(n1, new Resource(3072, 3), h.Now);
        Assert.Equal(2, workers.Count);
        var worker = workers[0].Container;

        // The worker exits: the heartbeat that reports it would otherwise hand its room to the 3 asks still pending.
        var beat = h.Heartbeat(n1, Running(am.Id), Exited(worker.Id, 0));

        Assert.Empty(beat.Allocated);
        var node = h.Rm.Node(n1)!;
        Assert.Equal(new Resource(2048, 2), node.Capability);
        Assert.Equal(node.Capability, node.Used);
        Assert.Equal(new Resource(2048, 2), h.Rm.Metrics().Total);
        Assert.Equal(2, h.Rm.Containers(n1).Count);
        Assert.Single(h.Rm.Containers(n1), c => c.IsAm);
    }

    [Fact]
    public void ReleasedContainer_OnAFollowingNode_ShrinksCapacity_AndANodeNotFollowingKeepsIt()
    {
        var h = new RmHarness();
        var following = h.AddNode(1, Resource.None);
        var plain = h.AddNode(2, Resource.None);
        h.Rm.SetCapacityFollowsContainers(following, true);
        var app = h.Submit();
        var am = h.Rm.UpdateNodeCapacity(plain, new Resource(1024, 1), h.Now).Allocated.Single().Container;
        var attempt = h.StartAm(app, plain);
        h.Allocate(attempt, 0, [Ask(2)]);
        var mine = h.Rm.UpdateNodeCapacity(following, new Resource(2048, 2), h.Now).Allocated.Select(a => a.Container.Id).ToList();

        h.Allocate(attempt, 1, releases: mine);

        Assert.Equal(Resource.None, h.Rm.Node(following)!.Capability);
        Assert.Equal(new Resource(1024, 1), h.Rm.Node(plain)!.Capability);
        Assert.Equal(am.Id, Assert.Single(h.Rm.Containers(plain)).Container.Id);
    }

    [Fact]
    public void SetCapacityFollowsContainers_UnknownNode_IsRefused()
    {
        var h = new RmHarness();

        Assert.Equal(RmStatusCode.UnknownNode, h.Rm.SetCapacityFollowsContainers(Node(9), true).Code);
        Assert.Null(h.Rm.Node(Node(9)));
        Assert.Empty(h.Rm.Containers(Node(9)));
    }
}

using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.ResourceManager.Server.Tests.Grpc;

/// <summary>ResourceTracker: registration, heartbeats, liveness, decommission; and GetClusterMetrics.</summary>
public class NodeManagerTests
{
    [Fact]
    public async Task Register_AnswersTheContainerKeyAndIdentity()
    {
        await using var rm = await RmHarness.StartAsync();
        var nm = new SimulatedNodeManager(rm, "h1", new Resource(4096, 4), rack: "/rack-a");

        var response = await nm.RegisterAsync();

        Assert.Equal(NodeActionProto.Normal, response.NodeAction);
        Assert.Equal(RmHarness.Start.ToUnixTimeMilliseconds(), response.RmIdentifier);
        Assert.Equal(32, response.ContainerTokenMasterKey.Bytes.Length);
        Assert.Equal(new Resource(4096, 4), response.Resource.ToRecord("r"));
        var node = Assert.Single(await rm.Rm.NodesAsync());
        Assert.Equal(("/rack-a", "h1:8042"), (node.Rack, node.HttpAddress));
    }

    [Fact]
    public async Task Heartbeat_AnswersTheNextResponseIdAndInterval()
    {
        await using var rm = await RmHarness.StartAsync();
        var nm = new SimulatedNodeManager(rm, "h1", new Resource(4096, 4));
        await nm.RegisterAsync();

        var first = await nm.HeartbeatAsync();
        var second = await nm.HeartbeatAsync();

        Assert.Equal((1, 2), (first.ResponseId, second.ResponseId));
        Assert.Equal(1000, second.NextHeartBeatInterval);
        Assert.Equal(NodeActionProto.Normal, second.NodeAction);
    }

    [Fact]
    public async Task SilentNode_IsLostAfterTheExpiry_AndToldToResync()
    {
        await using var rm = await RmHarness.StartAsync();
        var nm = new SimulatedNodeManager(rm, "h1", new Resource(4096, 4));
        await nm.RegisterAsync();

        rm.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(2));
        await rm.Rm.TickNowAsync();

        var metrics = (await rm.Client.GetClusterMetrics(new GetClusterMetricsRequestProto())).ClusterMetrics;
        Assert.Equal((0, 1, 0), (metrics.NumActiveNms, metrics.NumLostNms, metrics.NumNodeManagers));
        Assert.Equal(NodeActionProto.Resync, (await nm.HeartbeatAsync()).NodeAction);
    }

    [Fact]
    public async Task DecommissionedNode_IsToldToShutDown()
    {
        await using var rm = await RmHarness.StartAsync();
        var nm = new SimulatedNodeManager(rm, "h1", new Resource(4096, 4));
        await nm.RegisterAsync();

        Assert.True((await rm.Rm.DecommissionNodeAsync(nm.Id)).IsOk);

        Assert.Equal(NodeActionProto.Shutdown, (await nm.HeartbeatAsync()).NodeAction);
        var metrics = (await rm.Client.GetClusterMetrics(new GetClusterMetricsRequestProto())).ClusterMetrics;
        Assert.Equal(1, metrics.NumDecommissionedNms);
    }

    [Fact]
    public async Task ClusterMetrics_CountActiveNodes()
    {
        await using var rm = await RmHarness.StartAsync();
        await new SimulatedNodeManager(rm, "h1", new Resource(4096, 4)).RegisterAsync();
        await new SimulatedNodeManager(rm, "h2", new Resource(4096, 4)).RegisterAsync();

        var metrics = (await rm.Client.GetClusterMetrics(new GetClusterMetricsRequestProto())).ClusterMetrics;

        Assert.Equal((2, 2, 0, 0), (metrics.NumNodeManagers, metrics.NumActiveNms, metrics.NumLostNms, metrics.NumDecommissionedNms));
    }
}

using System.Net;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;
using static Bridge.Yarn.ResourceManager.Server.Tests.Rest.SubmissionRestTests;

namespace Bridge.Yarn.ResourceManager.Server.Tests.Rest;

/// <summary>The cluster-wide documents: info, metrics, scheduler, nodes.</summary>
public class ClusterRestTests
{
    [Theory]
    [InlineData("/ws/v1/cluster")]
    [InlineData("/ws/v1/cluster/info")]
    [InlineData("/ws/v1/cluster/info/")]
    public async Task Info_IsServedAtBothPaths(string path)
    {
        await using var rm = await RmHarness.StartAsync();

        var info = (await rm.Http.GetJsonAsync(path)).GetProperty("clusterInfo");

        Assert.Equal(RmHarness.Start.ToUnixTimeMilliseconds(), info.GetProperty("id").GetInt64());
        Assert.Equal(("STARTED", "ACTIVE"), (S(info, "state"), S(info, "haState")));
    }

    [Fact]
    public async Task Metrics_HaveEveryFieldOfHadoop3()
    {
        await using var rm = await RmHarness.StartAsync();
        await new SimulatedNodeManager(rm, "h1", new Resource(8192, 8)).RegisterAsync();
        await rm.SubmitAsync();
        await rm.SubmitAsync();

        var m = (await rm.Http.GetJsonAsync("/ws/v1/cluster/metrics")).GetProperty("clusterMetrics");

        Assert.Equal(
            ["appsSubmitted", "appsCompleted", "appsPending", "appsRunning", "appsFailed", "appsKilled",
             "reservedMB", "availableMB", "allocatedMB", "pendingMB",
             "reservedVirtualCores", "availableVirtualCores", "allocatedVirtualCores", "pendingVirtualCores",
             "containersAllocated", "containersReserved", "containersPending", "totalMB", "totalVirtualCores",
             "totalNodes", "lostNodes", "unhealthyNodes", "decommissioningNodes", "decommissionedNodes", "rebootedNodes", "activeNodes", "shutdownNodes",
             "totalUsedResourcesAcrossPartition", "totalClusterResourcesAcrossPartition", "totalReservedResourcesAcrossPartition",
             "totalAllocatedContainersAcrossPartition", "crossPartitionMetricsAvailable"],
            RestClient.Names(m));
        Assert.Equal((2, 2, 0), (m.GetProperty("appsSubmitted").GetInt32(), m.GetProperty("appsPending").GetInt32(), m.GetProperty("appsRunning").GetInt32()));
        Assert.Equal((2048, 2, 2), (m.GetProperty("pendingMB").GetInt32(), m.GetProperty("pendingVirtualCores").GetInt32(), m.GetProperty("containersPending").GetInt32()));
        Assert.Equal((8192, 8, 1, 1), (m.GetProperty("totalMB").GetInt32(), m.GetProperty("totalVirtualCores").GetInt32(), m.GetProperty("activeNodes").GetInt32(), m.GetProperty("totalNodes").GetInt32()));
    }

    [Fact]
    public async Task Scheduler_CapacityScheduler_ShowsTheQueueTree()
    {
        await using var rm = await RmHarness.StartAsync(SchedulerOptions.Capacity(
            new QueueOptions("a", 30, 50, Children: [new QueueOptions("a1", 100)]),
            new QueueOptions("b", 70)));

        var info = (await rm.Http.GetJsonAsync("/ws/v1/cluster/scheduler")).GetProperty("scheduler").GetProperty("schedulerInfo");

        Assert.Equal(("capacityScheduler", "root", 100.0), (S(info, "type"), S(info, "queueName"), info.GetProperty("capacity").GetDouble()));
        var queues = info.GetProperty("queues").GetProperty("queue").EnumerateArray().ToList();
        Assert.Equal(["a", "b"], queues.Select(q => S(q, "queueName")));
        var a = queues[0];
        Assert.False(a.TryGetProperty("type", out _));
        Assert.Equal((30.0, 50.0, 30.0, 50.0), (a.GetProperty("capacity").GetDouble(), a.GetProperty("maxCapacity").GetDouble(),
            a.GetProperty("absoluteCapacity").GetDouble(), a.GetProperty("absoluteMaxCapacity").GetDouble()));
        var a1 = Assert.Single(a.GetProperty("queues").GetProperty("queue").EnumerateArray());
        Assert.Equal(("capacitySchedulerLeafQueueInfo", "root.a.a1", "RUNNING", "<memory:0, vCores:0>"), (S(a1, "type"), S(a1, "queuePath"), S(a1, "state"), S(a1, "usedResources")));
        Assert.Equal((30.0, 50.0), (a1.GetProperty("absoluteCapacity").GetDouble(), a1.GetProperty("absoluteMaxCapacity").GetDouble()));
        Assert.True(a1.TryGetProperty("numPendingApplications", out _));
        Assert.False(a1.TryGetProperty("queues", out _));
    }

    [Fact]
    public async Task Scheduler_Fifo_HasFifoSchedulersShape()
    {
        await using var rm = await RmHarness.StartAsync(SchedulerOptions.Fifo());
        await new SimulatedNodeManager(rm, "h1", new Resource(8192, 8)).RegisterAsync();

        var info = (await rm.Http.GetJsonAsync("/ws/v1/cluster/scheduler")).GetProperty("scheduler").GetProperty("schedulerInfo");

        Assert.Equal(["type", "capacity", "usedCapacity", "qstate", "minQueueMemoryCapacity", "maxQueueMemoryCapacity", "numNodes",
            "usedNodeCapacity", "availNodeCapacity", "totalNodeCapacity", "numContainers"], RestClient.Names(info));
        Assert.Equal(("fifoScheduler", "RUNNING", 1024, 8192, 1, 8192), (S(info, "type"), S(info, "qstate"),
            info.GetProperty("minQueueMemoryCapacity").GetInt32(), info.GetProperty("maxQueueMemoryCapacity").GetInt32(),
            info.GetProperty("numNodes").GetInt32(), info.GetProperty("totalNodeCapacity").GetInt32()));
    }

    [Fact]
    public async Task Nodes_ListEveryNode_AndFilterByState()
    {
        await using var rm = await RmHarness.StartAsync();
        Assert.Equal("""{"nodes":null}""", (await rm.Http.GetJsonAsync("/ws/v1/cluster/nodes")).GetRawText());
        await new SimulatedNodeManager(rm, "h1", new Resource(4096, 4), rack: "/r1").RegisterAsync();
        var h2 = new SimulatedNodeManager(rm, "h2", new Resource(2048, 2));
        await h2.RegisterAsync();
        await rm.Rm.DecommissionNodeAsync(h2.Id);

        var all = (await rm.Http.GetJsonAsync("/ws/v1/cluster/nodes")).GetProperty("nodes").GetProperty("node").EnumerateArray().ToList();
        var running = (await rm.Http.GetJsonAsync("/ws/v1/cluster/nodes?states=running")).GetProperty("nodes").GetProperty("node").EnumerateArray().ToList();

        Assert.Equal(["h1:8041", "h2:8041"], all.Select(n => S(n, "id")));
        var h1 = Assert.Single(running);
        Assert.Equal(("/r1", "RUNNING", "h1", "h1:8042"), (S(h1, "rack"), S(h1, "state"), S(h1, "nodeHostName"), S(h1, "nodeHTTPAddress")));
        Assert.Equal((4096, 4, 0, 0), (h1.GetProperty("availMemoryMB").GetInt32(), h1.GetProperty("availableVirtualCores").GetInt32(),
            h1.GetProperty("usedMemoryMB").GetInt32(), h1.GetProperty("numContainers").GetInt32()));
        Assert.Equal("DECOMMISSIONING", S((await rm.Http.GetJsonAsync("/ws/v1/cluster/nodes/h2:8041")).GetProperty("node"), "state"));
    }

    [Theory]
    [InlineData("/ws/v1/cluster/nodes/nohost", HttpStatusCode.BadRequest, "BadRequestException", "nodeid: Invalid NodeId [nohost]. Expected host:port")]
    [InlineData("/ws/v1/cluster/nodes/h9:1", HttpStatusCode.NotFound, "NotFoundException", "nodeId, h9:1, is not found")]
    [InlineData("/ws/v1/cluster/nodes?states=BROKEN", HttpStatusCode.BadRequest, "BadRequestException", "states: 'BROKEN' is not a node state (NEW, RUNNING, UNHEALTHY, DECOMMISSIONED, LOST, REBOOTED, DECOMMISSIONING, SHUTDOWN)")]
    public async Task Nodes_BadRequests(string path, HttpStatusCode code, string exception, string message)
    {
        await using var rm = await RmHarness.StartAsync();

        var (status, json, _) = await rm.Http.SendAsync(HttpMethod.Get, path);

        Assert.Equal(code, status);
        Assert.Equal((exception, message), RestClient.RemoteError(json));
    }
}

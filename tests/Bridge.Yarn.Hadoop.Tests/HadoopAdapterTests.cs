using Bridge.Testing;
using Bridge.Yarn.Protocol.Launching;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Hadoop.Tests;

/// <summary>The Hadoop adapter against recorded ResourceManager answers: what it reads, what it sends, how it fails.</summary>
public class HadoopAdapterTests
{
    private static readonly NodeId Host1 = NodeId.Parse("host1.example.com:45454");
    private static readonly NodeId Host2 = NodeId.Parse("host2.example.com:45454");

    private static (HadoopYarnCluster Cluster, RecordingRunner Runner) Adapter(RecordedRm rm, string? excludeFile = null, TimeProvider? time = null)
    {
        var runner = new RecordingRunner();
        var cluster = new HadoopYarnCluster(new HadoopRmClient(rm.Client()), new RmAdmin("/opt/hadoop/bin/yarn", excludeFile, runner), time ?? TimeProvider.System);
        return (cluster, runner);
    }

    [Fact]
    public async Task Refresh_ReadsNodesTheirContainersAndDemand()
    {
        await using var rm = (await RecordedRm.StartAsync()).WithRecordedCluster();
        var (cluster, _) = Adapter(rm);

        await cluster.RefreshAsync();

        var host1 = cluster.Node(Host1)!;
        Assert.Equal((RmNodeState.Running, new Resource(4096, 4)), (host1.State, host1.Capability));
        Assert.Equal([("container_1476912658570_0002_01_000001", true), ("container_1476912658570_0002_01_000002", false)],
            host1.Containers.Select(c => (c.Id.ToString(), c.IsAm)));
        Assert.Equal(new Resource(2048, 2), host1.Used);
        Assert.Equal(RmNodeState.Decommissioning, cluster.Node(Host2)!.State);
        Assert.Equal(RmNodeState.Lost, cluster.Node(NodeId.Parse("host3.example.com:45454"))!.State); // UNHEALTHY takes no containers
        Assert.Null(cluster.Node(NodeId.Parse("host9.example.com:45454")));
        Assert.Equal(new Cluster.YarnDemand(3, new Resource(3072, 3), 1), cluster.Demand());
    }

    [Fact]
    public async Task SetCapacity_IsPostedAsAResourceOption_ToTheNodesResourceRoute()
    {
        await using var rm = (await RecordedRm.StartAsync()).WithRecordedCluster();
        rm.Routes["POST /ws/v1/cluster/nodes/host1.example.com:45454/resource"] = (200, """{"memory":6144,"vCores":6}""");
        var (cluster, runner) = Adapter(rm);
        await cluster.RefreshAsync();

        Assert.Empty(cluster.SetCapacity(Host1, new Resource(6144, 6), DateTimeOffset.UtcNow)); // a real RM allocates on its heartbeat
        Assert.Equal(new Resource(6144, 6), cluster.Node(Host1)!.Capability); // seen at once by the core
        await cluster.FlushAsync();

        var post = Assert.Single(rm.Requests, r => r.Method == "POST");
        Assert.Equal(("/ws/v1/cluster/nodes/host1.example.com:45454/resource", """{"resource":{"memory":6144,"vCores":6},"overCommitTimeout":-1}"""), (post.Path, post.Body));
        Assert.Empty(runner.Commands);
    }

    [Fact]
    public async Task SetCapacity_FallsBackToRmadmin_WhenTheRmHasNoRoute()
    {
        await using var rm = (await RecordedRm.StartAsync()).WithRecordedCluster(); // no POST route: 404
        var (cluster, runner) = Adapter(rm);
        await cluster.RefreshAsync();

        cluster.SetCapacity(Host1, new Resource(2048, 2), DateTimeOffset.UtcNow);
        cluster.SetCapacity(Host1, new Resource(3072, 3), DateTimeOffset.UtcNow); // only the latest goes out
        await cluster.FlushAsync();
        cluster.SetCapacity(Host1, new Resource(1024, 1), DateTimeOffset.UtcNow);
        await cluster.FlushAsync();

        Assert.Equal([
            ["/opt/hadoop/bin/yarn", "rmadmin", "-updateNodeResource", "host1.example.com:45454", "3072", "3", "-1"],
            ["/opt/hadoop/bin/yarn", "rmadmin", "-updateNodeResource", "host1.example.com:45454", "1024", "1", "-1"],
        ], runner.Commands);
        Assert.Single(rm.Requests, r => r.Method == "POST"); // the route was tried once, then not again
    }

    [Fact]
    public async Task Decommission_AddsTheHostToTheExcludeFile_AndRefreshesGracefully()
    {
        await using var rm = (await RecordedRm.StartAsync()).WithRecordedCluster();
        var exclude = Path.Combine(Path.GetTempPath(), $"yarn-exclude-{Guid.NewGuid():N}");
        try
        {
            var (cluster, runner) = Adapter(rm, exclude);
            await cluster.RefreshAsync();

            Assert.True(cluster.Decommission(Host1, TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow));
            Assert.False(cluster.Decommission(NodeId.Parse("host3.example.com:45454"), TimeSpan.Zero, DateTimeOffset.UtcNow)); // not active
            Assert.Equal(RmNodeState.Decommissioning, cluster.Node(Host1)!.State);
            await cluster.FlushAsync();
            Assert.Equal(["host1.example.com"], await File.ReadAllLinesAsync(exclude));
            Assert.Equal([["/opt/hadoop/bin/yarn", "rmadmin", "-refreshNodes", "-g", "600", "-client"]], runner.Commands);
        }
        finally
        {
            File.Delete(exclude);
        }
    }

    [Fact]
    public async Task AFailedRmadmin_KeepsTheChangeQueued_AndSaysWhy()
    {
        await using var rm = (await RecordedRm.StartAsync()).WithRecordedCluster();
        var exclude = Path.Combine(Path.GetTempPath(), $"yarn-exclude-{Guid.NewGuid():N}");
        try
        {
            var (cluster, runner) = Adapter(rm, exclude);
            runner.ExitCode = 255;
            await cluster.RefreshAsync();
            cluster.Decommission(Host1, TimeSpan.FromSeconds(30), DateTimeOffset.UtcNow);

            var e = await Assert.ThrowsAsync<HadoopRmException>(() => cluster.FlushAsync());
            Assert.Equal("/opt/hadoop/bin/yarn rmadmin -refreshNodes -g 30 -client exited 255: refreshNodes: access denied", e.Message);
            runner.ExitCode = 0;
            await cluster.FlushAsync();
            Assert.Equal(2, runner.Commands.Count);
            Assert.Equal(["host1.example.com"], await File.ReadAllLinesAsync(exclude)); // written once
        }
        finally
        {
            File.Delete(exclude);
        }
    }

    [Theory]
    [InlineData("/ws/v1/cluster/metrics", """{"clusterMetrics":{"appsPending":1,"pendingMB":0,"pendingVirtualCores":0}}""", "GET ws/v1/cluster/metrics: clusterMetrics.containersPending is missing")]
    [InlineData("/ws/v1/cluster/metrics", """{"clusterMetrics":{"appsPending":"one","containersPending":0,"pendingMB":0,"pendingVirtualCores":0}}""", "GET ws/v1/cluster/metrics: clusterMetrics.appsPending is String, not Number")]
    [InlineData("/ws/v1/cluster/metrics", "<html>proxy error</html>", "GET ws/v1/cluster/metrics: not JSON: ")]
    [InlineData("/ws/v1/cluster/nodes", """{"nodes":{"node":[{"id":"nohost","state":"RUNNING"}]}}""", "GET ws/v1/cluster/nodes: nodes.node[0].id 'nohost' is not host:port")]
    [InlineData("/ws/v1/cluster/nodes", """{"nodes":{"node":[{"id":"h:1","state":"ASLEEP","availMemoryMB":0,"usedMemoryMB":0,"availableVirtualCores":0,"usedVirtualCores":0}]}}""", "GET ws/v1/cluster/nodes: nodes.node[0].state 'ASLEEP' is not one of Hadoop's NodeState names")]
    [InlineData("/ws/v1/cluster/apps/application_1476912658570_0002/appattempts/appattempt_1476912658570_0002_000001/containers", """{"container":[{"containerId":"c1","allocatedMB":1,"allocatedVCores":1,"assignedNodeId":"h:1"}]}""", "GET ws/v1/cluster/apps/application_1476912658570_0002/appattempts/appattempt_1476912658570_0002_000001/containers: container[0].containerId 'c1' is not a container id")]
    public async Task AMalformedAnswer_IsAClearErrorNamingTheUrlAndField(string path, string body, string message)
    {
        await using var rm = (await RecordedRm.StartAsync()).WithRecordedCluster();
        rm.Routes[path] = (200, body);
        var (cluster, _) = Adapter(rm);

        var e = await Assert.ThrowsAsync<HadoopRmException>(() => cluster.RefreshAsync());

        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public async Task AFailingRm_IsRetriedWithBackoff_AndTheSnapshotRecoversWhenItAnswers()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        await using var rm = await RecordedRm.StartAsync(); // answers 404 to everything at first
        var (cluster, _) = Adapter(rm, time: time);
        using var stop = new CancellationTokenSource();
        var run = cluster.RunAsync(stop.Token);

        await Wait.UntilAsync(() => cluster.Failures == 1, "the first failure");
        Assert.Equal(TimeSpan.FromSeconds(2), cluster.NextDelay());
        time.Advance(TimeSpan.FromSeconds(2));
        await Wait.UntilAsync(() => cluster.Failures == 2, "the second failure");
        Assert.Equal(TimeSpan.FromSeconds(4), cluster.NextDelay());
        Assert.Null(cluster.Node(Host1));

        rm.WithRecordedCluster();
        await Wait.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(4));
            return cluster.Failures == 0;
        }, "the RM to answer again");
        Assert.Equal(RmNodeState.Running, cluster.Node(Host1)!.State);
        Assert.Equal(TimeSpan.FromSeconds(1), cluster.NextDelay());
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task AnUnreachableRm_IsAnHttpRequestException_ThatRunAsyncCountsAsAFailure()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var cluster = new HadoopYarnCluster(new HadoopRmClient(http), new RmAdmin("yarn", null, new RecordingRunner()), time);

        await Assert.ThrowsAsync<HttpRequestException>(() => cluster.RefreshAsync());
        using var stop = new CancellationTokenSource();
        var run = cluster.RunAsync(stop.Token);
        await Wait.UntilAsync(() => cluster.Failures == 1, "the failure to be counted");
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public void NodeManagerCommand_PassesResourcesAndPortsAsDProperties_AsMyriadDid()
    {
        var launch = new NodeManagerLaunch("nm.medium.1", "medium", "host1.example.com", new Resource(4096, 4),
            new NodeManagerPorts(31000, 31001, 31002, 31003), "rm.example.com:8031");

        var (argv, env) = HadoopNodeManagerCommand.For(launch, "/opt/hadoop", "/etc/hadoop");

        Assert.Equal(["/opt/hadoop/bin/yarn", "nodemanager"], argv);
        Assert.Equal("/etc/hadoop", env["HADOOP_CONF_DIR"]);
        Assert.Equal("-Dyarn.nodemanager.resource.memory-mb=4096 -Dyarn.nodemanager.resource.cpu-vcores=4 -Dyarn.nodemanager.hostname=host1.example.com "
            + "-Dyarn.nodemanager.address=0.0.0.0:31000 -Dyarn.nodemanager.localizer.address=0.0.0.0:31001 -Dyarn.nodemanager.webapp.address=0.0.0.0:31002 "
            + "-Dmapreduce.shuffle.port=31003 -Dyarn.resourcemanager.resource-tracker.address=rm.example.com:8031", env["YARN_NODEMANAGER_OPTS"]);
    }
}

using System.Net;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;
using static Bridge.Yarn.ResourceManager.Server.Tests.Rest.SubmissionRestTests;

namespace Bridge.Yarn.ResourceManager.Server.Tests.Rest;

/// <summary><c>GET /ws/v1/cluster/apps</c> and its filters, <c>/apps/{id}</c>, <c>/apps/{id}/appattempts</c>, <c>/appattempts/{attempt}/containers</c>.</summary>
public class AppsRestTests
{
    /// <summary>Three applications: one in queue a by alice (tagged), one in b by bob (type MAPREDUCE), a third in a by bob, killed; 1 s apart.</summary>
    private static async Task<(RmHarness Rm, ApplicationId[] Ids)> ThreeAppsAsync()
    {
        var rm = await RmHarness.StartAsync(SchedulerOptions.Capacity(new QueueOptions("a", 50), new QueueOptions("b", 50)));
        var first = await rm.SubmitAsync("a", user: "alice", edit: c => c.ApplicationTags.Add("Nightly"));
        rm.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await rm.SubmitAsync("b", user: "bob", edit: c => c.ApplicationType = "MAPREDUCE");
        rm.Clock.Advance(TimeSpan.FromSeconds(1));
        var third = await rm.SubmitAsync("a", user: "bob");
        await rm.Rm.KillAsync(third);
        return (rm, [first, second, third]);
    }

    private static async Task<string[]> IdsAsync(RmHarness rm, string query)
    {
        var apps = (await rm.Http.GetJsonAsync("/ws/v1/cluster/apps" + query)).GetProperty("apps");
        return apps.ValueKind == System.Text.Json.JsonValueKind.Null ? [] : apps.GetProperty("app").EnumerateArray().Select(a => S(a, "id")).ToArray();
    }

    [Theory]
    [InlineData("", new[] { 0, 1, 2 })]
    [InlineData("?states=accepted", new[] { 0, 1 })]
    [InlineData("?states=KILLED,FINISHED", new[] { 2 })]
    [InlineData("?state=KILLED", new[] { 2 })]
    [InlineData("?states=NEW_SAVING", new int[0])]
    [InlineData("?finalStatus=KILLED", new[] { 2 })]
    [InlineData("?queue=a", new[] { 0, 2 })]
    [InlineData("?user=bob", new[] { 1, 2 })]
    [InlineData("?user=bob&queue=a", new[] { 2 })]
    [InlineData("?limit=2", new[] { 0, 1 })]
    [InlineData("?applicationTypes=mapreduce", new[] { 1 })]
    [InlineData("?applicationTypes=YARN,spark", new[] { 0, 2 })]
    [InlineData("?applicationTags=nightly,other", new[] { 0 })]
    [InlineData("?startedTimeBegin=1767225601000", new[] { 1, 2 })]
    [InlineData("?startedTimeEnd=1767225601000", new[] { 0, 1 })]
    [InlineData("?startedTimeBegin=1767225601000&startedTimeEnd=1767225601000", new[] { 1 })]
    [InlineData("?finishedTimeBegin=1", new[] { 2 })]
    [InlineData("?queue=nowhere", new int[0])]
    public async Task Apps_Filters(string query, int[] expected)
    {
        var (rm, ids) = await ThreeAppsAsync();
        await using var _ = rm;

        Assert.Equal(expected.Select(i => ids[i].ToString()), await IdsAsync(rm, query));
    }

    [Fact]
    public async Task Apps_None_IsNull()
    {
        await using var rm = await RmHarness.StartAsync();

        Assert.Equal("""{"apps":null}""", (await rm.Http.GetJsonAsync("/ws/v1/cluster/apps")).GetRawText());
    }

    [Fact]
    public async Task Apps_DeSelectResourceRequests_LeavesThemOut()
    {
        var (rm, _) = await ThreeAppsAsync();
        await using var _rm = rm;

        var app = (await rm.Http.GetJsonAsync("/ws/v1/cluster/apps?deSelects=resourceRequests")).GetProperty("apps").GetProperty("app")[0];

        Assert.False(app.TryGetProperty("resourceRequests", out _));
    }

    [Theory]
    [InlineData("?states=RUNING", "Invalid application-state RUNING specified. It should be one of NEW, NEW_SAVING, SUBMITTED, ACCEPTED, RUNNING, FINISHED, FAILED, KILLED")]
    [InlineData("?limit=0", "limit: 0 must be greater than 0")]
    [InlineData("?limit=ten", "limit: 'ten' is not an integer")]
    [InlineData("?startedTimeBegin=-5", "startedTimeBegin: -5 must be greater than 0")]
    [InlineData("?startedTimeBegin=10&startedTimeEnd=5", "startedTimeEnd: 5 must be greater than startedTimeBegin 10")]
    [InlineData("?finalStatus=DONE", "finalStatus: 'DONE' is not one of UNDEFINED, SUCCEEDED, FAILED, KILLED")]
    [InlineData("?deSelects=everything", "deSelects: 'everything' is not one of resourceRequests, timeouts, appNodeLabelExpression, amNodeLabelExpression, resourceInfo")]
    public async Task Apps_BadFilter_Is400NamingIt(string query, string message)
    {
        await using var rm = await RmHarness.StartAsync();

        var (status, json, _) = await rm.Http.SendAsync(HttpMethod.Get, "/ws/v1/cluster/apps" + query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(("BadRequestException", message, "org.apache.hadoop.yarn.webapp.BadRequestException"), RestClient.RemoteException(json));
    }

    [Fact]
    public async Task App_HasHadoop3sFields()
    {
        var (rm, ids) = await ThreeAppsAsync();
        await using var _ = rm;

        var app = (await rm.Http.GetJsonAsync($"/ws/v1/cluster/apps/{ids[0]}")).GetProperty("app");

        foreach (var field in new[] { "id", "user", "name", "queue", "state", "finalStatus", "progress", "trackingUI", "diagnostics", "clusterId",
                     "applicationType", "applicationTags", "priority", "startedTime", "finishedTime", "elapsedTime", "amRPCAddress",
                     "allocatedMB", "allocatedVCores", "reservedMB", "reservedVCores", "runningContainers", "memorySeconds", "vcoreSeconds",
                     "queueUsagePercentage", "clusterUsagePercentage", "preemptedResourceMB", "preemptedResourceVCores",
                     "numNonAMContainerPreempted", "numAMContainerPreempted", "preemptedMemorySeconds", "preemptedVcoreSeconds",
                     "logAggregationStatus", "unmanagedApplication", "amNodeLabelExpression", "appNodeLabelExpression", "resourceRequests" })
            Assert.True(app.TryGetProperty(field, out var _present), $"app has no {field}");
        Assert.Equal(("alice", "a", "nightly", 0L), (S(app, "user"), S(app, "queue"), S(app, "applicationTags"), app.GetProperty("finishedTime").GetInt64()));
        Assert.Equal(2000, app.GetProperty("elapsedTime").GetInt64());
    }

    [Fact]
    public async Task AppAttempts_ListTheAttempts()
    {
        await using var rm = await RmHarness.StartAsync();
        var nm = new SimulatedNodeManager(rm, "h1", new Resource(4096, 4));
        await nm.RegisterAsync();
        var id = await rm.SubmitAsync();
        var launch = Assert.Single((await nm.HeartbeatAsync()).ContainersToLaunch);
        var container = nm.Verify(launch.ContainerToken).ContainerId;

        var attempt = Assert.Single((await rm.Http.GetJsonAsync($"/ws/v1/cluster/apps/{id}/appattempts")).GetProperty("appAttempts").GetProperty("appAttempt").EnumerateArray());

        Assert.Equal((1, container.ToString(), "h1:8041", "h1:8042", "ALLOCATED"),
            (attempt.GetProperty("id").GetInt32(), S(attempt, "containerId"), S(attempt, "nodeId"), S(attempt, "nodeHttpAddress"), S(attempt, "appAttemptState")));
        Assert.Equal($"http://h1:8042/node/containerlogs/{container}/alice", S(attempt, "logsLink"));
    }

    [Fact]
    public async Task AppAttemptContainers_ListTheAttemptsLiveContainers_InHadoopsShape()
    {
        await using var rm = await RmHarness.StartAsync();
        var nm = new SimulatedNodeManager(rm, "h1", new Resource(4096, 4));
        await nm.RegisterAsync();
        var id = await rm.SubmitAsync(am: new Resource(1024, 1));
        var launch = Assert.Single((await nm.HeartbeatAsync()).ContainersToLaunch);
        var container = nm.Verify(launch.ContainerToken).ContainerId;
        var attempt = container.ApplicationAttemptId;

        var listed = Assert.Single((await rm.Http.GetJsonAsync($"/ws/v1/cluster/apps/{id}/appattempts/{attempt}/containers")).GetProperty("container").EnumerateArray());

        Assert.Equal((container.ToString(), "h1:8041", "h1:8042", "RUNNING", true),
            (S(listed, "containerId"), S(listed, "assignedNodeId"), S(listed, "nodeHttpAddress"), S(listed, "containerState"), listed.GetProperty("amContainer").GetBoolean()));
        Assert.Equal((1024, 1), (listed.GetProperty("allocatedMB").GetInt64(), listed.GetProperty("allocatedVCores").GetInt32()));

        // An attempt of another application, and one that does not parse: 400 naming it.
        using var other = await rm.Http.GetAsync($"/ws/v1/cluster/apps/{id}/appattempts/appattempt_1_0099_000001/containers");
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        Assert.Contains($"is not an attempt of {id}", await other.Content.ReadAsStringAsync());
        using var garbage = await rm.Http.GetAsync($"/ws/v1/cluster/apps/{id}/appattempts/nonsense/containers");
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
    }
}

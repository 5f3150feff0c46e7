using System.Net;
using System.Text.Json;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;
using static Bridge.Yarn.ResourceManager.Server.Tests.SimulatedNodeManager;

namespace Bridge.Yarn.ResourceManager.Server.Tests.Rest;

/// <summary>Submitting through the REST API: Hadoop's documented sample, run to FINISHED; fields not honoured; kills.</summary>
public class SubmissionRestTests
{
    private static string HadoopSample(string id) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Rest", "hadoop-submit-sample.json"))
            .Replace("application_1404203615263_0001", id, StringComparison.Ordinal);

    [Fact]
    public async Task HadoopsDocumentedSample_IsAcceptedUnchanged_AndRunsToFinished()
    {
        await using var rm = await RmHarness.StartAsync();
        var nm = new SimulatedNodeManager(rm, "h1", new Resource(8192, 8));
        await nm.RegisterAsync();
        var id = await rm.Http.NewApplicationAsync();

        var (status, body, response) = await rm.Http.SendAsync(HttpMethod.Post, "/ws/v1/cluster/apps?user.name=testuser", HadoopSample(id));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(new Uri(rm.Server.Address, $"/ws/v1/cluster/apps/{id}"), response.Headers.Location);
        Assert.Equal("log-aggregation-context, attempt-failures-validity-interval, reservation-id, am-black-listing-requests",
            string.Join(",", response.Headers.GetValues(Server.Rest.RestApi.UnsupportedHeader)));
        Assert.Equal(id, body.GetProperty("application-id").GetString());
        Assert.Equal(4, body.GetProperty("unsupported-fields").GetArrayLength());

        var accepted = (await rm.Http.GetJsonAsync($"/ws/v1/cluster/apps/{id}")).GetProperty("app");
        Assert.Equal(("ACCEPTED", "UNDEFINED", "test", "testuser", "default", "UNASSIGNED"),
            (S(accepted, "state"), S(accepted, "finalStatus"), S(accepted, "name"), S(accepted, "user"), S(accepted, "queue"), S(accepted, "trackingUI")));
        var amAsk = Assert.Single(accepted.GetProperty("resourceRequests").EnumerateArray());
        Assert.Equal((0, "*", 1024, 1, 1, true), (amAsk.GetProperty("priority").GetInt32(), S(amAsk, "resourceName"),
            amAsk.GetProperty("capability").GetProperty("memory").GetInt32(), amAsk.GetProperty("capability").GetProperty("vCores").GetInt32(),
            amAsk.GetProperty("numContainers").GetInt32(), amAsk.GetProperty("relaxLocality").GetBoolean()));

        // The NodeManager gets the AM container with the submission's whole launch context.
        var launch = Assert.Single((await nm.HeartbeatAsync()).ContainersToLaunch);
        var context = launch.ContainerLaunchContext.ToRecord("ctx");
        var jar = context.LocalResources["AppMaster.jar"];
        Assert.Equal(new Uri("hdfs://hdfs-namenode:9000/user/testuser/DistributedShell/demo-app/AppMaster.jar"), jar.Url);
        Assert.Equal((Protocol.Records.LocalResourceType.File, Protocol.Records.LocalResourceVisibility.Application, 43004L, 1405452071209L),
            (jar.Type, jar.Visibility, jar.Size, jar.Timestamp));
        Assert.StartsWith("{{JAVA_HOME}}/bin/java -Xmx10m org.apache.hadoop.yarn.applications.distributedshell.ApplicationMaster", Assert.Single(context.Commands));
        Assert.Equal("6", context.Environment["DISTRIBUTEDSHELLSCRIPTLEN"]);
        Assert.StartsWith("{{CLASSPATH}}<CPS>./*<CPS>", context.Environment["CLASSPATH"]);
        var amContainer = nm.Verify(launch.ContainerToken).ContainerId;

        // It runs and registers: RUNNING, tracked by its AM.
        await nm.HeartbeatAsync(Running(amContainer));
        var am = rm.AmClient(launch);
        await am.RegisterApplicationMaster(new RegisterApplicationMasterRequestProto { Host = "h1", RpcPort = 7000, TrackingUrl = "http://h1:7001/am" });
        var running = (await rm.Http.GetJsonAsync($"/ws/v1/cluster/apps/{id}")).GetProperty("app");
        Assert.Equal(("RUNNING", "ApplicationMaster", "http://h1:7001/am", "h1:8042", "h1:7000", "h1:8041"),
            (S(running, "state"), S(running, "trackingUI"), S(running, "trackingUrl"), S(running, "amHostHttpAddress"), S(running, "amRPCAddress"), S(running, "masterNodeId")));
        Assert.Equal($"http://h1:8042/node/containerlogs/{amContainer}/testuser", S(running, "amContainerLogs"));
        Assert.Equal((1024, 1, 1), (running.GetProperty("allocatedMB").GetInt32(), running.GetProperty("allocatedVCores").GetInt32(), running.GetProperty("runningContainers").GetInt32()));
        Assert.Empty(running.GetProperty("resourceRequests").EnumerateArray());

        // Ten seconds on, it finishes.
        rm.Clock.Advance(TimeSpan.FromSeconds(10));
        await am.FinishApplicationMaster(new FinishApplicationMasterRequestProto { FinalApplicationStatus = FinalApplicationStatusProto.AppSucceeded, TrackingUrl = "http://history/app" });
        var finished = (await rm.Http.GetJsonAsync($"/ws/v1/cluster/apps/{id}")).GetProperty("app");
        Assert.Equal(("FINISHED", "SUCCEEDED", "History", 100.0), (S(finished, "state"), S(finished, "finalStatus"), S(finished, "trackingUI"), finished.GetProperty("progress").GetDouble()));
        Assert.Equal((RmHarness.Start.ToUnixTimeMilliseconds(), RmHarness.Start.ToUnixTimeMilliseconds() + 10_000, 10_000L),
            (finished.GetProperty("startedTime").GetInt64(), finished.GetProperty("finishedTime").GetInt64(), finished.GetProperty("elapsedTime").GetInt64()));
        Assert.Equal((10 * 1024L, 10L), (finished.GetProperty("memorySeconds").GetInt64(), finished.GetProperty("vcoreSeconds").GetInt64()));
        var metrics = (await rm.Http.GetJsonAsync("/ws/v1/cluster/metrics")).GetProperty("clusterMetrics");
        Assert.Equal((1, 1, 0), (metrics.GetProperty("appsSubmitted").GetInt32(), metrics.GetProperty("appsCompleted").GetInt32(), metrics.GetProperty("appsRunning").GetInt32()));
    }

    [Fact]
    public async Task Submission_TagsPriorityQueueAndAttempts_AreTaken()
    {
        await using var rm = await RmHarness.StartAsync();
        var id = await rm.Http.NewApplicationAsync();
        var body = RestClient.MinimalSubmission(id,
            ""","application-name":"wc","priority":3,"max-app-attempts":1,"application-type":"MAPREDUCE","application-tags":{"tag":["Nightly","batch"]},"resource":{"memory":"2048","vCores":"2"}""");

        var (status, json, response) = await rm.Http.SendAsync(HttpMethod.Post, "/ws/v1/cluster/apps", body);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(JsonValueKind.Undefined, json.ValueKind);
        Assert.False(response.Headers.Contains(Server.Rest.RestApi.UnsupportedHeader));
        var app = (await rm.Http.GetJsonAsync($"/ws/v1/cluster/apps/{id}")).GetProperty("app");
        Assert.Equal(("wc", 3, "MAPREDUCE", "nightly,batch", "dr.who"),
            (S(app, "name"), app.GetProperty("priority").GetInt32(), S(app, "applicationType"), S(app, "applicationTags"), S(app, "user")));
        var ask = Assert.Single(app.GetProperty("resourceRequests").EnumerateArray());
        Assert.Equal(2048, ask.GetProperty("capability").GetProperty("memory").GetInt32());
    }

    [Fact]
    public async Task UnknownFields_AreReportedNotIgnored()
    {
        await using var rm = await RmHarness.StartAsync();
        var id = await rm.Http.NewApplicationAsync();

        var (status, json, response) = await rm.Http.SendAsync(HttpMethod.Post, "/ws/v1/cluster/apps",
            RestClient.MinimalSubmission(id, ""","colour":"blue","keep-containers-across-application-attempts":true"""));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("colour, keep-containers-across-application-attempts", string.Join(",", response.Headers.GetValues(Server.Rest.RestApi.UnsupportedHeader)));
        Assert.Equal(["colour: unknown field, ignored", "keep-containers-across-application-attempts: true is not honoured; a new attempt starts with no containers"],
            json.GetProperty("unsupported-fields").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task PutStateKilled_KillsAndAnswersTheNewState()
    {
        await using var rm = await RmHarness.StartAsync();
        var id = await rm.Http.NewApplicationAsync();
        await rm.Http.SendAsync(HttpMethod.Post, "/ws/v1/cluster/apps", RestClient.MinimalSubmission(id));
        Assert.Equal("ACCEPTED", S(await rm.Http.GetJsonAsync($"/ws/v1/cluster/apps/{id}/state"), "state"));

        var (status, json, _) = await rm.Http.SendAsync(HttpMethod.Put, $"/ws/v1/cluster/apps/{id}/state", """{"state":"KILLED","diagnostics":"no longer needed"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("KILLED", S(json, "state"));
        var app = (await rm.Http.GetJsonAsync($"/ws/v1/cluster/apps/{id}")).GetProperty("app");
        Assert.Equal(("KILLED", "KILLED", "no longer needed"), (S(app, "state"), S(app, "finalStatus"), S(app, "diagnostics")));
        // Killing it again changes nothing.
        var (again, againJson, _) = await rm.Http.SendAsync(HttpMethod.Put, $"/ws/v1/cluster/apps/{id}/state", """{"state":"KILLED"}""");
        Assert.Equal((HttpStatusCode.OK, "KILLED"), (again, S(againJson, "state")));
    }

    [Fact]
    public async Task NewApplication_AnswersTheIdAndMaximumCapability()
    {
        await using var rm = await RmHarness.StartAsync();

        var (status, json, _) = await rm.Http.SendAsync(HttpMethod.Post, "/ws/v1/cluster/apps/new-application");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"application_{RmHarness.Start.ToUnixTimeMilliseconds()}_0001", S(json, "application-id"));
        Assert.Equal((8192, 4), (json.GetProperty("maximum-resource-capability").GetProperty("memory").GetInt32(),
            json.GetProperty("maximum-resource-capability").GetProperty("vCores").GetInt32()));
    }

    internal static string S(JsonElement e, string name) => e.GetProperty(name).GetString()!;
}

using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Testing;
using Bridge.Yarn.Client;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Yarn.Hosting.Tests;

/// <summary>The bridge's operations on a live pool: Myriad's flexup and graceful flexdown, its REST API's refusals, a
/// restart that adopts the running NodeManagers, and a YARN application submitted the way Hadoop's REST docs write it.</summary>
public class BridgeOperationsTests
{
    private const string Agents = "cpus:4;mem:8192;disk:4096";

    private static string AmCommand(params string[] args) =>
        string.Join(' ', new[] { YarnCluster.ExecutorCommand().Value, BridgeProgram.Dll(), "yarn", "am" }.Concat(args).Select(ApplicationMasterRunner.ShellQuote))
        + " 1><LOG_DIR>/am.stdout 2><LOG_DIR>/am.stderr";

    [Fact]
    public async Task FlexUpMedium_RegistersItsCapacity_AndFlexDownWaitsForTheRunningContainerThenStopsIt()
    {
        // medium: 4 cpus, 4096 MB for YARN, plus the NodeManager's and executor's 0.3 cpus and 384 MB.
        await using var cluster = await YarnCluster.StartAsync(agents: 1, agentResources: "cpus:6;mem:8192;disk:4096", initial: new Dictionary<string, int>(),
            configure: o => o with { KillGracePeriod = TimeSpan.FromSeconds(5) });
        Assert.Equal((202, ""), await cluster.PutAsync("/api/cluster/flexup", """{"instances":1,"profile":"medium"}"""));
        await cluster.WaitForNodeManagersAsync(1);
        var node = (await cluster.RmJsonAsync("/ws/v1/cluster/nodes"))["nodes"]!["node"]!.AsArray().Single()!;
        Assert.Equal((4096, 4), ((int)node["availMemoryMB"]! + (int)node["usedMemoryMB"]!, (int)node["availableVirtualCores"]! + (int)node["usedVirtualCores"]!));
        await cluster.WaitForRoleAllocatedAsync("yarn", (4.3, 4480.0), "the medium NodeManager in YARN's share");

        // A distributed shell whose one container sleeps: it holds the NodeManager while flexdown waits.
        using var client = new YarnClient(cluster.ResourceManager.Address);
        var app = await client.SubmitAsync(new YarnSubmission("sleeper", "YARN", "default", new Resource(1024, 1),
            new ContainerLaunchContext([AmCommand("distributed-shell", "--shell_command", "sleep 3", "--num_containers", "1", "--container_memory", "1024")],
                new Dictionary<string, string>(), new Dictionary<string, LocalResource>())));
        await Wait.UntilAsync(async () => (int)(await cluster.RmJsonAsync("/ws/v1/cluster/metrics"))["clusterMetrics"]!["containersAllocated"]! == 2,
            "the AM and its container to run", TimeSpan.FromSeconds(60));

        Assert.Equal((202, ""), await cluster.PutAsync("/api/cluster/flexdown", """{"instances":1,"profile":"medium"}"""));
        var nm = Assert.Single(await cluster.NodeManagersAsync());
        Assert.Equal("KILLABLE", (string?)nm["state"]);
        Assert.Equal("DECOMMISSIONING", (string?)(await cluster.RmJsonAsync("/ws/v1/cluster/nodes"))["nodes"]!["node"]![0]!["state"]);
        Assert.Single(await cluster.MasterTasksAsync("nm.medium."));

        // The application finishes undisturbed (Myriad killed the NodeManager at once); then the NodeManager is stopped.
        var report = await client.WaitAsync(app, TimeSpan.FromMilliseconds(200)).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal((YarnApplicationStateProto.Finished, FinalApplicationStatusProto.AppSucceeded), (report.YarnApplicationState, report.FinalApplicationStatus));
        try
        {
            await Wait.UntilAsync(async () => (await cluster.NodeManagersAsync()).Count == 0 && (await cluster.MasterTasksAsync("nm.")).Count == 0,
                "the decommissioned NodeManager to stop", TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; bridge: {(await cluster.BridgeJsonAsync("/api/state")).ToJsonString()}; "
                + $"master tasks: {string.Join(", ", await cluster.MasterTasksAsync(""))}; RM nodes: {(await cluster.RmJsonAsync("/ws/v1/cluster/nodes")).ToJsonString()}", e);
        }
        Assert.Equal("DECOMMISSIONED", (string?)(await cluster.RmJsonAsync("/ws/v1/cluster/nodes?states=DECOMMISSIONED"))["nodes"]!["node"]![0]!["state"]);
    }

    [Fact]
    public async Task BadFlexRequests_Get400WithTheReason_OtherMethods405_AndConfigShowsTheProfiles()
    {
        await using var cluster = await YarnCluster.StartAsync(agents: 1, agentResources: Agents, initial: new Dictionary<string, int>());

        var (status, body) = await cluster.PutAsync("/api/cluster/flexup", "{");
        Assert.Equal(400, status);
        Assert.NotEqual("", body);
        (status, body) = await cluster.PutAsync("/api/cluster/flexup", """{"instances":1,"profile":"huge"}""");
        Assert.Equal(400, status);
        Assert.Contains("huge", body);
        (status, body) = await cluster.PutAsync("/api/cluster/flexdown", """{"instances":-1,"profile":"small"}""");
        Assert.Equal(400, status);
        Assert.Contains("-1", body);
        (status, _) = await cluster.PutAsync("/api/cluster/flexup", """{"instances":1,"profile":"small","constraints":["hostname LIKE ("]}""");
        Assert.Equal(400, status);

        using var http = new HttpClient();
        using var post = await http.PostAsync(new Uri(cluster.Bridge.Address, "/api/cluster/flexup"), new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(405, (int)post.StatusCode);
        Assert.Equal("PUT", post.Content.Headers.Allow.Single());

        var config = await cluster.BridgeJsonAsync("/api/config");
        Assert.Equal("4096", (string?)config["profiles"]!["medium"]!["mem"]);
        Assert.Equal(cluster.Bridge.Address.Port, (int)config["restApiPort"]!);
        Assert.Empty(await cluster.NodeManagersAsync()); // nothing the refusals asked for happened
    }

    [Fact]
    public async Task ARestartedBridge_KeepsItsFrameworkId_AndAdoptsTheRunningNodeManagers()
    {
        await using var cluster = await YarnCluster.StartAsync(agents: 2, agentResources: Agents);
        await cluster.WaitForNodeManagersAsync(2);
        var before = await cluster.BridgeJsonAsync("/api/state");
        var nodeManagers = (await cluster.NodeManagersAsync()).Select(n => (string)n["taskId"]!).Order().ToList();

        await cluster.StopBridgeAsync();
        await cluster.StartBridgeAsync();

        await Wait.UntilAsync(async () => cluster.Bridge.Framework.HasSubscribed && (await cluster.NodeManagersAsync("ACTIVE")).Count == 2,
            "the restarted bridge to subscribe", TimeSpan.FromSeconds(30));
        var after = await cluster.BridgeJsonAsync("/api/state");
        Assert.Equal((string?)before["frameworkId"], (string?)after["frameworkId"]);
        Assert.Equal(nodeManagers, (await cluster.NodeManagersAsync("ACTIVE")).Select(n => (string)n["taskId"]!).Order());
        Assert.Equal(nodeManagers, (await cluster.MasterTasksAsync("nm.")).Order());
        Assert.Equal(2, (int)(await cluster.RmJsonAsync("/ws/v1/cluster/metrics"))["clusterMetrics"]!["activeNodes"]!);
    }

    [Fact]
    public async Task AnApplicationSubmittedAsHadoopsRestDocsWriteIt_RunsToFinished()
    {
        await using var cluster = await YarnCluster.StartAsync(agents: 1, agentResources: Agents);
        await cluster.WaitForNodeManagersAsync(1);
        using var http = new HttpClient { BaseAddress = cluster.ResourceManager.Address };

        using var created = await http.PostAsync("/ws/v1/cluster/apps/new-application", null);
        var id = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["application-id"]!;
        var submission = new JsonObject
        {
            ["application-id"] = id,
            ["application-name"] = "test",
            ["am-container-spec"] = new JsonObject
            {
                ["local-resources"] = new JsonObject { ["entry"] = new JsonArray() },
                ["commands"] = new JsonObject { ["command"] = AmCommand("distributed-shell", "--shell_command", "echo hello", "--num_containers", "2", "--container_memory", "1024") },
                ["environment"] = new JsonObject { ["entry"] = new JsonArray(new JsonObject { ["key"] = "DISTRIBUTEDSHELLSCRIPTTIMESTAMP", ["value"] = "1405459400754" }) },
            },
            ["unmanaged-AM"] = false,
            ["max-app-attempts"] = 2,
            ["resource"] = new JsonObject { ["memory"] = 1024, ["vCores"] = 1 },
            ["application-type"] = "YARN",
            ["keep-containers-across-application-attempts"] = false,
        };
        using var submitted = await http.PostAsync("/ws/v1/cluster/apps", new StringContent(submission.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(202, (int)submitted.StatusCode);

        await Wait.UntilAsync(async () => (string?)(await cluster.RmJsonAsync($"/ws/v1/cluster/apps/{id}"))["app"]!["state"] == "FINISHED",
            $"{id} to finish", TimeSpan.FromMinutes(2));
        var app = (await cluster.RmJsonAsync($"/ws/v1/cluster/apps/{id}"))["app"]!;
        Assert.Equal("SUCCEEDED", (string?)app["finalStatus"]);
    }
}

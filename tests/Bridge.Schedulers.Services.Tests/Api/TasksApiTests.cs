using System.Net;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Instances;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Schedulers.Services.Tests.Api;

/// <summary>Tasks through the REST API: listing, killing, killing and scaling.</summary>
public sealed class TasksApiTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<int> InstancesOfWeb() => _host.Services.ReadAsync((s, _) => s.App(AppId.Parse("/web"))!.Definition.Instances);

    private static List<string> Ids(Reply reply) =>
        reply.Is(HttpStatusCode.OK).Json.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task App_Tasks_Are_Listed_With_Marathons_Fields_And_An_Unknown_App_Is_404()
    {
        var tasks = await _host.RunningWebAsync(2, "\"healthChecks\": [{\"protocol\": \"HTTP\", \"path\": \"/\"}], \"portDefinitions\": [{\"port\": 10001}]");
        var reply = (await _host.GetAsync("/v2/apps/web/tasks")).Is(HttpStatusCode.OK);
        Assert.Equal(tasks, Ids(reply));
        var task = reply.Json.GetProperty("tasks")[0];
        Assert.Equal("TASK_RUNNING", task.GetProperty("state").GetString());
        Assert.Equal(10001, task.GetProperty("servicePorts")[0].GetInt32());
        Assert.Equal("*", task.GetProperty("role").GetString());
        var health = Assert.Single(task.GetProperty("healthCheckResults").EnumerateArray());
        Assert.True(health.GetProperty("alive").GetBoolean());
        Assert.Equal(tasks[0], health.GetProperty("instanceId").GetString());
        (await _host.GetAsync("/v2/apps/nope/tasks")).Is(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task All_Tasks_Are_Listed_And_Filtered_By_Status()
    {
        var web = await _host.RunningWebAsync(1);
        await _host.CreateAsync(ApiHost.App("/db"));
        await _host.Services.OfferAsync("a2");
        var db = await _host.Services.TasksOfAsync("/db");

        Assert.Equal([.. db, .. web], Ids(await _host.GetAsync("/v2/tasks")));
        Assert.Equal(web, Ids(await _host.GetAsync("/v2/tasks?status=running")));
        Assert.Equal(db, Ids(await _host.GetAsync("/v2/tasks?status=staging")));
        Assert.Equal([.. db, .. web], Ids(await _host.GetAsync("/v2/tasks?status[]=running&status[]=staging")));
        Assert.Equal("TASK_STAGING", (await _host.GetAsync("/v2/tasks?status=staging")).Json.GetProperty("tasks")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Killing_One_Task_Returns_It_And_The_App_Replaces_It()
    {
        var tasks = await _host.RunningWebAsync(2);
        var reply = (await _host.DeleteAsync($"/v2/apps/web/tasks/{tasks[0]}")).Is(HttpStatusCode.OK);
        Assert.Equal(tasks[0], reply.Json.GetProperty("task").GetProperty("id").GetString());
        Assert.Equal("TASK_RUNNING", reply.Json.GetProperty("task").GetProperty("state").GetString()); // as it was when killed
        var kill = Assert.Single(_host.Services.Carried[^1].Kills);
        Assert.Equal(tasks[0], kill.TaskId);
        Assert.Equal(2, await InstancesOfWeb());
        Assert.Equal(1, await _host.Services.ReadAsync((s, _) => s.App(AppId.Parse("/web"))!.Wanted));

        var unknown = TaskIds.New(AppId.Parse("/web"), Guid.NewGuid());
        var missing = (await _host.DeleteAsync($"/v2/apps/web/tasks/{unknown}")).Is(HttpStatusCode.NotFound);
        Assert.Equal($"Task '{unknown}' does not exist", missing.Json.GetProperty("message").GetString());
        (await _host.DeleteAsync($"/v2/apps/nope/tasks/{unknown}")).Is(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Killing_With_Scale_Lowers_The_Instance_Count_In_A_Deployment()
    {
        var tasks = await _host.RunningWebAsync(3);
        var reply = (await _host.DeleteAsync($"/v2/apps/web/tasks/{tasks[1]}?scale=true")).Is(HttpStatusCode.OK);
        Assert.Equal(reply.Json.GetProperty("deploymentId").GetString(), reply.Header("Marathon-Deployment-Id"));
        Assert.Equal(2, await InstancesOfWeb());
        Assert.Equal(tasks[1], Assert.Single(_host.Services.Carried[^1].Kills).TaskId);
        Assert.Equal(0, await _host.Services.ReadAsync((s, _) => s.App(AppId.Parse("/web"))!.Wanted));
    }

    [Fact]
    public async Task Killing_An_Apps_Tasks_On_A_Host_Or_All_Of_Them()
    {
        await _host.CreateAsync(ApiHost.App("/web", "\"instances\": 2"));
        await _host.Services.OfferAsync("a1", "cpus:0.5;mem:64;ports:[31000-31000]");
        await _host.Services.OfferAsync("a2", "cpus:0.5;mem:64;ports:[31000-31000]");
        var tasks = await _host.Services.TasksOfAsync("/web");

        var onA2 = Ids(await _host.DeleteAsync("/v2/apps/web/tasks?host=a2.local"));
        Assert.Equal([tasks[1]], onA2);
        var scaled = (await _host.DeleteAsync("/v2/apps/web/tasks?scale=true&force=true")).Is(HttpStatusCode.OK);
        Assert.NotNull(scaled.Header("Marathon-Deployment-Id"));
        // The task already being killed (without scale: its replacement is wanted) is not counted again.
        Assert.Equal(1, await InstancesOfWeb());
        Assert.Equal([tasks[0]], _host.Services.Carried[^1].Kills.Select(k => k.TaskId));

        (await _host.DeleteAsync("/v2/apps/web/tasks?scale=true&wipe=true")).Is(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Post_Tasks_Delete_Kills_Across_Apps_And_Scales_Each()
    {
        var web = await _host.RunningWebAsync(2);
        await _host.CreateAsync(ApiHost.App("/db", "\"instances\": 2"));
        await _host.Services.OfferAsync("a2");
        await _host.Services.RunAllAsync("/db");
        var db = await _host.Services.TasksOfAsync("/db");

        var killed = Ids(await _host.PostAsync("/v2/tasks/delete", $"{{\"ids\": [\"{web[0]}\", \"{db[0]}\", \"gone.{Guid.NewGuid()}\"]}}"));
        Assert.Equal([web[0], db[0]], killed);

        var scaled = (await _host.PostAsync("/v2/tasks/delete?scale=true", $"{{\"ids\": [\"{web[1]}\", \"{db[1]}\"]}}")).Is(HttpStatusCode.OK).Json;
        var ids = scaled.GetProperty("deploymentIds").EnumerateArray().Select(d => d.GetString()).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Equal(ids[0], scaled.GetProperty("deploymentId").GetString());
        Assert.Equal(1, await InstancesOfWeb());
        Assert.Equal(1, await _host.Services.ReadAsync((s, _) => s.App(AppId.Parse("/db"))!.Definition.Instances));

        var locked = (await _host.PostAsync("/v2/tasks/delete?scale=true", $"{{\"ids\": [\"{web[1]}\"]}}")).Is(HttpStatusCode.Conflict).Json;
        Assert.Single(locked.GetProperty("deployments").EnumerateArray());
        (await _host.PostAsync("/v2/tasks/delete?scale=true", $"{{\"ids\": [\"gone.{Guid.NewGuid()}\"]}}")).Is(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"ids\": [\"not a task id\"]}", "Invalid task id 'not a task id'.")]
    [InlineData("{\"tasks\": []}", "The body must be {\"ids\": [\"TASK_ID\", ...]}.")]
    [InlineData("{\"ids\": [1]}", "The body must be {\"ids\": [\"TASK_ID\", ...]}.")]
    [InlineData("[", "Invalid JSON")]
    public async Task Post_Tasks_Delete_Refuses_A_Bad_Body_With_400(string body, string message)
    {
        var reply = (await _host.PostAsync("/v2/tasks/delete", body)).Is(HttpStatusCode.BadRequest);
        Assert.StartsWith(message, reply.Json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_Task_Killed_Through_The_Api_Does_Not_Start_A_Backoff()
    {
        var tasks = await _host.RunningWebAsync(1);
        (await _host.DeleteAsync($"/v2/apps/web/tasks/{tasks[0]}")).Is(HttpStatusCode.OK);
        await _host.Services.StatusAsync(tasks[0], TaskState.TaskKilled);
        Assert.Single((await _host.Services.OfferAsync("a1")).Launches);
    }
}

using System.Net;
using System.Text.Json;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Services.Api;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Tests.Definitions;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Schedulers.Services.Tests.Api;

/// <summary><c>/v2/apps</c> over a real scheduler core: Marathon's status codes, headers and shapes.</summary>
public sealed class AppsApiTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static IEnumerable<object[]> DocumentedApps() =>
        new[] { "application-basics", "constraints", "health-checks", "event-bus", "rest-api" }.SelectMany(Samples.Names).Select(f => new object[] { f });

    [Theory]
    [MemberData(nameof(DocumentedApps))]
    public async Task Post_Accepts_Marathons_Documented_Apps_Unchanged(string file)
    {
        var sample = Samples.Text(file);
        var reply = await _host.CreateAsync(sample);
        var id = AppJson.Parse(sample).App!.Id.Value;
        Assert.Equal("/v2/apps" + id, reply.Header("Location"));
        Assert.Equal(id, (await _host.GetAsync("/v2/apps" + id)).Is(HttpStatusCode.OK).Json.GetProperty("app").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Post_Answers_201_With_Location_Deployment_Header_And_The_App_With_Its_Deployment()
    {
        var reply = await _host.CreateAsync(ApiHost.App("/prod/web", "\"instances\": 2, \"labels\": {\"tier\": \"front\"}"));
        Assert.Equal("/v2/apps/prod/web", reply.Header("Location"));
        var app = reply.Json;
        var deployment = Assert.Single(app.GetProperty("deployments").EnumerateArray()).GetProperty("id").GetString();
        Assert.Equal(deployment, reply.Header("Marathon-Deployment-Id"));
        Assert.Equal("/prod/web", app.GetProperty("id").GetString());
        Assert.Equal(2, app.GetProperty("instances").GetInt32());
        Assert.Equal("front", app.GetProperty("labels").GetProperty("tier").GetString());
        foreach (var count in (string[])["tasksStaged", "tasksRunning", "tasksHealthy", "tasksUnhealthy"]) Assert.Equal(0, app.GetProperty(count).GetInt32());
        var version = app.GetProperty("version").GetString();
        Assert.Equal("2026-11-22T12:00:00.000Z", version);
        Assert.Equal(version, app.GetProperty("versionInfo").GetProperty("lastConfigChangeAt").GetString());
        Assert.False(app.TryGetProperty("unsupported", out _));
        Assert.Null(reply.Header("Bridge-Unsupported"));
    }

    [Fact]
    public async Task Post_Of_An_Existing_App_Is_409_With_Marathons_Message()
    {
        await _host.CreateAsync(ApiHost.App("/web"));
        var again = (await _host.PostAsync("/v2/apps", ApiHost.App("/web"))).Is(HttpStatusCode.Conflict);
        Assert.Equal("An app with id [/web] already exists.", again.Json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Post_Of_An_Invalid_App_Is_422_In_AppJsons_Shape_And_Bad_Json_Is_400()
    {
        var invalid = (await _host.PostAsync("/v2/apps", ApiHost.App("/web", "\"upgradeStrategy\": {\"minimumHealthCapacity\": 2}")))
            .Is(HttpStatusCode.UnprocessableEntity).Json;
        Assert.Equal("Object is not valid", invalid.GetProperty("message").GetString());
        var detail = Assert.Single(invalid.GetProperty("details").EnumerateArray());
        Assert.Equal("/upgradeStrategy/minimumHealthCapacity", detail.GetProperty("path").GetString());
        Assert.Equal("is greater than 1", Assert.Single(detail.GetProperty("errors").EnumerateArray()).GetString());

        var unknown = (await _host.PostAsync("/v2/apps", ApiHost.App("/web", "\"image\": \"nginx\""))).Is(HttpStatusCode.UnprocessableEntity).Json;
        Assert.Equal("/image", unknown.GetProperty("details")[0].GetProperty("path").GetString());

        var notJson = (await _host.PostAsync("/v2/apps", "{\"id\": ")).Is(HttpStatusCode.BadRequest).Json;
        Assert.Equal("Invalid JSON", notJson.GetProperty("message").GetString());
        Assert.Empty(await _host.Services.ReadAsync((s, _) => s.Apps.ToList()));
    }

    [Fact]
    public async Task Unsupported_Fields_Are_Reported_In_A_Header_And_The_Body()
    {
        var reply = await _host.CreateAsync(ApiHost.App("/web", "\"container\": {\"type\": \"DOCKER\", \"docker\": {\"image\": \"python:3\"}}, \"tty\": true"));
        Assert.StartsWith("/container: containers (Docker or Mesos images", reply.Header("Bridge-Unsupported"));
        Assert.Contains("; /tty: TTYs are not supported", reply.Header("Bridge-Unsupported"));
        var unsupported = reply.Json.GetProperty("unsupported").EnumerateArray().Select(u => u.GetProperty("path").GetString()).ToList();
        Assert.Equal(["/container", "/tty"], unsupported);

        var put = (await _host.PutAsync("/v2/apps/web?force=true", "{\"secrets\": {\"db\": {\"source\": \"/db\"}}}")).Is(HttpStatusCode.OK);
        Assert.StartsWith("/secrets: secrets are not supported", put.Header("Bridge-Unsupported"));
        Assert.Equal("/secrets", put.Json.GetProperty("unsupported")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Get_Lists_Apps_With_Counts_And_Deployments_Filtered_By_Id_Cmd_And_Label()
    {
        await _host.CreateAsync(ApiHost.App("/prod/web", "\"labels\": {\"tier\": \"front\", \"env\": \"prod\"}"));
        await _host.CreateAsync("{\"id\": \"/prod/db\", \"args\": [\"postgres\"], \"labels\": {\"tier\": \"back\", \"env\": \"prod\"}}");
        await _host.CreateAsync("{\"id\": \"/dev/worker\", \"cmd\": \"java -jar worker.jar\", \"labels\": {\"env\": \"dev\"}}");

        async Task<List<string>> Ids(string query) => (await _host.GetAsync("/v2/apps" + query)).Is(HttpStatusCode.OK).Json
            .GetProperty("apps").EnumerateArray().Select(a => a.GetProperty("id").GetString()!).ToList();
        Assert.Equal(["/dev/worker", "/prod/db", "/prod/web"], await Ids(""));
        Assert.Equal(["/prod/db", "/prod/web"], await Ids("?id=PROD"));
        Assert.Equal(["/dev/worker"], await Ids("?cmd=JAVA"));
        Assert.Equal(["/prod/db", "/prod/web"], await Ids("?label=tier"));
        Assert.Equal(["/prod/web"], await Ids("?label=tier==front,env==prod"));
        Assert.Equal(["/prod/db"], await Ids("?label=tier!=front"));
        Assert.Equal(["/dev/worker"], await Ids("?label=" + Uri.EscapeDataString("env in (dev, x)")));
        Assert.Equal(["/prod/db"], await Ids("?label=" + Uri.EscapeDataString("tier notin (front)"))); // /dev/worker has no tier
        Assert.Equal(["/prod/db"], await Ids("?id=prod&label=" + Uri.EscapeDataString("tier notin (front)")));

        var first = (await _host.GetAsync("/v2/apps")).Json.GetProperty("apps")[0];
        Assert.Equal(0, first.GetProperty("tasksRunning").GetInt32());
        Assert.Single(first.GetProperty("deployments").EnumerateArray());
        Assert.False(first.TryGetProperty("tasks", out _));

        var bad = (await _host.GetAsync("/v2/apps?label=tier%20in%20(a")).Is(HttpStatusCode.UnprocessableEntity).Json;
        Assert.StartsWith("Can not parse label selector tier in (a", bad.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Get_Embeds_Tasks_And_The_Last_Task_Failure()
    {
        var tasks = await _host.RunningWebAsync(2);
        await _host.Services.StatusAsync(tasks[0], TaskState.TaskFailed, message: "exited with status 1");

        var listed = (await _host.GetAsync("/v2/apps?embed=apps.tasks&embed=apps.lastTaskFailure")).Json.GetProperty("apps")[0];
        Assert.Single(listed.GetProperty("tasks").EnumerateArray());
        Assert.Equal(1, listed.GetProperty("tasksRunning").GetInt32());
        var app = (await _host.GetAsync("/v2/apps/web")).Is(HttpStatusCode.OK).Json.GetProperty("app");
        var failure = app.GetProperty("lastTaskFailure");
        Assert.Equal(tasks[0], failure.GetProperty("taskId").GetString());
        Assert.Equal("TASK_FAILED", failure.GetProperty("state").GetString());
        Assert.Equal("exited with status 1", failure.GetProperty("message").GetString());
        Assert.Equal("a1.local", failure.GetProperty("host").GetString());
        Assert.Equal(("/web", "a1", "2026-11-22T12:00:00.000Z"), (failure.GetProperty("appId").GetString(), failure.GetProperty("slaveId").GetString(),
            failure.GetProperty("timestamp").GetString()));
        Assert.Equal(app.GetProperty("versionInfo").GetProperty("lastConfigChangeAt").GetString(), failure.GetProperty("version").GetString());
        var task = Assert.Single(app.GetProperty("tasks").EnumerateArray());
        Assert.Equal(tasks[1], task.GetProperty("id").GetString());
        Assert.Equal("/web", task.GetProperty("appId").GetString());
        Assert.Equal("TASK_RUNNING", task.GetProperty("state").GetString());
        Assert.Equal("a1.local", task.GetProperty("host").GetString());
        Assert.Equal("a1", task.GetProperty("slaveId").GetString());
        Assert.Equal(31001, task.GetProperty("ports")[0].GetInt32());
        Assert.Equal("2026-11-22T12:00:00.000Z", task.GetProperty("startedAt").GetString());
        Assert.Equal(app.GetProperty("versionInfo").GetProperty("lastConfigChangeAt").GetString(), task.GetProperty("version").GetString());
    }

    [Theory]
    [InlineData("/v2/apps/prod/web")]
    [InlineData("/v2/apps//prod/web")]
    [InlineData("/v2/apps/%2Fprod%2Fweb")]
    [InlineData("/v2/apps/prod/web/")]
    public async Task An_App_Id_In_The_Path_May_Be_Written_As_Clients_Write_It(string path)
    {
        await _host.CreateAsync(ApiHost.App("/prod/web"));
        Assert.Equal("/prod/web", (await _host.GetAsync(path)).Is(HttpStatusCode.OK).Json.GetProperty("app").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Get_Of_An_Unknown_App_Is_404_With_Marathons_Message()
    {
        var reply = (await _host.GetAsync("/v2/apps/not/there")).Is(HttpStatusCode.NotFound);
        Assert.Equal("App '/not/there' does not exist", reply.Json.GetProperty("message").GetString());
        (await _host.GetAsync("/v2/apps/Not_Valid")).Is(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Put_Creates_A_Missing_App_With_201_And_Updates_An_Existing_One_With_200()
    {
        var created = (await _host.PutAsync("/v2/apps/web", "{\"cmd\": \"sleep 100\", \"id\": \"/ignored\"}")).Is(HttpStatusCode.Created);
        Assert.Equal("/v2/apps/web", created.Header("Location"));
        var first = created.Json.GetProperty("deploymentId").GetString();
        Assert.Equal(first, created.Header("Marathon-Deployment-Id"));

        _host.Services.Time.Advance(TimeSpan.FromSeconds(5));
        var updated = (await _host.PutAsync("/v2/apps/web?force=true", "{\"cmd\": \"sleep 200\", \"instances\": 3}")).Is(HttpStatusCode.OK).Json;
        Assert.Equal("2026-11-22T12:00:05.000Z", updated.GetProperty("version").GetString());
        Assert.NotEqual(first, updated.GetProperty("deploymentId").GetString());
        var app = (await _host.GetAsync("/v2/apps/web")).Json.GetProperty("app");
        Assert.Equal(("sleep 200", 3), (app.GetProperty("cmd").GetString(), app.GetProperty("instances").GetInt32()));
    }

    [Fact]
    public async Task Put_Merges_By_Default_As_Marathon_And_Replaces_With_PartialUpdate_False()
    {
        await _host.RunningWebAsync(1, "\"env\": {\"A\": \"1\"}");
        (await _host.PutAsync("/v2/apps/web", "{\"instances\": 3}")).Is(HttpStatusCode.OK);
        var app = (await _host.GetAsync("/v2/apps/web")).Json.GetProperty("app");
        Assert.Equal(3, app.GetProperty("instances").GetInt32());
        Assert.Equal("1", app.GetProperty("env").GetProperty("A").GetString());

        var whole = (await _host.PutAsync("/v2/apps/web?partialUpdate=false&force=true", "{\"instances\": 1}")).Is(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("\"path\":\"/\"", whole.Body); // neither cmd nor args
        (await _host.PutAsync("/v2/apps/web?partialUpdate=false&force=true", "{\"cmd\": \"sleep 1\"}")).Is(HttpStatusCode.OK);
        Assert.False((await _host.GetAsync("/v2/apps/web")).Json.GetProperty("app").TryGetProperty("env", out _));
    }

    [Fact]
    public async Task Patch_Changes_Given_Fields_And_Needs_The_App()
    {
        await _host.RunningWebAsync(1);
        var reply = (await _host.PatchAsync("/v2/apps/web", "{\"instances\": 2, \"labels\": {\"x\": \"y\"}}")).Is(HttpStatusCode.OK);
        Assert.Equal(reply.Json.GetProperty("deploymentId").GetString(), reply.Header("Marathon-Deployment-Id"));
        var app = (await _host.GetAsync("/v2/apps/web")).Json.GetProperty("app");
        Assert.Equal((2, "python3 -m http.server $PORT0"), (app.GetProperty("instances").GetInt32(), app.GetProperty("cmd").GetString()));
        Assert.Equal(2, await _host.Services.ReadAsync((s, _) => s.App(AppId.Parse("/web"))!.Definition.Instances));

        var missing = (await _host.PatchAsync("/v2/apps/nope", "{\"instances\": 2}")).Is(HttpStatusCode.NotFound);
        Assert.Equal("App '/nope' does not exist", missing.Json.GetProperty("message").GetString());
        (await _host.PatchAsync("/v2/apps/web?force=true", "{\"cpus\": -1}")).Is(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Versions_Lists_Every_Change_Newest_First_And_Shows_Each_As_It_Was()
    {
        await _host.CreateAsync(ApiHost.App("/web", "\"instances\": 1"));
        _host.Services.Time.Advance(TimeSpan.FromSeconds(5.0004)); // finer than a millisecond: versions are not
        (await _host.PutAsync("/v2/apps/web?force=true", "{\"cmd\": \"sleep 200\"}")).Is(HttpStatusCode.OK);
        _host.Services.Time.Advance(TimeSpan.FromSeconds(5));
        (await _host.PutAsync("/v2/apps/web?force=true", "{\"instances\": 3}")).Is(HttpStatusCode.OK); // scaling is a version too

        var versions = (await _host.GetAsync("/v2/apps/web/versions")).Is(HttpStatusCode.OK).Json.GetProperty("versions")
            .EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.Equal(["2026-11-22T12:00:10.000Z", "2026-11-22T12:00:05.000Z", "2026-11-22T12:00:00.000Z"], versions);

        var first = (await _host.GetAsync("/v2/apps/web/versions/2026-11-22T12:00:00.000Z")).Is(HttpStatusCode.OK).Json;
        Assert.Equal(("/web", "python3 -m http.server $PORT0", 1), (first.GetProperty("id").GetString(), first.GetProperty("cmd").GetString(), first.GetProperty("instances").GetInt32()));
        var second = (await _host.GetAsync("/v2/apps/web/versions/2026-11-22T12:00:05.000Z")).Is(HttpStatusCode.OK).Json;
        Assert.Equal(("sleep 200", "2026-11-22T12:00:05.000Z"), (second.GetProperty("cmd").GetString(), second.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task Versions_Of_Unknown_Apps_And_Versions_Are_404_And_A_Malformed_Version_Is_422()
    {
        await _host.CreateAsync(ApiHost.App("/web"));
        Assert.Equal("App '/nope' does not exist", (await _host.GetAsync("/v2/apps/nope/versions")).Is(HttpStatusCode.NotFound).Json.GetProperty("message").GetString());
        Assert.Equal("App '/web' does not exist in version 2020-01-01T00:00:00.000Z",
            (await _host.GetAsync("/v2/apps/web/versions/2020-01-01T00:00:00.000Z")).Is(HttpStatusCode.NotFound).Json.GetProperty("message").GetString());
        (await _host.GetAsync("/v2/apps/nope/versions/2026-11-22T12:00:00.000Z")).Is(HttpStatusCode.NotFound);
        Assert.Equal("Invalid timestamp provided 'yesterday'. Expecting ISO-8601 datetime string.",
            (await _host.GetAsync("/v2/apps/web/versions/yesterday")).Is(HttpStatusCode.UnprocessableEntity).Json.GetProperty("message").GetString());
        (await _host.PostAsync("/v2/apps/web/versions")).Is(HttpStatusCode.MethodNotAllowed);
    }

    [Theory]
    [InlineData("PATCH")]
    [InlineData("PUT")]
    public async Task A_Body_Of_Only_A_Version_Rolls_The_App_Back_As_A_New_Version(string method)
    {
        await _host.RunningWebAsync(1, "\"env\": {\"A\": \"1\"}");
        _host.Services.Time.Advance(TimeSpan.FromSeconds(5));
        (await _host.PutAsync("/v2/apps/web?force=true", "{\"cmd\": \"sleep 200\", \"env\": {\"A\": \"2\"}}")).Is(HttpStatusCode.OK);
        _host.Services.Time.Advance(TimeSpan.FromSeconds(5));

        var reply = (await _host.SendAsync(new HttpMethod(method), "/v2/apps/web?force=true",
            "{\"id\": \"/web\", \"version\": \"2026-11-22T12:00:00.000Z\"}")).Is(HttpStatusCode.OK);
        Assert.Equal("2026-11-22T12:00:10.000Z", reply.Json.GetProperty("version").GetString());
        Assert.Equal(reply.Json.GetProperty("deploymentId").GetString(), reply.Header("Marathon-Deployment-Id"));
        var app = (await _host.GetAsync("/v2/apps/web")).Json.GetProperty("app");
        Assert.Equal(("python3 -m http.server $PORT0", "1"), (app.GetProperty("cmd").GetString(), app.GetProperty("env").GetProperty("A").GetString()));
        Assert.Equal(3, (await _host.GetAsync("/v2/apps/web/versions")).Json.GetProperty("versions").GetArrayLength());
    }

    [Fact]
    public async Task A_Rollback_To_A_Version_That_Is_Not_There_Is_404_A_Malformed_One_422_And_A_Locked_App_409()
    {
        await _host.CreateAsync(ApiHost.App("/web"));
        var unknown = (await _host.PutAsync("/v2/apps/web", "{\"version\": \"2020-01-01T00:00:00.000Z\"}")).Is(HttpStatusCode.NotFound);
        Assert.Equal("App '/web' does not exist in version 2020-01-01T00:00:00.000Z", unknown.Json.GetProperty("message").GetString());
        var malformed = (await _host.PatchAsync("/v2/apps/web", "{\"version\": 12}")).Is(HttpStatusCode.UnprocessableEntity).Json;
        Assert.Equal("/version", malformed.GetProperty("details")[0].GetProperty("path").GetString());
        (await _host.PatchAsync("/v2/apps/nope", "{\"version\": \"2026-11-22T12:00:00.000Z\"}")).Is(HttpStatusCode.NotFound);

        // The create's deployment still runs (nothing was offered): a rollback waits for it, as any change.
        (await _host.PutAsync("/v2/apps/web", "{\"version\": \"2026-11-22T12:00:00.000Z\"}")).Is(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_Change_Of_An_App_Under_Deployment_Is_409_Listing_It_Unless_Forced()
    {
        var created = await _host.CreateAsync(ApiHost.App("/web"));
        var deployment = created.Header("Marathon-Deployment-Id");
        foreach (var locked in new[]
                 {
                     await _host.PutAsync("/v2/apps/web", "{\"instances\": 3}"),
                     await _host.PatchAsync("/v2/apps/web", "{\"instances\": 3}"),
                     await _host.PostAsync("/v2/apps/web/restart"),
                 })
        {
            var body = locked.Is(HttpStatusCode.Conflict).Json;
            Assert.StartsWith("App is locked by one or more deployments. Override with the option '?force=true'.", body.GetProperty("message").GetString());
            Assert.Equal(deployment, Assert.Single(body.GetProperty("deployments").EnumerateArray()).GetProperty("id").GetString());
        }
        (await _host.PatchAsync("/v2/apps/web?force=true", "{\"instances\": 3}")).Is(HttpStatusCode.OK);
        (await _host.PatchAsync("/v2/apps/web?force", "{\"instances\": 2}")).Is(HttpStatusCode.OK);
        var bad = (await _host.PatchAsync("/v2/apps/web?force=maybe", "{\"instances\": 3}")).Is(HttpStatusCode.BadRequest);
        Assert.Equal("Query parameter 'force' must be true or false, not 'maybe'.", bad.Json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Delete_Stops_The_App_Even_During_A_Deployment_And_404s_An_Unknown_One()
    {
        await _host.CreateAsync(ApiHost.App("/web"));
        await _host.Services.OfferAsync("a1");
        var reply = (await _host.DeleteAsync("/v2/apps/web")).Is(HttpStatusCode.OK); // force defaults to true, as in Marathon
        Assert.Equal(reply.Json.GetProperty("deploymentId").GetString(), reply.Header("Marathon-Deployment-Id"));
        foreach (var task in await _host.Services.TasksOfAsync("/web")) await _host.Services.StatusAsync(task, TaskState.TaskKilled);
        (await _host.GetAsync("/v2/apps/web")).Is(HttpStatusCode.NotFound);
        Assert.Equal("App '/web' does not exist", (await _host.DeleteAsync("/v2/apps/web")).Is(HttpStatusCode.NotFound).Json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Restart_Starts_A_Rolling_Restart_Deployment()
    {
        await _host.RunningWebAsync(2);
        _host.Services.Time.Advance(TimeSpan.FromSeconds(1)); // a new configuration version
        var reply = (await _host.PostAsync("/v2/apps/web/restart")).Is(HttpStatusCode.OK).Json;
        var deployments = (await _host.GetAsync("/v2/deployments")).Json;
        var deployment = Assert.Single(deployments.EnumerateArray());
        Assert.Equal(reply.GetProperty("deploymentId").GetString(), deployment.GetProperty("id").GetString());
        Assert.Equal("RestartApplication", deployment.GetProperty("currentActions")[0].GetProperty("action").GetString());
        (await _host.PostAsync("/v2/apps/nope/restart")).Is(HttpStatusCode.NotFound);
        (await _host.GetAsync("/v2/apps/web/restart")).Is(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Changes_Through_The_Api_Publish_Api_Post_Events()
    {
        await _host.CreateAsync(ApiHost.App("/web"));
        var e = _host.Services.Carried.SelectMany(d => d.Events).Single(e => e.Type == "api_post_event");
        Assert.Equal("/v2/apps", e.Fields["uri"]);
        Assert.Equal("/web", ((JsonElement)e.Fields["appDefinition"]!).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_Body_Larger_Than_The_Limit_Is_413()
    {
        await using var host = await ApiHost.StartAsync(new MarathonApiOptions { MaxBodyBytes = 100 });
        var reply = (await host.PostAsync("/v2/apps", ApiHost.App("/web", $"\"env\": {{\"X\": \"{new string('x', 200)}\"}}"))).Is(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("100 bytes", reply.Json.GetProperty("message").GetString());
    }
}

using System.Net;
using System.Text.Json;
using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Schedulers.Jobs.Tests.Api;

/// <summary><c>PUT /v1/scheduler/job/{name}</c> (run now), <c>DELETE /v1/scheduler/task/kill/{name}</c> and
/// Bridge's <c>GET /v1/scheduler/job/{name}/history</c>.</summary>
public sealed class RunsApiTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<List<JsonElement>> HistoryAsync(string name) =>
        (await _host.GetAsync($"/v1/scheduler/job/{name}/history")).Is(HttpStatusCode.OK).Json.EnumerateArray().ToList();

    private static string? Text(JsonElement run, string field) =>
        run.GetProperty(field).ValueKind == JsonValueKind.Null ? null : run.GetProperty(field).ToString();

    [Fact]
    public async Task Run_Now_Is_204_And_Queues_A_Manual_Run()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        var reply = (await _host.PutAsync("/v1/scheduler/job/a")).Is(HttpStatusCode.NoContent);
        Assert.Equal("", reply.Body);

        var run = Assert.Single(await HistoryAsync("a"));
        Assert.Equal("a:1", Text(run, "runId"));
        Assert.Equal("a", Text(run, "job"));
        Assert.Equal(1, run.GetProperty("run").GetInt64());
        Assert.Equal(0, run.GetProperty("attempt").GetInt32());
        Assert.Equal("bridge-job:a:1:0", Text(run, "taskId"));
        Assert.Equal("MANUAL", Text(run, "trigger"));
        Assert.Equal("QUEUED", Text(run, "state"));
        Assert.Equal("2026-11-22T12:00:00.000Z", Text(run, "due"));
        Assert.Equal("2026-11-22T12:00:00.000Z", Text(run, "created"));
        foreach (var field in new[] { "launched", "started", "ended", "exitStatus", "skipReason", "agentId", "agentHostname", "sandbox", "stdout", "stderr" })
            Assert.Null(Text(run, field));
        Assert.False(run.GetProperty("killRequested").GetBoolean());
    }

    [Fact]
    public async Task Run_Now_Runs_A_Disabled_Job_Too()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a", "\"disabled\": true"));
        (await _host.PutAsync("/v1/scheduler/job/a")).Is(HttpStatusCode.NoContent);
        Assert.Single(await _host.Jobs.OfferAsync());
    }

    [Theory]
    [InlineData("?arguments=")]
    [InlineData("?arguments=%20%20")]
    public async Task Run_Now_Takes_Blank_Arguments(string query)
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        (await _host.PutAsync("/v1/scheduler/job/a" + query)).Is(HttpStatusCode.NoContent);
        Assert.Single(await HistoryAsync("a"));
    }

    [Fact]
    public async Task Run_Now_With_Arguments_Gives_That_Run_Alone_Its_Arguments()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        (await _host.PutAsync("/v1/scheduler/job/a?arguments=--verbose%20--day%202026-11-22")).Is(HttpStatusCode.NoContent);
        Assert.Equal("--verbose --day 2026-11-22", Text(Assert.Single(await HistoryAsync("a")), "arguments"));

        (await _host.PutAsync("/v1/scheduler/job/a")).Is(HttpStatusCode.NoContent);
        Assert.Null(Text((await HistoryAsync("a"))[0], "arguments")); // the next run has none
    }

    [Theory]
    [InlineData("?arguments=-a%0Arm%20-rf")]
    [InlineData("?arguments=%09tab")]
    public async Task Run_Now_Refuses_Arguments_With_Control_Characters_Naming_The_Parameter_And_Starts_Nothing(string query)
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        var reply = await _host.PutAsync("/v1/scheduler/job/a" + query);
        Assert.Contains("without control characters", reply.Error(HttpStatusCode.BadRequest));
        Assert.Equal(["arguments"], reply.ErrorFields());
        Assert.Empty(await HistoryAsync("a"));
    }

    [Theory]
    [InlineData("PUT", "/v1/scheduler/job/nope")]
    [InlineData("PUT", "/v1/scheduler/job/no%20such")]
    [InlineData("DELETE", "/v1/scheduler/task/kill/nope")]
    [InlineData("DELETE", "/v1/scheduler/task/kill/no%20such")]
    [InlineData("GET", "/v1/scheduler/job/nope/history")]
    [InlineData("GET", "/v1/scheduler/job/no%20such/history")]
    public async Task An_Unknown_Job_Is_404(string method, string path)
    {
        var reply = await _host.SendAsync(new HttpMethod(method), path);
        Assert.EndsWith("does not exist", reply.Error(HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task History_Shows_A_Successful_Run_From_Launch_To_End()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        (await _host.PutAsync("/v1/scheduler/job/a")).Is(HttpStatusCode.NoContent);
        await _host.Jobs.AdvanceAsync(TimeSpan.FromSeconds(1));
        var task = Assert.Single(await _host.Jobs.OfferAsync("agent-7"));
        await _host.Jobs.AdvanceAsync(TimeSpan.FromSeconds(2));
        await _host.Jobs.StatusAsync(task, TaskState.TaskRunning);
        await _host.Jobs.AdvanceAsync(TimeSpan.FromSeconds(30));
        await _host.Jobs.StatusAsync(task, TaskState.TaskFinished, 0, "Command exited with status 0");

        var run = Assert.Single(await HistoryAsync("a"));
        Assert.Equal("SUCCEEDED", Text(run, "state"));
        Assert.Equal("2026-11-22T12:00:00.000Z", Text(run, "due"));
        Assert.Equal("2026-11-22T12:00:01.000Z", Text(run, "launched"));
        Assert.Equal("2026-11-22T12:00:03.000Z", Text(run, "started"));
        Assert.Equal("2026-11-22T12:00:33.000Z", Text(run, "ended"));
        Assert.Equal(0, run.GetProperty("exitStatus").GetInt32());
        Assert.Equal("Command exited with status 0", Text(run, "message"));
        Assert.Equal("agent-7", Text(run, "agentId"));
        Assert.Equal("agent-7.local", Text(run, "agentHostname"));
        Assert.Equal("fw-1/bridge-job:a:1:0", Text(run, "sandbox"));
        Assert.Equal("http://agent-7.local:5051/files/read?path=fw-1%2Fbridge-job%3Aa%3A1%3A0%2Fstdout&offset=0", Text(run, "stdout"));
        Assert.Equal("http://agent-7.local:5051/files/read?path=fw-1%2Fbridge-job%3Aa%3A1%3A0%2Fstderr&offset=0", Text(run, "stderr"));
        Assert.Null(Text(run, "skipReason"));
    }

    [Fact]
    public async Task History_Is_Newest_First_With_A_Waiting_Retry_Above_Its_Failed_Attempt()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a", "\"retries\": 1"));
        await _host.RunOnceAsync("a");
        await _host.RunOnceAsync("a", exitCode: 3);

        var runs = await HistoryAsync("a");
        Assert.Equal(["a:2/1 WAITING", "a:2/0 FAILED", "a:1/0 SUCCEEDED"],
            runs.Select(r => $"{Text(r, "runId")}/{r.GetProperty("attempt").GetInt32()} {Text(r, "state")}"));
        Assert.Equal(3, runs[1].GetProperty("exitStatus").GetInt32());
        Assert.Equal("Command exited with status 3", Text(runs[1], "message"));
        Assert.Equal("2026-11-22T12:01:00.000Z", Text(runs[0], "due"));
        Assert.Equal("retry 1 of 1 after attempt 0 failed", Text(runs[0], "message"));
    }

    [Fact]
    public async Task History_Shows_Skipped_Runs_With_Their_Reason()
    {
        // Due every minute from 12:01, 30 s to start, never two at once.
        await _host.AddScheduledAsync("""{"name": "s", "command": "sleep 90", "schedule": "R/2026-11-22T12:01:00Z/PT1M", "epsilon": "PT30S"}""");
        (await _host.PutAsync("/v1/scheduler/job/s")).Is(HttpStatusCode.NoContent);
        Assert.Single(await _host.Jobs.OfferAsync());
        await _host.Jobs.AdvanceAsync(TimeSpan.FromMinutes(1)); // 12:01 due while the manual run is active
        (await _host.DeleteAsync("/v1/scheduler/task/kill/s")).Is(HttpStatusCode.NoContent);
        await _host.Jobs.StatusAsync("bridge-job:s:1:0", TaskState.TaskKilled);
        await _host.Jobs.AdvanceAsync(TimeSpan.FromMinutes(1)); // 12:02 queued, no offer comes
        await _host.Jobs.AdvanceAsync(TimeSpan.FromSeconds(31));

        var runs = await HistoryAsync("s");
        Assert.Equal(["s:3 SKIPPED PAST_STARTING_DEADLINE SCHEDULE", "s:2 SKIPPED CONCURRENT_RUN_ACTIVE SCHEDULE", "s:1 KILLED  MANUAL"],
            runs.Select(r => $"{Text(r, "runId")} {Text(r, "state")} {Text(r, "skipReason")} {Text(r, "trigger")}"));
        Assert.Equal("2026-11-22T12:01:00.000Z", Text(runs[1], "due"));
        Assert.Equal("2026-11-22T12:02:00.000Z", Text(runs[0], "due"));
        Assert.False(string.IsNullOrEmpty(Text(runs[0], "message")));
    }

    [Fact]
    public async Task Kill_Is_204_Killing_Launched_Runs_And_Ending_Queued_Ones()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a", "\"concurrent\": true"));
        (await _host.PutAsync("/v1/scheduler/job/a")).Is(HttpStatusCode.NoContent);
        var launched = Assert.Single(await _host.Jobs.OfferAsync());
        await _host.Jobs.StatusAsync(launched, TaskState.TaskRunning);
        (await _host.PutAsync("/v1/scheduler/job/a")).Is(HttpStatusCode.NoContent); // queued, no offer

        var reply = (await _host.DeleteAsync("/v1/scheduler/task/kill/a")).Is(HttpStatusCode.NoContent);
        Assert.Equal("", reply.Body);
        Assert.Equal(launched, Assert.Single(_host.Jobs.Carried[^1].Kills).TaskId);
        var runs = await HistoryAsync("a");
        Assert.Equal(["a:2 KILLED False", "a:1 RUNNING True"],
            runs.Select(r => $"{Text(r, "runId")} {Text(r, "state")} {r.GetProperty("killRequested").GetBoolean()}"));

        await _host.Jobs.StatusAsync(launched, TaskState.TaskKilled);
        Assert.Equal("KILLED", Text((await HistoryAsync("a"))[1], "state"));
    }

    [Fact]
    public async Task Kill_With_Nothing_Active_Is_204()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        (await _host.DeleteAsync("/v1/scheduler/task/kill/a")).Is(HttpStatusCode.NoContent);
        Assert.Empty(_host.Jobs.Carried[^1].Kills);
    }

    [Fact]
    public async Task The_Example_Hourly_Job_Added_Then_Run_By_Hand_Records_A_Successful_Run()
    {
        // What `bridge job add examples/jobs/hourly.json` then `bridge job run hourly` send.
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bridge.sln"))) directory = directory.Parent;
        var json = await File.ReadAllTextAsync(Path.Combine(directory!.FullName, "examples", "jobs", "hourly.json"));
        _host.Jobs.Time.Advance(TimeSpan.FromMinutes(30)); // between two hourly due times
        await _host.AddScheduledAsync(json);
        await _host.RunOnceAsync("hourly");

        var run = Assert.Single(await HistoryAsync("hourly"));
        Assert.Equal("SUCCEEDED MANUAL 0", $"{Text(run, "state")} {Text(run, "trigger")} {Text(run, "exitStatus")}");
        Assert.Equal(1, (await _host.GetAsync("/v1/scheduler/job/hourly")).Json.GetProperty("successCount").GetInt64());
    }

    [Fact]
    public async Task A_Dependent_Job_Runs_After_Its_Parent_And_Shows_Parents_As_Trigger()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        await _host.AddDependentAsync(ApiHost.Child("b", "a"));
        await _host.RunOnceAsync("a");

        var run = Assert.Single(await HistoryAsync("b"));
        Assert.Equal("PARENTS", Text(run, "trigger"));
        Assert.Equal("QUEUED", Text(run, "state"));
    }
}

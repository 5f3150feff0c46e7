using System.Net;
using System.Text;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Jobs.Api;
using Bridge.Schedulers.Jobs.Api.Internal;
using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Tests.Definitions;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Schedulers.Jobs.Tests.Api;

/// <summary><c>POST /v1/scheduler/iso8601</c> and <c>/dependency</c> (add, replace, every refusal), and
/// <c>DELETE /v1/scheduler/job/{name}</c>.</summary>
public sealed class SubmitApiTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<bool> ExistsAsync(string name) => (await _host.Jobs.JobAsync(name)) is not null;

    [Fact]
    public async Task Post_Adds_A_Job_With_204_And_No_Body()
    {
        var reply = await _host.AddScheduledAsync(ApiHost.Daily("a"));
        Assert.Equal("", reply.Body);
        Assert.True(await ExistsAsync("a"));
        Assert.Contains(_host.Jobs.Carried.SelectMany(d => d.Events), e => e.Type == "job_created" && (string?)e.Fields["jobName"] == "a");
    }

    [Fact]
    public async Task An_Invalid_Job_Is_400_Naming_Every_Field_At_Fault()
    {
        var reply = await _host.PostAsync("/v1/scheduler/iso8601",
            """{"name": "a b", "command": "x", "schedule": "R/2030-01-01T00:00:00Z/P1D", "retries": -1, "Retries": 1}""");
        var message = reply.Error(HttpStatusCode.BadRequest);
        Assert.Equal("Bad Request", reply.Json.GetProperty("status").GetString());
        Assert.StartsWith("invalid job: ", message);
        Assert.Contains("did you mean 'retries'?", message);
        Assert.Equal(["Retries", "name", "retries"], reply.ErrorFields().Order(StringComparer.Ordinal));
        Assert.False(await ExistsAsync("a"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[1, 2]")]
    public async Task A_Body_That_Is_Not_A_Job_Object_Is_400(string body)
    {
        var reply = await _host.PostAsync("/v1/scheduler/iso8601", body);
        Assert.StartsWith("invalid job: ", reply.Error(HttpStatusCode.BadRequest));
        Assert.Equal([""], reply.ErrorFields());
    }

    [Fact]
    public async Task A_Dependent_Job_Posted_To_Iso8601_Is_400_Naming_Parents()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        var reply = await _host.PostAsync("/v1/scheduler/iso8601", ApiHost.Child("b", "a"));
        Assert.Contains("/v1/scheduler/dependency", reply.Error(HttpStatusCode.BadRequest));
        Assert.Equal(["parents"], reply.ErrorFields());
        Assert.False(await ExistsAsync("b"));
    }

    [Theory]
    [InlineData("\"schedule\": \"R/2030-01-01T00:00:00Z/P1D\"", "schedule")]
    [InlineData("\"cron\": \"0 * * * *\"", "cron")]
    public async Task A_Scheduled_Job_Posted_To_Dependency_Is_400_Naming_Its_Schedule(string schedule, string field)
    {
        var reply = await _host.PostAsync("/v1/scheduler/dependency", $"{{\"name\": \"a\", \"command\": \"x\", {schedule}}}");
        Assert.Contains("/v1/scheduler/iso8601", reply.Error(HttpStatusCode.BadRequest));
        Assert.Equal([field], reply.ErrorFields());
    }

    [Fact]
    public async Task A_Metronome_Cron_Job_Is_Accepted_At_Iso8601()
    {
        await _host.AddScheduledAsync(Samples.MetronomeCronJob);
        var job = await _host.Jobs.JobAsync("everyminute");
        Assert.Equal(JobKind.Cron, job!.Definition.Kind);
    }

    [Fact]
    public async Task Unknown_Parents_Are_400_Naming_Them()
    {
        var reply = await _host.PostAsync("/v1/scheduler/dependency", ApiHost.Child("c", "x", "y"));
        Assert.Equal("job c: unknown parents x, y", reply.Error(HttpStatusCode.BadRequest));
        Assert.Equal(["parents"], reply.ErrorFields());
        Assert.False(await ExistsAsync("c"));
    }

    [Fact]
    public async Task A_Cycle_Is_400_Naming_Its_Path_And_Changes_Nothing()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        await _host.AddDependentAsync(ApiHost.Child("b", "a"));
        await _host.AddDependentAsync(ApiHost.Child("c", "b"));
        var reply = await _host.PostAsync("/v1/scheduler/dependency", ApiHost.Child("a", "c"));
        Assert.Equal("job a would close a cycle: a -> b -> c -> a", reply.Error(HttpStatusCode.BadRequest));
        Assert.Equal(["parents"], reply.ErrorFields());
        Assert.Equal(JobKind.Scheduled, (await _host.Jobs.JobAsync("a"))!.Definition.Kind);
    }

    [Fact]
    public async Task A_Name_Too_Long_For_Task_Ids_Is_400_Naming_It()
    {
        var reply = await _host.PostAsync("/v1/scheduler/iso8601", ApiHost.Daily(new string('n', 201)));
        Assert.Contains("at most 200", reply.Error(HttpStatusCode.BadRequest));
        Assert.Equal(["name"], reply.ErrorFields());
    }

    [Fact]
    public async Task A_New_Job_Starts_From_The_Status_Posted()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a", "\"successCount\": 5, \"lastSuccess\": \"2026-01-02T03:04:05.678Z\""));
        var job = (await _host.GetAsync("/v1/scheduler/job/a")).Json;
        Assert.Equal(5, job.GetProperty("successCount").GetInt64());
        Assert.Equal("2026-01-02T03:04:05.678Z", job.GetProperty("lastSuccess").GetString());
    }

    [Fact]
    public async Task Posting_An_Existing_Name_Replaces_The_Definition_Keeping_Status_And_History()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        await _host.RunOnceAsync("a");
        var reply = await _host.PostAsync("/v1/scheduler/iso8601",
            """{"name": "a", "command": "echo changed", "schedule": "R/2030-01-01T00:00:00Z/P1D", "successCount": 999}""");
        reply.Is(HttpStatusCode.NoContent);

        var job = (await _host.GetAsync("/v1/scheduler/job/a")).Json;
        Assert.Equal("echo changed", job.GetProperty("command").GetString());
        Assert.Equal(1, job.GetProperty("successCount").GetInt64());
        Assert.Single((await _host.GetAsync("/v1/scheduler/job/a/history")).Json.EnumerateArray());
        Assert.Contains(_host.Jobs.Carried.SelectMany(d => d.Events), e => e.Type == "job_updated");
    }

    [Fact]
    public async Task A_Scheduled_Job_Reposted_To_Dependency_Becomes_Dependent()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        await _host.AddScheduledAsync(ApiHost.Daily("b"));
        await _host.AddDependentAsync(ApiHost.Child("b", "a"));
        var job = (await _host.GetAsync("/v1/scheduler/job/b")).Json;
        Assert.Equal(["a"], job.GetProperty("parents").EnumerateArray().Select(p => p.GetString()));
        Assert.False(job.TryGetProperty("schedule", out _));
    }

    [Fact]
    public async Task Accepted_Fields_Not_Honoured_Are_Listed_In_A_Header()
    {
        var reply = await _host.AddScheduledAsync(Samples.ChronosDockerJob);
        Assert.StartsWith("container: ", reply.Header(ApiHttp.UnsupportedHeader));
        Assert.Null((await _host.AddScheduledAsync(ApiHost.Daily("plain"))).Header(ApiHttp.UnsupportedHeader));
    }

    [Fact]
    public async Task The_Body_Is_Read_As_Json_Whatever_Its_Content_Type()
    {
        using var content = new StringContent(ApiHost.Daily("a"), Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await _host.Client.PostAsync("/v1/scheduler/iso8601", content);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(await ExistsAsync("a"));
    }

    [Fact]
    public async Task A_Body_Over_The_Limit_Is_413()
    {
        await using var host = await ApiHost.StartAsync(new ChronosApiOptions { MaxBodyBytes = 64 });
        var reply = await host.PostAsync("/v1/scheduler/iso8601", ApiHost.Daily("a", $"\"description\": \"{new string('d', 100)}\""));
        Assert.Contains("larger than 64 bytes", reply.Error(HttpStatusCode.RequestEntityTooLarge));
        (await host.PostAsync("/v1/scheduler/iso8601", """{"name":"a","command":"x","cron":"0 * * * *"}""")).Is(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Delete_Removes_The_Job_And_Kills_Its_Tasks()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        (await _host.PutAsync("/v1/scheduler/job/a")).Is(HttpStatusCode.NoContent);
        var task = Assert.Single(await _host.Jobs.OfferAsync());
        await _host.Jobs.StatusAsync(task, TaskState.TaskRunning);

        var reply = (await _host.DeleteAsync("/v1/scheduler/job/a")).Is(HttpStatusCode.NoContent);
        Assert.Equal("", reply.Body);
        Assert.False(await ExistsAsync("a"));
        Assert.Equal(task, Assert.Single(_host.Jobs.Carried[^1].Kills).TaskId);
        (await _host.GetAsync("/v1/scheduler/job/a")).Is(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_Rewires_Children_As_Chronos_Does()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        await _host.AddDependentAsync(ApiHost.Child("b", "a"));
        await _host.AddDependentAsync(ApiHost.Child("c", "b"));

        (await _host.DeleteAsync("/v1/scheduler/job/b")).Is(HttpStatusCode.NoContent);
        Assert.Equal(["a"], (await _host.GetAsync("/v1/scheduler/job/c")).Json.GetProperty("parents").EnumerateArray().Select(p => p.GetString()));

        // c's only parent was a root: c takes its schedule.
        (await _host.DeleteAsync("/v1/scheduler/job/a")).Is(HttpStatusCode.NoContent);
        var c = (await _host.GetAsync("/v1/scheduler/job/c")).Json;
        Assert.Equal("R/2030-01-01T00:00:00.000Z/P1D", c.GetProperty("schedule").GetString());
        Assert.False(c.TryGetProperty("parents", out _));
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("no%20such")]
    public async Task Delete_Of_An_Unknown_Job_Is_404(string name) =>
        Assert.EndsWith("does not exist", (await _host.DeleteAsync($"/v1/scheduler/job/{name}")).Error(HttpStatusCode.NotFound));
}

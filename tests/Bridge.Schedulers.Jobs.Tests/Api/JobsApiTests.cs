using System.Net;
using System.Text.Json;
using Bridge.Schedulers.Jobs.Tests.Definitions;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Schedulers.Jobs.Tests.Api;

/// <summary><c>GET /v1/scheduler/jobs</c>, <c>/jobs/search</c>, <c>/job/{name}</c>; Chronos' documented jobs
/// accepted unchanged; <c>/ping</c> and methods a path does not take.</summary>
public sealed class JobsApiTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<List<string>> NamesAsync(string path) =>
        (await _host.GetAsync(path)).Is(HttpStatusCode.OK).Json.EnumerateArray().Select(j => j.GetProperty("name").GetString()!).ToList();

    [Fact]
    public async Task List_With_No_Jobs_Is_An_Empty_Array()
    {
        var reply = (await _host.GetAsync("/v1/scheduler/jobs")).Is(HttpStatusCode.OK);
        Assert.Equal("[]", reply.Body);
        Assert.Equal("application/json", reply.Header("Content-Type"));
    }

    [Fact]
    public async Task Chronos_Documented_Jobs_Are_Accepted_Unchanged_And_Listed_With_Their_Status()
    {
        await _host.AddScheduledAsync(Samples.ChronosScheduledJob);
        await _host.AddScheduledAsync(Samples.ChronosDockerJob);
        await _host.AddScheduledAsync(Samples.ChronosSampleJob);
        await _host.AddScheduledAsync(Samples.MetronomeCronJob);
        // The dependent job's parents must exist first.
        await _host.AddScheduledAsync(ApiHost.Daily("db_export-airbed_hostings"));
        await _host.AddScheduledAsync(ApiHost.Daily("db_export-airbed_reservation2s"));
        await _host.AddDependentAsync(Samples.ChronosDependentJob);

        var jobs = (await _host.GetAsync("/v1/scheduler/jobs")).Is(HttpStatusCode.OK).Json.EnumerateArray()
            .ToDictionary(j => j.GetProperty("name").GetString()!);
        Assert.Equal(
            ["SAMPLE_JOB1", "camus_kafka2hdfs", "db_export-airbed_hostings", "db_export-airbed_reservation2s", "dockerjob", "everyminute", "hostings_earnings_summary"],
            jobs.Keys.Order(StringComparer.Ordinal));

        var sample = jobs["camus_kafka2hdfs"];
        Assert.Equal(190, sample.GetProperty("successCount").GetInt64());
        Assert.Equal(3, sample.GetProperty("errorCount").GetInt64());
        Assert.Equal("2014-03-08T16:57:17.507Z", sample.GetProperty("lastSuccess").GetString());
        Assert.Equal("2014-03-01T00:10:15.957Z", sample.GetProperty("lastError").GetString());
        Assert.Equal("R/2014-03-08T20:00:00.000Z/PT2H", sample.GetProperty("schedule").GetString());
        Assert.Equal(["-verbose", "-debug"], sample.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()));

        var dependent = jobs["hostings_earnings_summary"];
        Assert.Equal(["db_export-airbed_hostings", "db_export-airbed_reservation2s"], dependent.GetProperty("parents").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(100, dependent.GetProperty("successCount").GetInt64());
        Assert.Equal("", dependent.GetProperty("lastError").GetString());
        Assert.False(dependent.TryGetProperty("schedule", out _));

        var cron = jobs["everyminute"];
        Assert.Equal("* * * * *", cron.GetProperty("cron").GetString());
        Assert.Equal("America/Chicago", cron.GetProperty("timezone").GetString());
    }

    [Fact]
    public async Task What_Get_Returns_Posts_Back_Unchanged_With_Nothing_Unsupported()
    {
        await _host.AddScheduledAsync(Samples.ChronosSampleJob);
        await _host.AddScheduledAsync(Samples.MetronomeCronJob);
        await _host.AddDependentAsync(ApiHost.Child("child", "camus_kafka2hdfs"));
        var before = (await _host.GetAsync("/v1/scheduler/jobs")).Body;

        foreach (var job in JsonDocument.Parse(before).RootElement.EnumerateArray())
        {
            var path = job.TryGetProperty("parents", out _) ? "/v1/scheduler/dependency" : "/v1/scheduler/iso8601";
            var reply = (await _host.PostAsync(path, job.GetRawText())).Is(HttpStatusCode.NoContent);
            Assert.Null(reply.Header("Bridge-Unsupported"));
        }
        Assert.Equal(before, (await _host.GetAsync("/v1/scheduler/jobs")).Body);
    }

    [Fact]
    public async Task List_Shows_The_Status_The_Runs_Made()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a", "\"retries\": 0"));
        await _host.RunOnceAsync("a");
        await _host.Jobs.AdvanceAsync(TimeSpan.FromMinutes(1));
        await _host.RunOnceAsync("a", exitCode: 1);

        var job = Assert.Single((await _host.GetAsync("/v1/scheduler/jobs")).Json.EnumerateArray());
        Assert.Equal(1, job.GetProperty("successCount").GetInt64());
        Assert.Equal(1, job.GetProperty("errorCount").GetInt64());
        Assert.Equal(1, job.GetProperty("errorsSinceLastSuccess").GetInt64());
        Assert.Equal("2026-11-22T12:00:00.000Z", job.GetProperty("lastSuccess").GetString());
        Assert.Equal("2026-11-22T12:01:00.000Z", job.GetProperty("lastError").GetString());
    }

    [Fact]
    public async Task Show_Returns_One_Job_And_404_For_An_Unknown_One()
    {
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        var job = (await _host.GetAsync("/v1/scheduler/job/a")).Is(HttpStatusCode.OK).Json;
        Assert.Equal("a", job.GetProperty("name").GetString());
        Assert.Equal("echo a", job.GetProperty("command").GetString());

        Assert.Equal("job b does not exist", (await _host.GetAsync("/v1/scheduler/job/b")).Error(HttpStatusCode.NotFound));
        Assert.Equal("Not Found", (await _host.GetAsync("/v1/scheduler/job/b")).Json.GetProperty("status").GetString());
        Assert.Equal("job no such does not exist", (await _host.GetAsync("/v1/scheduler/job/no%20such")).Error(HttpStatusCode.NotFound));
    }

    private async Task AddSearchJobsAsync()
    {
        await _host.AddScheduledAsync("""{"name": "alpha-report", "command": "echo alpha", "schedule": "R/2030-01-01T00:00:00Z/P1D"}""");
        await _host.AddScheduledAsync("""{"name": "beta", "command": "/bin/Run-Report.sh", "schedule": "R/2030-01-01T00:00:00Z/P1D"}""");
        await _host.AddScheduledAsync("""{"name": "gamma", "command": "echo gamma", "schedule": "R/2030-01-01T00:00:00Z/P1D"}""");
    }

    [Theory]
    [InlineData("?name=report", "alpha-report")]
    [InlineData("?name=ALPHA", "alpha-report")]
    [InlineData("?command=report", "beta")]
    [InlineData("?name=a&command=echo", "alpha-report,gamma")]
    [InlineData("?any=report", "alpha-report,beta")]
    [InlineData("?any=GAMMA", "gamma")]
    [InlineData("?name=alpha&any=gamma", "alpha-report,gamma")]
    [InlineData("?name=nothing", "")]
    [InlineData("", "alpha-report,beta,gamma")]
    [InlineData("?name=", "alpha-report,beta,gamma")]
    [InlineData("?limit=1&offset=1", "beta")]
    [InlineData("?offset=2", "gamma")]
    [InlineData("?limit=0", "")]
    [InlineData("?offset=5", "")]
    public async Task Search_Matches_Terms_Case_Insensitively_As_Chronos_Combines_Them(string query, string expected)
    {
        await AddSearchJobsAsync();
        Assert.Equal(expected, string.Join(",", await NamesAsync("/v1/scheduler/jobs/search" + query)));
    }

    [Fact]
    public async Task Search_Returns_At_Most_Ten_By_Default()
    {
        for (int i = 0; i < 12; i++) await _host.AddScheduledAsync(ApiHost.Daily($"job{i:00}"));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"job{i:00}"), await NamesAsync("/v1/scheduler/jobs/search"));
        Assert.Equal(12, (await NamesAsync("/v1/scheduler/jobs/search?limit=100")).Count);
    }

    [Theory]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("offset=1.5", "offset")]
    public async Task Search_Refuses_A_Bad_Limit_Or_Offset_Naming_It(string query, string field)
    {
        var reply = await _host.GetAsync("/v1/scheduler/jobs/search?" + query);
        Assert.Contains(field, reply.Error(HttpStatusCode.BadRequest));
        Assert.Equal([field], reply.ErrorFields());
    }

    [Fact]
    public async Task Ping_Answers_Pong_Uncached()
    {
        var reply = (await _host.GetAsync("/ping")).Is(HttpStatusCode.OK);
        Assert.Equal("pong", reply.Body);
        Assert.StartsWith("text/plain", reply.Header("Content-Type"));
        Assert.Contains("no-cache", reply.Header("Cache-Control"));
    }

    [Theory]
    [InlineData("POST", "/v1/scheduler/jobs")]
    [InlineData("PUT", "/v1/scheduler/iso8601")]
    [InlineData("GET", "/v1/scheduler/dependency")]
    [InlineData("POST", "/v1/scheduler/job/a")]
    [InlineData("PUT", "/v1/scheduler/task/kill/a")]
    [InlineData("DELETE", "/v1/scheduler/graph/dot")]
    public async Task A_Method_A_Path_Does_Not_Take_Is_405(string method, string path) =>
        (await _host.SendAsync(new HttpMethod(method), path, method == "GET" ? null : "{}")).Is(HttpStatusCode.MethodNotAllowed);
}

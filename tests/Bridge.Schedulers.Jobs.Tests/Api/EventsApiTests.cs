using System.Net;
using System.Text.Json;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Jobs.Api.Internal;
using Bridge.Schedulers.Jobs.Runs;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Schedulers.Jobs.Tests.Api;

/// <summary><c>GET /v1/scheduler/events</c>: server-sent events read from the stream, each read with a deadline.</summary>
public sealed class EventsApiTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>An open event stream.</summary>
    private sealed class Stream(HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        /// <summary>The next event (type and JSON data), or null at the end of the stream.</summary>
        public async Task<(string Type, JsonElement Data)?> NextAsync()
        {
            using var timeout = new CancellationTokenSource(Deadline);
            string? type = null, data = null;
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line["event: ".Length..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line["data: ".Length..];
                else if (line.Length == 0 && type is not null && data is not null)
                {
                    using var document = JsonDocument.Parse(data);
                    return (type, document.RootElement.Clone());
                }
                else Assert.Fail($"unexpected line in the event stream: '{line}'");
            }
            return null;
        }

        public void Dispose()
        {
            reader.Dispose();
            response.Dispose();
        }
    }

    private async Task<Stream> OpenAsync(string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/scheduler/events" + query);
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new Stream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>Waits, up to the deadline, until <paramref name="condition"/> holds.</summary>
    private static async Task PollAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail($"timed out waiting until {what}");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task The_Stream_Opens_With_Attached_Then_Carries_The_Schedulers_Events()
    {
        using var stream = await OpenAsync();
        var attached = (await stream.NextAsync())!.Value;
        Assert.Equal("event_stream_attached", attached.Type);
        Assert.Equal("event_stream_attached", attached.Data.GetProperty("eventType").GetString());
        Assert.Equal("2026-11-22T12:00:00.000Z", attached.Data.GetProperty("timestamp").GetString());
        Assert.True(attached.Data.TryGetProperty("remoteAddress", out _));

        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        var created = (await stream.NextAsync())!.Value;
        Assert.Equal("job_created", created.Type);
        Assert.Equal("a", created.Data.GetProperty("jobName").GetString());

        await _host.Jobs.AdvanceAsync(TimeSpan.FromSeconds(5));
        (await _host.PutAsync("/v1/scheduler/job/a")).Is(HttpStatusCode.NoContent);
        var started = (await stream.NextAsync())!.Value;
        Assert.Equal("job_run_started", started.Type);
        Assert.Equal("a", started.Data.GetProperty("jobName").GetString());
        Assert.Equal(1, started.Data.GetProperty("run").GetInt64());
        Assert.Equal(0, started.Data.GetProperty("attempt").GetInt32());
        Assert.Equal("bridge-job:a:1:0", started.Data.GetProperty("taskId").GetString());
        Assert.Equal("QUEUED", started.Data.GetProperty("state").GetString());
        Assert.Equal("2026-11-22T12:00:05.000Z", started.Data.GetProperty("dueAt").GetString());
        Assert.Equal("2026-11-22T12:00:05.000Z", started.Data.GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task Event_Type_Keeps_Only_Those_Types()
    {
        using var stream = await OpenAsync("?event_type=job_run_finished&event_type=job_deleted");
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        var task = await _host.RunOnceAsync("a");
        (await _host.DeleteAsync("/v1/scheduler/job/a")).Is(HttpStatusCode.NoContent);

        var finished = (await stream.NextAsync())!.Value;
        Assert.Equal("job_run_finished", finished.Type);
        Assert.Equal(task, finished.Data.GetProperty("taskId").GetString());
        Assert.Equal("SUCCEEDED", finished.Data.GetProperty("state").GetString());
        Assert.Equal(0, finished.Data.GetProperty("exitCode").GetInt32());
        Assert.Equal("a1.local", finished.Data.GetProperty("host").GetString());
        Assert.Equal("job_deleted", (await stream.NextAsync())!.Value.Type);
    }

    [Fact]
    public async Task Comma_Separated_Types_Filter_Too()
    {
        using var stream = await OpenAsync("?event_type=job_deleted,job_created");
        await _host.AddScheduledAsync(ApiHost.Daily("a"));
        (await _host.PutAsync("/v1/scheduler/job/a")).Is(HttpStatusCode.NoContent);
        (await _host.DeleteAsync("/v1/scheduler/job/a")).Is(HttpStatusCode.NoContent);
        Assert.Equal("job_created", (await stream.NextAsync())!.Value.Type);
        Assert.Equal("job_deleted", (await stream.NextAsync())!.Value.Type);
    }

    [Fact]
    public async Task The_Stream_Ends_When_The_Scheduler_Stops()
    {
        using var stream = await OpenAsync();
        Assert.Equal("event_stream_attached", (await stream.NextAsync())!.Value.Type);
        _host.Jobs.CompleteEvents();
        Assert.Null(await stream.NextAsync());
    }

    [Fact]
    public async Task A_Client_That_Goes_Away_Is_Unsubscribed()
    {
        var stream = await OpenAsync();
        Assert.Equal("event_stream_attached", (await stream.NextAsync())!.Value.Type);
        Assert.Equal(1, _host.Jobs.Subscribers);
        stream.Dispose();
        await PollAsync(() => _host.Jobs.Subscribers == 0, "the stream's subscription ends");
    }

    [Fact]
    public void Fields_Are_Written_As_Json_Values_With_Type_And_Timestamp()
    {
        var e = new JobEvent("job_run_update", new DateTimeOffset(2026, 3, 29, 1, 2, 3, 456, TimeSpan.FromHours(2)),
            new Dictionary<string, object?> { ["jobName"] = "a\"b", ["run"] = 7L, ["attempt"] = 1, ["disabled"] = true, ["message"] = null, ["cpus"] = 0.5 });
        var frame = System.Text.Encoding.UTF8.GetString(EventsApi.Frame(e));
        Assert.Equal(
            "event: job_run_update\ndata: {\"jobName\":\"a\\\"b\",\"run\":7,\"attempt\":1,\"disabled\":true,\"message\":null,\"cpus\":0.5,"
            + "\"eventType\":\"job_run_update\",\"timestamp\":\"2026-03-28T23:02:03.456Z\"}\n\n",
            frame);
    }
}

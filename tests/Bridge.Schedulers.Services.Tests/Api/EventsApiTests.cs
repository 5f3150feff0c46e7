using System.Net;
using System.Text.Json;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Services.Scheduling;
using Bridge.Testing;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Schedulers.Services.Tests.Api;

/// <summary><c>/v2/events</c>: server-sent events read from the stream, each read with a deadline.</summary>
public sealed class EventsApiTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>An open event stream.</summary>
    private sealed class Stream(HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        public HttpResponseMessage Response => response;

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

        /// <summary>Reads until an event of <paramref name="type"/>, skipping others.</summary>
        public async Task<JsonElement> NextOfAsync(string type)
        {
            while (await NextAsync() is { } e)
                if (e.Type == type) return e.Data;
            throw new Xunit.Sdk.XunitException($"the stream ended before a {type}");
        }

        public void Dispose()
        {
            reader.Dispose();
            response.Dispose();
        }
    }

    private async Task<Stream> OpenAsync(string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v2/events" + query);
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new Stream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    [Fact]
    public async Task The_Stream_Opens_With_Attached_Then_Carries_The_Schedulers_Events()
    {
        using var stream = await OpenAsync();
        var attached = await stream.NextAsync();
        Assert.Equal("event_stream_attached", attached!.Value.Type);
        Assert.Equal("event_stream_attached", attached.Value.Data.GetProperty("eventType").GetString());
        Assert.Equal("2026-11-22T12:00:00.000Z", attached.Value.Data.GetProperty("timestamp").GetString());
        Assert.True(attached.Value.Data.TryGetProperty("remoteAddress", out _));

        var created = await _host.CreateAsync(ApiHost.App("/web"));
        var info = await stream.NextOfAsync("deployment_info");
        Assert.Equal(created.Header("Marathon-Deployment-Id"), info.GetProperty("id").GetString());
        Assert.Equal(["StartApplication", "ScaleApplication"], info.GetProperty("steps").EnumerateArray().Select(s => s.GetString()));
        var posted = await stream.NextOfAsync("api_post_event");
        Assert.Equal("/web", posted.GetProperty("appDefinition").GetProperty("id").GetString());
        Assert.Equal("/v2/apps", posted.GetProperty("uri").GetString());

        await _host.Services.OfferAsync("a1");
        _host.Services.Time.Advance(TimeSpan.FromSeconds(2));
        await _host.Services.RunAllAsync("/web");
        var update = await stream.NextOfAsync("status_update_event");
        Assert.Equal("TASK_RUNNING", update.GetProperty("taskStatus").GetString());
        Assert.Equal("/web", update.GetProperty("appId").GetString());
        Assert.Equal("a1.local", update.GetProperty("host").GetString());
        Assert.Equal(31000, update.GetProperty("ports")[0].GetInt32());
        Assert.Equal("status_update_event", update.GetProperty("eventType").GetString());
        Assert.Equal("2026-11-22T12:00:02.000Z", update.GetProperty("timestamp").GetString());
        Assert.Equal("/web", (await stream.NextOfAsync("deployment_success")).GetProperty("appId").GetString());
    }

    [Fact]
    public async Task Event_Type_Keeps_Only_The_Types_Asked_For()
    {
        using var stream = await OpenAsync("?event_type=status_update_event&event_type=app_terminated_event");
        // No attached event passes the filter, but the stream subscribes before it answers.
        Assert.Equal(1, _host.Services.Subscribers);
        await _host.CreateAsync(ApiHost.App("/web"));
        await _host.Services.OfferAsync("a1");
        await _host.Services.RunAllAsync("/web");
        var first = await stream.NextAsync();
        Assert.Equal("status_update_event", first!.Value.Type);

        (await _host.DeleteAsync("/v2/apps/web")).Is(HttpStatusCode.OK);
        foreach (var task in await _host.Services.TasksOfAsync("/web")) await _host.Services.StatusAsync(task, TaskState.TaskKilled);
        Assert.Equal("TASK_KILLED", (await stream.NextAsync())!.Value.Data.GetProperty("taskStatus").GetString());
        Assert.Equal("app_terminated_event", (await stream.NextAsync())!.Value.Type);
    }

    [Fact]
    public async Task A_Client_That_Goes_Away_Is_Unsubscribed()
    {
        var stream = await OpenAsync();
        await stream.NextAsync();
        Assert.Equal(1, _host.Services.Subscribers);
        stream.Dispose();
        await Wait.UntilAsync(() => _host.Services.Subscribers == 0, "the stream's subscription to end", Deadline);
    }

    [Fact]
    public async Task The_Stream_Ends_When_The_Scheduler_Stops()
    {
        using var stream = await OpenAsync();
        await stream.NextAsync();
        _host.Services.CompleteEvents();
        Assert.Null(await stream.NextAsync());
    }

    [Fact]
    public void Event_Fields_Of_Every_Kind_Are_Written_As_Json()
    {
        var e = new ServiceEvent("custom", InMemoryServices.T0, new Dictionary<string, object?>
        {
            ["text"] = "a\nb",
            ["number"] = 3,
            ["fraction"] = 0.5,
            ["flag"] = true,
            ["none"] = null,
            ["list"] = new List<string> { "x", "y" },
            ["ports"] = (IReadOnlyList<int>)[31000],
            ["when"] = InMemoryServices.T0.AddSeconds(1),
        });
        var frame = System.Text.Encoding.UTF8.GetString(Services.Api.Internal.EventsApi.Frame(e));
        Assert.Equal("event: custom\ndata: {\"text\":\"a\\nb\",\"number\":3,\"fraction\":0.5,\"flag\":true,\"none\":null,\"list\":[\"x\",\"y\"],"
            + "\"ports\":[31000],\"when\":\"2026-11-22T12:00:01.000Z\",\"eventType\":\"custom\",\"timestamp\":\"2026-11-22T12:00:00.000Z\"}\n\n", frame);
    }
}

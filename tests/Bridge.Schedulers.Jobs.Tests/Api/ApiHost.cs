using System.Net;
using System.Text;
using System.Text.Json;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Jobs.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace Bridge.Schedulers.Jobs.Tests.Api;

/// <summary>The REST API on an in-memory TestServer over an <see cref="InMemoryJobs"/>, with JSON helpers.</summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiHost(WebApplication app, InMemoryJobs jobs)
    {
        _app = app;
        Jobs = jobs;
        Client = app.GetTestClient();
    }

    public InMemoryJobs Jobs { get; }

    public HttpClient Client { get; }

    public static async Task<ApiHost> StartAsync(ChronosApiOptions? options = null)
    {
        var jobs = new InMemoryJobs();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        ChronosApi.Map(app, jobs, (options ?? new ChronosApiOptions()) with { TimeProvider = jobs.Time });
        await app.StartAsync();
        return new ApiHost(app, jobs);
    }

    /// <summary>Sends a request; <paramref name="body"/> goes as JSON text when given.</summary>
    public async Task<Reply> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Client.SendAsync(request);
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync(),
            response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase));
    }

    public Task<Reply> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<Reply> PostAsync(string path, string body) => SendAsync(HttpMethod.Post, path, body);

    public Task<Reply> PutAsync(string path) => SendAsync(HttpMethod.Put, path);

    public Task<Reply> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    /// <summary>Posts a scheduled or cron job to <c>/iso8601</c> and asserts 204.</summary>
    public async Task<Reply> AddScheduledAsync(string json) => (await PostAsync("/v1/scheduler/iso8601", json)).Is(HttpStatusCode.NoContent);

    /// <summary>Posts a dependent job to <c>/dependency</c> and asserts 204.</summary>
    public async Task<Reply> AddDependentAsync(string json) => (await PostAsync("/v1/scheduler/dependency", json)).Is(HttpStatusCode.NoContent);

    /// <summary>A job that runs once a day from a far-future start (so nothing is due during a test), with <paramref name="fields"/> added.</summary>
    public static string Daily(string name, string fields = "") =>
        $"{{\"name\": \"{name}\", \"command\": \"echo {name}\", \"schedule\": \"R/2030-01-01T00:00:00Z/P1D\"" + (fields.Length > 0 ? ", " + fields : "") + "}";

    /// <summary>A dependent job of <paramref name="parents"/>.</summary>
    public static string Child(string name, params string[] parents) =>
        $"{{\"name\": \"{name}\", \"command\": \"echo {name}\", \"parents\": [{string.Join(", ", parents.Select(p => $"\"{p}\""))}]}}";

    /// <summary>Starts a run of <paramref name="name"/> by hand, launches it on one offer, and reports it running
    /// then ended with <paramref name="exitCode"/> (0: TASK_FINISHED, else TASK_FAILED); returns its task id.</summary>
    public async Task<string> RunOnceAsync(string name, int exitCode = 0)
    {
        (await PutAsync($"/v1/scheduler/job/{name}")).Is(HttpStatusCode.NoContent);
        var task = Assert.Single(await Jobs.OfferAsync());
        await Jobs.StatusAsync(task, TaskState.TaskRunning);
        await Jobs.StatusAsync(task, exitCode == 0 ? TaskState.TaskFinished : TaskState.TaskFailed, exitCode,
            exitCode == 0 ? "Command exited with status 0" : $"Command exited with status {exitCode}");
        return task;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Jobs.Dispose();
    }
}

/// <summary>A response: status, body text, headers (content headers included).</summary>
internal sealed record Reply(HttpStatusCode Status, string Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The body as JSON (a clone: it outlives the document).</summary>
    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
    }

    public string? Header(string name) => Headers.GetValueOrDefault(name);

    /// <summary>Asserts the status, showing the body when it differs.</summary>
    public Reply Is(HttpStatusCode status)
    {
        Assert.True(Status == status, $"expected {(int)status}, got {(int)Status}: {Body}");
        return this;
    }

    /// <summary>Asserts a Chronos ApiResult error with <paramref name="status"/> and returns its message.</summary>
    public string Error(HttpStatusCode status)
    {
        Is(status);
        Assert.Equal("application/json", Header("Content-Type"));
        return Json.GetProperty("message").GetString()!;
    }

    /// <summary>The fields named in the error's <c>errors</c> array.</summary>
    public List<string> ErrorFields() =>
        Json.TryGetProperty("errors", out var errors) ? errors.EnumerateArray().Select(e => e.GetProperty("field").GetString()!).ToList() : [];
}

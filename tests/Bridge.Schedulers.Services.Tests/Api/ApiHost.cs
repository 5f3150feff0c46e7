using System.Net;
using System.Text;
using System.Text.Json;
using Bridge.Schedulers.Services.Api;
using Bridge.Schedulers.Services.Definitions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace Bridge.Schedulers.Services.Tests.Api;

/// <summary>The REST API on an in-memory TestServer over an <see cref="InMemoryServices"/>, with JSON helpers.</summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiHost(WebApplication app, InMemoryServices services)
    {
        _app = app;
        Services = services;
        Client = app.GetTestClient();
    }

    public InMemoryServices Services { get; }

    public HttpClient Client { get; }

    public static async Task<ApiHost> StartAsync(MarathonApiOptions? options = null)
    {
        var services = new InMemoryServices();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        MarathonApi.Map(app, services, (options ?? new MarathonApiOptions()) with { TimeProvider = services.Time });
        await app.StartAsync();
        return new ApiHost(app, services);
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

    public Task<Reply> PostAsync(string path, string? body = null) => SendAsync(HttpMethod.Post, path, body);

    public Task<Reply> PutAsync(string path, string body) => SendAsync(HttpMethod.Put, path, body);

    public Task<Reply> PatchAsync(string path, string body) => SendAsync(HttpMethod.Patch, path, body);

    public Task<Reply> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    /// <summary>Creates an app and asserts 201.</summary>
    public async Task<Reply> CreateAsync(string json)
    {
        var reply = await PostAsync("/v2/apps", json);
        Assert.True(reply.Status == HttpStatusCode.Created, $"POST /v2/apps: {(int)reply.Status} {reply.Body}");
        return reply;
    }

    /// <summary>Creates <c>/web</c> with <paramref name="instances"/> (and <paramref name="fields"/>), offers one big agent
    /// and reports its tasks running, so its deployment is done.</summary>
    public async Task<List<string>> RunningWebAsync(int instances = 2, string fields = "")
    {
        await CreateAsync(App("/web", $"\"instances\": {instances}" + (fields.Length > 0 ? ", " + fields : "")));
        await Services.OfferAsync("a1", "cpus:16;mem:16384;ports:[31000-31099]");
        await Services.RunAllAsync("/web", healthy: fields.Contains("healthChecks") ? true : null);
        Assert.Null(await Services.ReadAsync((s, _) => s.App(AppId.Parse("/web"))!.Deployment));
        return await Services.TasksOfAsync("/web");
    }

    /// <summary>A small valid app definition with <paramref name="fields"/> (JSON members) added.</summary>
    public static string App(string id, string fields = "") =>
        $"{{\"id\": \"{id}\", \"cmd\": \"python3 -m http.server $PORT0\", \"cpus\": 0.5, \"mem\": 64" + (fields.Length > 0 ? ", " + fields : "") + "}";

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Services.Dispose();
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
}

using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bridge.Yarn.Hadoop.Tests;

/// <summary>A loopback HTTP server answering a Hadoop RM's routes with recorded bodies (path and query → status, body),
/// recording every request it gets.</summary>
internal sealed class RecordedRm : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RecordedRm(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Answers by path + query; a path not here is 404.</summary>
    public ConcurrentDictionary<string, (int Status, string Body)> Routes { get; } = new();

    /// <summary>Every request: method, path + query, body.</summary>
    public ConcurrentQueue<(string Method, string Path, string Body)> Requests { get; } = new();

    public HttpClient Client() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The standard answers from Recorded/.</summary>
    public RecordedRm WithRecordedCluster()
    {
        Routes["/ws/v1/cluster/metrics"] = (200, Recorded("metrics.json"));
        Routes["/ws/v1/cluster/nodes"] = (200, Recorded("nodes.json"));
        Routes["/ws/v1/cluster/apps?states=RUNNING"] = (200, Recorded("apps-running.json"));
        Routes["/ws/v1/cluster/apps/application_1476912658570_0002/appattempts"] = (200, Recorded("appattempts.json"));
        Routes["/ws/v1/cluster/apps/application_1476912658570_0002/appattempts/appattempt_1476912658570_0002_000001/containers"] = (200, Recorded("containers.json"));
        return this;
    }

    public static string Recorded(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recorded", file));

    public static async Task<RecordedRm> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRouting();
        var app = builder.Build();
        RecordedRm? rm = null;
        app.Run(async context =>
        {
            var path = context.Request.Path + context.Request.QueryString;
            using var reader = new StreamReader(context.Request.Body);
            rm!.Requests.Enqueue((context.Request.Method, path, await reader.ReadToEndAsync()));
            var key = context.Request.Method == "GET" ? path : $"{context.Request.Method} {path}";
            if (!rm.Routes.TryGetValue(key, out var answer))
            {
                context.Response.StatusCode = 404;
                return;
            }
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer.Body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        rm = new RecordedRm(app, new Uri(address + "/"));
        return rm;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Records every argv; answers with <see cref="ExitCode"/>.</summary>
internal sealed class RecordingRunner : ICommandRunner
{
    public List<IReadOnlyList<string>> Commands { get; } = [];
    public int ExitCode { get; set; }

    public Task<(int ExitCode, string Stderr)> RunAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        lock (Commands) Commands.Add(argv);
        return Task.FromResult((ExitCode, ExitCode == 0 ? "" : "refreshNodes: access denied"));
    }
}

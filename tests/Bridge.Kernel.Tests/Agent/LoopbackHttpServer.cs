using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bridge.Kernel.Tests.Agent;

/// <summary>A Kestrel server on 127.0.0.1 (a free port) answering with a handler the test sets; counts requests per path.</summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _hits = new();

    private LoopbackHttpServer(WebApplication app) => _app = app;

    /// <summary>Answers every request; replaceable between requests.</summary>
    public volatile RequestDelegate Handler = context => { context.Response.StatusCode = 404; return Task.CompletedTask; };

    public Uri BaseAddress { get; private set; } = null!;

    public int Port => BaseAddress.Port;

    public int Hits(string path) => _hits.GetValueOrDefault(path);

    public static async Task<LoopbackHttpServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new LoopbackHttpServer(app);
        app.Run(context =>
        {
            server._hits.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, n) => n + 1);
            return server.Handler(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseAddress = new Uri(address);
        return server;
    }

    /// <summary>Serves <paramref name="files"/> by path (with Content-Length unless <paramref name="chunked"/>); 404 otherwise.</summary>
    public void Serve(IReadOnlyDictionary<string, byte[]> files, bool chunked = false) => Handler = async context =>
    {
        if (!files.TryGetValue(context.Request.Path.Value ?? "", out var body))
        {
            context.Response.StatusCode = 404;
            return;
        }
        if (!chunked) context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body);
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

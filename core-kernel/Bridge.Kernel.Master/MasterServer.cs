using System.Net;
using Bridge.Kernel.Master.Http;
using Bridge.Rpc;
using Bridge.Rpc.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Kernel.Master;

/// <summary>
/// A master serving on one port: the scheduler, agent and operator APIs and the standard health
/// service over gRPC (h2c), and over plain HTTP/1.1 <c>GET /api/v1/state</c> (JSON, see
/// <see cref="StateJson"/>), <c>GET /metrics</c> (Prometheus text format 0.0.4) and
/// <c>GET /health</c>.
/// </summary>
public sealed class MasterServer : IAsyncDisposable
{
    private readonly RpcServer _server;

    private MasterServer(Master master, RpcServer server)
    {
        Master = master;
        _server = server;
    }

    /// <summary>The master.</summary>
    public Master Master { get; }

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:5050</c>.</summary>
    public Uri Address => _server.Address;

    /// <summary>Starts a master on <paramref name="endpoint"/> (port 0 picks a free one).</summary>
    /// <exception cref="IOException">The endpoint is in use.</exception>
    public static async Task<MasterServer> StartAsync(MasterOptions options, IPEndPoint endpoint, ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        var master = await Master.StartAsync(options, $"{endpoint.Address}:{endpoint.Port}", loggerFactory, cancellationToken);
        RpcServer server;
        try
        {
            server = await RpcServer.StartAsync(
                new RpcServerOptions { Endpoint = endpoint, LoggerFactory = loggerFactory, TimeProvider = options.TimeProvider },
                [new SchedulerService(master), new AgentMasterService(master), new OperatorService(master), new HealthService()],
                http: app => MapHttp(app, master), cancellationToken: cancellationToken);
        }
        catch
        {
            await master.DisposeAsync();
            throw;
        }
        await master.Run(() => { master.Info.Address = $"{server.Address.Host}:{server.Address.Port}"; });
        return new MasterServer(master, server);
    }

    private static void MapHttp(IApplicationBuilder app, Master master) => app.Run(async http =>
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        switch (http.Request.Path.Value)
        {
            case "/health":
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync("{\"healthy\":true}");
                break;
            case "/api/v1/state":
                http.Response.ContentType = "application/json";
                await StateJson.WriteAsync(await master.SnapshotAsync(), http.Response.Body, http.RequestAborted);
                break;
            case "/metrics":
                http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await http.Response.WriteAsync((await master.SnapshotAsync()).Metrics);
                break;
            default:
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync($"{{\"error\":\"no such endpoint: {System.Text.Encodings.Web.JavaScriptEncoder.Default.Encode(http.Request.Path.Value ?? "")}\"}}");
                break;
        }
    });

    /// <summary>Stops serving, then stops the master.</summary>
    public async ValueTask DisposeAsync()
    {
        await Master.DisposeAsync();
        await _server.DisposeAsync();
    }
}

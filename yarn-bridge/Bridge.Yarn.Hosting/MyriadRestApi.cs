using System.Text;
using Bridge.Yarn.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bridge.Yarn.Hosting;

/// <summary>
/// Myriad's REST API over a running <see cref="YarnBridgeFramework"/> (Myriad 0.2's <c>ClustersResource</c>,
/// <c>SchedulerStateResource</c> and <c>ConfigurationResource</c>), with its paths, status codes and shapes:
/// <list type="bullet">
/// <item><c>PUT /api/cluster/flexup</c> <c>{"instances":N,"profile":"medium","constraints":["hostname LIKE h-[0-9]+"]}</c>:
/// 202 with an empty body, 400 with the reason as text.</item>
/// <item><c>PUT /api/cluster/flexdown</c> (the same body): 202 (with Myriad's warning as text when fewer were flexed up
/// than asked), 400 with the reason.</item>
/// <item><c>GET /api/state</c>: task ids by state plus the NodeManagers and placeholders (<see cref="BridgeApi.State"/>).</item>
/// <item><c>GET /api/config</c>: the configuration in Myriad's names (<see cref="ConfigJson"/>).</item>
/// </list>
/// Another method on these paths gets 405 with an <c>Allow</c> header; a body over <see cref="MaxBodyBytes"/> gets 413.
/// Changes run on the bridge's loop and answer once their decisions are saved and sent to the master.
/// </summary>
public static class MyriadRestApi
{
    /// <summary>The largest request body read, in bytes (64 KiB: a flex request is a few dozen).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Maps the endpoints on <paramref name="endpoints"/>.</summary>
    /// <param name="endpoints">Where to map (a <c>WebApplication</c>).</param>
    /// <param name="bridge">The running bridge.</param>
    /// <param name="restApiPort">The port served on, for <c>GET /api/config</c> (asked per request: known once bound).</param>
    public static void Map(IEndpointRouteBuilder endpoints, YarnBridgeFramework bridge, Func<int> restApiPort)
    {
        Route(endpoints, "/api/cluster/flexup", HttpMethods.Put, async context =>
        {
            if (await BodyAsync(context) is not { } body) return;
            await WriteAsync(context, await bridge.ChangeAsync((core, now, decisions) => BridgeApi.FlexUp(core, body, now, decisions)));
        });
        Route(endpoints, "/api/cluster/flexdown", HttpMethods.Put, async context =>
        {
            if (await BodyAsync(context) is not { } body) return;
            await WriteAsync(context, await bridge.ChangeAsync((core, now, decisions) => BridgeApi.FlexDown(core, body, now, decisions)));
        });
        Route(endpoints, "/api/state", HttpMethods.Get, async context =>
            await WriteAsync(context, await bridge.ReadAsync((core, _) => BridgeApi.State(core))));
        Route(endpoints, "/api/config", HttpMethods.Get, context =>
            WriteAsync(context, ConfigJson.Response(bridge.Options.Bridge, bridge.Settings(restApiPort()))));
    }

    private static void Route(IEndpointRouteBuilder endpoints, string path, string method, RequestDelegate handler)
    {
        endpoints.MapMethods(path, [method], handler);
        string[] methods = [HttpMethods.Get, HttpMethods.Put, HttpMethods.Post, HttpMethods.Delete, HttpMethods.Patch];
        endpoints.MapMethods(path, methods.Where(m => m != method), context =>
        {
            context.Response.Headers.Allow = method;
            return WriteAsync(context, new ApiResponse(405, ApiResponse.Text, $"{context.Request.Method} is not allowed on {path}; use {method}"));
        });
    }

    /// <summary>The body, or null after answering 413 when it is too large.</summary>
    private static async Task<byte[]?> BodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            await WriteAsync(context, TooLarge());
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                await WriteAsync(context, TooLarge());
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static ApiResponse TooLarge() => new(413, ApiResponse.Text, $"the request body is over {MaxBodyBytes} bytes");

    private static async Task WriteAsync(HttpContext context, ApiResponse response)
    {
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = response.ContentType;
        if (response.Body.Length > 0) await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(response.Body), context.RequestAborted);
    }
}

using Microsoft.AspNetCore.Http;

namespace Bridge.Schedulers.Services.Api.Internal;

/// <summary>
/// <c>GET /v2/info</c>, <c>GET /v2/leader</c> and <c>GET /ping</c> (Marathon's InfoResource,
/// LeaderResource and ping). A services scheduler is a single instance, always the leader; its
/// address is the one the request was sent to.
/// </summary>
internal static class InfoApi
{
    /// <summary>
    /// <c>{"name", "version", "elected": true, "leader": "host:port", "frameworkId", "marathon_config": {"master",
    /// "framework_name", "features": []}, "http_config": {"http_port"}}</c>; <c>frameworkId</c> is null before the first
    /// subscription. Marathon's ZooKeeper and many of its settings have no counterpart and are left out.
    /// </summary>
    public static Task InfoAsync(ApiContext api, HttpContext context)
    {
        var info = api.Control.Info;
        var (leader, port) = Address(context);
        return ApiHttp.JsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", info.Name);
            w.WriteString("version", info.Version);
            w.WriteBoolean("elected", true);
            w.WriteString("leader", leader);
            if (info.FrameworkId is { } id) w.WriteString("frameworkId", id);
            else w.WriteNull("frameworkId");
            w.WriteStartObject("marathon_config");
            w.WriteString("master", info.Master);
            w.WriteString("framework_name", info.Name);
            w.WriteStartArray("features");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("http_config");
            w.WriteNumber("http_port", port);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary><c>{"leader": "host:port"}</c>.</summary>
    public static Task LeaderAsync(HttpContext context) => ApiHttp.JsonAsync(context, StatusCodes.Status200OK, w =>
    {
        w.WriteStartObject();
        w.WriteString("leader", Address(context).Leader);
        w.WriteEndObject();
    });

    /// <summary><c>pong</c> as text, never cached.</summary>
    public static Task PingAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "must-revalidate, no-cache, no-store";
        return context.Response.WriteAsync("pong", context.RequestAborted);
    }

    /// <summary>The address the request reached: the Host header's, with the connection's port when it names none.</summary>
    private static (string Leader, int Port) Address(HttpContext context)
    {
        var host = context.Request.Host;
        var port = host.Port ?? (context.Connection.LocalPort is > 0 and var local ? local : context.Request.IsHttps ? 443 : 80);
        return ($"{(host.HasValue ? host.Host : "127.0.0.1")}:{port}", port);
    }
}

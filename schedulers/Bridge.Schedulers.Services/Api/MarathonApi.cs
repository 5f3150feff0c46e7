using Bridge.Schedulers.Services.Api.Internal;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bridge.Schedulers.Services.Api;

/// <summary>Settings of the services scheduler's REST API. Immutable.</summary>
public sealed record MarathonApiOptions
{
    /// <summary>The clock for what the API stamps itself (<c>event_stream_attached</c>); everything else is
    /// stamped on the scheduler's loop (default: <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How app definitions are read: the default role and the roles an app may name
    /// (default: <see cref="AppJsonOptions.Default"/>; the path's id is set per request).</summary>
    public AppJsonOptions AppJson { get; init; } = AppJsonOptions.Default;

    /// <summary>The largest request body accepted, in bytes; a larger one gets 413 (default: 1 MiB,
    /// ZooKeeper's node limit, which bounded Marathon's app definitions).</summary>
    public int MaxBodyBytes { get; init; } = 1 << 20;
}

/// <summary>
/// Marathon's REST API (v2) over a running services scheduler (<see cref="IServicesControl"/>), with
/// Marathon's paths, query parameters, status codes and JSON shapes (Marathon 1.10:
/// docs/docs/rest-api/public/api/v2/*.raml and its resources). docs/services.md lists the endpoints
/// and where Bridge differs.
/// <list type="bullet">
/// <item><c>GET /v2/apps</c> (<c>id</c>, <c>cmd</c>, <c>label</c>, <c>embed</c>), <c>POST /v2/apps</c></item>
/// <item><c>GET</c>, <c>PUT</c> (<c>force</c>, <c>partialUpdate</c>), <c>PATCH</c> (<c>force</c>), <c>DELETE</c> (<c>force</c>) <c>/v2/apps/{id}</c></item>
/// <item><c>POST /v2/apps/{id}/restart</c>; <c>GET</c>, <c>DELETE</c> (<c>host</c>, <c>scale</c>, <c>force</c>) <c>/v2/apps/{id}/tasks</c>; <c>DELETE /v2/apps/{id}/tasks/{taskId}</c></item>
/// <item><c>GET /v2/tasks</c> (<c>status</c>), <c>POST /v2/tasks/delete</c> (<c>scale</c>, <c>force</c>)</item>
/// <item><c>GET /v2/deployments</c>, <c>DELETE /v2/deployments/{id}</c> (<c>force</c>)</item>
/// <item><c>GET /v2/queue</c> (<c>embed=lastUnusedOffers</c>), <c>DELETE /v2/queue/{id}/delay</c></item>
/// <item><c>GET /v2/events</c> (server-sent events, <c>event_type</c>), <c>GET /v2/info</c>, <c>GET /v2/leader</c>, <c>GET /ping</c></item>
/// </list>
/// Reads take a snapshot on the scheduler's loop and write JSON off it; changes run on the loop and
/// answer once their decisions are carried out.
/// </summary>
public static class MarathonApi
{
    /// <summary>
    /// Maps the endpoints on <paramref name="endpoints"/> and starts following
    /// <paramref name="control"/>'s events for <c>lastTaskFailure</c> (until the host stops, or the
    /// event stream ends).
    /// </summary>
    /// <param name="endpoints">Where to map (a <c>WebApplication</c>, or <c>UseEndpoints</c>' builder).</param>
    /// <param name="control">The running scheduler.</param>
    /// <param name="options">Settings (default: <see cref="MarathonApiOptions"/>'s defaults).</param>
    /// <returns>The group of all the endpoints, to add conventions (authorization, ...).</returns>
    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, IServicesControl control, MarathonApiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(control);
        var api = new ApiContext(control, options ?? new MarathonApiOptions());
        var group = endpoints.MapGroup("");

        string[] any = [HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];
        group.MapMethods("/v2/apps", [HttpMethods.Get, HttpMethods.Post], context => AppsApi.RootAsync(api, context));
        group.MapMethods("/v2/apps/{**path}", any, context => AppsApi.PathAsync(api, context, PathOf(context)));

        group.MapGet("/v2/tasks", context => TasksApi.ListAsync(api, context));
        group.MapPost("/v2/tasks/delete", context => TasksApi.DeleteManyAsync(api, context));

        group.MapGet("/v2/deployments", context => DeploymentsApi.ListAsync(api, context));
        group.MapDelete("/v2/deployments/{id}", context => DeploymentsApi.CancelAsync(api, context, (string)context.GetRouteValue("id")!));

        group.MapGet("/v2/queue", context => QueueApi.ListAsync(api, context));
        group.MapDelete("/v2/queue/{**path}", context => QueueApi.ResetDelayAsync(api, context, PathOf(context)));

        group.MapGet("/v2/events", context => EventsApi.StreamAsync(api, context));
        group.MapGet("/v2/info", context => InfoApi.InfoAsync(api, context));
        group.MapGet("/v2/leader", InfoApi.LeaderAsync);
        group.MapGet("/ping", InfoApi.PingAsync);
        return group;
    }

    /// <summary>The catch-all route value, decoded: clients that escape an app id's slashes (<c>%2Fprod%2Fweb</c>) mean them.</summary>
    private static string PathOf(HttpContext context) => Uri.UnescapeDataString((string?)context.GetRouteValue("path") ?? "");
}

using Bridge.Schedulers.Jobs.Api.Internal;
using Bridge.Schedulers.Jobs.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bridge.Schedulers.Jobs.Api;

/// <summary>Settings of the jobs scheduler's REST API. Immutable.</summary>
public sealed record ChronosApiOptions
{
    /// <summary>The clock for what the API stamps itself (<c>event_stream_attached</c>); everything
    /// else is stamped on the scheduler's loop (default: <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The largest request body accepted, in bytes; a larger one gets 413 (default: 1 MiB,
    /// ZooKeeper's node limit, which bounded Chronos' stored jobs).</summary>
    public int MaxBodyBytes { get; init; } = 1 << 20;
}

/// <summary>
/// Chronos' REST API (<c>/v1/scheduler</c>) over a running jobs scheduler (<see cref="IJobsControl"/>),
/// with Chronos' paths, query parameters, status codes and job JSON (Chronos 3: docs/docs/api.md and
/// its <c>*Resource.scala</c>), plus Bridge's run history and event stream. docs/jobs.md ("REST API")
/// lists the endpoints and where Bridge differs.
/// <list type="bullet">
/// <item><c>GET /v1/scheduler/jobs</c>; <c>GET /v1/scheduler/jobs/search</c> (<c>name</c>, <c>command</c>, <c>any</c>, <c>limit</c>, <c>offset</c>)</item>
/// <item><c>POST /v1/scheduler/iso8601</c> (a scheduled or cron job), <c>POST /v1/scheduler/dependency</c> (a dependent job): add or replace, 204</item>
/// <item><c>GET</c>, <c>PUT</c> (run now), <c>DELETE</c> <c>/v1/scheduler/job/{name}</c>; <c>DELETE /v1/scheduler/task/kill/{name}</c></item>
/// <item><c>GET /v1/scheduler/graph/dot</c> (<c>text/vnd.graphviz</c>)</item>
/// <item>Bridge's: <c>GET /v1/scheduler/job/{name}/history</c> (runs, newest first), <c>GET /v1/scheduler/events</c>
/// (server-sent events, <c>event_type</c>); and <c>GET /ping</c></item>
/// </list>
/// Errors are Chronos' <c>ApiResult</c>, <c>{"status": "Bad Request", "message": ...}</c>, with
/// <c>errors: [{"field", "message"}]</c> when fields are at fault: 400 for an invalid job (every
/// field named), an unknown parent, a cycle; 404 for an unknown job; 413 for a body over
/// <see cref="ChronosApiOptions.MaxBodyBytes"/>. Reads take a snapshot on the scheduler's loop and
/// write JSON off it; changes run on the loop and answer once their decisions are carried out.
/// </summary>
public static class ChronosApi
{
    /// <summary>Maps the endpoints on <paramref name="endpoints"/>.</summary>
    /// <param name="endpoints">Where to map (a <c>WebApplication</c>, or <c>UseEndpoints</c>' builder).</param>
    /// <param name="control">The running scheduler.</param>
    /// <param name="options">Settings (default: <see cref="ChronosApiOptions"/>'s defaults).</param>
    /// <returns>The group of all the endpoints, to add conventions (authorization, ...).</returns>
    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, IJobsControl control, ChronosApiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(control);
        var api = new ApiContext(control, options ?? new ChronosApiOptions());
        var group = endpoints.MapGroup("");

        group.MapGet("/v1/scheduler/jobs", context => JobsApi.ListAsync(api, context));
        group.MapGet("/v1/scheduler/jobs/search", context => JobsApi.SearchAsync(api, context));
        group.MapPost("/v1/scheduler/iso8601", context => SubmitApi.PostAsync(api, context, SubmitApi.Endpoint.Iso8601));
        group.MapPost("/v1/scheduler/dependency", context => SubmitApi.PostAsync(api, context, SubmitApi.Endpoint.Dependency));

        group.MapGet("/v1/scheduler/job/{name}", context => JobsApi.ShowAsync(api, context, NameOf(context)));
        group.MapPut("/v1/scheduler/job/{name}", context => RunsApi.RunNowAsync(api, context, NameOf(context)));
        group.MapDelete("/v1/scheduler/job/{name}", context => SubmitApi.DeleteAsync(api, context, NameOf(context)));
        group.MapDelete("/v1/scheduler/task/kill/{name}", context => RunsApi.KillAsync(api, context, NameOf(context)));
        group.MapGet("/v1/scheduler/job/{name}/history", context => RunsApi.HistoryAsync(api, context, NameOf(context)));

        group.MapGet("/v1/scheduler/graph/dot", context => JobsApi.DotAsync(api, context));
        group.MapGet("/v1/scheduler/events", context => EventsApi.StreamAsync(api, context));
        group.MapGet("/ping", PingAsync);
        return group;
    }

    private static string NameOf(HttpContext context) => (string)context.GetRouteValue("name")!;

    /// <summary><c>pong</c> as text, never cached.</summary>
    private static Task PingAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "must-revalidate, no-cache, no-store";
        return context.Response.WriteAsync("pong", context.RequestAborted);
    }
}

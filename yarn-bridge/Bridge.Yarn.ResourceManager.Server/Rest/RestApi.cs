using System.Text.Json;
using Bridge.Yarn.Protocol;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Bridge.Yarn.ResourceManager.Server.Rest;

/// <summary>
/// Hadoop's ResourceManager REST API (hadoop-yarn-site ResourceManagerRest.md), JSON only, on the server's port:
/// <list type="bullet">
/// <item><c>GET /ws/v1/cluster</c>, <c>/ws/v1/cluster/info</c>: clusterInfo</item>
/// <item><c>GET /ws/v1/cluster/metrics</c>: clusterMetrics</item>
/// <item><c>GET /ws/v1/cluster/scheduler</c>: capacityScheduler or fifoScheduler</item>
/// <item><c>GET /ws/v1/cluster/nodes</c> (<c>states</c>), <c>/nodes/{nodeid}</c></item>
/// <item><c>GET /ws/v1/cluster/apps</c> (filters, see <see cref="AppsQuery"/>), <c>POST /ws/v1/cluster/apps</c> (submit; 202 and Location)</item>
/// <item><c>POST /ws/v1/cluster/apps/new-application</c></item>
/// <item><c>GET /ws/v1/cluster/apps/{appid}</c> (with resourceRequests), <c>/apps/{appid}/appattempts</c>,
/// <c>/apps/{appid}/appattempts/{appattemptid}/containers</c> (the attempt's live containers)</item>
/// <item><c>GET</c> and <c>PUT /ws/v1/cluster/apps/{appid}/state</c> (<c>{"state":"KILLED"}</c> kills)</item>
/// </list>
/// Errors are Hadoop's RemoteException JSON (<see cref="RestException"/>). The user of a write is the <c>user.name</c>
/// query parameter (Hadoop's pseudo authentication), else <c>dr.who</c>; Hadoop refuses writes without an
/// authentication filter. A submission's fields not honoured are listed in the <see cref="UnsupportedHeader"/>
/// response header and in the 202's JSON body.
/// </summary>
public static class RestApi
{
    /// <summary>The API's root path.</summary>
    public const string Base = "/ws/v1/cluster";

    /// <summary>Response header of a submission naming the fields not honoured (comma-separated), absent when all are.</summary>
    public const string UnsupportedHeader = "X-YARN-Unsupported-Fields";

    /// <summary>Serves the API on <paramref name="app"/>'s pipeline.</summary>
    public static void Map(IApplicationBuilder app, EmbeddedResourceManager rm) => app.Run(http => HandleAsync(http, rm));

    private static async Task HandleAsync(HttpContext http, EmbeddedResourceManager rm)
    {
        try
        {
            await DispatchAsync(http, rm);
        }
        catch (RestException e)
        {
            await e.WriteAsync(http.Response);
        }
        catch (Protocol.InvalidMessageException e)
        {
            // A check shared with the gRPC side (tags, local resources, ...): the same 400, naming the field.
            await RestException.BadRequest(e.Message).WriteAsync(http.Response);
        }
        catch (ObjectDisposedException)
        {
            await RestException.Unavailable().WriteAsync(http.Response);
        }
    }

    private static Task DispatchAsync(HttpContext http, EmbeddedResourceManager rm)
    {
        var path = http.Request.Path.Value ?? "";
        var trimmed = path.TrimEnd('/');
        if (trimmed != Base && !trimmed.StartsWith(Base + "/", StringComparison.Ordinal))
            throw RestException.NotFound($"no such resource: {path} (the YARN REST API is under {Base})");
        var s = trimmed[Base.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        return s switch
        {
            [] or ["info"] => Get(http, () => RestJson.WriteAsync(http.Response, w => ClusterJson.Info(w, rm))),
            ["metrics"] => Get(http, async () =>
            {
                var m = await rm.MetricsAsync();
                await RestJson.WriteAsync(http.Response, w => ClusterJson.Metrics(w, m, rm.SchedulerOptions.Policy));
            }),
            ["scheduler"] => Get(http, async () =>
            {
                var view = await rm.SchedulerAsync();
                await RestJson.WriteAsync(http.Response, w => ClusterJson.Scheduler(w, view));
            }),
            ["nodes"] => Get(http, () => NodesAsync(http, rm)),
            ["nodes", var node] => Get(http, () => NodeAsync(http, rm, node)),
            ["apps"] => HttpMethods.IsPost(http.Request.Method) ? SubmitAsync(http, rm) : Get(http, () => AppsAsync(http, rm), "POST"),
            ["apps", "new-application"] => Post(http, async () =>
            {
                var (id, max) = await rm.NewApplicationAsync();
                await RestJson.WriteAsync(http.Response, w => AppJson.NewApplication(w, id, max));
            }),
            ["apps", var app] => Get(http, () => AppAsync(http, rm, ParseAppId(app))),
            ["apps", var app, "appattempts"] => Get(http, () => AttemptsAsync(http, rm, ParseAppId(app))),
            ["apps", var app, "appattempts", var attempt, "containers"] => Get(http, () => ContainersAsync(http, rm, ParseAppId(app), attempt)),
            ["apps", var app, "state"] => HttpMethods.IsPut(http.Request.Method)
                ? KillAsync(http, rm, ParseAppId(app))
                : Get(http, () => StateAsync(http, rm, ParseAppId(app)), "PUT"),
            _ => throw RestException.NotFound($"no such resource: {path}"),
        };
    }

    private static Task Get(HttpContext http, Func<Task> handle, params string[] others)
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
            throw RestException.MethodNotAllowed(http.Request.Method, http.Request.Path, ["GET", .. others]);
        return handle();
    }

    private static Task Post(HttpContext http, Func<Task> handle)
    {
        if (!HttpMethods.IsPost(http.Request.Method)) throw RestException.MethodNotAllowed(http.Request.Method, http.Request.Path, "POST");
        return handle();
    }

    private static ApplicationId ParseAppId(string text) =>
        ApplicationId.TryParse(text, out var id) ? id : throw RestException.BadRequest($"appid: '{text}' is not an application id (application_<cluster timestamp>_<number>)");

    private static async Task<AppJson.Context> AppContextAsync(EmbeddedResourceManager rm, bool withResourceRequests = true)
    {
        var scheduler = await rm.SchedulerAsync();
        var leaves = new Dictionary<string, double>(StringComparer.Ordinal);
        void Walk(QueueReport q)
        {
            if (q.IsLeaf) leaves[q.Name] = q.AbsoluteCapacityPercent / 100;
            foreach (var c in q.Children) Walk(c);
        }
        Walk(scheduler.Root);
        return new AppJson.Context(scheduler.Metrics.Total, leaves, rm.Now, withResourceRequests);
    }

    private static async Task AppsAsync(HttpContext http, EmbeddedResourceManager rm)
    {
        var query = AppsQuery.Parse(http.Request.Query);
        var apps = query.Apply(await rm.ApplicationsAsync());
        var context = await AppContextAsync(rm, query.WithResourceRequests);
        await RestJson.WriteAsync(http.Response, w => AppJson.Apps(w, apps, context));
    }

    private static async Task<ApplicationView> RequireAppAsync(EmbeddedResourceManager rm, ApplicationId id) =>
        await rm.ApplicationAsync(id) ?? throw RestException.NotFound($"app with id: {id} not found");

    private static async Task AppAsync(HttpContext http, EmbeddedResourceManager rm, ApplicationId id)
    {
        var view = await RequireAppAsync(rm, id);
        var context = await AppContextAsync(rm);
        await RestJson.WriteAsync(http.Response, w =>
        {
            w.WriteStartObject();
            AppJson.App(w, view, context, "app");
            w.WriteEndObject();
        });
    }

    private static async Task AttemptsAsync(HttpContext http, EmbeddedResourceManager rm, ApplicationId id)
    {
        var view = await RequireAppAsync(rm, id);
        var attempts = await rm.AttemptsAsync(id) ?? [];
        await RestJson.WriteAsync(http.Response, w => AppJson.Attempts(w, attempts, view.Report.User));
    }

    private static async Task ContainersAsync(HttpContext http, EmbeddedResourceManager rm, ApplicationId app, string attemptText)
    {
        if (!ApplicationAttemptId.TryParse(attemptText, out var attempt) || attempt.ApplicationId != app)
            throw RestException.BadRequest($"appattemptid: '{attemptText}' is not an attempt of {app} (appattempt_<cluster timestamp>_<number>_<attempt>)");
        var containers = await rm.ContainersAsync(attempt) ?? throw RestException.NotFound($"app with id: {app} not found");
        await RestJson.WriteAsync(http.Response, w => AppJson.Containers(w, containers));
    }

    private static async Task StateAsync(HttpContext http, EmbeddedResourceManager rm, ApplicationId id)
    {
        var view = await RequireAppAsync(rm, id);
        await RestJson.WriteAsync(http.Response, w => AppJson.State(w, view.Report.State));
    }

    /// <summary>PUT <c>{"state": "KILLED", "diagnostics": "..."}</c>: kills (at once) and answers 200 with the state now;
    /// an application already in a final state is left as it is and its state is answered.</summary>
    private static async Task KillAsync(HttpContext http, EmbeddedResourceManager rm, ApplicationId id)
    {
        using var body = await ReadJsonAsync(http);
        var root = body.RootElement;
        JsonFields.RequireObject(root, "body");
        if (!root.TryGetProperty("state", out var target) || target.IsNull()) throw JsonFields.Bad("state", "is missing (send {\"state\":\"KILLED\"})");
        var text = JsonFields.String(target, "state");
        if (!Protocol.Conversion.StateConversion.TryParseAppState(text, out var state, out var known) || !known)
            throw JsonFields.Bad("state", $"'{text}' is not an application state");
        if (state != RmAppState.Killed) throw RestException.BadRequest($"Only 'KILLED' is allowed as a target state, not '{text}'.");
        var diagnostics = root.TryGetProperty("diagnostics", out var d) && !d.IsNull() ? JsonFields.String(d, "diagnostics") : null;
        await RequireAppAsync(rm, id);
        var (status, after) = await rm.KillAsync(id, diagnostics);
        if (!status.IsOk) throw RestException.NotFound(status.Message);
        await RestJson.WriteAsync(http.Response, w => AppJson.State(w, after ?? RmAppState.Killed));
    }

    private static async Task SubmitAsync(HttpContext http, EmbeddedResourceManager rm)
    {
        var user = http.Request.Query["user.name"] is { Count: > 0 } u && !string.IsNullOrWhiteSpace(u[0]) ? u[0]!.Trim() : YarnEnvironment.DefaultUser;
        using var body = await ReadJsonAsync(http);
        var context = SubmissionJson.Parse(body.RootElement, user);
        var status = await rm.SubmitAsync(context);
        if (!status.IsOk) throw RestException.BadRequest(status.Message);
        var id = context.Submission.ApplicationId;
        http.Response.StatusCode = StatusCodes.Status202Accepted;
        http.Response.Headers.Location = $"{http.Request.Scheme}://{http.Request.Host}{Base}/apps/{id}";
        if (context.Unsupported.Count == 0) return;
        http.Response.Headers[UnsupportedHeader] = string.Join(", ", context.Unsupported.Select(n => n[..n.IndexOf(':')]));
        await RestJson.WriteAsync(http.Response, w =>
        {
            w.WriteStartObject();
            w.WriteString("application-id", id.ToString());
            w.WriteStartArray("unsupported-fields");
            foreach (var note in context.Unsupported) w.WriteStringValue(note);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpContext http)
    {
        var type = http.Request.ContentType;
        if (type is not null && !type.Contains("json", StringComparison.OrdinalIgnoreCase)) throw RestException.UnsupportedMediaType(type);
        try
        {
            return await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException e)
        {
            throw RestException.BadRequest($"body: not valid JSON ({e.Message})");
        }
    }

    private static readonly string[] NodeStates = ["NEW", "RUNNING", "UNHEALTHY", "DECOMMISSIONED", "LOST", "REBOOTED", "DECOMMISSIONING", "SHUTDOWN"];

    private static async Task NodesAsync(HttpContext http, EmbeddedResourceManager rm)
    {
        var wanted = http.Request.Query["states"].Concat(http.Request.Query["state"])
            .SelectMany(v => (v ?? "").Split(',')).Select(v => v.Trim().ToUpperInvariant()).Where(v => v.Length > 0).ToHashSet();
        foreach (var s in wanted)
            if (!NodeStates.Contains(s)) throw RestException.BadRequest($"states: '{s}' is not a node state ({string.Join(", ", NodeStates)})");
        var nodes = (await rm.NodesAsync()).Where(n => wanted.Count == 0 || wanted.Contains(n.State.ToString().ToUpperInvariant())).ToList();
        await RestJson.WriteAsync(http.Response, w => ClusterJson.Nodes(w, nodes));
    }

    private static async Task NodeAsync(HttpContext http, EmbeddedResourceManager rm, string text)
    {
        if (!NodeId.TryParse(text, out var id)) throw RestException.BadRequest($"nodeid: Invalid NodeId [{text}]. Expected host:port");
        var node = (await rm.NodesAsync()).FirstOrDefault(n => n.Id == id) ?? throw RestException.NotFound($"nodeId, {id}, is not found");
        await RestJson.WriteAsync(http.Response, w =>
        {
            w.WriteStartObject();
            ClusterJson.Node(w, node, "node");
            w.WriteEndObject();
        });
    }
}

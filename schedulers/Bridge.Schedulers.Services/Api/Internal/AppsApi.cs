using System.Text.Json;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Instances;
using Bridge.Schedulers.Services.Scheduling;
using Microsoft.AspNetCore.Http;

namespace Bridge.Schedulers.Services.Api.Internal;

/// <summary>
/// <c>/v2/apps</c>: list, create, show, replace, patch, delete, restart and roll back apps, and their
/// versions (Marathon's AppsResource and AppVersionsResource). App ids contain '/', so everything under
/// <c>/v2/apps/</c> arrives here and the sub-paths <c>/restart</c>, <c>/tasks</c>, <c>/tasks/{taskId}</c>,
/// <c>/versions</c> and <c>/versions/{version}</c> are split off by hand; an app id never ends in
/// <c>restart</c>, <c>tasks</c> or <c>versions</c> (<see cref="AppId"/> reserves them), and a task id is
/// recognised by its form (<see cref="TaskIds.AppIdOf"/>).
/// </summary>
internal static class AppsApi
{
    private const string NotValid = AppJsonFailure.NotValid;

    /// <summary><c>GET</c> or <c>POST /v2/apps</c>.</summary>
    public static Task RootAsync(ApiContext api, HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method) ? ListAsync(api, context) : CreateAsync(api, context);

    /// <summary>Anything under <c>/v2/apps/</c>: <paramref name="path"/> is the rest of the path.</summary>
    public static Task PathAsync(ApiContext api, HttpContext context, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0) return HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsPost(context.Request.Method)
            ? RootAsync(api, context) : NotAllowedAsync(context, "GET, POST");
        var method = context.Request.Method;
        var last = segments[^1];
        string Id(int drop) => "/" + string.Join('/', segments[..^drop]);
        if (segments.Length >= 2 && last == "restart")
            return HttpMethods.IsPost(method) ? RestartAsync(api, context, Id(1)) : NotAllowedAsync(context, "POST");
        if (segments.Length >= 2 && last == "tasks")
            return HttpMethods.IsGet(method) ? TasksApi.OfAppAsync(api, context, Id(1))
                : HttpMethods.IsDelete(method) ? TasksApi.KillOfAppAsync(api, context, Id(1), taskId: null)
                : NotAllowedAsync(context, "GET, DELETE");
        if (segments.Length >= 3 && segments[^2] == "tasks" && TaskIds.AppIdOf(last) is not null)
            return HttpMethods.IsDelete(method) ? TasksApi.KillOfAppAsync(api, context, Id(2), last) : NotAllowedAsync(context, "DELETE");
        if (segments.Length >= 2 && last == "versions")
            return HttpMethods.IsGet(method) ? VersionsApi.ListAsync(api, context, Id(1)) : NotAllowedAsync(context, "GET");
        if (segments.Length >= 3 && segments[^2] == "versions")
            return HttpMethods.IsGet(method) ? VersionsApi.ShowAsync(api, context, Id(2), last) : NotAllowedAsync(context, "GET");
        var id = Id(0);
        if (HttpMethods.IsGet(method)) return ShowAsync(api, context, id);
        if (HttpMethods.IsPut(method)) return UpdateAsync(api, context, id, patch: false);
        if (HttpMethods.IsPatch(method)) return UpdateAsync(api, context, id, patch: true);
        if (HttpMethods.IsDelete(method)) return DeleteAsync(api, context, id);
        return NotAllowedAsync(context, "GET, PUT, PATCH, DELETE");
    }

    /// <summary><c>GET /v2/apps</c>: <c>{"apps": [...]}</c>, filtered by <c>id</c> and <c>cmd</c> (case-insensitive
    /// substrings) and <c>label</c> (a selector query); counts and deployments always, as Marathon.</summary>
    private static async Task ListAsync(ApiContext api, HttpContext context)
    {
        var query = context.Request.Query;
        string? idPart = query["id"], cmdPart = query["cmd"], label = query["label"];
        LabelSelector? selector = null;
        if (!string.IsNullOrEmpty(label) && !LabelSelector.TryParse(label, out selector, out var error))
        {
            await ApiHttp.MessageAsync(context, StatusCodes.Status422UnprocessableEntity, error!);
            return;
        }
        bool Matches(AppDefinition app) =>
            (string.IsNullOrEmpty(idPart) || app.Id.Value.Contains(idPart, StringComparison.OrdinalIgnoreCase))
            && (string.IsNullOrEmpty(cmdPart) || app.Cmd?.Contains(cmdPart, StringComparison.OrdinalIgnoreCase) == true)
            && (selector is null || selector.Matches(app.Labels));
        var embed = StatusJson.ParseEmbed(ApiHttp.Values(context, "embed")) | Embed.Counts | Embed.Deployments;
        var apps = await api.Control.ReadAsync((s, _) => s.Apps.Where(a => Matches(a.Definition)).Select(a => AppView.Of(s, a)).ToList());
        await ApiHttp.JsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("apps");
            foreach (var app in apps) StatusJson.WriteApp(w, app, embed);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary><c>GET /v2/apps/{id}</c>: <c>{"app": {...}}</c> with everything embedded, as Marathon.</summary>
    private static async Task ShowAsync(ApiContext api, HttpContext context, string path)
    {
        var app = AppId.TryParse(path, out var id, out _)
            ? await api.Control.ReadAsync((s, _) => s.App(id) is { } state ? AppView.Of(s, state) : null)
            : null;
        if (app is null)
        {
            await ApiHttp.UnknownAppAsync(context, path);
            return;
        }
        await ApiHttp.JsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("app");
            StatusJson.WriteApp(w, app, Embed.Tasks | Embed.Counts | Embed.Deployments | Embed.LastTaskFailure);
            w.WriteEndObject();
        });
    }

    /// <summary><c>POST /v2/apps</c>: 201, <c>Location</c>, <c>Marathon-Deployment-Id</c> and the app with its
    /// counts and <c>deployments</c>; 409 when the app exists; AppJson's 400/422 when the body is refused.</summary>
    private static async Task CreateAsync(ApiContext api, HttpContext context)
    {
        if (await ApiHttp.BodyAsync(api, context) is not { } body) return;
        var parsed = AppJson.Parse(body, api.Options.AppJson with { Id = null });
        if (!parsed.IsValid)
        {
            await ApiHttp.FailureAsync(context, parsed.Failure);
            return;
        }
        var app = parsed.App;
        var (clientIp, uri) = Caller(context);
        var (result, view) = await api.Control.ChangeAsync((s, now, d) =>
        {
            var created = s.Create(app, now, d);
            if (created.Deployment is null) return (created, (AppView?)null);
            var state = s.App(app.Id)!;
            d.Events.Add(ApiPostEvent(state.Definition, clientIp, uri, now));
            return (created, AppView.Of(s, state));
        });
        if (result.Error == SubmitError.AppExists)
        {
            await ApiHttp.MessageAsync(context, StatusCodes.Status409Conflict, $"An app with id [{app.Id}] already exists.");
            return;
        }
        context.Response.Headers.Location = "/v2/apps" + app.Id.Value;
        context.Response.Headers[ApiHttp.DeploymentHeader] = result.Deployment!.Id;
        ApiHttp.SetUnsupportedHeader(context, parsed.Unsupported);
        await ApiHttp.JsonAsync(context, StatusCodes.Status201Created,
            w => StatusJson.WriteApp(w, view!, Embed.Counts | Embed.Deployments, unsupported: parsed.Unsupported));
    }

    /// <summary>
    /// <c>PUT</c> and <c>PATCH /v2/apps/{id}</c>. PUT creates a missing app (201 with <c>Location</c>) and, as
    /// Marathon's default <c>partialUpdate=true</c>, merges the body into an existing app like PATCH;
    /// <c>partialUpdate=false</c> replaces it. PATCH needs the app (404). Both answer 200 with
    /// <c>{"version", "deploymentId"}</c>, 409 when locked (unless <c>force=true</c>). A body of only
    /// <c>{"version": V}</c> (and perhaps the <c>id</c>) is a rollback (<see cref="VersionsApi.RollbackAsync"/>).
    /// </summary>
    private static async Task UpdateAsync(ApiContext api, HttpContext context, string path, bool patch)
    {
        if (!ApiHttp.TryFlag(context, "force", false, out var force, out var refused)
            || !ApiHttp.TryFlag(context, "partialUpdate", true, out var partial, out refused))
        {
            await refused!;
            return;
        }
        if (await ApiHttp.BodyAsync(api, context) is not { } body) return;
        if (!AppId.TryParse(path, out var id, out var idError))
        {
            await (patch ? ApiHttp.UnknownAppAsync(context, path) : ApiHttp.InvalidAsync(context, NotValid, "/id", idError));
            return;
        }
        if (IsRollback(body))
        {
            await VersionsApi.RollbackAsync(api, context, id, body, force);
            return;
        }
        var options = api.Options.AppJson with { Id = id };
        var (clientIp, uri) = Caller(context);
        var outcome = await api.Control.ChangeAsync((s, now, d) =>
        {
            var existing = s.App(id)?.Definition;
            if (existing is null && patch) return new UpdateOutcome(null, null, false, null);
            var parsed = existing is not null && (patch || partial) ? AppJson.Merge(existing, body, options) : AppJson.Parse(body, options);
            if (!parsed.IsValid) return new UpdateOutcome(null, parsed.Failure, false, parsed.Unsupported);
            var result = s.Update(parsed.App, now, force, d);
            if (result.Deployment is not null) d.Events.Add(ApiPostEvent(s.App(id)!.Definition, clientIp, uri, now));
            return new UpdateOutcome(result, null, existing is null, parsed.Unsupported);
        });
        if (outcome.Failure is not null) await ApiHttp.FailureAsync(context, outcome.Failure);
        else if (outcome.Result is null) await ApiHttp.UnknownAppAsync(context, id.Value);
        else if (outcome.Result.Deployment is { } deployment)
        {
            if (outcome.Created) context.Response.Headers.Location = "/v2/apps" + id.Value;
            await ApiHttp.DeploymentResultAsync(context, outcome.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK,
                deployment, deployment.Version ?? deployment.Started, outcome.Unsupported);
        }
        else await RefusedAsync(context, outcome.Result, id.Value);
    }

    /// <summary><c>DELETE /v2/apps/{id}</c>: a StopApplication deployment; <c>force</c> defaults to true, as in Marathon.</summary>
    private static async Task DeleteAsync(ApiContext api, HttpContext context, string path)
    {
        if (!ApiHttp.TryFlag(context, "force", true, out var force, out var refused))
        {
            await refused!;
            return;
        }
        if (!AppId.TryParse(path, out var id, out _))
        {
            await ApiHttp.UnknownAppAsync(context, path);
            return;
        }
        var result = await api.Control.ChangeAsync((s, now, d) => s.Delete(id, now, force, d));
        await ResultAsync(context, result, id.Value);
    }

    /// <summary><c>POST /v2/apps/{id}/restart</c>: a rolling RestartApplication deployment (<c>force</c> default false).</summary>
    private static async Task RestartAsync(ApiContext api, HttpContext context, string path)
    {
        if (!ApiHttp.TryFlag(context, "force", false, out var force, out var refused))
        {
            await refused!;
            return;
        }
        if (!AppId.TryParse(path, out var id, out _))
        {
            await ApiHttp.UnknownAppAsync(context, path);
            return;
        }
        var result = await api.Control.ChangeAsync((s, now, d) => s.Restart(id, now, force, d));
        await ResultAsync(context, result, id.Value);
    }

    /// <summary>200 with the deployment result, or the refusal.</summary>
    public static Task ResultAsync(HttpContext context, SubmitResult result, string appId) =>
        result.Deployment is { } d
            ? ApiHttp.DeploymentResultAsync(context, StatusCodes.Status200OK, d, d.Version ?? d.Started)
            : RefusedAsync(context, result, appId);

    /// <summary>404 for an unknown app, 409 for an existing one or a locked one.</summary>
    public static Task RefusedAsync(HttpContext context, SubmitResult result, string appId) => result.Error switch
    {
        SubmitError.UnknownApp => ApiHttp.UnknownAppAsync(context, appId),
        SubmitError.AppExists => ApiHttp.MessageAsync(context, StatusCodes.Status409Conflict, $"An app with id [{appId}] already exists."),
        SubmitError.Locked => ApiHttp.LockedAsync(context, result.Blocking is { } b ? [b] : []),
        _ => throw new InvalidOperationException($"a change of {appId} started no deployment and gave no reason"),
    };

    /// <summary>405 with the methods the path allows.</summary>
    public static Task NotAllowedAsync(HttpContext context, string allow)
    {
        context.Response.Headers.Allow = allow;
        return ApiHttp.MessageAsync(context, StatusCodes.Status405MethodNotAllowed, $"{context.Request.Method} is not allowed here (allowed: {allow}).");
    }

    /// <summary>Marathon's rollback request: a body that is an object with a <c>version</c> and nothing else but an <c>id</c>.</summary>
    private static bool IsRollback(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return false;
            var given = document.RootElement.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => p.Name).ToList();
            return given.Contains("version") && given.All(n => n is "version" or "id");
        }
        catch (JsonException)
        {
            return false; // AppJson reports it
        }
    }

    private static (string ClientIp, string Uri) Caller(HttpContext context) =>
        (context.Connection.RemoteIpAddress?.ToString() ?? "", context.Request.Path.Value ?? "");

    /// <summary>Marathon's <c>api_post_event</c>: who changed which app through the API, and the definition now.</summary>
    private static ServiceEvent ApiPostEvent(AppDefinition app, string clientIp, string uri, DateTimeOffset now)
    {
        using var definition = JsonDocument.Parse(AppJson.Write(app));
        return new ServiceEvent("api_post_event", now, new Dictionary<string, object?>
        {
            ["clientIp"] = clientIp,
            ["uri"] = uri,
            ["appDefinition"] = definition.RootElement.Clone(),
        });
    }

    private sealed record UpdateOutcome(SubmitResult? Result, AppJsonFailure? Failure, bool Created, IReadOnlyList<UnsupportedField>? Unsupported);
}

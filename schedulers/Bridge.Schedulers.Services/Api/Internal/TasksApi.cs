using System.Text.Json;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Deployments;
using Bridge.Schedulers.Services.Instances;
using Bridge.Schedulers.Services.Scheduling;
using Microsoft.AspNetCore.Http;

namespace Bridge.Schedulers.Services.Api.Internal;

/// <summary>
/// Tasks: <c>GET</c> and <c>DELETE /v2/apps/{id}/tasks</c>, <c>DELETE /v2/apps/{id}/tasks/{taskId}</c>,
/// <c>GET /v2/tasks</c> and <c>POST /v2/tasks/delete</c> (Marathon's AppTasksResource and TasksResource).
/// A kill without <c>scale</c> answers with the tasks killed, as they were (their app replaces them);
/// with <c>scale=true</c> the app's instance count drops by as many, as a deployment, and the answer
/// is the deployment result. <c>wipe</c> is accepted (there are no persistent volumes to wipe) but not
/// with <c>scale</c>, as in Marathon.
/// </summary>
internal static class TasksApi
{
    /// <summary><c>GET /v2/apps/{id}/tasks</c>: <c>{"tasks": [...]}</c>, 404 for an unknown app.</summary>
    public static async Task OfAppAsync(ApiContext api, HttpContext context, string path)
    {
        var app = AppId.TryParse(path, out var id, out _)
            ? await api.Control.ReadAsync((s, _) => s.App(id) is { } state ? AppView.Of(s, state) : null)
            : null;
        if (app is null) await ApiHttp.UnknownAppAsync(context, path);
        else await TaskListAsync(context, app.Instances.Select(i => (i, (AppDefinition?)app.Definition)));
    }

    /// <summary><c>GET /v2/tasks</c>: every task, or those in the conditions of <c>status</c> / <c>status[]</c>
    /// (<c>running</c>; <c>staging</c>: launched but not yet running). Other values are ignored, as in Marathon.</summary>
    public static async Task ListAsync(ApiContext api, HttpContext context)
    {
        var wanted = context.Request.Query["status"].Concat(context.Request.Query["status[]"])
            .SelectMany(s => (s ?? "").ToLowerInvariant() switch
            {
                "running" => [Condition.Running],
                "staging" => [Condition.Provisioned, Condition.Staging, Condition.Starting],
                _ => Array.Empty<Condition>(),
            }).ToHashSet();
        var tasks = await api.Control.ReadAsync((s, _) => s.Instances.All
            .Where(i => wanted.Count == 0 || wanted.Contains(i.Condition))
            .Select(i => (i, s.App(i.AppId)?.Definition))
            .OrderBy(t => t.i.AppId.Value, StringComparer.Ordinal).ThenBy(t => t.i.StagedAt).ToList());
        await TaskListAsync(context, tasks);
    }

    /// <summary><c>DELETE /v2/apps/{id}/tasks</c> (every task of the app, or those on <c>host</c>; <c>*</c> for all) and
    /// <c>DELETE /v2/apps/{id}/tasks/{taskId}</c> (404 <c>Task '...' does not exist</c> when it is not the app's).</summary>
    public static async Task KillOfAppAsync(ApiContext api, HttpContext context, string path, string? taskId)
    {
        if (!KillFlags(context, out var scale, out var force, out var refused))
        {
            await refused!;
            return;
        }
        if (!AppId.TryParse(path, out var id, out _))
        {
            await ApiHttp.UnknownAppAsync(context, path);
            return;
        }
        string? host = context.Request.Query["host"];
        var outcome = await api.Control.ChangeAsync((s, now, d) =>
        {
            if (s.App(id) is null) return new KillOutcome(new SubmitResult(null, SubmitError.UnknownApp), [], []);
            var victims = s.Instances.Of(id)
                .Where(i => taskId is null ? string.IsNullOrEmpty(host) || host == "*" || i.Agent.Hostname == host : i.TaskId == taskId)
                .Select(i => i.TaskId).ToList();
            if (taskId is not null && victims.Count == 0) return new KillOutcome(null, [], []);
            if (scale) return new KillOutcome(s.KillAndScale(id, victims, now, force, d), [], []);
            return new KillOutcome(null, s.KillInstances(victims, now, d), [s.App(id)?.Definition]);
        });
        if (outcome.Result is { } result) await AppsApi.ResultAsync(context, result, id.Value);
        else if (taskId is not null && outcome.Killed.Count == 0)
            await ApiHttp.MessageAsync(context, StatusCodes.Status404NotFound, $"Task '{taskId}' does not exist");
        else if (taskId is not null)
            await ApiHttp.JsonAsync(context, StatusCodes.Status200OK, w =>
            {
                w.WriteStartObject();
                w.WritePropertyName("task");
                StatusJson.WriteTask(w, outcome.Killed[0], outcome.Apps[0]);
                w.WriteEndObject();
            });
        else await TaskListAsync(context, outcome.Killed.Select(i => (i, outcome.Apps[0])));
    }

    /// <summary>
    /// <c>POST /v2/tasks/delete</c> with <c>{"ids": [...]}</c>: ids that are not Marathon task ids get 400; ids of
    /// tasks not running here are ignored. With <c>scale=true</c> each app with tasks among them is scaled
    /// down by its own deployment (Marathon makes one deployment of them all): the answer names the first in
    /// <c>deploymentId</c> and, when there are several, all in <c>deploymentIds</c>; no deployment starts when
    /// any of the apps is locked (409, unless <c>force=true</c>), and 404 when none of the tasks exists.
    /// </summary>
    public static async Task DeleteManyAsync(ApiContext api, HttpContext context)
    {
        if (!KillFlags(context, out var scale, out var force, out var refused))
        {
            await refused!;
            return;
        }
        if (await ApiHttp.BodyAsync(api, context) is not { } body) return;
        if (Ids(body, out var error) is not { } ids)
        {
            await ApiHttp.MessageAsync(context, StatusCodes.Status400BadRequest, error!);
            return;
        }
        var outcome = await api.Control.ChangeAsync((s, now, d) =>
        {
            if (!scale)
            {
                var killed = s.KillInstances(ids, now, d);
                return new KillOutcome(null, killed, killed.Select(i => s.App(i.AppId)?.Definition).ToList());
            }
            var byApp = ids.Select(t => s.Instances.Get(t)).OfType<Instance>().GroupBy(i => i.AppId).ToList();
            var blocking = byApp.Select(g => s.App(g.Key)?.Deployment).OfType<Deployment>().ToList();
            if (blocking.Count > 0 && !force) return new KillOutcome(new SubmitResult(null, SubmitError.Locked, blocking[0]), [], [], blocking);
            var started = byApp.Select(g => s.KillAndScale(g.Key, g.Select(i => i.TaskId), now, force: true, d).Deployment)
                .OfType<Deployment>().ToList();
            return new KillOutcome(started.Count > 0 ? new SubmitResult(started[0]) : null, [], [], started);
        });
        if (!scale) await TaskListAsync(context, outcome.Killed.Select((i, n) => (i, outcome.Apps[n])));
        else if (outcome.Result is null)
            await ApiHttp.MessageAsync(context, StatusCodes.Status404NotFound, "None of the tasks exists.");
        else if (outcome.Result.Error == SubmitError.Locked) await ApiHttp.LockedAsync(context, outcome.Deployments!);
        else
        {
            var first = outcome.Result.Deployment!;
            await ApiHttp.DeploymentResultAsync(context, StatusCodes.Status200OK, first, first.Version ?? first.Started,
                more: outcome.Deployments!.Skip(1).ToList());
        }
    }

    private static bool KillFlags(HttpContext context, out bool scale, out bool force, out Task? refused)
    {
        force = false;
        if (!ApiHttp.TryFlag(context, "scale", false, out scale, out refused)
            || !ApiHttp.TryFlag(context, "force", false, out force, out refused)
            || !ApiHttp.TryFlag(context, "wipe", false, out var wipe, out refused))
            return false;
        if (scale && wipe)
        {
            refused = ApiHttp.MessageAsync(context, StatusCodes.Status400BadRequest, "You cannot use scale and wipe at the same time.");
            return false;
        }
        return true;
    }

    /// <summary>The <c>ids</c> of <c>{"ids": ["app.uuid", ...]}</c>, or null with why not.</summary>
    private static List<string>? Ids(byte[] body, out string? error)
    {
        error = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("ids", out var ids)
                || ids.ValueKind != JsonValueKind.Array || ids.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            {
                error = "The body must be {\"ids\": [\"TASK_ID\", ...]}.";
                return null;
            }
            var list = ids.EnumerateArray().Select(v => v.GetString()!).ToList();
            if (list.FirstOrDefault(t => TaskIds.AppIdOf(t) is null) is { } bad)
            {
                error = $"Invalid task id '{bad}'.";
                return null;
            }
            return list;
        }
        catch (JsonException e)
        {
            error = $"Invalid JSON: {e.Message}";
            return null;
        }
    }

    private static Task TaskListAsync(HttpContext context, IEnumerable<(Instance Instance, AppDefinition? App)> tasks) =>
        ApiHttp.JsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("tasks");
            foreach (var (instance, app) in tasks) StatusJson.WriteTask(w, instance, app);
            w.WriteEndArray();
            w.WriteEndObject();
        });

    private sealed record KillOutcome(SubmitResult? Result, IReadOnlyList<Instance> Killed, IReadOnlyList<AppDefinition?> Apps,
        IReadOnlyList<Deployment>? Deployments = null);
}

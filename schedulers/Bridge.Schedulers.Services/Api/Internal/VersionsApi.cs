using System.Globalization;
using System.Text.Json;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Scheduling;
using Microsoft.AspNetCore.Http;

namespace Bridge.Schedulers.Services.Api.Internal;

/// <summary>
/// An app's versions (Marathon's AppVersionsResource) and the rollback to one of them (Marathon's
/// <c>PUT /v2/apps/{id}</c> with <c>{"version": V}</c>). A version is an instant shown to the
/// millisecond (<c>2026-11-22T10:22:20.243Z</c>); every saved change of an app makes one, scaling
/// and restarts included, and they go when the app is deleted.
/// </summary>
internal static class VersionsApi
{
    /// <summary><c>GET /v2/apps/{id}/versions</c>: <c>{"versions": [...]}</c> newest first; 404 for an unknown app.</summary>
    public static async Task ListAsync(ApiContext api, HttpContext context, string path)
    {
        var versions = AppId.TryParse(path, out var id, out _) ? await api.Control.VersionsAsync(id) : [];
        if (versions.Count == 0)
        {
            await ApiHttp.UnknownAppAsync(context, path);
            return;
        }
        await ApiHttp.JsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("versions");
            foreach (var version in versions) w.WriteStringValue(Versions.Format(version));
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary><c>GET /v2/apps/{id}/versions/{version}</c>: the definition as it was (AppJson's shape, with
    /// its <c>version</c>); Marathon's 422 <c>Invalid timestamp provided 'V'. Expecting ISO-8601 datetime
    /// string.</c> when <paramref name="version"/> is not an instant, 404 when the app or that version does
    /// not exist.</summary>
    public static async Task ShowAsync(ApiContext api, HttpContext context, string path, string version)
    {
        if (!TryParse(version, out var at))
        {
            await ApiHttp.MessageAsync(context, StatusCodes.Status422UnprocessableEntity,
                $"Invalid timestamp provided '{version}'. Expecting ISO-8601 datetime string.");
            return;
        }
        var app = AppId.TryParse(path, out var id, out _) ? await api.Control.VersionAsync(id, at) : null;
        if (app is null)
        {
            await NoSuchVersionAsync(context, path, version);
            return;
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(AppJson.Write(app));
    }

    /// <summary>
    /// A rollback: deploys app <paramref name="id"/>'s definition as it was at the body's <c>version</c>, as
    /// a new version (Marathon: the old configuration, a new deployment). 200 with <c>{"version",
    /// "deploymentId"}</c>; 422 when <c>version</c> is not an instant; 404 when the app or the version does not
    /// exist; 409 when a deployment holds the app (unless <paramref name="force"/>).
    /// </summary>
    public static async Task RollbackAsync(ApiContext api, HttpContext context, AppId id, byte[] body, bool force)
    {
        using var document = JsonDocument.Parse(body);
        var text = document.RootElement.GetProperty("version") is { ValueKind: JsonValueKind.String } v ? v.GetString()! : null;
        if (text is null || !TryParse(text, out var at))
        {
            await ApiHttp.InvalidAsync(context, AppJsonFailure.NotValid, "/version",
                "must be a version of the app, an ISO 8601 instant such as 2026-11-22T10:22:20.243Z (GET /v2/apps/{id}/versions lists them)");
            return;
        }
        if (await api.Control.VersionAsync(id, at) is not { } old)
        {
            await NoSuchVersionAsync(context, id.Value, text);
            return;
        }
        var result = await api.Control.ChangeAsync((s, now, d) => s.App(id) is null
            ? new SubmitResult(null, SubmitError.UnknownApp)
            : s.Update(old with { Version = null }, now, force, d));
        await AppsApi.ResultAsync(context, result, id.Value);
    }

    private static Task NoSuchVersionAsync(HttpContext context, string id, string version) =>
        ApiHttp.MessageAsync(context, StatusCodes.Status404NotFound, $"App '{id}' does not exist in version {version}");

    private static bool TryParse(string text, out DateTimeOffset version) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out version)
        && text.Contains('T', StringComparison.Ordinal);
}

using System.Buffers;
using System.Text;
using System.Text.Json;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Definitions.Internal;
using Bridge.Schedulers.Services.Deployments;
using Bridge.Schedulers.Services.Scheduling;
using Microsoft.AspNetCore.Http;

namespace Bridge.Schedulers.Services.Api.Internal;

/// <summary>What every endpoint needs: the scheduler, the settings, the recorded task failures.</summary>
internal sealed record ApiContext(IServicesControl Control, MarathonApiOptions Options);

/// <summary>Marathon's responses and request parts: JSON bodies, <c>{"message": ...}</c> errors, the
/// deployment result with its <c>Marathon-Deployment-Id</c> header, query flags, bounded bodies.</summary>
internal static class ApiHttp
{
    /// <summary>Marathon's header naming the deployment a change started.</summary>
    public const string DeploymentHeader = "Marathon-Deployment-Id";

    /// <summary>Bridge's header listing the accepted fields it does not honour: <c>/path: reason; ...</c>.</summary>
    public const string UnsupportedHeader = "Bridge-Unsupported";

    /// <summary>Writes <paramref name="write"/>'s JSON as the response body with <paramref name="status"/>.</summary>
    public static async Task JsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, JsonText.Options)) write(writer);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    /// <summary>Marathon's error body: <c>{"message": ...}</c>.</summary>
    public static Task MessageAsync(HttpContext context, int status, string message) =>
        JsonAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("message", message);
            w.WriteEndObject();
        });

    /// <summary>404 <c>{"message":"App '/x' does not exist"}</c>.</summary>
    public static Task UnknownAppAsync(HttpContext context, string id) =>
        MessageAsync(context, StatusCodes.Status404NotFound, $"App '{id}' does not exist");

    /// <summary>409 for a change refused because deployments of the app are under way (Marathon's
    /// <c>AppLockedException</c>): the message and <c>"deployments": [{"id": ...}]</c>.</summary>
    public static Task LockedAsync(HttpContext context, IEnumerable<Deployment> blocking) =>
        JsonAsync(context, StatusCodes.Status409Conflict, w =>
        {
            w.WriteStartObject();
            w.WriteString("message", "App is locked by one or more deployments. Override with the option '?force=true'. "
                + "View details at '/v2/deployments/<DEPLOYMENT_ID>'.");
            w.WriteStartArray("deployments");
            foreach (var d in blocking)
            {
                w.WriteStartObject();
                w.WriteString("id", d.Id);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });

    /// <summary>The result of a change: <c>{"version": ..., "deploymentId": ...}</c> (plus <c>unsupported</c> when
    /// some fields are not honoured) with the <c>Marathon-Deployment-Id</c> header.</summary>
    public static Task DeploymentResultAsync(HttpContext context, int status, Deployment deployment, DateTimeOffset version,
        IReadOnlyList<UnsupportedField>? unsupported = null, IReadOnlyList<Deployment>? more = null)
    {
        context.Response.Headers[DeploymentHeader] = deployment.Id;
        SetUnsupportedHeader(context, unsupported);
        return JsonAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("version", Versions.Format(version));
            w.WriteString("deploymentId", deployment.Id);
            if (more is { Count: > 0 })
            {
                w.WriteStartArray("deploymentIds");
                foreach (var d in more.Prepend(deployment)) w.WriteStringValue(d.Id);
                w.WriteEndArray();
            }
            WriteUnsupported(w, unsupported);
            w.WriteEndObject();
        });
    }

    /// <summary>Writes AppJson's failure in its own shape (<c>{"message", "details": [{"path", "errors"}]}</c>) with its status.</summary>
    public static Task FailureAsync(HttpContext context, AppJsonFailure failure) => JsonAsync(context, failure.Status, failure.WriteTo);

    /// <summary>422 in AppJson's failure shape, for one problem at <paramref name="path"/>.</summary>
    public static Task InvalidAsync(HttpContext context, string message, string path, string error) =>
        FailureAsync(context, new AppJsonFailure(StatusCodes.Status422UnprocessableEntity, message, [new ValidationDetail(path, [error])]));

    /// <summary>Sets <c>Bridge-Unsupported: /path: reason; ...</c> when there are unsupported fields. Characters a
    /// header cannot carry (outside printable ASCII) are written as <c>\uXXXX</c>.</summary>
    public static void SetUnsupportedHeader(HttpContext context, IReadOnlyList<UnsupportedField>? unsupported)
    {
        if (unsupported is not { Count: > 0 }) return;
        var text = string.Join("; ", unsupported.Select(u => $"{u.Path}: {u.Reason}"));
        var safe = new StringBuilder(text.Length);
        foreach (var c in text)
            if (c is >= ' ' and <= '~') safe.Append(c);
            else safe.Append($"\\u{(int)c:x4}");
        context.Response.Headers[UnsupportedHeader] = safe.ToString();
    }

    /// <summary>Writes <c>"unsupported": [{"path": ..., "reason": ...}]</c> when there are unsupported fields.</summary>
    public static void WriteUnsupported(Utf8JsonWriter w, IReadOnlyList<UnsupportedField>? unsupported)
    {
        if (unsupported is not { Count: > 0 }) return;
        w.WriteStartArray("unsupported");
        foreach (var u in unsupported)
        {
            w.WriteStartObject();
            w.WriteString("path", u.Path);
            w.WriteString("reason", u.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>A boolean query parameter: absent is <paramref name="absent"/>; <c>true</c> or <c>false</c> in any case;
    /// a bare <c>?force</c> (no value) is true.</summary>
    /// <returns>False, with a 400 written, when the value is anything else.</returns>
    public static bool TryFlag(HttpContext context, string name, bool absent, out bool value, out Task? refused)
    {
        refused = null;
        value = absent;
        if (!context.Request.Query.TryGetValue(name, out var given) || given.Count == 0) return true;
        if (string.IsNullOrEmpty(given[^1]))
        {
            value = true;
            return true;
        }
        if (bool.TryParse(given[^1], out value)) return true;
        refused = MessageAsync(context, StatusCodes.Status400BadRequest, $"Query parameter '{name}' must be true or false, not '{given[^1]}'.");
        return false;
    }

    /// <summary>Every value of a repeatable query parameter, also split at commas (<c>embed=a&amp;embed=b</c> or <c>embed=a,b</c>).</summary>
    public static IReadOnlySet<string> Values(HttpContext context, string name) =>
        context.Request.Query[name].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Reads the request body, up to <see cref="MarathonApiOptions.MaxBodyBytes"/>.</summary>
    /// <returns>The body, or null with a 413 written when it is larger.</returns>
    public static async Task<byte[]?> BodyAsync(ApiContext api, HttpContext context)
    {
        var max = api.Options.MaxBodyBytes;
        if (context.Request.ContentLength > max)
        {
            await TooLargeAsync(context, max);
            return null;
        }
        using var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (body.Length + read > max)
            {
                await TooLargeAsync(context, max);
                return null;
            }
            body.Write(chunk, 0, read);
        }
        return body.ToArray();
    }

    private static Task TooLargeAsync(HttpContext context, int max) =>
        MessageAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {max} bytes.");
}

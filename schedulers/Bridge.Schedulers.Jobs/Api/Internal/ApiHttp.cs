using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Runs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Bridge.Schedulers.Jobs.Api.Internal;

/// <summary>What every endpoint needs: the scheduler and the settings.</summary>
internal sealed record ApiContext(IJobsControl Control, ChronosApiOptions Options);

/// <summary>A field at fault and why, for the <c>errors</c> array of a 400.</summary>
internal readonly record struct FieldError(string Field, string Message);

/// <summary>Chronos' responses and request parts: JSON bodies, <c>ApiResult</c> errors, job names in
/// paths, integer query parameters, bounded bodies.</summary>
internal static class ApiHttp
{
    /// <summary>Bridge's header listing the accepted fields it does not honour: <c>field: reason; ...</c>.</summary>
    public const string UnsupportedHeader = "Bridge-Unsupported";

    /// <summary>Relaxed escaping: job commands keep their quotes, <c>&amp;</c> and <c>&gt;</c> readable.</summary>
    public static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="write"/>'s JSON as the response body with <paramref name="status"/>.</summary>
    public static async Task JsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions)) write(writer);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    /// <summary>Text with <paramref name="contentType"/> and status 200.</summary>
    public static async Task TextAsync(HttpContext context, string contentType, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>Chronos' success for a change: 204, no body.</summary>
    public static Task NoContent(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    /// <summary>Chronos' <c>ApiResult</c>: <c>{"status": "Bad Request", "message": ...}</c> (status is the
    /// reason phrase), plus <c>"errors": [{"field", "message"}]</c> when fields are at fault.</summary>
    public static Task ErrorAsync(HttpContext context, int status, string message, IReadOnlyList<FieldError>? errors = null) =>
        JsonAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", ReasonPhrases.GetReasonPhrase(status));
            w.WriteString("message", message);
            if (errors is { Count: > 0 })
            {
                w.WriteStartArray("errors");
                foreach (var e in errors)
                {
                    w.WriteStartObject();
                    w.WriteString("field", e.Field);
                    w.WriteString("message", e.Message);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        });

    /// <summary>404 <c>{"status": "Not Found", "message": "job x does not exist"}</c> (the core's words for an unknown job).</summary>
    public static Task UnknownJobAsync(HttpContext context, string name) =>
        ErrorAsync(context, StatusCodes.Status404NotFound, $"job {name} does not exist");

    /// <summary>The answer to a refused change: 404 for an unknown job, 409 for a name taken, 400 (naming
    /// the field) for an unknown parent, a cycle or a name too long.</summary>
    public static Task RefusedAsync(HttpContext context, JobChange change) => change.Error switch
    {
        JobChangeError.UnknownJob => ErrorAsync(context, StatusCodes.Status404NotFound, change.Message!),
        JobChangeError.JobExists => ErrorAsync(context, StatusCodes.Status409Conflict, change.Message!),
        JobChangeError.NameTooLong => ErrorAsync(context, StatusCodes.Status400BadRequest, change.Message!, [new("name", change.Message!)]),
        JobChangeError.InvalidArguments => ErrorAsync(context, StatusCodes.Status400BadRequest, change.Message!, [new("arguments", change.Message!)]),
        _ => ErrorAsync(context, StatusCodes.Status400BadRequest, change.Message!, [new("parents", change.Message!)]),
    };

    /// <summary>A job name from the path.</summary>
    /// <returns>False when the text cannot be a job's name (no job has it).</returns>
    public static bool TryName(string text, out JobName name) => JobName.TryParse(text, out name, out _);

    /// <summary>A non-negative integer query parameter; absent or empty is <paramref name="absent"/>.</summary>
    /// <returns>False, with <paramref name="error"/> set, when the value is anything else.</returns>
    public static bool TryCount(HttpContext context, string name, int absent, out int value, out FieldError error)
    {
        error = default;
        value = absent;
        var given = context.Request.Query[name];
        if (given.Count == 0 || string.IsNullOrEmpty(given[^1])) return true;
        if (int.TryParse(given[^1], NumberStyles.None, CultureInfo.InvariantCulture, out value)) return true;
        error = new FieldError(name, $"query parameter '{name}' must be a whole number of 0 or more, not '{given[^1]}'");
        return false;
    }

    /// <summary>The last value of a query parameter, or null when absent or empty.</summary>
    public static string? Query(HttpContext context, string name) =>
        context.Request.Query[name] is { Count: > 0 } values && !string.IsNullOrEmpty(values[^1]) ? values[^1] : null;

    /// <summary>Reads the request body, up to <see cref="ChronosApiOptions.MaxBodyBytes"/>.</summary>
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

    /// <summary>Sets <c>Bridge-Unsupported: field: reason; ...</c> when there are unsupported fields.
    /// Characters a header cannot carry (outside printable ASCII) are written as <c>\uXXXX</c>.</summary>
    public static void SetUnsupportedHeader(HttpContext context, IReadOnlyList<UnsupportedField> unsupported)
    {
        if (unsupported.Count == 0) return;
        var text = string.Join("; ", unsupported.Select(u => $"{u.Field}: {u.Reason}"));
        var safe = new StringBuilder(text.Length);
        foreach (var c in text)
            if (c is >= ' ' and <= '~') safe.Append(c);
            else safe.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
        context.Response.Headers[UnsupportedHeader] = safe.ToString();
    }

    /// <summary>An instant as Chronos writes dates (Joda's ISO format in UTC, milliseconds):
    /// <c>2014-03-08T16:57:17.507Z</c>.</summary>
    public static string Instant(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Writes <paramref name="t"/> as <see cref="Instant"/>, or null.</summary>
    public static void WriteInstant(Utf8JsonWriter w, string name, DateTimeOffset? t)
    {
        if (t is { } value) w.WriteString(name, Instant(value));
        else w.WriteNull(name);
    }

    private static Task TooLargeAsync(HttpContext context, int max) =>
        ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"the request body is larger than {max} bytes");
}

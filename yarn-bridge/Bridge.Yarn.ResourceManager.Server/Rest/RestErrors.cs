using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bridge.Yarn.ResourceManager.Server.Rest;

/// <summary>
/// A REST request that failed, answered in Hadoop's error shape:
/// <c>{"RemoteException":{"exception":"BadRequestException","message":"...","javaClassName":"org.apache.hadoop.yarn.webapp.BadRequestException"}}</c>
/// with the HTTP status Hadoop uses (400 bad input, 404 unknown application or node, 405 wrong method, 415 not JSON,
/// 503 shutting down).
/// </summary>
/// <param name="status">The HTTP status.</param>
/// <param name="exception">The exception's simple name.</param>
/// <param name="javaClassName">The exception's Java class, as Hadoop names it.</param>
/// <param name="message">What went wrong, naming the field or id at fault.</param>
internal sealed class RestException(int status, string exception, string javaClassName, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Exception { get; } = exception;
    public string JavaClassName { get; } = javaClassName;

    /// <summary>Headers to add (Allow for a 405).</summary>
    public Dictionary<string, string> Headers { get; } = [];

    public static RestException BadRequest(string message) =>
        new(StatusCodes.Status400BadRequest, "BadRequestException", "org.apache.hadoop.yarn.webapp.BadRequestException", message);

    public static RestException NotFound(string message) =>
        new(StatusCodes.Status404NotFound, "NotFoundException", "org.apache.hadoop.yarn.webapp.NotFoundException", message);

    public static RestException MethodNotAllowed(string method, string path, params string[] allowed)
    {
        var e = new RestException(StatusCodes.Status405MethodNotAllowed, "WebApplicationException", "javax.ws.rs.WebApplicationException",
            $"HTTP 405 Method Not Allowed: {method} {path} (allowed: {string.Join(", ", allowed)})");
        e.Headers["Allow"] = string.Join(", ", allowed);
        return e;
    }

    public static RestException UnsupportedMediaType(string? contentType) =>
        new(StatusCodes.Status415UnsupportedMediaType, "WebApplicationException", "javax.ws.rs.WebApplicationException",
            $"HTTP 415 Unsupported Media Type: '{contentType}'; this ResourceManager takes application/json only (no XML)");

    public static RestException Unavailable() =>
        new(StatusCodes.Status503ServiceUnavailable, "WebApplicationException", "javax.ws.rs.WebApplicationException",
            "HTTP 503 Service Unavailable: the ResourceManager is shutting down");

    /// <summary>Writes the error in Hadoop's RemoteException shape.</summary>
    public async Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = Status;
        foreach (var (k, v) in Headers) response.Headers[k] = v;
        await RestJson.WriteAsync(response, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("RemoteException");
            w.WriteString("exception", Exception);
            w.WriteString("message", Message);
            w.WriteString("javaClassName", JavaClassName);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }
}

/// <summary>Writes JSON bodies.</summary>
internal static class RestJson
{
    /// <summary>Writes what <paramref name="write"/> produces as the body, <c>application/json</c> (the status is set by the caller).</summary>
    public static async Task WriteAsync(HttpResponse response, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory);
    }

    /// <summary>Writes <c>"name": {"memory": MB, "vCores": n}</c> (Hadoop's ResourceInfo).</summary>
    public static void WriteResource(this Utf8JsonWriter w, string name, Records.Resource r)
    {
        w.WriteStartObject(name);
        w.WriteNumber("memory", r.MemoryMb);
        w.WriteNumber("vCores", r.VCores);
        w.WriteEndObject();
    }

    /// <summary>Writes a percentage or ratio rounded to 4 decimals (floats in Hadoop; NaN and infinities as 0, which JSON cannot carry).</summary>
    public static void WriteFloat(this Utf8JsonWriter w, string name, double value) =>
        w.WriteNumber(name, double.IsFinite(value) ? Math.Round(value, 4) : 0);
}

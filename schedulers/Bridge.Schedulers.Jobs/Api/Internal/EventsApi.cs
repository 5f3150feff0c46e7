using System.Buffers;
using System.Text;
using System.Text.Json;
using Bridge.Schedulers.Jobs.Runs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Bridge.Schedulers.Jobs.Api.Internal;

/// <summary>
/// <c>GET /v1/scheduler/events</c> (Bridge's; Chronos has no event stream): the scheduler's events
/// (<see cref="JobEvent"/>) as server-sent events, one per event, <c>event: TYPE\ndata: JSON\n\n</c>
/// where JSON is the event's fields plus <c>eventType</c> and <c>timestamp</c>, the shape of the
/// services scheduler's <c>/v2/events</c>. The stream opens with <c>event_stream_attached</c>
/// (<c>remoteAddress</c>) and stays open until the client goes or the scheduler stops.
/// <c>event_type</c> (repeatable, or comma-separated) keeps only those types.
/// </summary>
internal static class EventsApi
{
    /// <summary>Streams events until the request is aborted or the event stream ends.</summary>
    public static async Task StreamAsync(ApiContext api, HttpContext context)
    {
        var types = context.Request.Query["event_type"]
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);
        bool Wanted(JobEvent e) => types.Count == 0 || types.Contains(e.Type);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-store, must-revalidate";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var events = api.Control.EventsAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        // The first MoveNextAsync subscribes, before the attached event is written: a client that
        // sees it misses nothing after it.
        ValueTask<bool>? pending = events.MoveNextAsync();
        try
        {
            await response.StartAsync(stop.Token);
            await response.Body.FlushAsync(stop.Token);
            var attached = new JobEvent("event_stream_attached", api.Options.TimeProvider.GetUtcNow(),
                new Dictionary<string, object?> { ["remoteAddress"] = context.Connection.RemoteIpAddress?.ToString() ?? "" });
            if (Wanted(attached)) await WriteAsync(response, attached, stop.Token);
            while (true)
            {
                var next = pending.Value;
                pending = null;
                if (!await next) break;
                if (Wanted(events.Current)) await WriteAsync(response, events.Current, stop.Token);
                pending = events.MoveNextAsync();
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client went away
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client went away mid-write
        }
        finally
        {
            // An iterator cannot be disposed while a MoveNextAsync is pending: end it first.
            await stop.CancelAsync();
            if (pending is { } last)
            {
                try
                {
                    await last;
                }
                catch (OperationCanceledException)
                {
                }
            }
            await events.DisposeAsync();
        }
    }

    /// <summary>One event in the stream's form: <c>event: TYPE\ndata: JSON\n\n</c>.</summary>
    public static byte[] Frame(JobEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, ApiHttp.JsonOptions)) WriteJson(w, e);
        return Encoding.UTF8.GetBytes($"event: {e.Type}\ndata: {Encoding.UTF8.GetString(buffer.WrittenSpan)}\n\n");
    }

    /// <summary>The event's JSON: its fields, then <c>eventType</c> and <c>timestamp</c> (Chronos' date format).</summary>
    public static void WriteJson(Utf8JsonWriter w, JobEvent e)
    {
        w.WriteStartObject();
        foreach (var (name, value) in e.Fields)
        {
            w.WritePropertyName(name);
            WriteValue(w, value);
        }
        w.WriteString("eventType", e.Type);
        w.WriteString("timestamp", ApiHttp.Instant(e.At));
        w.WriteEndObject();
    }

    private static async Task WriteAsync(HttpResponse response, JobEvent e, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Frame(e), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>A field's value: null, text, booleans, whole and decimal numbers, instants; anything else as its text.</summary>
    private static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int or long or short or byte or uint or sbyte or ushort: w.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case double d: w.WriteNumberValue(d); break;
            case decimal m: w.WriteNumberValue(m); break;
            case DateTimeOffset t: w.WriteStringValue(ApiHttp.Instant(t)); break;
            default: w.WriteStringValue(value.ToString()); break;
        }
    }
}

using System.Collections;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Schedulers.Services.Definitions.Internal;
using Bridge.Schedulers.Services.Scheduling;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Bridge.Schedulers.Services.Api.Internal;

/// <summary>
/// <c>GET /v2/events</c>: the scheduler's events as server-sent events, one per event, each
/// <c>event: TYPE\ndata: JSON\n\n</c> where JSON is the event's fields plus <c>eventType</c> and
/// <c>timestamp</c> (Marathon's event stream, docs/docs/event-bus.md). The stream opens with
/// <c>event_stream_attached</c> (<c>remoteAddress</c>) and stays open until the client goes or the
/// scheduler stops. <c>event_type</c> (repeatable, or comma-separated) keeps only those types.
/// </summary>
internal static class EventsApi
{
    /// <summary>Streams events until the request is aborted or the event stream ends.</summary>
    public static async Task StreamAsync(ApiContext api, HttpContext context)
    {
        var types = ApiHttp.Values(context, "event_type");
        bool Wanted(ServiceEvent e) => types.Count == 0 || types.Contains(e.Type);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-store, must-revalidate";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var events = api.Control.EventsAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        ValueTask<bool>? pending = events.MoveNextAsync(); // subscribes now: nothing after the attached event is missed
        try
        {
            await response.StartAsync(stop.Token);
            await response.Body.FlushAsync(stop.Token);
            var attached = new ServiceEvent("event_stream_attached", api.Options.TimeProvider.GetUtcNow(),
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
    public static byte[] Frame(ServiceEvent e)
    {
        var data = JsonText.Write(w => WriteJson(w, e));
        return Encoding.UTF8.GetBytes($"event: {e.Type}\ndata: {data}\n\n");
    }

    /// <summary>The event's JSON: its fields, then <c>eventType</c> and <c>timestamp</c>.</summary>
    public static void WriteJson(Utf8JsonWriter w, ServiceEvent e)
    {
        w.WriteStartObject();
        foreach (var (name, value) in e.Fields)
        {
            w.WritePropertyName(name);
            WriteValue(w, value);
        }
        w.WriteString("eventType", e.Type);
        w.WriteString("timestamp", Versions.Format(e.At));
        w.WriteEndObject();
    }

    private static async Task WriteAsync(HttpResponse response, ServiceEvent e, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Frame(e), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>A field's value: null, text, booleans, numbers, times (Marathon's timestamps), JSON, maps and lists.</summary>
    private static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int or long or short or byte or uint or ulong or ushort or sbyte: w.WriteNumberValue(Convert.ToInt64(value)); break;
            case double d: w.WriteNumberValue(d); break;
            case float f: w.WriteNumberValue(f); break;
            case decimal m: w.WriteNumberValue(m); break;
            case DateTimeOffset t: w.WriteStringValue(Versions.Format(t)); break;
            case TimeSpan span: w.WriteNumberValue(span.TotalSeconds); break;
            case JsonElement element: element.WriteTo(w); break;
            case JsonNode node: node.WriteTo(w); break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                w.WriteStartObject();
                foreach (var (k, v) in map)
                {
                    w.WritePropertyName(k);
                    WriteValue(w, v);
                }
                w.WriteEndObject();
                break;
            case IEnumerable<KeyValuePair<string, string>> strings:
                w.WriteStartObject();
                foreach (var (k, v) in strings) w.WriteString(k, v);
                w.WriteEndObject();
                break;
            case IEnumerable items:
                w.WriteStartArray();
                foreach (var item in items) WriteValue(w, item);
                w.WriteEndArray();
                break;
            default: w.WriteStringValue(value.ToString()); break;
        }
    }
}

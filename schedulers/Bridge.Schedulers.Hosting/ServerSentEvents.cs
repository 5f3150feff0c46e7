using System.Collections;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Bridge.Schedulers.Hosting;

/// <summary>
/// A scheduler's event stream as server-sent events (WHATWG HTML, "Server-sent events"): one frame
/// per event, <c>event: TYPE\ndata: JSON\n\n</c>, where JSON is the event's fields plus
/// <c>eventType</c> and <c>timestamp</c> (Marathon's event bus shape). Both schedulers' REST APIs
/// stream through it.
/// </summary>
public static class ServerSentEvents
{
    /// <summary>
    /// Answers <paramref name="context"/> with <c>text/event-stream</c>: <paramref name="attached"/> first, then
    /// every event <paramref name="subscribe"/> yields that <paramref name="wanted"/> keeps, each flushed at
    /// once, until the client goes or the events end. The subscription is taken before the attached event is
    /// written, so a client that sees it misses nothing after it.
    /// </summary>
    public static async Task StreamAsync<TEvent>(HttpContext context, Func<CancellationToken, IAsyncEnumerable<TEvent>> subscribe,
        TEvent attached, Func<TEvent, bool> wanted, Func<TEvent, byte[]> frame)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-store, must-revalidate";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var events = subscribe(stop.Token).GetAsyncEnumerator(stop.Token);
        ValueTask<bool>? pending = events.MoveNextAsync();
        try
        {
            // Headers out before the first event: clients (and TestServer) see the response at once.
            await response.StartAsync(stop.Token);
            await response.Body.FlushAsync(stop.Token);
            if (wanted(attached)) await WriteAsync(response, frame(attached), stop.Token);
            while (true)
            {
                var next = pending.Value;
                pending = null;
                if (!await next) break;
                if (wanted(events.Current)) await WriteAsync(response, frame(events.Current), stop.Token);
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

    private static async Task WriteAsync(HttpResponse response, byte[] frame, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(frame, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>One event's frame: <c>event: TYPE\ndata: JSON\n\n</c> (see <see cref="WriteJson"/>).</summary>
    public static byte[] Frame(string type, DateTimeOffset at, IReadOnlyDictionary<string, object?> fields, Func<DateTimeOffset, string> time)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping, as the schedulers' other JSON: a quote is \" and non-ASCII text stays as it is.
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping })) WriteJson(w, type, at, fields, time);
        return Encoding.UTF8.GetBytes($"event: {type}\ndata: {Encoding.UTF8.GetString(buffer.ToArray())}\n\n");
    }

    /// <summary>An event's JSON: its fields, then <c>eventType</c> and <c>timestamp</c> (<paramref name="time"/> formats instants).</summary>
    public static void WriteJson(Utf8JsonWriter w, string type, DateTimeOffset at, IReadOnlyDictionary<string, object?> fields, Func<DateTimeOffset, string> time)
    {
        w.WriteStartObject();
        foreach (var (name, value) in fields)
        {
            w.WritePropertyName(name);
            WriteValue(w, value, time);
        }
        w.WriteString("eventType", type);
        w.WriteString("timestamp", time(at));
        w.WriteEndObject();
    }

    /// <summary>A field's value: null, text, booleans, numbers, instants (<paramref name="time"/>), durations (seconds), JSON, maps and lists; anything else as its text.</summary>
    public static void WriteValue(Utf8JsonWriter w, object? value, Func<DateTimeOffset, string> time)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int or long or short or byte or uint or ulong or ushort or sbyte: w.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case double d: w.WriteNumberValue(d); break;
            case float f: w.WriteNumberValue(f); break;
            case decimal m: w.WriteNumberValue(m); break;
            case DateTimeOffset t: w.WriteStringValue(time(t)); break;
            case TimeSpan span: w.WriteNumberValue(span.TotalSeconds); break;
            case JsonElement element: element.WriteTo(w); break;
            case JsonNode node: node.WriteTo(w); break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                w.WriteStartObject();
                foreach (var (k, v) in map)
                {
                    w.WritePropertyName(k);
                    WriteValue(w, v, time);
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
                foreach (var item in items) WriteValue(w, item, time);
                w.WriteEndArray();
                break;
            default: w.WriteStringValue(value.ToString()); break;
        }
    }
}

using System.Text.Json;
using Bridge.Schedulers.Jobs.Runs;
using Bridge.Schedulers.Hosting;
using Microsoft.AspNetCore.Http;

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
        var attached = new JobEvent("event_stream_attached", api.Options.TimeProvider.GetUtcNow(),
            new Dictionary<string, object?> { ["remoteAddress"] = context.Connection.RemoteIpAddress?.ToString() ?? "" });
        await ServerSentEvents.StreamAsync(context, api.Control.EventsAsync, attached, Wanted, Frame);
    }

    /// <summary>One event in the stream's form: <c>event: TYPE\ndata: JSON\n\n</c>.</summary>
    public static byte[] Frame(JobEvent e) => ServerSentEvents.Frame(e.Type, e.At, e.Fields, ApiHttp.Instant);

    /// <summary>The event's JSON: its fields, then <c>eventType</c> and <c>timestamp</c> (Chronos' date format).</summary>
    public static void WriteJson(Utf8JsonWriter w, JobEvent e) => ServerSentEvents.WriteJson(w, e.Type, e.At, e.Fields, ApiHttp.Instant);
}

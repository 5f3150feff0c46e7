using System.Text.Json;
using Bridge.Schedulers.Services.Definitions.Internal;
using Bridge.Schedulers.Services.Scheduling;
using Bridge.Schedulers.Hosting;
using Microsoft.AspNetCore.Http;

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
        var attached = new ServiceEvent("event_stream_attached", api.Options.TimeProvider.GetUtcNow(),
            new Dictionary<string, object?> { ["remoteAddress"] = context.Connection.RemoteIpAddress?.ToString() ?? "" });
        await ServerSentEvents.StreamAsync(context, api.Control.EventsAsync, attached, Wanted, Frame);
    }

    /// <summary>One event in the stream's form: <c>event: TYPE\ndata: JSON\n\n</c>.</summary>
    public static byte[] Frame(ServiceEvent e) => ServerSentEvents.Frame(e.Type, e.At, e.Fields, Versions.Format);

    /// <summary>The event's JSON: its fields, then <c>eventType</c> and <c>timestamp</c>.</summary>
    public static void WriteJson(Utf8JsonWriter w, ServiceEvent e) => ServerSentEvents.WriteJson(w, e.Type, e.At, e.Fields, Versions.Format);
}

using System.Text.Json;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Instances;
using Bridge.Schedulers.Services.Launching;
using Bridge.Schedulers.Services.Placement;
using Bridge.Schedulers.Services.Scheduling;
using Microsoft.AspNetCore.Http;

namespace Bridge.Schedulers.Services.Api.Internal;

/// <summary>
/// <c>GET /v2/queue</c> (every app with instances left to launch, and why its offers did not fit) and
/// <c>DELETE /v2/queue/{id}/delay</c> (forget its backoff: 204, or 404 when the app is not waiting),
/// as Marathon's QueueResource and QueueInfoConversion.
/// </summary>
internal static class QueueApi
{
    /// <summary>
    /// <c>GET /v2/queue</c>: <c>{"queue": [{"count", "role", "delay": {"timeLeftSeconds", "overdue", "cooldown"},
    /// "since", "processedOffersSummary", "lastUnusedOffers" (with <c>embed=lastUnusedOffers</c>), "app"}]}</c>, apps in id
    /// order. <c>timeLeftSeconds</c> is rounded up, so it is 0 exactly when <c>overdue</c> (launches may go);
    /// <c>cooldown</c> (Bridge's) says the backoff has reached <c>maxLaunchDelaySeconds</c>.
    /// </summary>
    public static async Task ListAsync(ApiContext api, HttpContext context)
    {
        var withOffers = ApiHttp.Values(context, "embed").Contains("lastUnusedOffers");
        var items = await api.Control.ReadAsync((s, now) => s.Apps.Where(a => a.Wanted > 0).Select(a => new QueueItem(
            AppView.Of(s, a), a.Wanted, a.Delay, now, s.Offers.Summary(a.Definition.Id),
            withOffers ? s.Offers.LastUnusedOffers(a.Definition.Id) : null)).ToList());
        await ApiHttp.JsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("queue");
            foreach (var item in items) item.WriteTo(w);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary><c>DELETE /v2/queue/{id}/delay</c>; <paramref name="path"/> is what follows <c>/v2/queue/</c>.</summary>
    public static async Task ResetDelayAsync(ApiContext api, HttpContext context, string path)
    {
        var trimmed = path.TrimEnd('/');
        if (!trimmed.EndsWith("/delay", StringComparison.Ordinal))
        {
            await ApiHttp.MessageAsync(context, StatusCodes.Status404NotFound, "Only DELETE /v2/queue/{appId}/delay exists here.");
            return;
        }
        var text = trimmed[..^"/delay".Length];
        var reset = AppId.TryParse(text, out var id, out _)
            && await api.Control.ChangeAsync((s, now, d) => s.ResetDelay(id, now, d));
        if (reset) context.Response.StatusCode = StatusCodes.Status204NoContent;
        else await ApiHttp.MessageAsync(context, StatusCodes.Status404NotFound,
            $"Application {(AppId.TryParse(text, out var shown, out _) ? shown.Value : "/" + text)} not found in tasks queue.");
    }

    /// <summary>One waiting app, snapshotted on the loop.</summary>
    private sealed record QueueItem(AppView App, int Count, LaunchDelay Delay, DateTimeOffset Now, ProcessedOffersSummary Summary,
        IReadOnlyList<UnusedOffer>? LastUnused)
    {
        /// <summary>
        /// When the app started waiting, as near as the scheduler's state tells: the start of its deployment; else,
        /// while it backs off, its last failure; else when its first unreachable instance became so; else its
        /// last change. (Marathon keeps the start of each launch attempt; the core does not.)
        /// </summary>
        private DateTimeOffset Since =>
            App.Deployment?.Started
            ?? (Delay.Failures > 0 ? Delay.NotBefore - Delay.Wait : (DateTimeOffset?)null)
            ?? App.Instances.Where(i => i.Condition == Condition.Unreachable).Select(i => (DateTimeOffset?)i.Since).Min()
            ?? App.Version;

        public void WriteTo(Utf8JsonWriter w)
        {
            var left = Delay.TimeLeft(Now);
            w.WriteStartObject();
            w.WriteNumber("count", Count);
            w.WriteString("role", App.Definition.Role);
            w.WriteStartObject("delay");
            w.WriteNumber("timeLeftSeconds", (long)Math.Ceiling(left.TotalSeconds));
            w.WriteBoolean("overdue", left == TimeSpan.Zero);
            w.WriteBoolean("cooldown", Delay.InCooldown);
            w.WriteEndObject();
            w.WriteString("since", Versions.Format(Since));
            w.WritePropertyName("processedOffersSummary");
            Summary.WriteTo(w);
            if (LastUnused is not null)
            {
                w.WriteStartArray("lastUnusedOffers");
                foreach (var offer in LastUnused)
                {
                    w.WriteStartObject();
                    w.WriteStartObject("offer");
                    w.WriteString("agentId", offer.AgentId.Value);
                    w.WriteEndObject();
                    w.WriteString("timestamp", Versions.Format(offer.At));
                    w.WriteStartArray("reason");
                    foreach (var reason in offer.Reasons) w.WriteStringValue(reason.ToString());
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WritePropertyName("app");
            StatusJson.WriteApp(w, App, Embed.None);
            w.WriteEndObject();
        }
    }
}

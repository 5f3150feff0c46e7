using System.Text.Json;
using Bridge.Kernel;
using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Definitions.Internal;

namespace Bridge.Schedulers.Services.Placement;

/// <summary>
/// Counts, per app, the offers matched against it while it waits to launch tasks, and why they were
/// not used: what <c>/v2/queue</c> shows as <c>processedOffersSummary</c> (Marathon's
/// core/launchqueue/impl/OfferMatchStatistics.scala and LaunchStats.scala). A rejected offer counts
/// once, under its first reason in funnel order. No I/O and no clock (times come with each record);
/// not thread-safe: one loop owns it.
/// </summary>
public sealed class OfferStatistics
{
    private readonly Dictionary<AppId, AppCounts> _apps = [];

    /// <summary>Records the outcome of matching an offer from <paramref name="agent"/> against <paramref name="app"/>.</summary>
    /// <param name="app">The app.</param>
    /// <param name="agent">The offering agent (the last unused offer of each agent is kept).</param>
    /// <param name="result">The outcome.</param>
    /// <param name="at">When the offer was processed.</param>
    public void Record(AppId app, AgentId agent, OfferMatchResult result, DateTimeOffset at)
    {
        if (!_apps.TryGetValue(app, out var counts)) _apps[app] = counts = new AppCounts();
        counts.Processed++;
        if (result is OfferRejected rejected)
        {
            counts.Unused++;
            counts.LaunchAttempt[rejected.Reason] = counts.LaunchAttempt.GetValueOrDefault(rejected.Reason) + 1;
            counts.LastUnused = at;
            counts.LastByAgent[agent] = new UnusedOffer(agent, at, rejected.Reasons);
        }
        else counts.LastUsed = at;
    }

    /// <summary>Forgets <paramref name="app"/>: its launch attempt ended (all its tasks launched, or it was
    /// scaled down or removed), as Marathon's <c>LaunchFinished</c> does.</summary>
    public void LaunchFinished(AppId app) => _apps.Remove(app);

    /// <summary>The summary for <paramref name="app"/> (all zeros when nothing was recorded).</summary>
    public ProcessedOffersSummary Summary(AppId app)
    {
        if (!_apps.TryGetValue(app, out var c))
            return new ProcessedOffersSummary(0, 0, null, null, ProcessedOffersSummary.Funnel(0, new Dictionary<RejectReason, int>()),
                ProcessedOffersSummary.Funnel(0, new Dictionary<RejectReason, int>()));
        var last = c.LastByAgent.Values.GroupBy(u => u.Reasons[0]).ToDictionary(g => g.Key, g => g.Count());
        return new ProcessedOffersSummary(c.Processed, c.Unused, c.LastUnused, c.LastUsed,
            ProcessedOffersSummary.Funnel(c.LastByAgent.Count, last), ProcessedOffersSummary.Funnel(c.Processed, c.LaunchAttempt));
    }

    /// <summary>The last unused offer of each agent for <paramref name="app"/>, most recent first
    /// (Marathon's <c>lastUnusedOffers</c>, without the offers' resources).</summary>
    public IReadOnlyList<UnusedOffer> LastUnusedOffers(AppId app) =>
        _apps.TryGetValue(app, out var c) ? [.. c.LastByAgent.Values.OrderByDescending(u => u.At)] : [];

    private sealed class AppCounts
    {
        public int Processed;
        public int Unused;
        public DateTimeOffset? LastUsed;
        public DateTimeOffset? LastUnused;
        public readonly Dictionary<RejectReason, int> LaunchAttempt = [];
        public readonly Dictionary<AgentId, UnusedOffer> LastByAgent = [];
    }
}

/// <summary>An agent's last offer that an app could not use.</summary>
/// <param name="AgentId">The agent.</param>
/// <param name="At">When it was processed.</param>
/// <param name="Reasons">Why not, in funnel order.</param>
public sealed record UnusedOffer(AgentId AgentId, DateTimeOffset At, ValueList<RejectReason> Reasons);

/// <summary>One step of the reject funnel: of <paramref name="Processed"/> offers that got this far,
/// <paramref name="Declined"/> failed here (Marathon's <c>DeclinedOfferStep</c>).</summary>
/// <param name="Reason">The step.</param>
/// <param name="Declined">Offers whose first reason is this one.</param>
/// <param name="Processed">Offers not declined at an earlier step.</param>
public sealed record DeclinedOfferStep(RejectReason Reason, int Declined, int Processed);

/// <summary>
/// Marathon's <c>processedOffersSummary</c> for one waiting app.
/// </summary>
/// <param name="ProcessedOffersCount">Offers matched against the app since its launch attempt began.</param>
/// <param name="UnusedOffersCount">Of those, offers that did not fit.</param>
/// <param name="LastUnusedOfferAt">When the last unfit offer was processed, if any.</param>
/// <param name="LastUsedOfferAt">When the last fitting offer was processed, if any.</param>
/// <param name="RejectSummaryLastOffers">The funnel over the last unused offer of each agent.</param>
/// <param name="RejectSummaryLaunchAttempt">The funnel over every offer of the launch attempt.</param>
public sealed record ProcessedOffersSummary(
    int ProcessedOffersCount,
    int UnusedOffersCount,
    DateTimeOffset? LastUnusedOfferAt,
    DateTimeOffset? LastUsedOfferAt,
    ValueList<DeclinedOfferStep> RejectSummaryLastOffers,
    ValueList<DeclinedOfferStep> RejectSummaryLaunchAttempt)
{
    /// <summary>The funnel: every reason in order, each step processing what the earlier ones did not decline
    /// (Marathon's <c>QueueInfoConversion.declinedOfferSteps</c>).</summary>
    /// <param name="processed">Offers entering the first step.</param>
    /// <param name="declined">Offers declined per reason.</param>
    public static ValueList<DeclinedOfferStep> Funnel(int processed, IReadOnlyDictionary<RejectReason, int> declined)
    {
        var steps = new List<DeclinedOfferStep>();
        foreach (var reason in Enum.GetValues<RejectReason>())
        {
            int n = declined.GetValueOrDefault(reason);
            steps.Add(new DeclinedOfferStep(reason, n, processed));
            processed -= n;
        }
        return ValueList.From(steps);
    }

    /// <summary>Writes Marathon's JSON: <c>{"processedOffersCount":..,"unusedOffersCount":..,
    /// "lastUnusedOfferAt":..,"lastUsedOfferAt":..,"rejectSummaryLastOffers":[{"reason":"InsufficientCpus",
    /// "declined":..,"processed":..},...],"rejectSummaryLaunchAttempt":[...]}</c>; absent times are omitted,
    /// times are UTC with milliseconds.</summary>
    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("processedOffersCount", ProcessedOffersCount);
        w.WriteNumber("unusedOffersCount", UnusedOffersCount);
        if (LastUnusedOfferAt is { } unused) w.WriteString("lastUnusedOfferAt", AppWriter.Timestamp(unused));
        if (LastUsedOfferAt is { } used) w.WriteString("lastUsedOfferAt", AppWriter.Timestamp(used));
        Steps(w, "rejectSummaryLastOffers", RejectSummaryLastOffers);
        Steps(w, "rejectSummaryLaunchAttempt", RejectSummaryLaunchAttempt);
        w.WriteEndObject();
    }

    /// <summary>The JSON of <see cref="WriteTo"/>.</summary>
    public string ToJson() => JsonText.Write(WriteTo);

    private static void Steps(Utf8JsonWriter w, string name, IEnumerable<DeclinedOfferStep> steps)
    {
        w.WriteStartArray(name);
        foreach (var s in steps)
        {
            w.WriteStartObject();
            w.WriteString("reason", s.Reason.ToString());
            w.WriteNumber("declined", s.Declined);
            w.WriteNumber("processed", s.Processed);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}

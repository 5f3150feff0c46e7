using OperatorEvent = Bridge.Kernel.V1.Operator.Event;

namespace Bridge.Kernel.Master.Internal;

/// <summary>
/// The OFFERS_SUMMARY operator event (a Bridge addition; Mesos' operator API has no offer events):
/// the offers made, declined and rescinded since the previous summary, read off
/// <see cref="MasterMetrics"/>' counters. Checked after every batch of the loop, it is published
/// once at least <see cref="Allocation.AllocatorOptions.AllocationInterval"/> has passed since the
/// previous summary (or since the master started) and only when one of those counters moved, so an
/// idle cluster sends nothing and a busy one at most one per interval. The allocation timer makes a
/// batch every interval, so a change is reported within one interval of becoming due.
/// </summary>
internal sealed class OffersSummaryHandler(MasterState s)
{
    private DateTimeOffset _windowStart = s.Now;
    private long _made = s.Metrics.OffersMade;
    private long _declined = s.Metrics.OffersDeclined;
    private long _rescinded = s.Metrics.OffersRescinded;

    public void AfterBatch()
    {
        var now = s.Now;
        if (now - _windowStart < s.Options.Allocator.AllocationInterval) return;
        var metrics = s.Metrics;
        if (metrics.OffersMade == _made && metrics.OffersDeclined == _declined && metrics.OffersRescinded == _rescinded) return;
        s.Publish(new OperatorEvent
        {
            Type = OperatorEvent.Types.Type.OffersSummary,
            OffersSummary = new OperatorEvent.Types.OffersSummary
            {
                OffersMade = (ulong)(metrics.OffersMade - _made),
                OffersDeclined = (ulong)(metrics.OffersDeclined - _declined),
                OffersRescinded = (ulong)(metrics.OffersRescinded - _rescinded),
                FrameworksOffered = (uint)s.FrameworksOffered.Count,
                AgentsOffered = (uint)s.AgentsOffered.Count,
                OffersOutstanding = (ulong)s.Allocator.GetOffers().Count,
                WindowSeconds = (now - _windowStart).TotalSeconds,
                Timestamp = s.NowSeconds,
            },
        });
        _windowStart = now;
        (_made, _declined, _rescinded) = (metrics.OffersMade, metrics.OffersDeclined, metrics.OffersRescinded);
        s.FrameworksOffered.Clear();
        s.AgentsOffered.Clear();
    }
}

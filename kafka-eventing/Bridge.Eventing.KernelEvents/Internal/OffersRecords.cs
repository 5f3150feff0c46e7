using Bridge.Eventing.Avro.Generic;
using static Bridge.Eventing.KernelEvents.Internal.WireValues;
using OffersSummary = Bridge.Kernel.V1.Operator.Event.Types.OffersSummary;

namespace Bridge.Eventing.KernelEvents.Internal;

/// <summary><c>bridge.events.v1.OffersSummary</c> records from OFFERS_SUMMARY.</summary>
internal static class OffersRecords
{
    /// <summary>The key of every summary: one master, one key, so summaries stay in order in one partition.</summary>
    public const string Key = "master";

    /// <summary>The summary as a record; counts past <see cref="long.MaxValue"/> (never reached) are clamped.</summary>
    public static KernelEvent FromSummary(OffersSummary summary)
    {
        var record = new GenericRecord(KernelEventSchemas.OffersSummary);
        record["offers_made"] = Long(summary.OffersMade);
        record["offers_declined"] = Long(summary.OffersDeclined);
        record["offers_rescinded"] = Long(summary.OffersRescinded);
        record["frameworks_offered"] = Int(summary.FrameworksOffered);
        record["agents_offered"] = Int(summary.AgentsOffered);
        record["offers_outstanding"] = Long(summary.OffersOutstanding);
        record["window_seconds"] = summary.WindowSeconds;
        record["window_end"] = Time(summary.Timestamp) ?? DateTime.UnixEpoch;
        return new KernelEvent(KernelEventTopics.Offers, Key, KernelEventSchemas.OffersSummary, record);
    }

    private static long Long(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    private static int Int(uint value) => value > int.MaxValue ? int.MaxValue : (int)value;
}

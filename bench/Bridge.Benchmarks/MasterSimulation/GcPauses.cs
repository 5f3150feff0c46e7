using System.Diagnostics.Tracing;

namespace Bridge.Benchmarks.MasterSimulation;

/// <summary>
/// Records every garbage collection's pause (from the runtime suspending managed threads to
/// resuming them) through the runtime's own events (<c>Microsoft-Windows-DotNETRuntime</c>, GC
/// keyword, GCSuspendEEBegin_V1 to GCRestartEEEnd_V1, timestamped by the runtime), so the master
/// benchmark can say how long and how often the process stood still. The simulated frameworks stand
/// still too, which hides most of a pause from the launch overhead; see docs/benchmarks.md.
/// </summary>
internal sealed class GcPauses : EventListener
{
    private readonly List<(DateTime At, double Ms)> _pauses = new();
    private DateTime _suspendedAt;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Informational, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        switch (e.EventName)
        {
            case "GCSuspendEEBegin_V1":
                _suspendedAt = e.TimeStamp;
                break;
            case "GCRestartEEEnd_V1" when _suspendedAt != default:
                lock (_pauses) _pauses.Add((e.TimeStamp, (e.TimeStamp - _suspendedAt).TotalMilliseconds));
                _suspendedAt = default;
                break;
        }
    }

    /// <summary>Pauses (ms, ascending) that ended between <paramref name="from"/> and <paramref name="to"/> (UTC).</summary>
    public IReadOnlyList<double> Between(DateTime from, DateTime to)
    {
        lock (_pauses) return _pauses.Where(p => p.At.ToUniversalTime() >= from && p.At.ToUniversalTime() < to).Select(p => p.Ms).Order().ToList();
    }
}

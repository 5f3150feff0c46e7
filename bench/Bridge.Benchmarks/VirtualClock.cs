namespace Bridge.Benchmarks;

/// <summary>A clock that moves only when told to, so filters and intervals pass without waiting.</summary>
internal sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

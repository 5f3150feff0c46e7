namespace Bridge.Eventing.Log.Topics;

/// <summary>
/// Message rates per topic from successive samples of its partitions' summed end offsets: the rate is the growth from the
/// oldest sample still inside the window to now, per second (the dashboard's "messages/s"). Pure; not thread-safe.
/// </summary>
/// <param name="window">How far back the rate looks (older samples are dropped).</param>
public sealed class TopicRates(TimeSpan window)
{
    private readonly Queue<(DateTimeOffset At, IReadOnlyDictionary<string, long> Ends)> _samples = new();

    /// <summary>Records the end offsets at <paramref name="now"/> and returns each topic's messages per second since the
    /// oldest sample in the window; a topic with no earlier sample (new, or the first call) has no rate.</summary>
    public IReadOnlyDictionary<string, double> Record(DateTimeOffset now, IReadOnlyDictionary<string, long> ends)
    {
        while (_samples.Count > 0 && now - _samples.Peek().At > window) _samples.Dequeue();
        var rates = new Dictionary<string, double>(StringComparer.Ordinal);
        if (_samples.Count > 0 && _samples.Peek() is var (at, before) && now > at)
            foreach (var (topic, end) in ends)
                if (before.TryGetValue(topic, out var then))
                    rates[topic] = Math.Max(0, end - then) / (now - at).TotalSeconds;
        _samples.Enqueue((now, ends));
        return rates;
    }
}

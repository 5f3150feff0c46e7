namespace Bridge.Simulation;

/// <summary>Queueing delays, one value per instance, kept as (delay, instances) pairs so a million identical instances cost one entry.</summary>
public sealed class Delays
{
    private readonly List<(double Seconds, long Count)> _values = new();
    private bool _sorted = true;

    /// <summary>Instances recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Sum of all delays, seconds.</summary>
    public double TotalSeconds { get; private set; }

    /// <summary>Records <paramref name="count"/> instances that waited <paramref name="seconds"/>.</summary>
    public void Add(double seconds, long count)
    {
        if (count <= 0) return;
        if (_values.Count > 0 && seconds < _values[^1].Seconds) _sorted = false;
        _values.Add((seconds, count));
        Count += count;
        TotalSeconds += seconds * count;
    }

    /// <summary>Adds every delay of <paramref name="other"/>.</summary>
    public void AddAll(Delays other)
    {
        foreach (var (seconds, count) in other._values) Add(seconds, count);
    }

    /// <summary>The mean delay, seconds (0 when empty).</summary>
    public double Mean => Count == 0 ? 0 : TotalSeconds / Count;

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0-100) over instances, seconds (0 when empty).</summary>
    public double Percentile(double p)
    {
        if (Count == 0) return 0;
        if (!_sorted)
        {
            _values.Sort((a, b) => a.Seconds.CompareTo(b.Seconds));
            _sorted = true;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(p / 100 * Count));
        long seen = 0;
        foreach (var (seconds, count) in _values)
        {
            seen += count;
            if (seen >= rank) return seconds;
        }
        return _values[^1].Seconds;
    }

    /// <summary>The delays' cumulative distribution at <paramref name="points"/> evenly spaced quantiles: (seconds, fraction of instances at or below).</summary>
    public IReadOnlyList<(double Seconds, double Fraction)> Cdf(int points = 100) =>
        Enumerable.Range(0, points + 1).Select(i => (Percentile(100.0 * i / points), (double)i / points)).ToList();
}

/// <summary>CPU in use over time, integrated into fixed buckets (for utilization and its plot).</summary>
/// <param name="start">The time the first bucket starts, seconds.</param>
/// <param name="bucketSeconds">Each bucket's width, seconds.</param>
public sealed class CpuTimeline(double start, double bucketSeconds)
{
    private readonly List<double> _buckets = new();

    /// <summary>Core-seconds integrated so far.</summary>
    public double CoreSeconds { get; private set; }

    /// <summary>Width of a bucket, seconds.</summary>
    public double BucketSeconds => bucketSeconds;

    /// <summary>Adds <paramref name="cores"/> in use from <paramref name="from"/> to <paramref name="to"/> (seconds).</summary>
    public void Add(double from, double to, double cores)
    {
        if (to <= from || cores == 0) return;
        CoreSeconds += cores * (to - from);
        var t = from;
        while (t < to)
        {
            var index = (int)Math.Floor((t - start) / bucketSeconds);
            var end = Math.Min(to, start + (index + 1) * bucketSeconds);
            while (_buckets.Count <= index) _buckets.Add(0);
            _buckets[index] += cores * (end - t);
            t = end;
        }
    }

    /// <summary>Adds another timeline's buckets (same start and width) to this one.</summary>
    public void AddAll(CpuTimeline other)
    {
        while (_buckets.Count < other._buckets.Count) _buckets.Add(0);
        for (var i = 0; i < other._buckets.Count; i++) _buckets[i] += other._buckets[i];
        CoreSeconds += other.CoreSeconds;
    }

    /// <summary>Mean cores in use in each bucket: (bucket start, cores).</summary>
    public IReadOnlyList<(double Start, double Cores)> Buckets() =>
        _buckets.Select((area, i) => (start + i * bucketSeconds, area / bucketSeconds)).ToList();
}

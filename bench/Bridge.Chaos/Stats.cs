namespace Bridge.Chaos;

/// <summary>Nearest-rank percentiles, as the chaos lines report them.</summary>
public static class Stats
{
    /// <summary>The value at percentile <paramref name="p"/> (0–100) of <paramref name="sorted"/> (ascending): the smallest
    /// value with at least p% of the sample at or below it; 0 when the sample is empty.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return 0;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}

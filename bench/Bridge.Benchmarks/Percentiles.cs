namespace Bridge.Benchmarks;

/// <summary>Nearest-rank percentiles of a sample, as the benchmarks report them.</summary>
internal static class Percentiles
{
    /// <summary>The value at percentile <paramref name="p"/> (0–100) of <paramref name="sorted"/>
    /// (ascending): the smallest value with at least p% of the sample at or below it; NaN when empty.</summary>
    public static double Of(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}

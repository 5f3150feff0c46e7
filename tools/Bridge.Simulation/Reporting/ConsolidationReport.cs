using System.Globalization;
using System.Text;
using ScottPlot;

namespace Bridge.Simulation.Reporting;

/// <summary>
/// Whether a consolidation study met the issue's goal for the shared pool: at least +15 points of utilization and at least
/// 50% less mean queueing delay than the static partitions (Mesos paper, section 6: +10% CPU, +17% memory on its testbed).
/// </summary>
/// <param name="UtilizationGainPoints">Shared minus static utilization, percentage points.</param>
/// <param name="MeanDelayReduction">1 - shared mean delay / static mean delay (0.5 = halved; negative = worse; 0 when the static mean is 0).</param>
public sealed record ConsolidationGoal(double UtilizationGainPoints, double MeanDelayReduction)
{
    /// <summary>The utilization goal, percentage points.</summary>
    public const double UtilizationGoalPoints = 15;

    /// <summary>The mean-delay goal, a fraction of the static mean.</summary>
    public const double DelayReductionGoal = 0.5;

    /// <summary>Both goals met.</summary>
    public bool Met => UtilizationGainPoints >= UtilizationGoalPoints && MeanDelayReduction >= DelayReductionGoal;

    /// <summary>Measures <paramref name="result"/> against the goal.</summary>
    public static ConsolidationGoal Of(ConsolidationResult result) => new(
        (result.Shared.Utilization - result.Static.Utilization) * 100,
        result.Static.Delays.Mean <= 0 ? 0 : 1 - result.Shared.Delays.Mean / result.Static.Delays.Mean);
}

/// <summary>
/// Writes a consolidation study into a directory: <c>utilization.svg</c> (cores in use over time as a percentage of the
/// pool, static partitions together against the shared pool), <c>queueing-delay-cdf.svg</c> (the fraction of instances
/// that waited at most x seconds, both modes) and <c>report.md</c> (settings, figures, the goal, the plots). Plots are
/// drawn with ScottPlot 5.
/// </summary>
public static class ConsolidationReport
{
    /// <summary>The files <see cref="Write"/> makes, in order.</summary>
    public static readonly IReadOnlyList<string> Files = ["report.md", "utilization.svg", "queueing-delay-cdf.svg"];

    private const int Width = 900;
    private const int Height = 450;

    /// <summary>Writes the report of <paramref name="result"/> into <paramref name="directory"/> (made if missing; the three files are replaced).</summary>
    /// <param name="result">The study.</param>
    /// <param name="trace">The trace's name, as in the last line.</param>
    /// <param name="source">Where the work came from (the trace's path, items and instances, what was skipped), one line for the report.</param>
    /// <param name="directory">The output directory.</param>
    /// <exception cref="IOException">The directory or a file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static void Write(ConsolidationResult result, string trace, string source, string directory)
    {
        Directory.CreateDirectory(directory);
        UtilizationPlot(result).SaveSvg(Path.Combine(directory, Files[1]), Width, Height);
        DelayCdfPlot(result).SaveSvg(Path.Combine(directory, Files[2]), Width, Height);
        File.WriteAllText(Path.Combine(directory, Files[0]), Markdown(result, trace, source));
    }

    /// <summary>Utilization over time: each bucket's mean cores in use over the pool's cores, percent, by hour from the first submission.</summary>
    private static Plot UtilizationPlot(ConsolidationResult result)
    {
        var capacity = result.Options.Machines * result.Options.MachineCpus;
        return TwoModes(result, "CPU utilization over time", "hours since the first submission", "cores in use, % of the pool", 100, mode =>
        {
            var buckets = mode.Cpu.Buckets();
            var origin = buckets.Count == 0 ? 0 : buckets[0].Start;
            return (buckets.Select(b => (b.Start - origin) / 3600).ToArray(), buckets.Select(b => b.Cores / capacity * 100).ToArray(),
                string.Create(CultureInfo.InvariantCulture, $"mean {mode.Utilization * 100:0.0}%"));
        });
    }

    /// <summary>Queueing-delay CDFs: the fraction of instances that waited at most x seconds, both modes.</summary>
    private static Plot DelayCdfPlot(ConsolidationResult result) =>
        TwoModes(result, "Queueing delay (submission to placement), per instance", "seconds waited", "fraction of instances", 1, mode =>
        {
            var cdf = mode.Delays.Cdf(200);
            return (cdf.Select(p => p.Seconds).ToArray(), cdf.Select(p => p.Fraction).ToArray(), string.Create(CultureInfo.InvariantCulture, $"mean {mode.Delays.Mean:0} s"));
        });

    /// <summary>One line per mode (static partitions, shared pool), each labelled with its mode and <c>series</c>' note; y from 0 to <paramref name="yMax"/>.</summary>
    private static Plot TwoModes(ConsolidationResult result, string title, string x, string y, double yMax, Func<ModeResult, (double[] Xs, double[] Ys, string Note)> series)
    {
        var plot = new Plot();
        foreach (var (mode, label) in new[] { (result.Static, $"{result.Options.Partitions} static partitions"), (result.Shared, "one shared pool") })
        {
            var (xs, ys, note) = series(mode);
            if (xs.Length == 0) continue;
            plot.Add.ScatterLine(xs, ys).LegendText = $"{label} ({note})";
        }
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        plot.Axes.SetLimitsY(0, yMax);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    /// <summary>The markdown report of <paramref name="result"/> (what <c>report.md</c> holds; the plots it links are written by <see cref="Write"/>).</summary>
    /// <param name="result">The study.</param>
    /// <param name="trace">The trace's name.</param>
    /// <param name="source">Where the work came from, one line.</param>
    public static string Markdown(ConsolidationResult result, string trace, string source)
    {
        var o = result.Options;
        var goal = ConsolidationGoal.Of(result);
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"# Consolidation study: {trace}");
        text.AppendLine();
        Line($"Source: {source}");
        text.AppendLine();
        Line($"{result.Items:N0} work items, {result.Instances:N0} instances replayed through the real allocator (Bridge.Kernel.Allocation) in virtual time, twice:");
        Line($"as {o.Partitions} static partitions of {o.Machines / o.Partitions:N0} machines, and as one shared pool of {o.Machines:N0} machines ({o.MachineCpus:0.##} cores, {o.MachineMemoryMb:0} MB each)");
        Line($"with one role per partition, weight 1, guaranteed {o.GuaranteeFraction * 100:0}% of its partition as quota. Allocation interval {o.IntervalSeconds:0.##} s (virtual).");
        if (result.Unplaceable.Count > 0) Line($"{result.Unplaceable.Count:N0} items with an instance larger than a machine were left out of both.");
        text.AppendLine();
        text.AppendLine("| | static partitions | shared pool |");
        text.AppendLine("|---|---:|---:|");
        Line($"| CPU utilization | {result.Static.Utilization * 100:0.0}% | {result.Shared.Utilization * 100:0.0}% |");
        Line($"| mean queueing delay | {result.Static.Delays.Mean:N1} s | {result.Shared.Delays.Mean:N1} s |");
        Line($"| median queueing delay | {result.Static.Delays.Percentile(50):N1} s | {result.Shared.Delays.Percentile(50):N1} s |");
        Line($"| p95 queueing delay | {result.Static.Delays.Percentile(95):N1} s | {result.Shared.Delays.Percentile(95):N1} s |");
        Line($"| makespan | {result.Static.MakespanSeconds:N0} s | {result.Shared.MakespanSeconds:N0} s |");
        Line($"| allocation cycles | {result.Static.AllocationCycles:N0} | {result.Shared.AllocationCycles:N0} |");
        text.AppendLine();
        Line($"Goal for the shared pool: at least +{ConsolidationGoal.UtilizationGoalPoints:0} points of utilization and at least {ConsolidationGoal.DelayReductionGoal * 100:0}% less mean queueing delay.");
        Line($"Measured: {goal.UtilizationGainPoints:+0.0;-0.0;0.0} points, mean delay {(goal.MeanDelayReduction >= 0 ? $"{goal.MeanDelayReduction * 100:0}% lower" : $"{-goal.MeanDelayReduction * 100:0}% higher")}: **goal {(goal.Met ? "met" : "not met")}**.");
        text.AppendLine();
        text.AppendLine("![CPU utilization over time](utilization.svg)");
        text.AppendLine();
        text.AppendLine("![Queueing-delay CDFs](queueing-delay-cdf.svg)");
        text.AppendLine();
        text.AppendLine("```");
        text.AppendLine(result.Line(trace));
        text.AppendLine("```");
        return text.ToString();
    }
}

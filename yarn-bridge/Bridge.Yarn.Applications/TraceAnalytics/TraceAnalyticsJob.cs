using Bridge.Traces.Alibaba;
using Bridge.Yarn.Applications.MapReduce;

namespace Bridge.Yarn.Applications.TraceAnalytics;

/// <summary>A trace-analytics job's parameters.</summary>
/// <param name="Input">The Alibaba batch-task table, plain or gzip (e.g. <c>examples/data/alibaba-2017-batch_task.csv.gz</c>).</param>
/// <param name="Output">The output directory; must not exist yet.</param>
/// <param name="Reduces">Reduce tasks, i.e. <c>part-r-*</c> files (default 1).</param>
/// <param name="RowsPerMap">Data rows per map task (default 20,000: 5 maps over the shipped 80,553 rows).</param>
public sealed record TraceAnalyticsJobOptions(string Input, string Output, int Reduces = 1, long RowsPerMap = 20_000);

/// <summary>The plan of a trace-analytics job: a row range per map, and where intermediates go.</summary>
public sealed record TraceAnalyticsPlan(TraceAnalyticsJobOptions Options, IReadOnlyList<RowRange> Ranges, string IntermediateDirectory);

/// <summary>A finished trace-analytics job.</summary>
public sealed record TraceAnalyticsJobResult(
    TraceAnalyticsPlan Plan, IReadOnlyList<TraceAnalyticsMapResult> Maps, IReadOnlyList<TraceAnalyticsReduceResult> Reduces, BatchTaskSummary Summary);

/// <summary>Plans and (in one process, for tests and one-node runs) runs a trace-analytics job with <see cref="TraceAnalyticsTasks"/>.</summary>
public static class TraceAnalyticsJob
{
    /// <summary>
    /// Checks the input exists, cuts it into row ranges, sets up the output. Fails as a value when
    /// the input is missing or the output exists.
    /// </summary>
    /// <exception cref="InvalidDataException">The input is not the batch-task table (no or wrong header).</exception>
    /// <exception cref="ArgumentOutOfRangeException">Reduces or rows per map below 1.</exception>
    public static bool TryPlan(TraceAnalyticsJobOptions options, out TraceAnalyticsPlan? plan, out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Reduces, 1);
        plan = null;
        string input = Path.GetFullPath(options.Input);
        if (!File.Exists(input))
        {
            error = $"Input path does not exist: {input}";
            return false;
        }
        var ranges = TraceAnalyticsTasks.PlanRanges(input, options.RowsPerMap);
        if (!FileOutputCommitter.TrySetupJob(options.Output, out error)) return false;
        string intermediate = Path.Combine(Path.GetFullPath(options.Output), FileOutputCommitter.TemporaryDirectoryName, "map-outputs");
        Directory.CreateDirectory(intermediate);
        plan = new TraceAnalyticsPlan(options, ranges, intermediate);
        return true;
    }

    /// <summary>
    /// Submits the job for an ApplicationMaster to run: plans it (<see cref="TryPlan"/>: row ranges, output set
    /// up) and writes the plan as <c>job.json</c> in <paramref name="jobDirectory"/> (<see cref="MapReduceJobFile"/>).
    /// </summary>
    /// <param name="options">The job's parameters.</param>
    /// <param name="jobDirectory">Where <c>job.json</c> goes (created when missing; keep it apart from the output).</param>
    /// <param name="settings">Container sizes and attempt limits (default Hadoop's).</param>
    /// <param name="job">The job written.</param>
    /// <param name="error">Why not, as <see cref="TryPlan"/> says.</param>
    /// <exception cref="InvalidDataException">The input is not the batch-task table.</exception>
    public static bool TryPrepare(TraceAnalyticsJobOptions options, string jobDirectory, MapReduceSettings? settings, out MapReduceJob? job, out string? error)
    {
        job = null;
        if (!TryPlan(options, out var plan, out error)) return false;
        job = new MapReduceJob
        {
            Application = MapReduceJob.TraceAnalyticsApplication,
            Input = Path.GetFullPath(options.Input),
            Output = Path.GetFullPath(options.Output),
            IntermediateDirectory = plan!.IntermediateDirectory,
            Reduces = options.Reduces,
            Ranges = plan.Ranges,
            Settings = settings ?? new MapReduceSettings(),
        };
        MapReduceJobFile.Write(jobDirectory, job);
        return true;
    }

    /// <summary>Runs a planned job in this process: maps, reduces, then the commit with <c>_summary.tsv</c>.</summary>
    public static TraceAnalyticsJobResult Run(TraceAnalyticsPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int reduces = plan.Options.Reduces;
        var maps = plan.Ranges.Select((range, m) => TraceAnalyticsTasks.Map(range, m, reduces, plan.IntermediateDirectory)).ToList();
        var reduceResults = Enumerable.Range(0, reduces)
            .Select(r => TraceAnalyticsTasks.Reduce(MapOutputs.ForPartition(plan.IntermediateDirectory, maps.Count, r), r, plan.Options.Output))
            .ToList();
        var summary = TraceAnalyticsSummary.CommitJob(plan.Options.Output, maps.Select(m => m.SummaryPath));
        return new TraceAnalyticsJobResult(plan, maps, reduceResults, summary);
    }
}

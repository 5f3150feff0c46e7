using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Bridge.Traces.Alibaba;
using Bridge.Yarn.Applications.MapReduce;

namespace Bridge.Yarn.Applications.TraceAnalytics;

/// <summary>A map task's share of the trace: data rows [<see cref="FirstRow"/>, <see cref="FirstRow"/> + <see cref="RowCount"/>), row 0 being line 2 (after the header).</summary>
/// <param name="Path">The batch-task table, plain or gzip.</param>
/// <param name="FirstRow">First data row, from 0.</param>
/// <param name="RowCount">Rows in the range (≥ 0).</param>
public sealed record RowRange(string Path, long FirstRow, long RowCount);

/// <summary>What a trace-analytics map task did.</summary>
/// <param name="Map">The map's index.</param>
/// <param name="Summary">Rows read, used and skipped by reason, in this map's range.</param>
/// <param name="Jobs">Distinct jobs in the range.</param>
/// <param name="Runs">Intermediate file per partition, index = partition.</param>
/// <param name="SummaryPath">This map's summary file (<see cref="TraceAnalyticsSummary"/> format).</param>
public sealed record TraceAnalyticsMapResult(int Map, BatchTaskSummary Summary, long Jobs, IReadOnlyList<string> Runs, string SummaryPath);

/// <summary>What a trace-analytics reduce task did.</summary>
/// <param name="Partition">The partition reduced.</param>
/// <param name="Jobs">Jobs written.</param>
/// <param name="OutputPath">The committed <c>part-r-RRRRR</c>.</param>
public sealed record TraceAnalyticsReduceResult(int Partition, long Jobs, string OutputPath);

/// <summary>
/// Per-job totals over the Alibaba 2017 batch-task table, as map and reduce functions over files.
/// For every used row (<see cref="AlibabaBatchTasks"/>; skipped rows are only counted):
/// CPU-core-seconds += instances × cpus (cores) × (end − create) seconds, instances += instances,
/// tasks += 1. Kept exactly as integer core-hundredth-seconds until the output, so partial sums
/// add up without rounding. Keys are job ids as Hadoop's <c>LongWritable</c>: partitioned by its
/// <c>hashCode</c>, output in numeric order. Output lines (<c>TextOutputFormat</c>, no header):
/// <c>job_id TAB cpu_core_seconds TAB instances TAB tasks</c>, core-seconds with two decimals.
/// </summary>
public static class TraceAnalyticsTasks
{
    private const int CoreHundredthSecondsValue = 0, InstancesValue = 1, TasksValue = 2;

    /// <summary>Job ids ordered as <c>LongWritable</c>s (numerically), from their decimal UTF-8 keys.</summary>
    public static IComparer<byte[]> JobIdOrder { get; } = Comparer<byte[]>.Create(static (a, b) => ParseJobId(a).CompareTo(ParseJobId(b)));

    private static long ParseJobId(byte[] key) =>
        Utf8Parser.TryParse(key, out long value, out int used) && used == key.Length
            ? value
            : throw new InvalidDataException($"Job id key '{Encoding.UTF8.GetString(key)}' is not an integer.");

    /// <summary>
    /// Cuts the table's data rows into ranges of <paramref name="rowsPerMap"/> (the last may be
    /// shorter), reading the table once to count its lines. An empty table gives no ranges.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rowsPerMap"/> is below 1.</exception>
    /// <exception cref="InvalidDataException">The table has no header or a wrong one.</exception>
    public static IReadOnlyList<RowRange> PlanRanges(string path, long rowsPerMap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerMap, 1);
        long rows = AlibabaBatchTasks.ReadFile(path).LongCount();
        var ranges = new List<RowRange>();
        for (long first = 0; first < rows; first += rowsPerMap) ranges.Add(new RowRange(path, first, Math.Min(rowsPerMap, rows - first)));
        return ranges;
    }

    /// <summary>
    /// Runs one map task over <paramref name="range"/>: sums per job, writes one sorted run per
    /// partition (<see cref="MapOutputs"/>; values: core-hundredth-seconds, instances, tasks) and
    /// the range's <see cref="BatchTaskSummary"/> as <c>map-MMMMM.summary</c>. Re-running replaces them.
    /// </summary>
    /// <exception cref="InvalidDataException">The table has no header or a wrong one.</exception>
    public static TraceAnalyticsMapResult Map(RowRange range, int map, int reduces, string intermediateDirectory)
    {
        ArgumentNullException.ThrowIfNull(range);
        var jobs = new Dictionary<long, long[]>();
        var summary = new BatchTaskSummary();
        foreach (var line in AlibabaBatchTasks.ReadFile(range.Path).Skip(checked((int)range.FirstRow)).Take(checked((int)range.RowCount)))
        {
            summary.Add(line);
            if (line is not BatchTaskRow row) continue;
            if (!jobs.TryGetValue(row.JobId.Value, out var sums)) jobs[row.JobId.Value] = sums = new long[3];
            sums[CoreHundredthSecondsValue] = checked(sums[CoreHundredthSecondsValue] + row.Instances * row.CpuHundredths * row.DurationSeconds);
            sums[InstancesValue] += row.Instances;
            sums[TasksValue] += 1;
        }
        var combined = jobs.Select(kv => new SumRecord(Encoding.ASCII.GetBytes(kv.Key.ToString(CultureInfo.InvariantCulture)), kv.Value));
        var runs = MapOutputs.WritePartitioned(intermediateDirectory, map, reduces, combined,
            key => HadoopKeys.LongHashCode(ParseJobId(key)), JobIdOrder);
        string summaryPath = Path.Combine(intermediateDirectory, $"map-{map:00000}.summary");
        TraceAnalyticsSummary.Write(summaryPath, summary);
        return new TraceAnalyticsMapResult(map, summary, jobs.Count, runs, summaryPath);
    }

    /// <summary>
    /// Runs one reduce task: merges the partition's runs from every map, sums, and commits
    /// <c>OUTPUT/part-r-RRRRR</c> (lines as the class describes, job ids ascending). Re-running replaces it.
    /// </summary>
    /// <exception cref="FileNotFoundException">A map's run is missing.</exception>
    /// <exception cref="InvalidDataException">A run is malformed or out of order.</exception>
    public static TraceAnalyticsReduceResult Reduce(IReadOnlyList<string> runs, int partition, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        foreach (var run in runs)
            if (!File.Exists(run)) throw new FileNotFoundException($"Map output {run} is missing.", run);
        long jobs = 0;
        var lines = SumRuns.Merge(runs.Select(SumRuns.Read).ToList(), JobIdOrder).Select(record =>
        {
            jobs++;
            var v = record.Values;
            if (v.Length != 3) throw new InvalidDataException($"Expected 3 values per job, found {v.Length}.");
            return string.Join('\t', Encoding.ASCII.GetString(record.Key), FormatCoreSeconds(v[CoreHundredthSecondsValue]),
                v[InstancesValue].ToString(CultureInfo.InvariantCulture), v[TasksValue].ToString(CultureInfo.InvariantCulture));
        });
        string path = FileOutputCommitter.WriteAndCommit(outputDirectory, MapOutputs.ReduceOutputName(partition), lines);
        return new TraceAnalyticsReduceResult(partition, jobs, path);
    }

    /// <summary>Core-hundredth-seconds as core-seconds with exactly two decimals (12345 → <c>123.45</c>).</summary>
    public static string FormatCoreSeconds(long coreHundredthSeconds) =>
        (coreHundredthSeconds / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}

using System.Globalization;
using Bridge.Traces.Alibaba;
using Bridge.Yarn.Applications.MapReduce;

namespace Bridge.Yarn.Applications.TraceAnalytics;

/// <summary>
/// The summary file of a trace-analytics map or job: UTF-8, one <c>name TAB count</c> line each
/// for <c>rows_read</c>, <c>rows_used</c>, <c>rows_skipped</c>, then <c>skipped_REASON</c> for every
/// <see cref="BatchTaskSkipReason"/> (0 included), in that order. The job's is
/// <c>OUTPUT/_summary.tsv</c> (a leading <c>_</c>, like <c>_SUCCESS</c>, so a job reading the output
/// directory as input skips it).
/// </summary>
public static class TraceAnalyticsSummary
{
    /// <summary>The job summary's file name in the output directory.</summary>
    public const string FileName = "_summary.tsv";

    /// <summary>The lines of <paramref name="summary"/>, as the class describes.</summary>
    public static IEnumerable<string> Lines(BatchTaskSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        yield return $"rows_read\t{summary.RowsRead.ToString(CultureInfo.InvariantCulture)}";
        yield return $"rows_used\t{summary.RowsUsed.ToString(CultureInfo.InvariantCulture)}";
        yield return $"rows_skipped\t{summary.RowsSkipped.ToString(CultureInfo.InvariantCulture)}";
        foreach (var (reason, count) in summary.Skipped.OrderBy(kv => kv.Key))
            yield return $"skipped_{reason}\t{count.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>Writes <paramref name="summary"/> to <paramref name="path"/>, through a temporary file and a rename, so a reader (the job commit) never sees half of one.</summary>
    public static void Write(string path, BatchTaskSummary summary)
    {
        string temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            File.WriteAllLines(temporary, Lines(summary));
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Reads a summary file back.</summary>
    /// <exception cref="InvalidDataException">A line is not <c>name TAB count</c> with a known name, or rows_read ≠ rows_used + Σ skipped.</exception>
    public static BatchTaskSummary Read(string path)
    {
        var summary = new BatchTaskSummary();
        long? read = null;
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split('\t');
            if (fields.Length != 2 || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long count))
                throw new InvalidDataException($"{path}: '{line}' is not NAME TAB COUNT");
            if (fields[0] == "rows_read") read = count;
            else if (fields[0] == "rows_used") summary.AddUsed(count);
            else if (fields[0] == "rows_skipped") { }
            else if (fields[0].StartsWith("skipped_", StringComparison.Ordinal)
                     && Enum.TryParse<BatchTaskSkipReason>(fields[0]["skipped_".Length..], out var reason) && Enum.IsDefined(reason))
                summary.AddSkipped(reason, count);
            else throw new InvalidDataException($"{path}: unknown name '{fields[0]}'");
        }
        if (read != summary.RowsRead) throw new InvalidDataException($"{path}: rows_read {read} ≠ used + skipped {summary.RowsRead}");
        return summary;
    }

    /// <summary>
    /// Commits a trace-analytics job: adds up the maps' summary files into
    /// <c>OUTPUT/_summary.tsv</c>, then <see cref="FileOutputCommitter.CommitJob"/> (which removes
    /// <c>_temporary</c> and writes <c>_SUCCESS</c>).
    /// </summary>
    /// <returns>The job's summary.</returns>
    public static BatchTaskSummary CommitJob(string outputDirectory, IEnumerable<string> mapSummaryPaths)
    {
        ArgumentNullException.ThrowIfNull(mapSummaryPaths);
        var total = new BatchTaskSummary();
        foreach (var path in mapSummaryPaths) total.Add(Read(path));
        FileOutputCommitter.WriteAndCommit(outputDirectory, FileName, Lines(total));
        FileOutputCommitter.CommitJob(outputDirectory);
        return total;
    }
}

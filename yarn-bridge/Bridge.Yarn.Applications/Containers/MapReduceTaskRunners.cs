using System.Globalization;
using Bridge.Yarn.Applications.MapReduce;
using Bridge.Yarn.Applications.TraceAnalytics;
using Bridge.Yarn.Applications.WordCount;

namespace Bridge.Yarn.Applications.Containers;

/// <summary>
/// One application's three task kinds, run against a submitted <see cref="MapReduceJob"/>. Each writes its
/// files through a temporary name and a rename (the functions underneath do), so a retried attempt replaces
/// whole files and no reader sees half of one; running a task twice gives the same files. Failures are
/// exceptions (the caller turns them into exit code 1).
/// </summary>
internal interface IMapReduceTaskRunner
{
    /// <summary>Runs map <paramref name="map"/>; writes counters to <paramref name="log"/>.</summary>
    void Map(MapReduceJob job, int map, TextWriter log);

    /// <summary>Runs reduce <paramref name="partition"/>; writes counters to <paramref name="log"/>.</summary>
    void Reduce(MapReduceJob job, int partition, TextWriter log);

    /// <summary>Commits the job; a second run after a commit (even a partial one) finishes it and changes nothing else.</summary>
    void Commit(MapReduceJob job, TextWriter log);
}

/// <summary>The task runners by application name.</summary>
internal static class MapReduceTaskRunners
{
    public static IMapReduceTaskRunner? Find(string application) => application switch
    {
        MapReduceJob.WordCountApplication => new WordCountTaskRunner(),
        MapReduceJob.TraceAnalyticsApplication => new TraceAnalyticsTaskRunner(),
        _ => null,
    };

    /// <summary>Fails when a reduce output is missing: the commit must not mark an incomplete output done.</summary>
    public static void RequireReduceOutputs(MapReduceJob job)
    {
        for (int r = 0; r < job.Reduces; r++)
        {
            string part = Path.Combine(job.Output, MapOutputs.ReduceOutputName(r));
            if (!File.Exists(part)) throw new FileNotFoundException($"Reduce output {part} is missing; the job cannot be committed.", part);
        }
    }
}

/// <summary>Word count's tasks: <see cref="WordCountTasks"/> and <see cref="FileOutputCommitter.CommitJob"/>.</summary>
internal sealed class WordCountTaskRunner : IMapReduceTaskRunner
{
    public void Map(MapReduceJob job, int map, TextWriter log)
    {
        var result = WordCountTasks.Map(job.Splits[map], map, job.Reduces, job.IntermediateDirectory);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Map input records={result.InputRecords}\nMap output records={result.OutputRecords}\nCombine output records={result.CombineOutputRecords}"));
    }

    public void Reduce(MapReduceJob job, int partition, TextWriter log)
    {
        var result = WordCountTasks.Reduce(MapOutputs.ForPartition(job.IntermediateDirectory, job.Maps, partition), partition, job.Output);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Reduce output records={result.OutputRecords}\nOutput={result.OutputPath}"));
    }

    public void Commit(MapReduceJob job, TextWriter log)
    {
        MapReduceTaskRunners.RequireReduceOutputs(job);
        FileOutputCommitter.CommitJob(job.Output);
        log.WriteLine($"Committed {job.Output}");
    }
}

/// <summary>Trace analytics' tasks: <see cref="TraceAnalyticsTasks"/> and <see cref="TraceAnalyticsSummary.CommitJob"/>.</summary>
internal sealed class TraceAnalyticsTaskRunner : IMapReduceTaskRunner
{
    public void Map(MapReduceJob job, int map, TextWriter log)
    {
        var result = TraceAnalyticsTasks.Map(job.Ranges[map], map, job.Reduces, job.IntermediateDirectory);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Rows read={result.Summary.RowsRead}\nRows used={result.Summary.RowsUsed}\nRows skipped={result.Summary.RowsSkipped}\nJobs={result.Jobs}"));
    }

    public void Reduce(MapReduceJob job, int partition, TextWriter log)
    {
        var result = TraceAnalyticsTasks.Reduce(MapOutputs.ForPartition(job.IntermediateDirectory, job.Maps, partition), partition, job.Output);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Jobs={result.Jobs}\nOutput={result.OutputPath}"));
    }

    public void Commit(MapReduceJob job, TextWriter log)
    {
        MapReduceTaskRunners.RequireReduceOutputs(job);
        string success = Path.Combine(job.Output, FileOutputCommitter.SuccessFileName);
        string temporary = Path.Combine(job.Output, FileOutputCommitter.TemporaryDirectoryName);
        string summary = Path.Combine(job.Output, TraceAnalyticsSummary.FileName);
        if (File.Exists(success))
        {
            log.WriteLine($"Already committed {job.Output}");
            return;
        }
        if (Directory.Exists(temporary))
        {
            var maps = Enumerable.Range(0, job.Maps).Select(m => Path.Combine(job.IntermediateDirectory, $"map-{m:00000}.summary"));
            var total = TraceAnalyticsSummary.CommitJob(job.Output, maps);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Committed {job.Output}: rows read={total.RowsRead} used={total.RowsUsed} skipped={total.RowsSkipped}"));
            return;
        }
        // An earlier commit attempt wrote the summary and removed _temporary, then stopped before _SUCCESS.
        if (!File.Exists(summary)) throw new FileNotFoundException($"Neither {temporary} nor {summary} exists; the job cannot be committed.", summary);
        FileOutputCommitter.CommitJob(job.Output);
        log.WriteLine($"Committed {job.Output} (summary from an earlier attempt)");
    }
}

using Bridge.Yarn.Applications.MapReduce;

namespace Bridge.Yarn.Applications.WordCount;

/// <summary>A word-count job's parameters.</summary>
/// <param name="Input">A file, or a directory read recursively (hidden names skipped).</param>
/// <param name="Output">The output directory; must not exist yet.</param>
/// <param name="Reduces">Reduce tasks, i.e. <c>part-r-*</c> files (<c>mapreduce.job.reduces</c>, default 1).</param>
/// <param name="SplitSizeBytes">Split size in bytes (default 32 MiB, <see cref="FileInputs.DefaultSplitSizeBytes"/>).</param>
public sealed record WordCountJobOptions(string Input, string Output, int Reduces = 1, long SplitSizeBytes = FileInputs.DefaultSplitSizeBytes);

/// <summary>The plan of a word-count job: its splits (one map each) and where intermediates go.</summary>
/// <param name="Options">The job's parameters.</param>
/// <param name="Splits">One per map task, index = map.</param>
/// <param name="IntermediateDirectory"><c>OUTPUT/_temporary/map-outputs</c>, removed by the job commit.</param>
public sealed record WordCountPlan(WordCountJobOptions Options, IReadOnlyList<FileSplit> Splits, string IntermediateDirectory);

/// <summary>A finished job: its maps' and reduces' results.</summary>
public sealed record WordCountJobResult(WordCountPlan Plan, IReadOnlyList<WordCountMapResult> Maps, IReadOnlyList<WordCountReduceResult> Reduces);

/// <summary>
/// Plans a word-count job and, for callers that want it in one process (tests, a one-node run),
/// runs it: setup (output must not exist), every map, every reduce, job commit. An
/// ApplicationMaster does the same steps with <see cref="WordCountTasks"/> in containers.
/// </summary>
public static class WordCountJob
{
    /// <summary>
    /// Lists the input and sets up the output directory. Fails as a value when the input is
    /// missing or hidden, or the output exists (Hadoop's messages); an empty input directory is
    /// a job with 0 maps whose reduces write empty <c>part-r-*</c> files, as Hadoop's does.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Reduces below 1 or split size below 1.</exception>
    public static bool TryPlan(WordCountJobOptions options, out WordCountPlan? plan, out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Reduces, 1);
        plan = null;
        if (!FileInputs.TryList(options.Input, out var files, out error)) return false;
        var splits = FileInputs.Splits(files, options.SplitSizeBytes);
        if (!FileOutputCommitter.TrySetupJob(options.Output, out error)) return false;
        string intermediate = Path.Combine(Path.GetFullPath(options.Output), FileOutputCommitter.TemporaryDirectoryName, "map-outputs");
        Directory.CreateDirectory(intermediate);
        plan = new WordCountPlan(options, splits, intermediate);
        return true;
    }

    /// <summary>
    /// Submits the job for an ApplicationMaster to run: plans it (<see cref="TryPlan"/>: the input listed and
    /// split, the output set up) and writes the plan as <c>job.json</c> in <paramref name="jobDirectory"/>
    /// (<see cref="MapReduceJobFile"/>), which the master and every task container read.
    /// </summary>
    /// <param name="options">The job's parameters.</param>
    /// <param name="jobDirectory">Where <c>job.json</c> goes (created when missing; keep it apart from the output).</param>
    /// <param name="settings">Container sizes and attempt limits (default Hadoop's).</param>
    /// <param name="job">The job written.</param>
    /// <param name="error">Why not, as <see cref="TryPlan"/> says.</param>
    public static bool TryPrepare(WordCountJobOptions options, string jobDirectory, MapReduceSettings? settings, out MapReduceJob? job, out string? error)
    {
        job = null;
        if (!TryPlan(options, out var plan, out error)) return false;
        job = new MapReduceJob
        {
            Application = MapReduceJob.WordCountApplication,
            Input = Path.GetFullPath(options.Input),
            Output = Path.GetFullPath(options.Output),
            IntermediateDirectory = plan!.IntermediateDirectory,
            Reduces = options.Reduces,
            Splits = plan.Splits,
            Settings = settings ?? new MapReduceSettings(),
        };
        MapReduceJobFile.Write(jobDirectory, job);
        return true;
    }

    /// <summary>Runs a planned job in this process, maps then reduces then the commit.</summary>
    public static WordCountJobResult Run(WordCountPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int reduces = plan.Options.Reduces;
        var maps = plan.Splits.Select((split, m) => WordCountTasks.Map(split, m, reduces, plan.IntermediateDirectory)).ToList();
        var reduceResults = Enumerable.Range(0, reduces)
            .Select(r => WordCountTasks.Reduce(MapOutputs.ForPartition(plan.IntermediateDirectory, maps.Count, r), r, plan.Options.Output))
            .ToList();
        FileOutputCommitter.CommitJob(plan.Options.Output);
        return new WordCountJobResult(plan, maps, reduceResults);
    }
}

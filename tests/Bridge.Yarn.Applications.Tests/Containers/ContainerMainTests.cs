using Bridge.Yarn.Applications.Containers;
using Bridge.Yarn.Applications.MapReduce;
using Bridge.Yarn.Applications.TraceAnalytics;
using Bridge.Yarn.Applications.WordCount;

namespace Bridge.Yarn.Applications.Tests.Containers;

public sealed class ContainerMainTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public ContainerMainTests()
    {
        _dir.Write("in/a.txt", "the cat sat on the mat\nthe end\n");
        _dir.Write("in/b.txt", "a cat\n");
        Assert.True(WordCountJob.TryPrepare(new WordCountJobOptions(_dir.Combine("in"), Output, 2), JobDir, null, out var job, out var error), error);
        Job = job!;
    }

    public void Dispose() => _dir.Dispose();

    private MapReduceJob Job { get; }
    private string JobDir => _dir.Combine("job");
    private string Output => _dir.Combine("out");

    private (int Exit, string Out, string Err) Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        int exit = ContainerMain.Run(args.Select(a => a.Replace("JOB", JobDir)).ToArray(), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private void RunAll()
    {
        for (int m = 0; m < Job.Maps; m++) Assert.Equal(0, Run("wordcount", "map", "--job-dir", "JOB", "--task", $"{m}").Exit);
        for (int r = 0; r < Job.Reduces; r++) Assert.Equal(0, Run("wordcount", "reduce", "--job-dir", "JOB", "--task", $"{r}").Exit);
        Assert.Equal(0, Run("wordcount", "commit", "--job-dir", "JOB").Exit);
    }

    private string AllOutput() => string.Concat(Directory.GetFiles(Output, "part-r-*").Order(StringComparer.Ordinal).Select(File.ReadAllText));

    [Fact]
    public void Run_EveryTaskOfAJob_WritesTheCountsAndSuccess()
    {
        Assert.Equal(2, Job.Maps);

        var (exit, output, _) = Run("wordcount", "map", "--job-dir", "JOB", "--task", "0", "--attempt", "2");
        Assert.Equal(0, exit);
        Assert.Contains("wordcount map 0, attempt 2: starting", output);
        Assert.Contains("Map input records=2\nMap output records=8\nCombine output records=6", output);
        RunAll();

        var counts = AllOutput().Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        Assert.Equal(["a\t1", "cat\t2", "end\t1", "mat\t1", "on\t1", "sat\t1", "the\t3"], counts);
        Assert.True(File.Exists(Path.Combine(Output, "_SUCCESS")));
        Assert.False(Directory.Exists(Path.Combine(Output, "_temporary")));
    }

    [Fact]
    public void Run_TaskRunTwice_SameFilesAndNoLeftovers()
    {
        Assert.Equal(0, Run("wordcount", "map", "--job-dir", "JOB", "--task", "0").Exit);
        var first = Directory.GetFiles(Job.IntermediateDirectory).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();

        Assert.Equal(0, Run("wordcount", "map", "--job-dir", "JOB", "--task", "0", "--attempt", "1").Exit);

        var files = Directory.GetFiles(Job.IntermediateDirectory).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["map-00000.part-00000", "map-00000.part-00001"], files.Select(Path.GetFileName));
        Assert.Equal(first, files.Select(File.ReadAllBytes));
    }

    [Fact]
    public void Run_CommitTwice_SecondChangesNothing()
    {
        RunAll();
        var before = AllOutput();

        Assert.Equal(0, Run("wordcount", "commit", "--job-dir", "JOB", "--attempt", "1").Exit);

        Assert.Equal(before, AllOutput());
    }

    [Fact]
    public void Run_CommitBeforeEveryReduce_FailsAndMarksNothingDone()
    {
        for (int m = 0; m < Job.Maps; m++) Run("wordcount", "map", "--job-dir", "JOB", "--task", $"{m}");
        Run("wordcount", "reduce", "--job-dir", "JOB", "--task", "0");

        var (exit, _, err) = Run("wordcount", "commit", "--job-dir", "JOB");

        Assert.Equal(ContainerMain.TaskFailed, exit);
        Assert.Contains("part-r-00001 is missing", err);
        Assert.False(File.Exists(Path.Combine(Output, "_SUCCESS")));
    }

    [Fact]
    public void Run_ReduceBeforeItsMaps_ExitsOneNamingTheMissingRun()
    {
        var (exit, _, err) = Run("wordcount", "reduce", "--job-dir", "JOB", "--task", "1");

        Assert.Equal(ContainerMain.TaskFailed, exit);
        Assert.Contains("wordcount reduce 1, attempt 0: failed: FileNotFoundException: Map output", err);
        Assert.Contains("map-00000.part-00001 is missing", err);
        Assert.False(File.Exists(Path.Combine(Output, "part-r-00001")));
    }

    [Fact]
    public void Run_InputGoneBeforeTheMap_ExitsOne()
    {
        File.Delete(_dir.Combine("in", "a.txt"));

        var (exit, _, err) = Run("wordcount", "map", "--job-dir", "JOB", "--task", "0");

        Assert.Equal(ContainerMain.TaskFailed, exit);
        Assert.Contains("a.txt", err);
    }

    [Theory]
    [InlineData(new string[0], "APPLICATION is missing")]
    [InlineData(new[] { "grep" }, "APPLICATION 'grep': unknown")]
    [InlineData(new[] { "wordcount" }, "TASK-TYPE is missing")]
    [InlineData(new[] { "wordcount", "sort" }, "TASK-TYPE 'sort': unknown")]
    [InlineData(new[] { "wordcount", "map", "--task", "0" }, "--job-dir is required")]
    [InlineData(new[] { "wordcount", "map", "--job-dir" }, "--job-dir: a value is required")]
    [InlineData(new[] { "wordcount", "map", "--job-dir", "/nonexistent/job" }, "--job-dir /nonexistent/job: /nonexistent/job/job.json does not exist")]
    [InlineData(new[] { "trace-analytics", "map", "--job-dir", "JOB", "--task", "0" }, "holds a wordcount job, not trace-analytics")]
    [InlineData(new[] { "wordcount", "map", "--job-dir", "JOB" }, "--task is required for a map task")]
    [InlineData(new[] { "wordcount", "map", "--job-dir", "JOB", "--task", "2" }, "--task 2: expected an integer from 0 to 1 (the job has 2 map tasks)")]
    [InlineData(new[] { "wordcount", "reduce", "--job-dir", "JOB", "--task", "x" }, "--task x: expected an integer from 0 to 1 (the job has 2 reduce tasks)")]
    [InlineData(new[] { "wordcount", "commit", "--job-dir", "JOB", "--task", "0" }, "--task: not taken by the commit task")]
    [InlineData(new[] { "wordcount", "map", "--job-dir", "JOB", "--task", "0", "--attempt", "-1" }, "--attempt -1: expected an integer of at least 0")]
    [InlineData(new[] { "wordcount", "map", "--job-dir", "JOB", "--task", "0", "--speculative", "yes" }, "--speculative: unknown option")]
    [InlineData(new[] { "wordcount", "map", "extra", "--job-dir", "JOB", "--task", "0" }, "'extra': unexpected argument")]
    public void Run_BadArguments_ExitTwoNamingTheArgument(string[] args, string expected)
    {
        var (exit, output, err) = Run(args);

        Assert.Equal(ContainerMain.UsageError, exit);
        Assert.Contains(expected.Replace("JOB", JobDir), err);
        Assert.Contains("usage: bridge yarn task", err);
        Assert.Equal("", output);
    }

    [Fact]
    public void Run_Help_PrintsUsageAndExitsZero()
    {
        var (exit, output, _) = Run("--help");

        Assert.Equal(0, exit);
        Assert.StartsWith("usage: bridge yarn task APPLICATION TASK-TYPE", output);
    }

    [Fact]
    public void Run_TraceCommitAfterAPartialOne_FinishesIt()
    {
        string trace = _dir.Write("t.csv",
            "task_create_time,task_end_time,job_id,task_id,number_of_instances,status,number_of_cpus_requested_per_instance_in_the_task,normalized_memory_requested_per_instance_in_the_task\n" +
            "0,100,1,1,2,Terminated,50,0.1\n0,10,2,2,1,Terminated,100,0.1\n");
        string jobDir = _dir.Combine("trace-job"), output = _dir.Combine("trace-out");
        Assert.True(TraceAnalyticsJob.TryPrepare(new TraceAnalyticsJobOptions(trace, output, 1, 1), jobDir, null, out var job, out var error), error);
        string[] common = ["--job-dir", jobDir];
        for (int m = 0; m < job!.Maps; m++) Assert.Equal(0, ContainerMain.Run(["trace-analytics", "map", .. common, "--task", $"{m}"], TextWriter.Null, TextWriter.Null));
        Assert.Equal(0, ContainerMain.Run(["trace-analytics", "reduce", .. common, "--task", "0"], TextWriter.Null, TextWriter.Null));
        // An earlier commit attempt wrote the summary and removed _temporary, then died before _SUCCESS.
        TraceAnalyticsSummary.CommitJob(output, Enumerable.Range(0, job.Maps).Select(m => Path.Combine(job.IntermediateDirectory, $"map-{m:00000}.summary")));
        File.Delete(Path.Combine(output, "_SUCCESS"));
        string summary = File.ReadAllText(Path.Combine(output, "_summary.tsv"));

        Assert.Equal(0, ContainerMain.Run(["trace-analytics", "commit", .. common, "--attempt", "1"], TextWriter.Null, TextWriter.Null));

        Assert.True(File.Exists(Path.Combine(output, "_SUCCESS")));
        Assert.Equal(summary, File.ReadAllText(Path.Combine(output, "_summary.tsv")));
        Assert.StartsWith("rows_read\t2\nrows_used\t2\n", summary);
        Assert.Equal("1\t100.00\t2\t1\n2\t10.00\t1\t1\n", File.ReadAllText(Path.Combine(output, "part-r-00000")));
    }
}

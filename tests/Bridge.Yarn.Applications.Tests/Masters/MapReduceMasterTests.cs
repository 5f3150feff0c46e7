using System.Text;
using Bridge.Yarn.Applications.MapReduce;
using Bridge.Yarn.Applications.Masters;
using Bridge.Yarn.Applications.Masters.MapReduce;
using Bridge.Yarn.Applications.TraceAnalytics;
using Bridge.Yarn.Applications.WordCount;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Applications.Tests.Masters;

public sealed class MapReduceMasterTests : IDisposable
{
    private const string CommonLicenses = "/usr/share/common-licenses";
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string JobDir => _dir.Combine("job");
    private string Output => _dir.Combine("out");

    private MapReduceMaster WordCount(int reduces = 3, long splitSize = 16 * 1024, MapReduceSettings? settings = null, int attempt = 1)
    {
        if (attempt == 1)
            Assert.True(WordCountJob.TryPrepare(new WordCountJobOptions(CommonLicenses, Output, reduces, splitSize), JobDir, settings, out _, out var prepareError), prepareError);
        Assert.True(ApplicationMasters.TryCreate(new ApplicationMasterContext(FakeCluster.Attempt(attempt)), ["wordcount", "--job-dir", JobDir], out var master, out var error), error);
        return Assert.IsType<MapReduceMaster>(master);
    }

    /// <summary>The straightforward count: every file read whole, split on StringTokenizer's delimiters.</summary>
    internal static SortedDictionary<string, long> CountInProcess(string directory)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            foreach (var word in File.ReadAllText(file, Encoding.UTF8).Split([' ', '\t', '\n', '\r', '\f'], StringSplitOptions.RemoveEmptyEntries))
                counts[word] = counts.GetValueOrDefault(word) + 1;
        return counts;
    }

    /// <summary>The job's output, every part-r-* read back (exactly <paramref name="reduces"/> of them).</summary>
    internal static SortedDictionary<string, long> ReadOutput(string output, int reduces)
    {
        Assert.Equal(reduces, Directory.GetFiles(output, "part-r-*").Length);
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (int r = 0; r < reduces; r++)
            foreach (var line in File.ReadAllLines(Path.Combine(output, $"part-r-{r:00000}")))
            {
                var fields = line.Split('\t');
                counts.Add(fields[0], long.Parse(fields[1]));
            }
        return counts;
    }

    private void AssertCorrectOutput(int reduces)
    {
        Assert.Equal(CountInProcess(CommonLicenses), ReadOutput(Output, reduces));
        Assert.Empty(File.ReadAllBytes(Path.Combine(Output, "_SUCCESS")));
        Assert.False(Directory.Exists(Path.Combine(Output, "_temporary")));
    }

    [Fact]
    public void WordCount_CommonLicenses_ThroughContainers_MatchesInProcessCount()
    {
        var master = WordCount();
        int maps = master.Job.Maps;
        Assert.True(maps > 10, $"{maps} maps");
        var cluster = new FakeCluster(master, launch =>
        {
            // Reduces start only once every map has succeeded.
            if (launch.Spec.Command[4] == "reduce") Assert.All(master.Maps, m => Assert.Equal(MapReduceTaskState.Succeeded, m.State));
            if (launch.Spec.Command[4] == "commit") Assert.All(master.Reduces, r => Assert.Equal(MapReduceTaskState.Succeeded, r.State));
            return FakeCluster.RunContainerMain(launch);
        });

        var finish = cluster.Run();

        Assert.Equal(new AmFinish(FinalApplicationStatus.Succeeded, ""), finish);
        AssertCorrectOutput(3);
        Assert.Equal(maps + 3 + 1, cluster.Launches.Count);
        Assert.Equal(["bridge", "yarn", "task", "wordcount", "map", "--job-dir", JobDir, "--task", "0", "--attempt", "0"], cluster.Launches[0].Spec.Command);
        Assert.Equal(["bridge", "yarn", "task", "wordcount", "commit", "--job-dir", JobDir, "--attempt", "0"], cluster.Launches[^1].Spec.Command);
        var asks = cluster.AskLog.Where(a => a.Ask.NumContainers > 0).Select(a => a.Ask.ToString()).ToList();
        Assert.Equal(
        [
            $"{{Priority: 20, Capability: <memory:1024, vCores:1>, # Containers: {maps}, Location: *, Relax Locality: true}}",
            "{Priority: 10, Capability: <memory:1024, vCores:1>, # Containers: 3, Location: *, Relax Locality: true}",
            "{Priority: 1, Capability: <memory:1024, vCores:1>, # Containers: 1, Location: *, Relax Locality: true}",
        ], asks);
        Assert.Equal(0.05f, cluster.Progress[0]);
        Assert.Equal(1f, cluster.Progress[^1]);
        Assert.All(master.Maps.Concat(master.Reduces).Append(master.Commit), t => Assert.Equal(TaskAttemptState.Succeeded, Assert.Single(t.Attempts).State));
        Assert.Equal("task_1410901177871_0001_m_000003", master.Maps[3].Id);
        Assert.Equal("attempt_1410901177871_0001_r_000002_0", master.Reduces[2].Attempts[0].Id);
    }

    [Fact]
    public void WordCount_AttemptsThatDieMidWrite_RetriedAndTheirLeftoversNeverRead()
    {
        var master = WordCount();
        var cluster = new FakeCluster(master, launch =>
        {
            var argv = launch.Spec.Command;
            bool firstAttempt = argv[^1] == "0";
            if (argv[4] == "map" && argv[8] == "1" && firstAttempt)
            {
                // Wrote its runs, left a half-written temporary next to them, then died.
                FakeCluster.RunContainerMain(launch);
                File.WriteAllText(Path.Combine(master.Job.IntermediateDirectory, "map-00001.part-00000.tmp-dead"), "half\tof a");
                return new RunResult(1, "the process died");
            }
            if (argv[4] == "reduce" && argv[8] == "0" && firstAttempt)
            {
                File.WriteAllText(Path.Combine(Output, "_temporary", "part-r-00000.attempt-dead"), "half\t");
                return new RunResult(137, "Container killed on request. Exit code is 137");
            }
            return FakeCluster.RunContainerMain(launch);
        });

        var finish = cluster.Run();

        Assert.Equal(FinalApplicationStatus.Succeeded, finish.Status);
        AssertCorrectOutput(3);
        Assert.Equal([TaskAttemptState.Failed, TaskAttemptState.Succeeded], master.Maps[1].Attempts.Select(a => a.State));
        Assert.Equal([TaskAttemptState.Failed, TaskAttemptState.Succeeded], master.Reduces[0].Attempts.Select(a => a.State));
        Assert.Equal(137, master.Reduces[0].Attempts[0].ExitStatus);
        // The failed map was asked for again at Hadoop's fast-fail priority.
        Assert.Contains(cluster.AskLog, a => a.Ask.Priority == MapReduceMaster.FastFailMapPriority && a.Ask.NumContainers == 1);
        Assert.Equal(["bridge", "yarn", "task", "wordcount", "map", "--job-dir", JobDir, "--task", "1", "--attempt", "1"],
            cluster.Launches.Single(l => l.Spec.Command[8] == "1" && l.Spec.Command[^1] == "1" && l.Spec.Command[4] == "map").Spec.Command);
    }

    [Theory]
    [InlineData(null, 4)]
    [InlineData("2", 2)]
    public void WordCount_MapFailsEveryAttempt_JobFailsNamingTheTask(string? maxAttempts, int expectedAttempts)
    {
        var settings = new MapReduceSettings();
        if (maxAttempts is not null) Assert.True(settings.TrySet("mapreduce.map.maxattempts", maxAttempts, out settings, out _));
        var master = WordCount(settings: settings);
        var cluster = new FakeCluster(master, launch =>
            launch.Spec.Command[4] == "map" && launch.Spec.Command[8] == "2" ? new RunResult(1, "java.io.IOException: boom") : FakeCluster.RunContainerMain(launch))
        {
            ContainersPerRound = 3,
        };

        var finish = cluster.Run();

        Assert.Equal(FinalApplicationStatus.Failed, finish.Status);
        Assert.StartsWith(
            $"Task failed task_1410901177871_0001_m_000002 after {expectedAttempts} failed attempts (mapreduce.map.maxattempts={expectedAttempts})\n" +
            "Job failed as tasks failed. failedMaps:1 failedReduces:0 killedMaps:0 killedReduces: 0\n" +
            "attempt_1410901177871_0001_m_000002_0 (container_1410901177871_0001_01_", finish.Diagnostics);
        Assert.EndsWith("exit status 1: java.io.IOException: boom", finish.Diagnostics);
        Assert.Equal(expectedAttempts, master.Maps[2].FailedAttempts);
        Assert.Equal(MapReduceTaskState.Failed, master.Maps[2].State);
        Assert.DoesNotContain(cluster.Launches, l => l.Spec.Command[4] == "reduce");
        Assert.False(File.Exists(Path.Combine(Output, "_SUCCESS")));
        Assert.Equal(0, master.RunningContainers);
        Assert.Equal(0, master.OutstandingAsks);
        Assert.Contains(master.Maps, m => m.State == MapReduceTaskState.Killed); // the maps not done when the job failed
    }

    [Fact]
    public void WordCount_ReduceFailsEveryAttempt_JobFailsNamingTheReduce()
    {
        var master = WordCount();
        var cluster = new FakeCluster(master, launch =>
            launch.Spec.Command[4] == "reduce" && launch.Spec.Command[8] == "1" ? new RunResult(2, "bad") : FakeCluster.RunContainerMain(launch));

        var finish = cluster.Run();

        Assert.Equal(FinalApplicationStatus.Failed, finish.Status);
        Assert.StartsWith("Task failed task_1410901177871_0001_r_000001 after 4 failed attempts (mapreduce.reduce.maxattempts=4)\n" +
            "Job failed as tasks failed. failedMaps:0 failedReduces:1 killedMaps:0 killedReduces: 0", finish.Diagnostics);
    }

    [Fact]
    public void WordCount_AttemptsEndedByThePlatform_RetriedWithoutCounting()
    {
        var master = WordCount();
        int aborts = 0;
        var cluster = new FakeCluster(master, FakeCluster.RunContainerMain)
        {
            Abort = launch => launch.Spec.Command[4] == "map" && launch.Spec.Command[8] == "0" && aborts++ < 5,
        };

        var finish = cluster.Run();

        Assert.Equal(FinalApplicationStatus.Succeeded, finish.Status);
        AssertCorrectOutput(3);
        Assert.Equal(5, master.Maps[0].KilledAttempts);
        Assert.Equal(0, master.Maps[0].FailedAttempts);
        Assert.Equal(6, master.Maps[0].Attempts.Count);
    }

    [Fact]
    public void WordCount_SurplusContainers_ReleasedNotLaunched()
    {
        // Round 1 grants every map plus one more map and one reduce container nobody asked for yet; rounds 2-4 one
        // more map container each, after every map has its own.
        var master = WordCount();
        var cluster = new FakeCluster(master, FakeCluster.RunContainerMain)
        {
            Surplus = round => round switch
            {
                1 => [(MapReduceMaster.MapPriority, new Resource(1024, 1)), (MapReduceMaster.ReducePriority, new Resource(1024, 1))],
                <= 4 => [(MapReduceMaster.MapPriority, new Resource(1024, 1))],
                _ => [],
            },
        };

        var finish = cluster.Run();

        Assert.Equal(FinalApplicationStatus.Succeeded, finish.Status);
        AssertCorrectOutput(3);
        Assert.Equal(5, cluster.SurplusGranted);
        Assert.Equal(5, master.SurplusReleased);
        Assert.Equal(cluster.Granted.Count - 5, cluster.Launches.Count);
        Assert.Equal(master.Job.Maps + 3 + 1, cluster.Launches.Count);
    }

    [Fact]
    public void WordCount_ContainerArrivingWhileItsAskIsOutstanding_IsUsedNotReleased()
    {
        // A reduce-priority container granted in the heartbeat that reports the last maps done (and so makes the
        // reduce asks) is for one of those reduces: the master takes it, and asks for one reduce container fewer.
        var master = WordCount();
        var cluster = new FakeCluster(master, FakeCluster.RunContainerMain)
        {
            Surplus = round => round == 2 ? [(MapReduceMaster.ReducePriority, new Resource(1024, 1))] : [],
        };

        cluster.Run();

        Assert.Equal(0, master.SurplusReleased);
        Assert.Contains(cluster.AskLog, a => a.Ask.Priority == MapReduceMaster.ReducePriority && a.Ask.NumContainers == 2);
        Assert.DoesNotContain(cluster.AskLog, a => a.Ask.Priority == MapReduceMaster.ReducePriority && a.Ask.NumContainers == 3);
    }

    [Fact]
    public void WordCount_KilledMidJob_FinishesKilledAndReleasesWhatRuns()
    {
        var master = WordCount();
        var cluster = new FakeCluster(master, FakeCluster.RunContainerMain) { RoundsPerContainer = 5, KillAtRound = 3 };

        var finish = cluster.Run();

        Assert.Equal(new AmFinish(FinalApplicationStatus.Killed, "Application killed by user."), finish);
        Assert.Equal(cluster.Launches.Select(l => l.Container.Id).OrderBy(id => id.ContainerIdLong), cluster.Releases.OrderBy(id => id.ContainerIdLong));
        Assert.All(master.Maps, m => Assert.Equal(MapReduceTaskState.Killed, m.State));
        Assert.False(File.Exists(Path.Combine(Output, "_SUCCESS")));
    }

    [Fact]
    public void WordCount_MapLargerThanTheMaximum_FailsAtRegistrationAsHadoop()
    {
        Assert.True(new MapReduceSettings().TrySet("mapreduce.map.memory.mb", "16384", out var settings, out _));
        var master = WordCount(settings: settings);
        var cluster = new FakeCluster(master, FakeCluster.RunContainerMain) { MaximumCapability = new Resource(8192, 4) };

        var finish = cluster.Run();

        Assert.Equal(new AmFinish(FinalApplicationStatus.Failed,
            "MAP capability required is more than the supported max container capability in the cluster. Killing the Job. " +
            "mapResourceRequest: <memory:16384, vCores:1> maxContainerCapability:<memory:8192, vCores:4>"), finish);
        Assert.Empty(cluster.AskLog);
        Assert.Empty(cluster.Launches);
    }

    [Fact]
    public void WordCount_CommitFails_JobFails()
    {
        var master = WordCount(reduces: 1);
        var cluster = new FakeCluster(master, launch => launch.Spec.Command[4] == "commit" ? new RunResult(1, "disk full") : FakeCluster.RunContainerMain(launch));

        var finish = cluster.Run();

        Assert.Equal(FinalApplicationStatus.Failed, finish.Status);
        Assert.StartsWith("Job commit failed: attempt_1410901177871_0001_c_000000_0 (", finish.Diagnostics);
        Assert.EndsWith("exit status 1: disk full", finish.Diagnostics);
    }

    [Fact]
    public void WordCount_NextAttemptAfterTheCommit_SucceedsAtRegistration()
    {
        new FakeCluster(WordCount(), FakeCluster.RunContainerMain).Run();

        var second = WordCount(attempt: 2);
        var cluster = new FakeCluster(second, FakeCluster.RunContainerMain);
        var finish = cluster.Run();

        Assert.Equal(new AmFinish(FinalApplicationStatus.Succeeded, ""), finish);
        Assert.Equal(0, cluster.Round);
        Assert.Empty(cluster.AskLog);
        Assert.Equal(1f, second.Progress);
        AssertCorrectOutput(3);
    }

    [Fact]
    public void WordCount_NextAttemptBeforeTheCommit_RunsTheJobAgain()
    {
        // Attempt 1 dies (killed here) after some maps; attempt 2 starts over and overwrites what they wrote.
        new FakeCluster(WordCount(), FakeCluster.RunContainerMain) { KillAtRound = 2 }.Run();

        var finish = new FakeCluster(WordCount(attempt: 2), FakeCluster.RunContainerMain).Run();

        Assert.Equal(FinalApplicationStatus.Succeeded, finish.Status);
        AssertCorrectOutput(3);
    }

    [Fact]
    public void TraceAnalytics_ShippedTrace_ThroughContainers_EqualsTheInProcessJob()
    {
        string trace = Path.Combine(TemporaryDirectory.RepositoryRoot, "examples", "data", "alibaba-2017-batch_task.csv.gz");
        Assert.True(TraceAnalyticsJob.TryPlan(new TraceAnalyticsJobOptions(trace, _dir.Combine("expected"), 2), out var plan, out var error), error);
        TraceAnalyticsJob.Run(plan!);
        Assert.True(TraceAnalyticsJob.TryPrepare(new TraceAnalyticsJobOptions(trace, Output, 2), JobDir, null, out var job, out error), error);
        Assert.True(ApplicationMasters.TryCreate(new ApplicationMasterContext(FakeCluster.Attempt()), ["trace-analytics", "--job-dir", JobDir], out var master, out error), error);
        var cluster = new FakeCluster(master!, FakeCluster.RunContainerMain);

        var finish = cluster.Run();

        Assert.Equal(FinalApplicationStatus.Succeeded, finish.Status);
        Assert.Equal(5, job!.Maps);
        Assert.Equal(5 + 2 + 1, cluster.Launches.Count);
        foreach (var name in new[] { "part-r-00000", "part-r-00001", "_summary.tsv", "_SUCCESS" })
            Assert.Equal(File.ReadAllBytes(_dir.Combine("expected", name)), File.ReadAllBytes(Path.Combine(Output, name)));
        Assert.Equal(11_969, Directory.GetFiles(Output, "part-r-*").Sum(f => File.ReadAllLines(f).Length));
        Assert.StartsWith("rows_read\t80553\nrows_used\t71454\nrows_skipped\t9099\n", File.ReadAllText(Path.Combine(Output, "_summary.tsv")));
        Assert.False(Directory.Exists(Path.Combine(Output, "_temporary")));
    }

    [Theory]
    [InlineData(new string[0], "application: missing")]
    [InlineData(new[] { "terasort" }, "application 'terasort': unknown")]
    [InlineData(new[] { "wordcount" }, "--job-dir is required")]
    [InlineData(new[] { "wordcount", "--job-dir", "JOB", "--reduces", "3" }, "'--reduces': unexpected")]
    [InlineData(new[] { "trace-analytics", "--job-dir", "JOB" }, "holds a wordcount job, not trace-analytics")]
    [InlineData(new[] { "wordcount", "--job-dir", "NOWHERE" }, "job.json does not exist")]
    [InlineData(new[] { "distributed-shell", "--num_containers", "2" }, "--shell_command is required")]
    public void TryCreate_BadArguments_ErrorNamesTheArgument(string[] args, string expected)
    {
        Assert.True(WordCountJob.TryPrepare(new WordCountJobOptions(CommonLicenses, Output), JobDir, null, out _, out _));
        var resolved = args.Select(a => a.Replace("JOB", JobDir).Replace("NOWHERE", _dir.Combine("nowhere"))).ToList();

        Assert.False(ApplicationMasters.TryCreate(new ApplicationMasterContext(FakeCluster.Attempt()), resolved, out var master, out var error));

        Assert.Null(master);
        Assert.Contains(expected, error);
    }
}

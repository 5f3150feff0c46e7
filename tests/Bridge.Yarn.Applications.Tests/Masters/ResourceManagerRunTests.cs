using System.Diagnostics;
using Bridge.Yarn.Applications.Masters;
using Bridge.Yarn.Applications.Masters.DistributedShell;
using Bridge.Yarn.Applications.Masters.MapReduce;
using Bridge.Yarn.Applications.WordCount;
using Bridge.Yarn.ResourceManager;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;

namespace Bridge.Yarn.Applications.Tests.Masters;

/// <summary>
/// The masters against the real ResourceManager core (in process, no wire): three NodeManagers of 3072 MB and 3
/// vcores, the AM container allocated and registered as the protocol says, then rounds of NodeManager heartbeats
/// (completions reported, containers allocated on the node) and AM allocate calls with the gathered asks and
/// releases and the responseId handshake. Task containers run as they are launched and complete at their node's
/// next heartbeat. Proves the asks a master sends mean what it thinks to a ResourceManager that decrements them
/// as it allocates, across several waves of containers.
/// </summary>
public sealed class ResourceManagerRunTests : IDisposable
{
    private const long ClusterTimestamp = 1410901177871;
    private static readonly NodeId[] Nodes = [new("h0", 8041), new("h1", 8041), new("h2", 8041)];
    private readonly TemporaryDirectory _dir = new();
    private readonly ResourceManagerCore _rm = new(new ResourceManagerOptions { ClusterTimestamp = ClusterTimestamp, Scheduler = SchedulerOptions.Fifo() });
    private readonly Dictionary<NodeId, List<ContainerStatus>> _reports = Nodes.ToDictionary(n => n, _ => new List<ContainerStatus>());
    private DateTimeOffset _now = DateTimeOffset.FromUnixTimeMilliseconds(ClusterTimestamp + 1000);

    public void Dispose() => _dir.Dispose();

    private ApplicationAttemptId StartAm()
    {
        foreach (var node in Nodes) Assert.True(_rm.RegisterNode(new NodeRegistration(node, new Resource(3072, 3)), _now).IsOk);
        var (id, _) = _rm.NewApplication();
        Assert.True(_rm.SubmitApplication(new ApplicationSubmission { ApplicationId = id, Name = "t" }, _now).IsOk);
        var am = Assert.Single(_rm.NodeHeartbeat(new NodeHeartbeat(Nodes[0], []), _now).Allocated, a => a.IsAmContainer).Container;
        _rm.NodeHeartbeat(new NodeHeartbeat(am.NodeId, [new ContainerStatus(am.Id, ContainerState.Running, ContainerExitStatus.Invalid, "")]), _now);
        return am.AttemptId;
    }

    private int _granted, _launched;

    /// <summary>Runs <paramref name="master"/> to its finish and unregisters; returns the progress reported each round.</summary>
    private List<float> Run(IApplicationMaster master, Func<ContainerLaunch, RunResult> run)
    {
        var registered = _rm.RegisterApplicationMaster(master.AttemptId, "amhost", 0, "", _now);
        Assert.True(registered.Status.IsOk, registered.Status.Message);
        var batch = new AllocateBatch();
        batch.Add(master.Registered(new AmRegistration(registered.MaximumCapability, registered.Queue), _now));
        int responseId = 0;
        var progress = new List<float>();
        for (int round = 0; master.Finish is null; round++)
        {
            Assert.True(round < 200, "not finished after 200 rounds");
            _now += TimeSpan.FromSeconds(1);
            foreach (var node in Nodes)
            {
                _rm.NodeHeartbeat(new NodeHeartbeat(node, [.. _reports[node]]), _now);
                _reports[node].Clear();
            }
            var (asks, releases) = batch.Take();
            var allocated = _rm.Allocate(new AllocateRequest(master.AttemptId, responseId, master.Progress, asks, releases), _now);
            Assert.True(allocated.Status.IsOk, allocated.Status.Message);
            var response = allocated.Response!;
            responseId = response.ResponseId;
            _granted += response.Allocated.Count;
            var d = master.Heartbeat(new AmHeartbeat(response.Allocated, response.Completed, response.Headroom), _now);
            batch.Add(d);
            progress.Add(d.Progress);
            foreach (var launch in d.Launches)
            {
                _launched++;
                var result = run(launch);
                _reports[launch.Container.NodeId].Add(new ContainerStatus(launch.Container.Id, ContainerState.Complete, result.ExitStatus, result.Diagnostics));
            }
        }
        Assert.True(_rm.FinishApplicationMaster(master.AttemptId, master.Finish.Status, master.Finish.Diagnostics, "", _now).IsOk);
        return progress;
    }

    private static RunResult Bash(ContainerLaunch launch, string workingDirectory)
    {
        var start = new ProcessStartInfo(launch.Spec.Command[0]) { WorkingDirectory = workingDirectory, RedirectStandardError = true };
        foreach (var arg in launch.Spec.Command.Skip(1)) start.ArgumentList.Add(arg);
        foreach (var (key, value) in launch.Spec.Environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        try
        {
            string stderr = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(30_000), "the shell did not exit in 30 s");
            return new RunResult(process.ExitCode, stderr.Trim());
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void WordCount_OnTheResourceManagerCore_FinishesWithTheInProcessCounts()
    {
        var attempt = StartAm();
        string output = _dir.Combine("out"), jobDir = _dir.Combine("job");
        Assert.True(WordCountJob.TryPrepare(new WordCountJobOptions("/usr/share/common-licenses", output, 3, 16 * 1024), jobDir, null, out var job, out var error), error);
        Assert.True(ApplicationMasters.TryCreate(new ApplicationMasterContext(attempt), ["wordcount", "--job-dir", jobDir], out var master, out error), error);
        Assert.True(job!.Maps > 8, "more maps than the cluster has room for at once");

        var progress = Run(master!, FakeCluster.RunContainerMain);

        Assert.Equal(FinalApplicationStatus.Succeeded, master!.Finish!.Status);
        Assert.Equal(MapReduceMasterTests.CountInProcess("/usr/share/common-licenses"), MapReduceMasterTests.ReadOutput(output, 3));
        Assert.True(File.Exists(Path.Combine(output, "_SUCCESS")));
        Assert.Equal(progress.Order(), progress);
        Assert.Equal(1f, progress[^1]);
        var app = _rm.Application(attempt.ApplicationId)!;
        Assert.Equal((RmAppState.Finished, FinalApplicationStatus.Succeeded), (app.State, app.FinalStatus));
        Assert.Equal(Resource.None, _rm.Metrics().Pending);
        // Containers allocated between the AM's matching one and its next allocate are asked for again by the
        // absolute total it then sends (the race Hadoop's AMRMClient has too): the master releases them.
        Assert.Equal(_granted - _launched, Assert.IsType<MapReduceMaster>(master).SurplusReleased);
        Assert.Equal(Resource.None, _rm.Metrics().Allocated);
        Assert.Equal(job.Maps + 3 + 1, _launched);
    }

    [Fact]
    public void DistributedShell_OnTheResourceManagerCore_RetriesTheFailedShell()
    {
        var attempt = StartAm();
        // Shell 1's first container exits 3; its retry runs as shell 3 and exits 0.
        Assert.True(ApplicationMasters.TryCreate(new ApplicationMasterContext(attempt),
            ["distributed-shell", "--shell_command", "echo $YARN_SHELL_ID > shell-$YARN_SHELL_ID; exit $(( YARN_SHELL_ID == 1 ? 3 : 0 ))", "--num_containers", "3"],
            out var master, out var error), error);

        Run(master!, launch => Bash(launch, _dir.Path));

        var shell = Assert.IsType<DistributedShellMaster>(master);
        Assert.Equal(FinalApplicationStatus.Succeeded, shell.Finish!.Status);
        Assert.Equal(4, shell.Launched);
        Assert.Equal([0, 1, 0], shell.Shells.Select(s => s.Retries));
        Assert.Equal(["shell-0", "shell-1", "shell-2", "shell-3"], Directory.GetFiles(_dir.Path, "shell-*").Select(Path.GetFileName).Order());
        Assert.Equal(0, shell.SurplusReleased);
        Assert.Equal(RmAppState.Finished, _rm.Application(attempt.ApplicationId)!.State);
    }
}

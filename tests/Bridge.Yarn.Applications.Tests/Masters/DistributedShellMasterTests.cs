using System.Diagnostics;
using Bridge.Yarn.Applications.Masters;
using Bridge.Yarn.Applications.Masters.DistributedShell;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Applications.Tests.Masters;

public sealed class DistributedShellMasterTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DistributedShellMaster Master(params string[] args)
    {
        Assert.True(DistributedShellOptions.TryParse(args, out var options, out var error), error);
        return new DistributedShellMaster(FakeCluster.Attempt(), options!);
    }

    private static int Shell(ContainerLaunch launch) => int.Parse(launch.Spec.Environment[DistributedShellMaster.ShellIdVariable]);

    [Fact]
    public void Run_AllContainersExitZero_SucceededWithOneAskForN()
    {
        var master = Master("--shell_command", "echo", "--shell_args", "hello", "--shell_args", "world", "--num_containers", "3",
            "--container_memory", "512", "--container_vcores", "2", "--priority", "4", "--shell_env", "GREETING=hi", "--shell_env", "EMPTY");
        var cluster = new FakeCluster(master, _ => new RunResult(0, ""));

        var finish = cluster.Run();

        Assert.Equal(new AmFinish(FinalApplicationStatus.Succeeded, ""), finish);
        var first = Assert.Single(cluster.AskLog, a => a.Round == 1).Ask;
        Assert.Equal("{Priority: 4, Capability: <memory:512, vCores:2>, # Containers: 3, Location: *, Relax Locality: true}", first.ToString());
        Assert.Equal(3, cluster.Launches.Count);
        foreach (var launch in cluster.Launches)
        {
            Assert.Equal(["/bin/bash", "-c", "echo hello world"], launch.Spec.Command);
            Assert.Equal("hi", launch.Spec.Environment["GREETING"]);
            Assert.Equal("", launch.Spec.Environment["EMPTY"]);
        }
        Assert.Equal([0, 1, 2], cluster.Launches.Select(Shell).Order());
        Assert.Equal(0f, cluster.Progress[0]);
        Assert.Equal(1f, cluster.Progress[^1]);
        Assert.All(master.Shells, s => Assert.Equal(ShellState.Succeeded, s.State));
        // Once satisfied, the ask went back to 0 at the ResourceManager.
        Assert.Equal(0, cluster.AskLog[^1].Ask.NumContainers);
    }

    [Fact]
    public void Run_ContainersSlowToCome_ProgressRisesShellByShell()
    {
        var master = Master("--shell_command", "true", "--num_containers", "4");
        var cluster = new FakeCluster(master, _ => new RunResult(0, "")) { ContainersPerRound = 1 };

        cluster.Run();

        Assert.Equal([0f, 0.25f, 0.5f, 0.75f, 1f], cluster.Progress.Distinct());
    }

    [Fact]
    public void Run_FailedCommand_RetriedInANewContainerThenSucceeds()
    {
        var master = Master("--shell_command", "flaky", "--num_containers", "2");
        int runs = 0;
        var cluster = new FakeCluster(master, launch => Shell(launch) == 0 && runs++ == 0 ? new RunResult(1, "exit 1") : new RunResult(0, ""));

        var finish = cluster.Run();

        Assert.Equal(FinalApplicationStatus.Succeeded, finish.Status);
        Assert.Equal(3, cluster.Launches.Count);
        Assert.Equal([1, 0], master.Shells.Select(s => s.Retries));
        Assert.Equal(3, master.Launched);
    }

    [Fact]
    public void Run_RetriesExhausted_FailedWithHadoopsDiagnostics()
    {
        var master = Master("--shell_command", "false", "--num_containers", "2", "--container_max_retries", "2");
        var cluster = new FakeCluster(master, launch => Shell(launch) == 1 ? new RunResult(0, "") : new RunResult(3, "Exception from container-launch. Exit code: 3"));

        var finish = cluster.Run();

        Assert.Equal(FinalApplicationStatus.Failed, finish.Status);
        Assert.StartsWith("Diagnostics., total=2, completed=2, allocated=4, failed=1", finish.Diagnostics);
        Assert.Contains("exit status 3 after 2 retries: Exception from container-launch. Exit code: 3", finish.Diagnostics);
        var failed = Assert.Single(master.Shells, s => s.State == ShellState.Failed);
        Assert.Equal(2, failed.Retries);
        Assert.Equal(1f, master.Progress); // every shell is done, one of them failed
    }

    [Theory]
    [InlineData("0", "", 3, 1)]      // NEVER_RETRY
    [InlineData("2", "4,5", 3, 1)]   // RETRY_ON_SPECIFIC_ERROR_CODES, 3 not among them
    [InlineData("2", "3", 3, 3)]     // ... 3 among them: retried until the third run exits 0
    public void Run_RetryPolicy_DecidesWhichExitsAreRetried(string policy, string codes, int exit, int expectedLaunches)
    {
        var args = new List<string> { "--shell_command", "x", "--container_retry_policy", policy, "--container_max_retries", "5" };
        if (codes.Length > 0) args.AddRange(["--container_retry_error_codes", codes]);
        var master = Master([.. args]);
        int runs = 0;
        var cluster = new FakeCluster(master, _ => ++runs < 3 ? new RunResult(exit, "") : new RunResult(0, ""));

        var finish = cluster.Run();

        Assert.Equal(expectedLaunches, cluster.Launches.Count);
        Assert.Equal(expectedLaunches == 1 ? FinalApplicationStatus.Failed : FinalApplicationStatus.Succeeded, finish.Status);
    }

    [Fact]
    public void Run_RetryInterval_RetryAskedOnlyOnceItPassed()
    {
        var master = Master("--shell_command", "x", "--container_retry_interval", "5000");
        int runs = 0;
        var cluster = new FakeCluster(master, _ => runs++ == 0 ? new RunResult(1, "") : new RunResult(0, ""));

        cluster.Run();

        // Launched in round 1, failure reported in round 2, retry asked in the allocate of the round ≥ 5 s later.
        var asks = cluster.AskLog.Where(a => a.Ask.NumContainers == 1).Select(a => a.Round).ToList();
        Assert.Equal(2, asks.Count);
        Assert.True(asks[1] - 2 >= 5, $"retry asked in round {asks[1]}");
    }

    [Fact]
    public void Run_ContainersEndedByThePlatform_AskedAgainWithoutCountingAsRetries()
    {
        var master = Master("--shell_command", "x", "--num_containers", "2", "--container_max_retries", "0");
        int aborts = 0;
        var cluster = new FakeCluster(master, _ => new RunResult(0, "")) { Abort = _ => aborts++ < 3 };

        var finish = cluster.Run();

        Assert.Equal(FinalApplicationStatus.Succeeded, finish.Status);
        Assert.Equal(5, cluster.Launches.Count);
        Assert.Equal(3, master.Shells.Sum(s => s.Kills));
        Assert.All(master.Shells, s => Assert.Equal(0, s.Retries));
    }

    [Fact]
    public void Run_SurplusContainers_ReleasedNotLaunched()
    {
        var master = Master("--shell_command", "x", "--num_containers", "2");
        var cluster = new FakeCluster(master, _ => new RunResult(0, ""))
        {
            RoundsPerContainer = 3,
            Surplus = round => round <= 2 ? [(new Priority(0), new Resource(10, 1))] : [],
        };

        cluster.Run();

        Assert.Equal(2, cluster.SurplusGranted);
        Assert.Equal(2, master.SurplusReleased);
        Assert.Equal(2, cluster.Launches.Count);
        var surplus = cluster.Granted.Select(c => c.Id).Except(cluster.Launches.Select(l => l.Container.Id)).ToList();
        Assert.Equal(surplus, cluster.Releases);
    }

    [Fact]
    public void Run_CapabilityAboveMaximum_CappedAsHadoopDoes()
    {
        var master = Master("--shell_command", "x", "--container_memory", "100000", "--container_vcores", "64");
        var cluster = new FakeCluster(master, _ => new RunResult(0, "")) { MaximumCapability = new Resource(8192, 4) };

        cluster.Run();

        Assert.Equal(new Resource(8192, 4), master.Capability);
        Assert.Equal(new Resource(8192, 4), cluster.AskLog[0].Ask.Capability);
    }

    [Fact]
    public void Kill_WhileRunning_ReleasesRunningContainersAndFinishesKilled()
    {
        var master = Master("--shell_command", "sleep 100", "--num_containers", "3");
        var cluster = new FakeCluster(master, _ => new RunResult(0, "")) { RoundsPerContainer = 10, KillAtRound = 3 };

        var finish = cluster.Run();

        Assert.Equal(new AmFinish(FinalApplicationStatus.Killed, "Application killed by user."), finish);
        Assert.Equal(cluster.Launches.Select(l => l.Container.Id).OrderBy(id => id.ContainerIdLong), cluster.Releases.OrderBy(id => id.ContainerIdLong));
        Assert.Empty(master.Kill("again", cluster.Now).Releases);
    }

    [Fact]
    public void LaunchFailed_CountsAsAFailureAndReleasesTheContainer()
    {
        var master = Master("--shell_command", "x", "--container_max_retries", "1");
        var cluster = new FakeCluster(master, _ => new RunResult(0, "")) { FailLaunch = _ => "NodeManager unreachable" };

        var finish = cluster.Run();

        Assert.Equal(FinalApplicationStatus.Failed, finish.Status);
        Assert.Contains("Container launch failed: NodeManager unreachable", finish.Diagnostics);
        Assert.Equal(2, cluster.Launches.Count);
        Assert.Equal(cluster.Launches.Select(l => l.Container.Id), cluster.Releases);
    }

    [Fact]
    public void Registered_Again_ResendsEveryOutstandingAsk()
    {
        var master = Master("--shell_command", "x", "--num_containers", "5");
        var registration = new AmRegistration(new Resource(8192, 4));
        var now = DateTimeOffset.UnixEpoch;
        master.Registered(registration, now);
        var container = new Container(new ContainerId(master.AttemptId, 0, 2), new NodeId("h1", 8041), new Resource(1024, 1), new Priority(0));
        master.Heartbeat(new AmHeartbeat([container], [], Resource.None), now);

        var resync = master.Registered(registration, now);

        Assert.Equal("{Priority: 0, Capability: <memory:10, vCores:1>, # Containers: 4, Location: *, Relax Locality: true}", Assert.Single(resync.Asks).ToString());
    }

    [Fact]
    public void Heartbeat_BeforeRegistering_Throws()
    {
        var master = Master("--shell_command", "x");
        Assert.Throws<InvalidOperationException>(() => master.Heartbeat(AmHeartbeat.Empty, DateTimeOffset.UnixEpoch));
    }

    /// <summary>Runs a launch as a real process, as a NodeManager would: argv, environment, a working directory; killed if it outlives 30 s.</summary>
    private RunResult RunProcess(ContainerLaunch launch)
    {
        var start = new ProcessStartInfo(launch.Spec.Command[0]) { WorkingDirectory = _dir.Path, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in launch.Spec.Command.Skip(1)) start.ArgumentList.Add(arg);
        foreach (var (key, value) in launch.Spec.Environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(30_000), "the shell did not exit in 30 s");
            return new RunResult(process.ExitCode, stderr.Result.Trim());
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void Run_RealBashProcesses_EachShellRunsTheCommandWithItsEnvironment()
    {
        var master = Master("--shell_command", "echo \"$YARN_SHELL_ID $GREETING\" >",
            "--shell_args", "shell-$YARN_SHELL_ID.txt", "--num_containers", "3", "--shell_env", "GREETING=hello world");
        var cluster = new FakeCluster(master, RunProcess);

        var finish = cluster.Run();

        Assert.Equal(FinalApplicationStatus.Succeeded, finish.Status);
        for (int i = 0; i < 3; i++) Assert.Equal($"{i} hello world\n", File.ReadAllText(_dir.Combine($"shell-{i}.txt")));
    }

    [Fact]
    public void Run_RealBashProcessThatFails_RetriedThenFailedWithItsExitStatus()
    {
        var master = Master("--shell_command", "echo broken >&2; exit 7", "--container_max_retries", "1");
        var cluster = new FakeCluster(master, RunProcess);

        var finish = cluster.Run();

        Assert.Equal(FinalApplicationStatus.Failed, finish.Status);
        Assert.Equal(2, cluster.Launches.Count);
        Assert.Contains("exit status 7 after 1 retries: broken", finish.Diagnostics);
    }
}

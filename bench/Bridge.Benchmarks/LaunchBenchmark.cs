using System.Diagnostics;
using System.Globalization;
using System.Net;
using Bridge.Kernel.Agent;
using Bridge.Kernel.Master;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Resource = Bridge.Kernel.V1.Resource;
using Resources = Bridge.Kernel.Resources;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Benchmarks;

/// <summary>What <see cref="LaunchBenchmark.RunAsync"/> measured.</summary>
/// <param name="Tasks">Tasks launched.</param>
/// <param name="AllRunningSeconds">From the first ACCEPT call to the last TASK_RUNNING the framework saw (s).</param>
/// <param name="RunningMs">Per task, from its ACCEPT call to its TASK_RUNNING (ms), ascending.</param>
/// <param name="KillSeconds">From sending the kills to the last terminal update (s).</param>
/// <param name="LeftRunning">Processes still running in the work dir after everything stopped (0 when clean).</param>
public sealed record LaunchResult(int Tasks, double AllRunningSeconds, IReadOnlyList<double> RunningMs, double KillSeconds, int LeftRunning);

/// <summary>
/// The launch benchmark: a master and one real agent in this process, on loopback; a framework
/// (through the Scheduler SDK) launches N <c>sleep 30</c> command tasks of 0.001 cpus and 1 MB in
/// one ACCEPT, and records for each task the time from the ACCEPT call to TASK_RUNNING. Then it
/// kills them all and waits until every one has ended, stops everything, checks that no process
/// is left running in the work dir (a temporary directory, deleted at the end).
/// Last line: <c>launch tasks=N agents=1 all_running_s=X p50_ms=Y p99_ms=Z</c>.
/// </summary>
public static class LaunchBenchmark
{
    /// <summary>Runs the benchmark, writing progress and the result line to <paramref name="output"/>.</summary>
    /// <param name="tasks">Tasks to launch (at least 1).</param>
    /// <param name="output">Where progress and the result line go.</param>
    /// <param name="cancellationToken">Stops the run (tasks are still killed and the work dir removed).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tasks"/> is below 1.</exception>
    /// <exception cref="TimeoutException">The tasks did not all run, or did not all end, within the time allowed
    /// (60 s plus 50 ms per task for each phase).</exception>
    /// <exception cref="InvalidOperationException">A task failed instead of running, or processes were left running.</exception>
    public static async Task<LaunchResult> RunAsync(int tasks, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tasks, 1);
        var workDir = Path.Combine(Path.GetTempPath(), $"bridge-bench-launch-{Guid.NewGuid():N}"[..32]);
        var limit = TimeSpan.FromSeconds(60) + TimeSpan.FromMilliseconds(50) * tasks;
        var inv = CultureInfo.InvariantCulture;
        LaunchScheduler? scheduler = null;
        double allRunning, killSeconds;
        int leftRunning;
        try
        {
            await using (var master = await MasterServer.StartAsync(new MasterOptions(), new IPEndPoint(IPAddress.Loopback, 0), cancellationToken: cancellationToken))
            {
                // Room for every task with some to spare: N × 0.001 cpus and N × 1 MB.
                var resources = Resources.Parse(string.Create(inv, $"cpus:{Math.Max(2, Math.Ceiling(tasks * 0.001) + 1)};mem:{Math.Max(2048, tasks + 1024)};disk:1024"));
                await using var agent = await AgentServer.StartAsync(new AgentOptions
                {
                    Master = master.Address, Hostname = "bench-agent", Resources = resources, WorkDir = Path.Combine(workDir, "agent"),
                }, new IPEndPoint(IPAddress.Loopback, 0), cancellationToken: cancellationToken);
                await agent.Agent.Registered.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                output.WriteLine($"setup: master {master.Address}, one agent with {resources}, isolation {agent.Agent.Isolation}; {System.Environment.ProcessorCount} cores, load {LoadAverage()}");

                scheduler = new LaunchScheduler(tasks);
                await using var driver = new SchedulerDriver(master.Address, new FrameworkInfo { Name = "bench-launch", User = "root" }, scheduler);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var run = driver.RunAsync(stop.Token);
                try
                {
                    await scheduler.AllRunning.WaitAsync(limit, cancellationToken);
                    allRunning = scheduler.LastRunningSeconds;
                    output.WriteLine(string.Create(inv, $"running: {tasks}/{tasks} {allRunning:F2} s after the first ACCEPT, in {scheduler.AcceptCalls} ACCEPT call(s); load {LoadAverage()}"));
                    var reported = scheduler.ReportedMs.Order().ToList();
                    output.WriteLine(string.Create(inv,
                        $"agent: TASK_RUNNING stamped by the agent p50={Percentiles.Of(reported, 50):F0} ms p99={Percentiles.Of(reported, 99):F0} ms max={reported[^1]:F0} ms after the ACCEPT (the rest is delivery to the framework)"));

                    var killing = Stopwatch.StartNew();
                    await Task.WhenAll(scheduler.TaskIds.Select(id => driver.KillAsync(id, scheduler.AgentId)));
                    await scheduler.AllEnded.WaitAsync(limit, cancellationToken);
                    killSeconds = killing.Elapsed.TotalSeconds;
                    output.WriteLine(string.Create(inv, $"killed: {tasks} tasks ended {killSeconds:F2} s after the kills were sent ({scheduler.Killed} TASK_KILLED)"));
                    await driver.TeardownAsync();
                }
                finally
                {
                    await stop.CancelAsync();
                    await run;
                }
            }
            // The agent's disposal killed and awaited whatever was still running; anything with its
            // working directory under the work dir now is a leak.
            leftRunning = ProcessesUnder(workDir);
            output.WriteLine($"left running: {leftRunning} processes");
        }
        finally
        {
            try
            {
                Directory.Delete(workDir, recursive: true);
            }
            catch (IOException e)
            {
                output.WriteLine($"warning: could not delete {workDir}: {e.Message}");
            }
        }
        if (leftRunning > 0) throw new InvalidOperationException($"{leftRunning} processes were left running under {workDir}");

        var sorted = scheduler.RunningMs.Order().ToList();
        output.WriteLine(string.Create(inv,
            $"launch tasks={tasks} agents=1 all_running_s={allRunning:F2} p50_ms={Percentiles.Of(sorted, 50):F1} p99_ms={Percentiles.Of(sorted, 99):F1}"));
        return new LaunchResult(tasks, allRunning, sorted, killSeconds, leftRunning);
    }

    /// <summary>Processes whose working directory is under <paramref name="dir"/> (Linux /proc).</summary>
    private static int ProcessesUnder(string dir)
    {
        var count = 0;
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out _)) continue;
            try
            {
                if (new FileInfo(Path.Combine(proc, "cwd")).LinkTarget is { } cwd && cwd.StartsWith(dir, StringComparison.Ordinal)) count++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked, or is not ours to read.
            }
        }
        return count;
    }

    internal static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}

/// <summary>
/// The launch benchmark's framework: launches its N tasks from the offers it gets (all in the
/// first one when it fits), declines the rest, and records when each task was launched and first
/// seen RUNNING. Its callbacks run one at a time (the driver's dispatch), so no locks.
/// </summary>
internal sealed class LaunchScheduler(int tasks) : Scheduler
{
    private const double TaskCpus = 0.001;
    private const double TaskMemMb = 1;
    private readonly long[] _launchedAt = new long[tasks];
    private readonly double[] _runningMs = Enumerable.Repeat(double.NaN, tasks).ToArray();
    private readonly double[] _reportedMs = Enumerable.Repeat(double.NaN, tasks).ToArray();
    private readonly double[] _launchedAtUnixMs = new double[tasks];
    private readonly bool[] _ended = new bool[tasks];
    private readonly TaskCompletionSource _allRunning = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _allEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _firstLaunch;
    private long _lastRunning;
    private int _launched;
    private int _running;
    private int _endedCount;

    public Task AllRunning => _allRunning.Task;
    public Task AllEnded => _allEnded.Task;
    public int AcceptCalls { get; private set; }
    public int Killed { get; private set; }
    public AgentID? AgentId { get; private set; }
    public IEnumerable<TaskID> TaskIds => Enumerable.Range(0, tasks).Select(i => new TaskID { Value = Name(i) });
    public IReadOnlyList<double> RunningMs => _runningMs;

    /// <summary>Per task, from its ACCEPT call to the timestamp the agent put on its TASK_RUNNING
    /// (wall clock, millisecond resolution): the agent's share of <see cref="RunningMs"/>.</summary>
    public IReadOnlyList<double> ReportedMs => _reportedMs;
    public double LastRunningSeconds => Stopwatch.GetElapsedTime(_firstLaunch, _lastRunning).TotalSeconds;

    private static string Name(int i) => string.Create(CultureInfo.InvariantCulture, $"sleep-{i:D5}");

    public override async Task OffersAsync(SchedulerDriver driver, IReadOnlyList<Offer> offers)
    {
        foreach (var offer in offers)
        {
            var fits = (int)Math.Min(Scalar(offer, "cpus") / TaskCpus + 1e-6, Scalar(offer, "mem") / TaskMemMb + 1e-6);
            var count = Math.Min(fits, tasks - _launched);
            if (count <= 0)
            {
                await driver.DeclineAsync([offer.Id], refuseSeconds: 3600);
                continue;
            }
            AgentId = offer.AgentId;
            var infos = Enumerable.Range(_launched, count).Select(SleepTask).ToList();
            var now = Stopwatch.GetTimestamp();
            if (_launched == 0) _firstLaunch = now;
            var unixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            for (var i = _launched; i < _launched + count; i++)
            {
                _launchedAt[i] = now;
                _launchedAtUnixMs[i] = unixMs;
            }
            _launched += count;
            AcceptCalls++;
            await driver.LaunchAsync(offer, infos, refuseSeconds: 3600);
        }
    }

    public override Task UpdateAsync(SchedulerDriver driver, TaskStatus status)
    {
        var now = Stopwatch.GetTimestamp();
        if (!int.TryParse(status.TaskId.Value.AsSpan("sleep-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var i) || i >= tasks)
            return Task.CompletedTask;
        if (status.State == TaskState.TaskRunning && double.IsNaN(_runningMs[i]))
        {
            _runningMs[i] = Stopwatch.GetElapsedTime(_launchedAt[i], now).TotalMilliseconds;
            _reportedMs[i] = status.Timestamp * 1000 - _launchedAtUnixMs[i];
            _lastRunning = now;
            if (++_running == tasks) _allRunning.TrySetResult();
        }
        else if (Kernel.Protocol.TaskStates.IsTerminal(status.State) && !_ended[i])
        {
            _ended[i] = true;
            if (status.State == TaskState.TaskKilled) Killed++;
            if (double.IsNaN(_runningMs[i]))
                _allRunning.TrySetException(new InvalidOperationException($"task {status.TaskId.Value} ended {status.State} before running: {status.Message}"));
            if (++_endedCount == tasks) _allEnded.TrySetResult();
        }
        return Task.CompletedTask;
    }

    private static TaskInfo SleepTask(int i) => new()
    {
        Name = Name(i),
        TaskId = new TaskID { Value = Name(i) },
        Command = new CommandInfo { Value = "sleep 30" },
        Resources =
        {
            new Resource { Name = "cpus", Type = Value.Types.Type.Scalar, Scalar = new() { Value = TaskCpus } },
            new Resource { Name = "mem", Type = Value.Types.Type.Scalar, Scalar = new() { Value = TaskMemMb } },
        },
    };

    private static double Scalar(Offer offer, string name) => offer.Resources.Where(r => r.Name == name).Sum(r => r.Scalar?.Value ?? 0);
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using Bridge.Kernel.Master;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Microsoft.Extensions.Logging;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Chaos;

/// <summary>Settings of <c>bridge chaos agents</c>.</summary>
public sealed record ChaosAgentsOptions
{
    /// <summary>Agent processes (each offering 4 cpus and 4096 MB).</summary>
    public int Agents { get; init; } = 5;

    /// <summary>Tasks the framework keeps running across them.</summary>
    public int Tasks { get; init; } = 100;

    /// <summary>How long the chaos lasts.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time between SIGKILLs of an agent (round robin).</summary>
    public TimeSpan KillEvery { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a killed agent stays down before it is started again.</summary>
    public TimeSpan Down { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How to start <c>bridge agent</c>.</summary>
    public required BridgeCommand Bridge { get; init; }

    /// <summary>Where logs, agent work dirs and sandboxes go (default: a new temp directory).</summary>
    public string? WorkDir { get; init; }
}

/// <summary>The result of <c>bridge chaos agents</c>.</summary>
/// <param name="Agents">Agent processes.</param>
/// <param name="Tasks">Tasks kept running.</param>
/// <param name="RecoveryMs">Each restart: from starting the killed agent's process again to the master seeing it active with all its tasks RUNNING, ms.</param>
/// <param name="LostTasks">Tasks the framework lost (see <see cref="TaskKeeper.Lost"/>).</param>
/// <param name="Surviving">Tasks launched at the start and confirmed RUNNING by reconciliation at the end.</param>
public sealed record ChaosAgentsResult(int Agents, int Tasks, IReadOnlyList<double> RecoveryMs, int LostTasks, int Surviving)
{
    /// <summary><c>chaos agents=5 tasks=100 restarts=K recovery_ms_p50=X recovery_ms_max=Y lost_tasks=0 surviving_tasks=100</c>.</summary>
    public override string ToString()
    {
        var sorted = RecoveryMs.Order().ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"chaos agents={Agents} tasks={Tasks} restarts={sorted.Count} recovery_ms_p50={Stats.Percentile(sorted, 50):0} recovery_ms_max={(sorted.Count == 0 ? 0 : sorted[^1]):0} lost_tasks={LostTasks} surviving_tasks={Surviving}");
    }
}

/// <summary>
/// <c>bridge chaos agents</c>: a master (in this process), <c>Agents</c> agent processes and a checkpointing framework
/// keeping <c>Tasks</c> tasks running; every <c>KillEvery</c> one agent process is SIGKILLed, left down for <c>Down</c>
/// and started again on the same work dir. Its tasks must keep running (they are not the agent's children's children
/// to kill: each container is its own session) and be recovered from its checkpoints; at the end every task launched at
/// the start must be confirmed RUNNING by reconciliation, with none relaunched.
/// </summary>
public static class ChaosAgents
{
    /// <summary>Runs the chaos, printing progress to <paramref name="output"/>, and returns the figures.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No agents, tasks or time, or more tasks than the agents hold (40 each).</exception>
    /// <exception cref="TimeoutException">The system did not come up, or an agent did not recover within 60 s.</exception>
    public static async Task<ChaosAgentsResult> RunAsync(ChaosAgentsOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        if (options.Agents < 1 || options.Tasks < 1) throw new ArgumentOutOfRangeException(nameof(options), "--agents and --tasks must be at least 1");
        if (options.Tasks > 40 * options.Agents) throw new ArgumentOutOfRangeException(nameof(options), $"{options.Agents} agents hold at most {40 * options.Agents} tasks of 0.1 cpus");
        if (options.Duration <= TimeSpan.Zero || options.KillEvery <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), "--seconds and --kill-every must be positive");
        var workDir = options.WorkDir ?? Path.Combine(Path.GetTempPath(), "bridge-chaos", "agents-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(workDir);
        output.WriteLine($"chaos agents: {options.Agents} agent processes, {options.Tasks} tasks, {options.Duration.TotalSeconds:0} s, an agent SIGKILLed every {options.KillEvery.TotalSeconds:0} s and restarted after {options.Down.TotalSeconds:0} s; logs in {workDir}");
        using var logs = FileLog.Factory(Path.Combine(workDir, "master-and-framework.log"));
        var log = logs.CreateLogger("Bridge.Chaos");

        await using var master = await MasterServer.StartAsync(new MasterOptions(), new IPEndPoint(IPAddress.Loopback, 0), logs, cancellationToken);
        var masterUrl = master.Address;
        var ports = Enumerable.Range(0, options.Agents).Select(_ => ChildProcess.FreePort()).ToArray();
        var agents = new ChildProcess?[options.Agents];
        using var probe = new MasterProbe();
        SchedulerDriver? driver = null;
        using var stopFramework = new CancellationTokenSource();
        Task? framework = null;
        try
        {
            for (var i = 0; i < agents.Length; i++) agents[i] = StartAgent(options, masterUrl, ports[i], workDir, i);
            var ids = await WaitAsync(probe, masterUrl, s => s.Count(a => a.Value.Active) >= options.Agents, TimeSpan.FromSeconds(60), "agents registering", cancellationToken);
            output.WriteLine($"{options.Agents} agents registered");

            var keeper = new TaskKeeper(options.Tasks, (options.Tasks + options.Agents - 1) / options.Agents);
            driver = new SchedulerDriver(masterUrl, new FrameworkInfo { Name = "chaos-agents", User = "root", FailoverTimeout = 3600, Checkpoint = true }, keeper);
            framework = driver.RunAsync(stopFramework.Token);
            await keeper.WaitRunningAsync(TimeSpan.FromSeconds(60), cancellationToken);
            var launched = keeper.Launched;
            output.WriteLine($"{options.Tasks} tasks running");

            var recoveries = new List<double>();
            var end = Stopwatch.GetTimestamp() + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
            var victim = 0;
            while (Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), end) >= options.KillEvery + options.Down)
            {
                await Task.Delay(options.KillEvery, cancellationToken);
                var before = await WaitAsync(probe, masterUrl, _ => true, TimeSpan.FromSeconds(10), "the master's state", cancellationToken);
                var agentId = AgentIdOf(workDir, victim);
                var tasksOnIt = before.GetValueOrDefault(agentId).Running;
                agents[victim]!.Kill();
                log.LogInformation("SIGKILL agent {Index} (pid {Pid}, {Tasks} tasks)", victim, agents[victim]!.Pid, tasksOnIt);
                await agents[victim]!.DisposeAsync();
                var downAt = Stopwatch.GetTimestamp();
                await WaitAsync(probe, masterUrl, s => s.TryGetValue(agentId, out var a) && !a.Active, TimeSpan.FromSeconds(60), "the master noticing the kill", cancellationToken);
                var left = options.Down - Stopwatch.GetElapsedTime(downAt);
                if (left > TimeSpan.Zero) await Task.Delay(left, cancellationToken);
                var restartedAt = Stopwatch.GetTimestamp();
                agents[victim] = StartAgent(options, masterUrl, ports[victim], workDir, victim);
                // Back: active again with every task it had RUNNING.
                await WaitAsync(probe, masterUrl, s => s.TryGetValue(agentId, out var a) && a.Active && a.Running >= tasksOnIt, TimeSpan.FromSeconds(60),
                    $"agent {victim} recovering its {tasksOnIt} tasks", cancellationToken);
                var ms = Stopwatch.GetElapsedTime(restartedAt).TotalMilliseconds;
                recoveries.Add(ms);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"restart {recoveries.Count}: agent {victim} killed, down {options.Down.TotalSeconds:0} s, re-registered with its {tasksOnIt} tasks {ms:0} ms after it started again; {keeper.Running} tasks running"));
                victim = (victim + 1) % options.Agents;
            }

            var unconfirmed = await keeper.ConfirmAsync(driver, TimeSpan.FromSeconds(30), cancellationToken);
            if (unconfirmed.Count > 0) output.WriteLine($"not confirmed RUNNING by reconciliation: {string.Join(", ", unconfirmed)}");
            if (keeper.Lost.Count > 0) output.WriteLine($"lost: {string.Join(", ", keeper.Lost.Order())}");
            var surviving = launched - keeper.Lost.Count(id => int.Parse(id["chaos-".Length..], CultureInfo.InvariantCulture) <= launched) - unconfirmed.Count(id => !keeper.Lost.Contains(id));
            if (keeper.Launched > launched) output.WriteLine($"{keeper.Launched - launched} tasks were launched again to replace lost ones");
            return new ChaosAgentsResult(options.Agents, options.Tasks, recoveries, keeper.Lost.Count, surviving);
        }
        finally
        {
            // TEARDOWN: the master has the agents kill every task. Then the agents stop (SIGTERM leaves tasks running, so
            // anything a failed run left behind is killed by its recorded process group).
            if (driver is not null)
            {
                try
                {
                    await driver.TeardownAsync();
                    await WaitAsync(probe, masterUrl, s => s.Values.All(a => a.Running == 0), TimeSpan.FromSeconds(30), "the tasks to be killed", CancellationToken.None);
                }
                catch (Exception e) when (e is Bridge.Rpc.RpcException or InvalidOperationException or TimeoutException)
                {
                    output.WriteLine($"teardown incomplete ({e.Message}); killing what is left");
                }
            }
            await stopFramework.CancelAsync();
            if (framework is not null) await framework.ContinueWith(_ => { }, TaskScheduler.Default);
            if (driver is not null) await driver.DisposeAsync();
            foreach (var agent in agents)
                if (agent is not null) await agent.DisposeAsync();
            if (Orphans.Kill(workDir) is > 0 and var orphans) output.WriteLine($"killed {orphans} task process groups left behind");
        }
    }

    private static ChildProcess StartAgent(ChaosAgentsOptions options, Uri master, int port, string workDir, int index) =>
        ChildProcess.Start(options.Bridge,
            ["agent", "--master", $"{master.Host}:{master.Port}", "--port", port.ToString(CultureInfo.InvariantCulture), "--hostname", $"chaos-agent-{index:D3}",
             "--resources", "cpus:4;mem:4096;disk:1024", "--work-dir", Path.Combine(workDir, $"agent-{index:D3}")],
            Path.Combine(workDir, $"agent-{index:D3}.log"), new Dictionary<string, string> { ["BRIDGE_LOG_LEVEL"] = "Information" });

    /// <summary>The id agent <paramref name="index"/> registered with, as it checkpointed it (<c>WORK_DIR/meta/agent.id</c>).</summary>
    private static string AgentIdOf(string workDir, int index)
    {
        var file = Path.Combine(workDir, $"agent-{index:D3}", "meta", "agent.id");
        return File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } id
            ? id : throw new InvalidOperationException($"agent {index} has not checkpointed its id in {file}");
    }

    /// <summary>Polls the master's state (every 20 ms) until <paramref name="condition"/> holds; returns that state.</summary>
    private static Task<IReadOnlyDictionary<string, (bool Active, int Running)>> WaitAsync(MasterProbe probe, Uri master,
        Func<IReadOnlyDictionary<string, (bool Active, int Running)>, bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken) =>
        Poll.UntilAsync(async () =>
        {
            var state = await probe.AgentTasksAsync(master, cancellationToken);
            return (state is not null && condition(state), state!);
        }, TimeSpan.FromMilliseconds(20), timeout, () => what, cancellationToken);
}

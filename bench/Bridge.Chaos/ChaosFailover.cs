using System.Diagnostics;
using System.Globalization;
using System.Net;
using Bridge.Kernel;
using Bridge.Kernel.Agent;
using Bridge.Kernel.Coordination.Etcd;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Microsoft.Extensions.Logging;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Chaos;

/// <summary>Settings of <c>bridge chaos failover</c>.</summary>
public sealed record ChaosFailoverOptions
{
    /// <summary>Master processes electing their leader in etcd (at least 2).</summary>
    public int Masters { get; init; } = 3;

    /// <summary>Agents (real agent code in this process, each a simulated machine of 2 cpus and 2048 MB; tasks are real processes).</summary>
    public int Agents { get; init; } = 20;

    /// <summary>Tasks the framework keeps running (default: 2 per agent).</summary>
    public int? Tasks { get; init; }

    /// <summary>How long the chaos lasts (kills happen in it; the final check comes after).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Time between SIGKILLs of the leader.</summary>
    public TimeSpan KillEvery { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The masters' etcd lease TTL (whole seconds; 1 s is etcd's minimum with the fast timings used here).</summary>
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The agents' first reconnect backoff (jittered in [b/2, b]).</summary>
    public TimeSpan AgentBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How to start <c>bridge master</c>.</summary>
    public required BridgeCommand Bridge { get; init; }

    /// <summary>Where logs and sandboxes go (default: a new temp directory, deleted when the run passes).</summary>
    public string? WorkDir { get; init; }
}

/// <summary>The result of <c>bridge chaos failover</c>.</summary>
/// <param name="Masters">Master processes.</param>
/// <param name="FailoverMs">Each failover: from the SIGKILL of the leader to a new leader answering with every agent re-registered, ms.</param>
/// <param name="LostTasks">Tasks the framework lost (see <see cref="TaskKeeper.Lost"/>).</param>
/// <param name="DoubleLeaders">Samples in which two masters said they lead (see <see cref="LeaderSampler"/>).</param>
public sealed record ChaosFailoverResult(int Masters, IReadOnlyList<double> FailoverMs, int LostTasks, int DoubleLeaders)
{
    /// <summary>The line the issue asks for: <c>chaos masters=3 failovers=K failover_ms_p50=X failover_ms_max=Y lost_tasks=0 double_leaders=0</c>.</summary>
    public override string ToString()
    {
        var sorted = FailoverMs.Order().ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"chaos masters={Masters} failovers={sorted.Count} failover_ms_p50={Stats.Percentile(sorted, 50):0} failover_ms_max={(sorted.Count == 0 ? 0 : sorted[^1]):0} lost_tasks={LostTasks} double_leaders={DoubleLeaders}");
    }
}

/// <summary>
/// <c>bridge chaos failover</c>: etcd (Debian's, on free loopback ports), <c>Masters</c> master processes electing their
/// leader in it, <c>Agents</c> agents following the leader, and a framework keeping <c>Tasks</c> tasks running; every
/// <c>KillEvery</c> the leader is SIGKILLed (and started again as a standby), and the failover is timed from the kill to
/// a new leader answering <c>/api/v1/state</c> with every agent re-registered. Double leadership is sampled all along;
/// at the end every task must be confirmed RUNNING by reconciliation.
/// </summary>
public static class ChaosFailover
{
    /// <summary>Runs the chaos, printing progress to <paramref name="output"/>, and returns the figures (also printed last).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 masters, no agents, or no time.</exception>
    /// <exception cref="TimeoutException">The system did not come up (no leader, agents or tasks within 60 s).</exception>
    public static async Task<ChaosFailoverResult> RunAsync(ChaosFailoverOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        if (options.Masters < 2) throw new ArgumentOutOfRangeException(nameof(options), "--masters must be at least 2: a failover needs a standby");
        if (options.Agents < 1) throw new ArgumentOutOfRangeException(nameof(options), "--agents must be at least 1");
        if (options.Duration <= TimeSpan.Zero || options.KillEvery <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), "--seconds and --kill-every must be positive");
        var tasks = options.Tasks ?? 2 * options.Agents;
        var workDir = options.WorkDir ?? Path.Combine(Path.GetTempPath(), "bridge-chaos", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(workDir);
        output.WriteLine($"chaos failover: {options.Masters} masters, {options.Agents} agents, {tasks} tasks, {options.Duration.TotalSeconds:0} s, leader killed every {options.KillEvery.TotalSeconds:0} s; logs in {workDir}");
        using var logs = FileLog.Factory(Path.Combine(workDir, "agents.log"));

        await using var etcd = await EtcdProcess.StartAsync(Path.Combine(workDir, "etcd"), cancellationToken);
        var ports = Enumerable.Range(0, options.Masters).Select(_ => ChildProcess.FreePort()).ToArray();
        var urls = ports.Select(p => new Uri($"http://127.0.0.1:{p}")).ToArray();
        var masters = new ChildProcess?[options.Masters];
        using var probe = new MasterProbe();
        var agents = new List<AgentServer>();
        SchedulerDriver? driver = null;
        using var stopFramework = new CancellationTokenSource();
        Task? framework = null;
        try
        {
            for (var i = 0; i < masters.Length; i++) masters[i] = StartMaster(options, etcd, ports[i], workDir, i);
            await using var sampler = new LeaderSampler(() => urls, probe, TimeSpan.FromMilliseconds(50));
            var leader = await WaitForLeaderAsync(probe, urls, except: -1, TimeSpan.FromSeconds(60), cancellationToken);
            output.WriteLine($"master {leader} leads ({urls[leader]})");

            for (var i = 0; i < options.Agents; i++)
                agents.Add(await AgentServer.StartAsync(new AgentOptions
                {
                    Master = urls[i % urls.Length],
                    OtherMasters = urls,
                    Hostname = $"chaos-agent-{i:D3}",
                    Resources = Resources.Parse("cpus:2;mem:2048;disk:1024"),
                    WorkDir = Path.Combine(workDir, $"agent-{i:D3}"),
                    ReconnectBackoff = options.AgentBackoff,
                    ReconnectBackoffMax = TimeSpan.FromSeconds(2),
                }, new IPEndPoint(IPAddress.Loopback, 0), logs, cancellationToken));
            await WaitForAgentsAsync(probe, urls[leader], options.Agents, TimeSpan.FromSeconds(60), cancellationToken);
            output.WriteLine($"{options.Agents} agents registered");

            var keeper = new TaskKeeper(tasks, Math.Min(20, (tasks + options.Agents - 1) / options.Agents + 1));
            driver = new SchedulerDriver(urls[0], new FrameworkInfo { Name = "chaos", User = "root", FailoverTimeout = 3600, Checkpoint = true }, keeper,
                new SchedulerDriverOptions { OtherMasters = urls, Backoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(2) });
            framework = driver.RunAsync(stopFramework.Token);
            await keeper.WaitRunningAsync(TimeSpan.FromSeconds(60), cancellationToken);
            output.WriteLine($"{tasks} tasks running");

            var failovers = new List<double>();
            var end = Stopwatch.GetTimestamp() + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                var next = TimeSpan.FromSeconds((end - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
                if (next < options.KillEvery) break;
                await Task.Delay(options.KillEvery, cancellationToken);
                var victim = sampler.Leader >= 0 ? sampler.Leader : await WaitForLeaderAsync(probe, urls, -1, TimeSpan.FromSeconds(30), cancellationToken);
                var killedAt = Stopwatch.GetTimestamp();
                masters[victim]!.Kill();
                logs.CreateLogger("Bridge.Chaos").LogInformation("SIGKILL master {Index} (pid {Pid})", victim, masters[victim]!.Pid);
                var newLeader = await WaitForLeaderAsync(probe, urls, victim, TimeSpan.FromSeconds(30), cancellationToken);
                await WaitForAgentsAsync(probe, urls[newLeader], options.Agents, TimeSpan.FromSeconds(30), cancellationToken);
                var ms = Stopwatch.GetElapsedTime(killedAt).TotalMilliseconds;
                failovers.Add(ms);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"failover {failovers.Count}: killed master {victim} (pid {masters[victim]!.Pid}); master {newLeader} leads with {options.Agents}/{options.Agents} agents after {ms:0} ms; {keeper.Running} tasks running"));
                await masters[victim]!.DisposeAsync();
                masters[victim] = StartMaster(options, etcd, ports[victim], workDir, victim);
            }

            await keeper.WaitRunningAsync(TimeSpan.FromSeconds(60), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            var unconfirmed = await keeper.ConfirmAsync(driver, TimeSpan.FromSeconds(30), cancellationToken);
            if (unconfirmed.Count > 0) output.WriteLine($"not confirmed RUNNING by reconciliation: {string.Join(", ", unconfirmed)}");
            if (keeper.Lost.Count > 0) output.WriteLine($"lost: {string.Join(", ", keeper.Lost.Order())}");
            if (keeper.Unacknowledged > 0) output.WriteLine($"{keeper.Unacknowledged} launches were not acknowledged (a failover in between) and not counted");
            var result = new ChaosFailoverResult(options.Masters, failovers, keeper.Lost.Count, sampler.DoubleLeaders);
            output.WriteLine($"leadership sampled {sampler.Samples} times");
            try
            {
                await driver.TeardownAsync();
            }
            catch (Exception e) when (e is Bridge.Rpc.RpcException or InvalidOperationException)
            {
                output.WriteLine($"teardown failed ({e.Message}); the agents kill their tasks as they stop");
            }
            return result;
        }
        finally
        {
            await stopFramework.CancelAsync();
            if (framework is not null) await framework.ContinueWith(_ => { }, TaskScheduler.Default);
            if (driver is not null) await driver.DisposeAsync();
            foreach (var agent in agents)
            {
                await agent.StopAsync(killTasks: true);
                await agent.DisposeAsync();
            }
            foreach (var master in masters)
                if (master is not null) await master.DisposeAsync();
            if (Orphans.Kill(workDir) is > 0 and var orphans) output.WriteLine($"killed {orphans} task process groups left behind");
        }
    }

    private static ChildProcess StartMaster(ChaosFailoverOptions options, EtcdProcess etcd, int port, string workDir, int index) =>
        ChildProcess.Start(options.Bridge,
            ["master", "--etcd", etcd.ClientUrl.ToString(), "--etcd-lease-ttl", ((int)options.LeaseTtl.TotalSeconds).ToString(CultureInfo.InvariantCulture),
             "--port", port.ToString(CultureInfo.InvariantCulture), "--etcd-prefix", "/chaos"],
            Path.Combine(workDir, $"master-{index}.log"), new Dictionary<string, string> { ["BRIDGE_LOG_LEVEL"] = "Information" });

    /// <summary>Polls every master but <paramref name="except"/> (every 10 ms) until one says it leads; returns its index.</summary>
    private static async Task<int> WaitForLeaderAsync(MasterProbe probe, IReadOnlyList<Uri> masters, int except, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var candidates = Enumerable.Range(0, masters.Count).Where(i => i != except).ToList();
        return await Poll.UntilAsync(async () =>
        {
            var health = await Task.WhenAll(candidates.Select(i => probe.HealthAsync(masters[i], cancellationToken)));
            var leader = candidates.Where((_, j) => health[j]?.Leader == true).DefaultIfEmpty(-1).First();
            return (leader >= 0, leader);
        }, TimeSpan.FromMilliseconds(10), timeout, () => "a master to lead", cancellationToken);
    }

    /// <summary>Polls the leader's state (every 10 ms) until <paramref name="expected"/> agents are active and none is still awaited.</summary>
    private static async Task WaitForAgentsAsync(MasterProbe probe, Uri leader, int expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        AgentCount? last = null;
        await Poll.UntilAsync(async () =>
        {
            last = await probe.AgentsAsync(leader, cancellationToken);
            return (last is { } count && count.Active >= expected && count.Recovered == 0, last);
        }, TimeSpan.FromMilliseconds(10), timeout, () => $"{expected} agents at {leader} ({last?.Active ?? 0} re-registered)", cancellationToken);
    }
}

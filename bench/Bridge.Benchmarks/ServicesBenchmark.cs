using System.Diagnostics;
using System.Globalization;
using System.Net;
using Bridge.Benchmarks.MasterSimulation;
using Bridge.Kernel.Master;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Framework;
using Bridge.Schedulers.Services.Instances;
using Bridge.Schedulers.Services.Scheduling;

namespace Bridge.Benchmarks;

/// <summary>
/// The services scheduler deploying one big app: the real <see cref="ServicesFramework"/> (decision
/// core, SQLite state, the SDK's driver over gRPC on loopback) against a real master whose A agents
/// are simulated in process, as in the master benchmark (<c>cpus:2;mem:2048</c> each, tasks start
/// at once and never end). One app of N instances (<c>cpus:0.1;mem:32</c>, no ports) is created;
/// the clock runs from the create call until every instance is TASK_RUNNING as the scheduler sees
/// it. Last line: <c>services instances=N agents=A all_running_s=X deploy_rate_per_s=Y</c>, Y = N / X.
/// Marathon's public demo: 50,000 instances in under 90 s on 24,000 cores.
/// </summary>
public static class ServicesBenchmark
{
    /// <summary>Runs the benchmark, writing progress and the result line to <paramref name="output"/>.</summary>
    /// <param name="agents">Simulated agents (at least 1).</param>
    /// <param name="instances">Instances of the app (at least 1, at most 20 per agent).</param>
    /// <param name="output">Where progress and the result line go.</param>
    /// <returns>Seconds until all were running.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    /// <exception cref="TimeoutException">Not all instances ran within 10 minutes.</exception>
    public static async Task<double> RunAsync(int agents, int instances, TextWriter output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(agents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(instances, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(instances, agents * 20);
        var inv = CultureInfo.InvariantCulture;
        var workDir = Path.Combine(Path.GetTempPath(), $"bridge-bench-services-{Guid.NewGuid():N}"[..36]);
        await using var master = await MasterServer.StartAsync(new MasterOptions { MasterId = "bench", Hostname = "bench" }, new IPEndPoint(IPAddress.Loopback, 0));
        await using var clock = new TaskClock();
        var recorder = new Recorder();
        var simAgents = Enumerable.Range(0, agents).Select(i => new SimulatedAgent(master.Master, i, recorder, clock, TimeSpan.FromDays(365))).ToList();
        await Task.WhenAll(simAgents.Select(a => a.RegisterAsync()));
        var loops = simAgents.Select(a => Task.Run(a.RunAsync)).ToList();
        output.WriteLine(string.Create(inv, $"setup: master {master.Address}, {agents} simulated agents ({SimulatedAgent.Resources}); {Environment.ProcessorCount} cores, load {LaunchBenchmark.LoadAverage()}"));
        try
        {
            await using var services = ServicesFramework.Start(new ServicesOptions
            {
                Master = master.Address,
                WorkDirectory = workDir,
                TickInterval = TimeSpan.FromMilliseconds(100),
            });
            var subscribing = Stopwatch.StartNew();
            while (!services.HasSubscribed)
            {
                if (subscribing.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("the services scheduler did not subscribe within 30 s");
                await Task.Delay(10);
            }
            var app = AppJson.Parse(string.Create(inv,
                $$"""{"id": "/bench/app", "cmd": "sleep 3600", "cpus": 0.1, "mem": 32, "instances": {{instances}}, "portDefinitions": []}""")).App!;
            var watch = Stopwatch.StartNew();
            var created = await services.ChangeAsync((s, now, d) => s.Create(app, now, d));
            if (created.Error != SubmitError.None) throw new InvalidOperationException($"create refused: {created.Error}");
            var running = 0;
            var next = TimeSpan.FromSeconds(1);
            while (running < instances)
            {
                if (watch.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException($"{running} of {instances} running after 10 minutes");
                await Task.Delay(5);
                running = await services.ReadAsync((s, _) => s.Instances.Counts(app.Id).Values.Sum(c => c.Running));
                if (watch.Elapsed >= next)
                {
                    output.WriteLine(string.Create(inv, $"t={watch.Elapsed.TotalSeconds:F0}s: {running} of {instances} running; load {LaunchBenchmark.LoadAverage()}"));
                    next += TimeSpan.FromSeconds(1);
                }
            }
            var seconds = watch.Elapsed.TotalSeconds;
            output.WriteLine(string.Create(inv, $"services instances={instances} agents={agents} all_running_s={seconds:F2} deploy_rate_per_s={instances / seconds:F0}"));
            return seconds;
        }
        finally
        {
            recorder.End();
            try
            {
                Directory.Delete(workDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

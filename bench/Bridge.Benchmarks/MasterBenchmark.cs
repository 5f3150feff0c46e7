using System.Diagnostics;
using System.Globalization;
using Bridge.Benchmarks.MasterSimulation;
using Bridge.Kernel.Master;
using Bridge.Kernel.V1;
using MasterService = Bridge.Kernel.Master.Master;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Benchmarks;

/// <summary>What <see cref="MasterBenchmark.RunAsync"/> measured.</summary>
/// <param name="Tasks">Launches accepted inside the window (all of them reached their agent unless <paramref name="Outstanding"/> says otherwise).</param>
/// <param name="OverheadMs">Their launch overheads (ms), ascending.</param>
/// <param name="RampOverheadMs">Launch overheads (ms, ascending) of the ramp: the launches that first filled the empty cluster.</param>
/// <param name="Outstanding">Launches accepted that had not reached their agent when the run ended.</param>
/// <param name="Errors">Failed calls, and tasks that ended in error, failed, lost or dropped.</param>
public sealed record MasterResult(int Tasks, IReadOnlyList<double> OverheadMs, IReadOnlyList<double> RampOverheadMs, long Outstanding, IReadOnlyList<string> Errors);

/// <summary>
/// The master benchmark: the real <see cref="MasterService"/> (event loop, handlers, allocator) driven
/// in this process by A simulated agents (<c>cpus:2;mem:2048</c>: two tasks each) and F simulated
/// frameworks, without network or processes. Each framework launches one <c>cpus:1;mem:1024</c>
/// task on every offer it receives; each agent answers RUN_TASK with TASK_RUNNING and, after a
/// simulated run time (uniform in 0.5–1.5 × the mean, default 30 s), TASK_FINISHED. The shape is
/// the Mesos paper's scalability run (NSDI 2011, §6.5: 50,000 agents, 200 frameworks, one task
/// per offer, at most two tasks per agent, tasks of 30 s on average), and like the paper it
/// measures the steady state: first the ramp (every agent empty, all offered at once) fills the
/// cluster; once every slot has been taken and half a mean task time has passed, task ends and
/// relaunches flow at their steady rate (2A / mean task time per second) and the S-second window
/// opens.
/// Launch overhead: from the framework's ACCEPT call to the simulated agent reading the RUN_TASK
/// message (both Stopwatch timestamps), for every launch whose ACCEPT falls in the window.
/// Last line: <c>master agents=A frameworks=F launch_overhead_ms_p50=X launch_overhead_ms_p99=Y tasks=Z</c>.
/// </summary>
public static class MasterBenchmark
{
    /// <summary>Runs the benchmark, writing progress and the result line to <paramref name="output"/>.</summary>
    /// <param name="agents">Simulated agents (at least 1).</param>
    /// <param name="frameworks">Simulated frameworks (at least 1).</param>
    /// <param name="seconds">Length of the measurement window (s, more than 0).</param>
    /// <param name="taskSeconds">Mean simulated run time of a task (s, more than 0).</param>
    /// <param name="output">Where progress and the result line go.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count or duration is out of range.</exception>
    public static async Task<MasterResult> RunAsync(int agents, int frameworks, double seconds, double taskSeconds, TextWriter output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(agents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameworks, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(taskSeconds);
        var inv = CultureInfo.InvariantCulture;
        var recorder = new Recorder();
        using var gcPauses = new GcPauses();
        var master = new MasterService(new MasterOptions { MasterId = "bench", Hostname = "bench" }, "bench:0");
        await using var clock = new TaskClock();
        var setup = Stopwatch.StartNew();
        var simAgents = Enumerable.Range(0, agents).Select(i => new SimulatedAgent(master, i, recorder, clock, TimeSpan.FromSeconds(taskSeconds))).ToList();
        await Task.WhenAll(simAgents.Select(a => a.RegisterAsync()));
        var agentLoops = simAgents.Select(a => Task.Run(a.RunAsync)).ToList();
        output.WriteLine(string.Create(inv, $"setup: {agents} agents ({SimulatedAgent.Resources}) registered in {setup.Elapsed.TotalSeconds:F1} s; load {LaunchBenchmark.LoadAverage()}"));
        // The agents' state is long-lived: settle it in gen2 now, as in a master that has been up a
        // while, so the run does not pay for promoting the setup's hundreds of MB.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

        var simFrameworks = Enumerable.Range(0, frameworks).Select(i => new SimulatedFramework(master, i, recorder)).ToList();
        await Task.WhenAll(simFrameworks.Select(f => f.SubscribeAsync()));
        var start = Stopwatch.GetTimestamp();
        var frameworkLoops = simFrameworks.Select(f => Task.Run(f.RunAsync)).ToList();
        output.WriteLine(string.Create(inv, $"setup: {frameworks} frameworks subscribed; tasks run {taskSeconds * 0.5:0.##}-{taskSeconds * 1.5:0.##} s"));

        // The ramp: until every agent's two slots have been launched into (bounded, for runs whose tasks end before the cluster fills).
        var rampLimit = TimeSpan.FromSeconds(Math.Max(60, taskSeconds));
        while (recorder.Received < 2L * agents && Stopwatch.GetElapsedTime(start) < rampLimit) await Task.Delay(20);
        var rampEnd = Stopwatch.GetTimestamp();
        output.WriteLine(string.Create(inv, $"ramp: {recorder.Received} launches in {Stopwatch.GetElapsedTime(start, rampEnd).TotalSeconds:F1} s; settling for {taskSeconds / 2:0.##} s; load {LaunchBenchmark.LoadAverage()}"));
        await Task.Delay(TimeSpan.FromSeconds(taskSeconds / 2));

        var (gen0Before, gen1Before, gen2Before) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var pauseBefore = GC.GetTotalPauseDuration();
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var windowStart = Stopwatch.GetTimestamp();
        var windowStartUtc = DateTime.UtcNow;
        var window = TimeSpan.FromSeconds(seconds);
        var step = TimeSpan.FromSeconds(Math.Min(5, seconds));
        var receivedBefore = recorder.Received;
        for (var next = step; next < window; next += step)
        {
            var wait = next - Stopwatch.GetElapsedTime(windowStart);
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            output.WriteLine(string.Create(inv,
                $"window t={next.TotalSeconds:0}s: {recorder.Received - receivedBefore} launches, {recorder.Updates(TaskState.TaskFinished)} finished in all, {recorder.Outstanding} outstanding; load {LaunchBenchmark.LoadAverage()}"));
        }
        var rest = window - Stopwatch.GetElapsedTime(windowStart);
        if (rest > TimeSpan.Zero) await Task.Delay(rest);
        var windowEnd = Stopwatch.GetTimestamp();
        var windowEndUtc = DateTime.UtcNow;
        foreach (var f in simFrameworks) f.StopLaunching();
        var gcLine = $"gc in the window: {GC.CollectionCount(0) - gen0Before} gen0, {GC.CollectionCount(1) - gen1Before} gen1, {GC.CollectionCount(2) - gen2Before} gen2 collections, {(GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds:F0} ms paused ({(GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds / seconds:P0} of the window); heap {GC.GetTotalMemory(false) / 1048576} MB; {(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1048576} MB allocated; {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds:F1} s of CPU (master and simulation)";
        // Let the launches accepted so far arrive (bounded: a master that fell far behind shows up as outstanding).
        var drain = Stopwatch.StartNew();
        while (recorder.Outstanding > 0 && drain.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
        var outstanding = recorder.Outstanding;
        recorder.End();
        await master.DisposeAsync();
        await Task.WhenAll(agentLoops.Concat(frameworkLoops)).WaitAsync(TimeSpan.FromSeconds(30));

        var launches = recorder.Launches();
        var ramp = launches.Where(l => l.AcceptedAt < rampEnd).Select(l => l.Ms).Order().ToList();
        var measured = launches.Where(l => l.AcceptedAt >= windowStart && l.AcceptedAt < windowEnd).ToList();
        output.WriteLine(string.Create(inv,
            $"ramp (not in the result): {ramp.Count} launches, overhead p50={Percentiles.Of(ramp, 50):F1} ms p99={Percentiles.Of(ramp, 99):F1} ms max={(ramp.Count > 0 ? ramp[^1] : double.NaN):F1} ms"));
        PrintSlices(measured, windowStart, step, output);
        output.WriteLine(gcLine);
        var pauses = gcPauses.Between(windowStartUtc, windowEndUtc);
        if (pauses.Count > 0)
            output.WriteLine(string.Create(inv, $"gc pauses in the window: {pauses.Count}, p50={Percentiles.Of(pauses, 50):F0} ms max={pauses[^1]:F0} ms (the simulated frameworks stop too, so a pause only delays the launches already in flight)"));
        output.WriteLine(string.Create(inv,
            $"totals: {launches.Count} launches, {recorder.Updates(TaskState.TaskRunning)} TASK_RUNNING, {recorder.Updates(TaskState.TaskFinished)} TASK_FINISHED, {recorder.RescindCount} rescinds, {outstanding} launches not delivered, {recorder.Errors.Count} errors"));
        foreach (var error in recorder.Errors.Take(5)) output.WriteLine($"error: {error}");
        var sorted = measured.Select(l => l.Ms).Order().ToList();
        output.WriteLine(string.Create(inv,
            $"master agents={agents} frameworks={frameworks} launch_overhead_ms_p50={Percentiles.Of(sorted, 50):F1} launch_overhead_ms_p99={Percentiles.Of(sorted, 99):F1} tasks={sorted.Count}"));
        return new MasterResult(sorted.Count, sorted, ramp, outstanding, recorder.Errors.ToList());
    }

    /// <summary>Launch overhead by when the ACCEPT was called, one line per <paramref name="step"/> of the window.</summary>
    private static void PrintSlices(IReadOnlyList<(long AcceptedAt, double Ms)> launches, long windowStart, TimeSpan step, TextWriter output)
    {
        var stepTicks = (long)(step.TotalSeconds * Stopwatch.Frequency);
        foreach (var slice in launches.GroupBy(l => (l.AcceptedAt - windowStart) / stepTicks).OrderBy(g => g.Key))
        {
            var ms = slice.Select(l => l.Ms).Order().ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"window [{slice.Key * step.TotalSeconds:0}, {(slice.Key + 1) * step.TotalSeconds:0}) s: {ms.Count} launches, overhead p50={Percentiles.Of(ms, 50):F1} ms p99={Percentiles.Of(ms, 99):F1} ms max={ms[^1]:F1} ms"));
        }
    }
}

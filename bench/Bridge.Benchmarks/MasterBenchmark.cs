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
        var recorder = new Recorder();
        using var gcPauses = new GcPauses();
        var master = await MasterService.StartAsync(new MasterOptions { MasterId = "bench", Hostname = "bench" }, "bench:0");
        await using var clock = new TaskClock();
        var loops = new List<Task>();
        Window window;
        long rampEnd, outstanding;
        try
        {
            var setup = Stopwatch.StartNew();
            var simAgents = Enumerable.Range(0, agents).Select(i => new SimulatedAgent(master, i, recorder, clock, TimeSpan.FromSeconds(taskSeconds))).ToList();
            await Task.WhenAll(simAgents.Select(a => a.RegisterAsync()));
            loops.AddRange(simAgents.Select(a => Task.Run(a.RunAsync)));
            output.WriteLine(Invariant($"setup: {agents} agents ({SimulatedAgent.Resources}) registered in {setup.Elapsed.TotalSeconds:F1} s; load {LaunchBenchmark.LoadAverage()}"));
            // The agents' state is long-lived: settle it in gen2 now, as in a master that has been up a
            // while, so the run does not pay for promoting the setup's hundreds of MB.
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

            var simFrameworks = Enumerable.Range(0, frameworks).Select(i => new SimulatedFramework(master, i, recorder)).ToList();
            await Task.WhenAll(simFrameworks.Select(f => f.SubscribeAsync()));
            loops.AddRange(simFrameworks.Select(f => Task.Run(f.RunAsync)));
            output.WriteLine(Invariant($"setup: {frameworks} frameworks subscribed; tasks run {taskSeconds * 0.5:0.##}-{taskSeconds * 1.5:0.##} s"));

            rampEnd = await RampAsync(recorder, 2L * agents, taskSeconds, output);
            window = await MeasureAsync(recorder, TimeSpan.FromSeconds(seconds), output);
            foreach (var f in simFrameworks) f.StopLaunching();
            // Let the launches accepted so far arrive (bounded: a master that fell far behind shows up as outstanding).
            var drain = Stopwatch.StartNew();
            while (recorder.Outstanding > 0 && drain.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
            outstanding = recorder.Outstanding;
        }
        finally
        {
            recorder.End();
            await master.DisposeAsync();
        }
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(30));
        return Report(agents, frameworks, recorder, rampEnd, window, gcPauses, outstanding, output);
    }

    /// <summary>The measurement window: its bounds (Stopwatch ticks and UTC) and what the runtime did in it.</summary>
    private sealed record Window(long Start, long End, DateTime StartUtc, DateTime EndUtc, TimeSpan Step, string Gc);

    /// <summary>Waits until <paramref name="slots"/> launches reached agents (the empty cluster is full; bounded by
    /// max(60 s, the task time) for runs whose tasks end before it fills), then half a task time; returns when the ramp ended.</summary>
    private static async Task<long> RampAsync(Recorder recorder, long slots, double taskSeconds, TextWriter output)
    {
        var start = Stopwatch.GetTimestamp();
        var limit = TimeSpan.FromSeconds(Math.Max(60, taskSeconds));
        while (recorder.Received < slots && Stopwatch.GetElapsedTime(start) < limit) await Task.Delay(20);
        var end = Stopwatch.GetTimestamp();
        output.WriteLine(Invariant($"ramp: {recorder.Received} launches in {Stopwatch.GetElapsedTime(start, end).TotalSeconds:F1} s; settling for {taskSeconds / 2:0.##} s; load {LaunchBenchmark.LoadAverage()}"));
        await Task.Delay(TimeSpan.FromSeconds(taskSeconds / 2));
        return end;
    }

    /// <summary>The window: progress every 5 s, and the collections, allocation and CPU it saw.</summary>
    private static async Task<Window> MeasureAsync(Recorder recorder, TimeSpan length, TextWriter output)
    {
        using var process = Process.GetCurrentProcess();
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var (paused, allocated, cpu) = (GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(), process.TotalProcessorTime);
        var (start, startUtc) = (Stopwatch.GetTimestamp(), DateTime.UtcNow);
        var step = TimeSpan.FromSeconds(Math.Min(5, length.TotalSeconds));
        var receivedBefore = recorder.Received;
        for (var next = step; next < length; next += step)
        {
            var wait = next - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            output.WriteLine(Invariant(
                $"window t={next.TotalSeconds:0}s: {recorder.Received - receivedBefore} launches, {recorder.Updates(TaskState.TaskFinished)} finished in all, {recorder.Outstanding} outstanding; load {LaunchBenchmark.LoadAverage()}"));
        }
        var rest = length - Stopwatch.GetElapsedTime(start);
        if (rest > TimeSpan.Zero) await Task.Delay(rest);
        var (end, endUtc) = (Stopwatch.GetTimestamp(), DateTime.UtcNow);
        process.Refresh();
        var pausedInWindow = GC.GetTotalPauseDuration() - paused;
        var gc = Invariant(
            $"gc in the window: {GC.CollectionCount(0) - gen0} gen0, {GC.CollectionCount(1) - gen1} gen1, {GC.CollectionCount(2) - gen2} gen2 collections, {pausedInWindow.TotalMilliseconds:F0} ms paused ({pausedInWindow / length:P0} of the window); heap {GC.GetTotalMemory(false) / 1048576} MB; {(GC.GetTotalAllocatedBytes() - allocated) / 1048576} MB allocated; {(process.TotalProcessorTime - cpu).TotalSeconds:F1} s of CPU (master and simulation)");
        return new Window(start, end, startUtc, endUtc, step, gc);
    }

    private static MasterResult Report(int agents, int frameworks, Recorder recorder, long rampEnd, Window window, GcPauses gcPauses, long outstanding, TextWriter output)
    {
        var launches = recorder.Launches();
        var ramp = launches.Where(l => l.AcceptedAt < rampEnd).Select(l => l.Ms).Order().ToList();
        var measured = launches.Where(l => l.AcceptedAt >= window.Start && l.AcceptedAt < window.End).ToList();
        output.WriteLine(Invariant(
            $"ramp (not in the result): {ramp.Count} launches, overhead p50={Percentiles.Of(ramp, 50):F1} ms p99={Percentiles.Of(ramp, 99):F1} ms max={Percentiles.Of(ramp, 100):F1} ms"));
        PrintSlices(measured, window.Start, window.Step, output);
        output.WriteLine(window.Gc);
        var pauses = gcPauses.Between(window.StartUtc, window.EndUtc);
        if (pauses.Count > 0)
            output.WriteLine(Invariant($"gc pauses in the window: {pauses.Count}, p50={Percentiles.Of(pauses, 50):F0} ms max={pauses[^1]:F0} ms (the simulated frameworks stop too, so a pause only delays the launches already in flight)"));
        output.WriteLine(Invariant(
            $"totals: {launches.Count} launches, {recorder.Updates(TaskState.TaskRunning)} TASK_RUNNING, {recorder.Updates(TaskState.TaskFinished)} TASK_FINISHED, {recorder.RescindCount} rescinds, {outstanding} launches not delivered, {recorder.Errors.Count} errors"));
        foreach (var error in recorder.Errors.Take(5)) output.WriteLine($"error: {error}");
        var sorted = measured.Select(l => l.Ms).Order().ToList();
        output.WriteLine(Invariant(
            $"master agents={agents} frameworks={frameworks} launch_overhead_ms_p50={Percentiles.Of(sorted, 50):F1} launch_overhead_ms_p99={Percentiles.Of(sorted, 99):F1} tasks={sorted.Count}"));
        return new MasterResult(sorted.Count, sorted, ramp, outstanding, recorder.Errors.ToList());
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Launch overhead by when the ACCEPT was called, one line per <paramref name="step"/> of the window.</summary>
    private static void PrintSlices(IReadOnlyList<(long AcceptedAt, double Ms)> launches, long windowStart, TimeSpan step, TextWriter output)
    {
        var stepTicks = (long)(step.TotalSeconds * Stopwatch.Frequency);
        foreach (var slice in launches.GroupBy(l => (l.AcceptedAt - windowStart) / stepTicks).OrderBy(g => g.Key))
        {
            var ms = slice.Select(l => l.Ms).Order().ToList();
            output.WriteLine(Invariant(
                $"window [{slice.Key * step.TotalSeconds:0}, {(slice.Key + 1) * step.TotalSeconds:0}) s: {ms.Count} launches, overhead p50={Percentiles.Of(ms, 50):F1} ms p99={Percentiles.Of(ms, 99):F1} ms max={ms[^1]:F1} ms"));
        }
    }
}

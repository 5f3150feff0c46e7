using System.Diagnostics;
using System.Globalization;
using Bridge.Kernel;
using Bridge.Kernel.Allocation;

namespace Bridge.Benchmarks;

/// <summary>How the benchmark's frameworks answer offers.</summary>
public enum AllocatorBenchmarkMode
{
    /// <summary>Every offer is declined with a one-day filter (Mesos' <c>HierarchicalAllocator_BENCHMARK_Test.DeclineOffers</c>).</summary>
    Decline,
    /// <summary>Every offer is partly accepted (one <c>cpus:1;mem:1024</c> task), the rest declined with
    /// the default 5 s filter; tasks end after 10 cycles.</summary>
    Mixed,
}

/// <summary>
/// The allocator benchmark of issue 3: A agents (<c>cpus:32;mem:262144;disk:1048576;ports:[31000-32000]</c>,
/// 16 one-cpu tasks already running on each, as in Mesos' benchmark), F frameworks spread over
/// 10 roles, C allocation cycles on a virtual clock advanced by the allocation interval (1 s).
/// Only <see cref="HierarchicalAllocator.Allocate()"/> is timed; answering offers is not.
/// Last line: <c>allocator agents=A frameworks=F cycles=C cycle_ms_p50=X cycle_ms_max=Y offers_per_cycle=Z</c>.
/// </summary>
public static class AllocatorBenchmark
{
    /// <summary>Runs the benchmark, writing progress and the result line to <paramref name="output"/>.</summary>
    /// <returns>The per-cycle times in milliseconds.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1.</exception>
    public static IReadOnlyList<double> Run(int agents, int frameworks, int cycles, AllocatorBenchmarkMode mode, TextWriter output)
    {
        if (agents < 1 || frameworks < 1 || cycles < 1) throw new ArgumentOutOfRangeException(nameof(agents), "agents, frameworks and cycles must be at least 1");
        var clock = new VirtualClock(new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero));
        var allocator = new HierarchicalAllocator(new AllocatorOptions(), clock);
        var setup = Stopwatch.StartNew();
        var ids = Enumerable.Range(0, frameworks).Select(i => new FrameworkId($"framework-{i}")).ToArray();
        for (int i = 0; i < frameworks; i++) allocator.AddFramework(ids[i], [$"role-{i % 10}"]);
        var total = Resources.Parse("cpus:32;mem:262144;disk:1048576;ports:[31000-32000]");
        var task = Resources.Parse("cpus:1;mem:1024");
        for (int a = 0; a < agents; a++)
        {
            var agent = new AgentId($"agent-{a}");
            allocator.AddAgent(agent, $"host-{a}", total);
            for (int t = 0; t < 16; t++)
                allocator.AddTask(ids[a % frameworks], agent, new TaskId($"a{a}-t{t}"), $"role-{a % frameworks % 10}",
                    task + Resources.Parse($"ports:[{31000 + t}-{31000 + t}]"), 0, clock.GetUtcNow());
        }
        output.WriteLine($"setup: {agents} agents, {frameworks} frameworks in {setup.Elapsed.TotalSeconds:F1} s");

        var times = new List<double>(cycles);
        var gcPauses = new List<double>(cycles);
        int gen2Before = GC.CollectionCount(2);
        long offersTotal = 0;
        var launched = new Queue<(long Cycle, FrameworkId Framework, TaskId Task)>();
        long taskIds = 0;
        IReadOnlyList<Offer> offers = [];
        for (int cycle = 0; cycle < cycles; cycle++)
        {
            Answer(allocator, offers, mode, cycle, launched, ref taskIds);
            clock.Advance(allocator.Options.AllocationInterval);
            var pauseBefore = GC.GetTotalPauseDuration();
            var watch = Stopwatch.StartNew();
            offers = allocator.Allocate().Offers;
            watch.Stop();
            times.Add(watch.Elapsed.TotalMilliseconds);
            gcPauses.Add((GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds);
            offersTotal += offers.Count;
            if (cycle % Math.Max(1, cycles / 10) == 0)
                output.WriteLine($"cycle {cycle}: {watch.Elapsed.TotalMilliseconds:F2} ms, {offers.Count} offers");
        }

        var sorted = times.Order().ToList();
        var inv = CultureInfo.InvariantCulture;
        var withoutGc = times.Zip(gcPauses, (t, g) => t - g).Order().ToList();
        output.WriteLine(string.Create(inv,
            $"gc: {GC.CollectionCount(2) - gen2Before} gen2 collections; pause inside timed cycles total={gcPauses.Sum():F0} ms max={gcPauses.Max():F1} ms; cycle_ms without gc pauses p50={withoutGc[(withoutGc.Count - 1) / 2]:F2} max={withoutGc[^1]:F2}"));
        output.WriteLine(string.Create(inv,
            $"allocator agents={agents} frameworks={frameworks} cycles={cycles} cycle_ms_p50={sorted[(sorted.Count - 1) / 2]:F2} cycle_ms_max={sorted[^1]:F2} offers_per_cycle={offersTotal / (double)cycles:F1}"));
        return times;
    }

    private static void Answer(HierarchicalAllocator allocator, IReadOnlyList<Offer> offers, AllocatorBenchmarkMode mode, long cycle,
        Queue<(long Cycle, FrameworkId Framework, TaskId Task)> launched, ref long taskIds)
    {
        var longFilter = new Filters(RefuseSeconds: TimeSpan.FromDays(1).TotalSeconds);
        var task = Resources.Parse("cpus:1;mem:1024");
        foreach (var offer in offers)
        {
            if (mode == AllocatorBenchmarkMode.Decline || !offer.Resources.Contains(task))
            {
                allocator.Decline(offer.Id, mode == AllocatorBenchmarkMode.Decline ? longFilter : null);
                continue;
            }
            var id = new TaskId($"m{++taskIds}");
            allocator.Accept(offer.Id, [new LaunchOperation(id, task)]);
            launched.Enqueue((cycle, offer.FrameworkId, id));
        }
        while (launched.TryPeek(out var t) && t.Cycle <= cycle - 10)
        {
            launched.Dequeue();
            allocator.RemoveTask(t.Framework, t.Task);
        }
    }
}

using System.Globalization;

namespace Bridge.Simulation;

/// <summary>Settings of a consolidation study.</summary>
/// <param name="Machines">M: machines in all.</param>
/// <param name="Partitions">P: static partitions of M/P machines each (M must divide by P).</param>
/// <param name="MachineCpus">Cores per machine.</param>
/// <param name="MachineMemoryMb">Memory per machine, MB.</param>
/// <param name="GuaranteeFraction">In the shared pool, each partition's role is guaranteed this fraction of its static partition's
/// resources as quota (0-1). 1 holds every partition's full size back for it even when it is idle (quota headroom, as in
/// Mesos), which is static partitioning again; lower lets idle capacity be shared.</param>
/// <param name="BucketSeconds">Width of the utilization timeline's buckets, seconds.</param>
/// <param name="IntervalSeconds">The allocation interval in virtual seconds (Mesos' default is 1 s; a day-long trace of
/// millions of instances replays in minutes with 10 s, which adds at most that to any wait, in both modes alike).</param>
public sealed record ConsolidationOptions(int Machines, int Partitions, double MachineCpus, double MachineMemoryMb, double GuaranteeFraction = 0.5,
    double BucketSeconds = 300, double IntervalSeconds = 10);

/// <summary>One way of running the work: its figures.</summary>
/// <param name="Utilization">CPU used over CPU available from the first submission to the last end (0-1).</param>
/// <param name="Delays">Per-instance queueing delays.</param>
/// <param name="MakespanSeconds">From the first submission to the last end, seconds.</param>
/// <param name="Cpu">Cores in use over time (all partitions together).</param>
/// <param name="AllocationCycles">Allocator cycles run.</param>
public sealed record ModeResult(double Utilization, Delays Delays, double MakespanSeconds, CpuTimeline Cpu, long AllocationCycles);

/// <summary>The study: the same work as static partitions and as one shared pool.</summary>
/// <param name="Options">Its settings.</param>
/// <param name="Static">P separate pools.</param>
/// <param name="Shared">One pool of M machines.</param>
/// <param name="Items">Work items replayed.</param>
/// <param name="Instances">Instances replayed.</param>
/// <param name="Unplaceable">Items no machine can hold, left out of both.</param>
public sealed record ConsolidationResult(ConsolidationOptions Options, ModeResult Static, ModeResult Shared, long Items, long Instances, IReadOnlyList<WorkItem> Unplaceable)
{
    /// <summary>The line <c>bridge simulate</c> ends with (utilization in percent, times in seconds).</summary>
    public string Line(string trace) => string.Create(CultureInfo.InvariantCulture,
        $"simulate trace={trace} machines={Options.Machines} partitions={Options.Partitions} util_static={Static.Utilization * 100:0.0} util_shared={Shared.Utilization * 100:0.0} " +
        $"queue_mean_s_static={Static.Delays.Mean:0.0} queue_mean_s_shared={Shared.Delays.Mean:0.0} queue_p95_s_static={Static.Delays.Percentile(95):0.0} queue_p95_s_shared={Shared.Delays.Percentile(95):0.0} " +
        $"makespan_s_static={Static.MakespanSeconds:0} makespan_s_shared={Shared.MakespanSeconds:0}");
}

/// <summary>Runs a consolidation study (<see cref="PoolSimulation"/> once per static partition, once for the shared pool).</summary>
public static class Consolidation
{
    /// <summary>Replays <paramref name="work"/> both ways.</summary>
    /// <param name="work">The work; each item's partition is 0..P-1.</param>
    /// <param name="options">Machines, partitions, guarantees.</param>
    /// <param name="progress">Progress lines (which mode, virtual time reached).</param>
    /// <exception cref="ArgumentException">M is not a multiple of P, P &lt; 1, a guarantee fraction outside 0-1, or an item outside the partitions.</exception>
    public static ConsolidationResult Run(IReadOnlyList<WorkItem> work, ConsolidationOptions options, Action<string>? progress = null)
    {
        if (options.Partitions < 1 || options.Machines < options.Partitions || options.Machines % options.Partitions != 0)
            throw new ArgumentException($"{options.Machines} machines do not split into {options.Partitions} equal partitions", nameof(options));
        if (options.GuaranteeFraction is < 0 or > 1) throw new ArgumentException($"guarantee fraction {options.GuaranteeFraction} is outside 0-1", nameof(options));
        if (work.FirstOrDefault(w => w.Partition < 0 || w.Partition >= options.Partitions) is { } stray)
            throw new ArgumentException($"work item {stray.Id} is in partition {stray.Partition}, not 0-{options.Partitions - 1}", nameof(work));
        var start = work.Count == 0 ? 0 : work.Min(w => w.SubmitSeconds);
        var perPartition = options.Machines / options.Partitions;

        var staticResults = new List<PoolResult>();
        for (var p = 0; p < options.Partitions; p++)
        {
            var partition = p;
            var pool = new PoolSimulation(new MachineSpec(perPartition, options.MachineCpus, options.MachineMemoryMb), [new RoleSpec($"partition-{p + 1}", 1, 0, 0)]);
            staticResults.Add(pool.Run(work.Where(w => w.Partition == partition).Select(w => w with { Partition = 0 }), start, options.BucketSeconds,
                t => progress?.Invoke(FormattableString.Invariant($"static partition {partition + 1}/{options.Partitions}: {(t - start) / 3600:0.0} h")), options.IntervalSeconds));
        }
        var roles = Enumerable.Range(0, options.Partitions).Select(p => new RoleSpec($"partition-{p + 1}", 1,
            options.GuaranteeFraction * perPartition * options.MachineCpus, options.GuaranteeFraction * perPartition * options.MachineMemoryMb)).ToList();
        var shared = new PoolSimulation(new MachineSpec(options.Machines, options.MachineCpus, options.MachineMemoryMb), roles)
            .Run(work, start, options.BucketSeconds, t => progress?.Invoke(FormattableString.Invariant($"shared pool: {(t - start) / 3600:0.0} h")), options.IntervalSeconds);

        var capacity = options.Machines * options.MachineCpus;
        var staticCpu = new CpuTimeline(start, options.BucketSeconds);
        var staticDelays = new Delays();
        foreach (var r in staticResults)
        {
            staticCpu.AddAll(r.Cpu);
            staticDelays.AddAll(r.Delays);
        }
        var staticEnd = staticResults.Max(r => r.LastEndSeconds);
        var staticMode = new ModeResult(Utilization(staticCpu, capacity, staticEnd - start), staticDelays, staticEnd - start, staticCpu, staticResults.Sum(r => r.AllocationCycles));
        var sharedMode = new ModeResult(Utilization(shared.Cpu, capacity, shared.LastEndSeconds - start), shared.Delays, shared.LastEndSeconds - start, shared.Cpu, shared.AllocationCycles);
        var unplaceable = shared.Unplaceable;
        return new ConsolidationResult(options, staticMode, sharedMode, work.Count - unplaceable.Count, work.Except(unplaceable).Sum(w => (long)w.Instances), unplaceable);
    }

    private static double Utilization(CpuTimeline cpu, double capacity, double seconds) => seconds <= 0 ? 0 : cpu.CoreSeconds / (capacity * seconds);
}

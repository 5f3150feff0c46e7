using Bridge.Kernel;
using Bridge.Kernel.Allocation;

namespace Bridge.Simulation;

/// <summary>What one pool did with its work.</summary>
/// <param name="Cpu">Cores in use over time.</param>
/// <param name="Delays">Each placed instance's wait from submission to placement.</param>
/// <param name="LastEndSeconds">When the last instance finished (the first submission when nothing ran).</param>
/// <param name="Unplaceable">Work items no machine of the pool can hold (an instance larger than a machine, or asking for nothing); left out.</param>
/// <param name="AllocationCycles">How many times the allocator was asked for offers.</param>
public sealed record PoolResult(CpuTimeline Cpu, Delays Delays, double LastEndSeconds, IReadOnlyList<WorkItem> Unplaceable, long AllocationCycles);

/// <summary>
/// Replays work through one pool in virtual time with the real <see cref="HierarchicalAllocator"/>: the machines are
/// its agents, each role has one framework that queues its work first-in first-out and, offered an agent's resources,
/// places as many instances of its queued items as fit (in queue order, skipping what does not fit, at most
/// <see cref="BackfillDepth"/> items deep), declining the rest
/// without a filter. The allocator is asked for offers at most once per allocation interval, at instants at which work
/// arrived or finished or the interval ran out, while some framework has work queued; a framework with nothing queued is suppressed, and revived when work arrives, as a
/// Mesos framework does. Instances of one item placed on one agent in one offer are one task to the allocator (they
/// start and end together), so a trace of millions of instances costs far fewer allocator operations.
/// </summary>
public sealed class PoolSimulation
{
    private readonly record struct Running(FrameworkId Framework, TaskId Task, double Cores);

    private sealed class Queued(WorkItem item)
    {
        public WorkItem Item { get; } = item;
        public int Remaining { get; set; } = item.Instances;
    }

    /// <summary>How deep into its queue a framework looks for work that fits an offer (first-in first-out with bounded
    /// backfill, as batch schedulers do): keeps each offer's cost bounded when thousands of items wait.</summary>
    public const int BackfillDepth = 32;

    private readonly MachineSpec _machines;
    private readonly IReadOnlyList<RoleSpec> _roles;
    private readonly SimulationClock _clock = new();
    private readonly HierarchicalAllocator _allocator;
    private readonly LinkedList<Queued>[] _queues;
    private readonly bool[] _suppressed;
    private readonly PriorityQueue<Running, double> _running = new();
    private long _nextTask;

    /// <summary>Builds the pool: <paramref name="machines"/> as agents, one framework per role of <paramref name="roles"/>, with their weights and quota guarantees.</summary>
    /// <exception cref="ArgumentException">No roles, no machines, or a weight or guarantee the allocator refuses.</exception>
    public PoolSimulation(MachineSpec machines, IReadOnlyList<RoleSpec> roles)
    {
        if (roles.Count == 0) throw new ArgumentException("a pool needs at least one role", nameof(roles));
        if (machines.Machines < 1 || machines.Cpus <= 0 || machines.MemoryMb <= 0) throw new ArgumentException("a pool needs machines with cpus and memory", nameof(machines));
        _machines = machines;
        _roles = roles;
        _allocator = new HierarchicalAllocator(new AllocatorOptions { DefaultRefuse = TimeSpan.Zero }, _clock);
        var total = Resources.Parse(FormattableString.Invariant($"cpus:{machines.Cpus};mem:{machines.MemoryMb}"));
        for (var i = 0; i < machines.Machines; i++) _allocator.AddAgent(new AgentId($"m{i}"), $"machine-{i}", total);
        _allocator.UpdateWeights(roles.Select(r => KeyValuePair.Create(r.Name, r.Weight)));
        for (var i = 0; i < roles.Count; i++)
        {
            var role = roles[i];
            if (role.GuaranteeCpus > 0 || role.GuaranteeMemoryMb > 0)
                _allocator.UpdateQuota(role.Name, new Quota(ResourceQuantities.Parse(FormattableString.Invariant($"cpus:{role.GuaranteeCpus};mem:{role.GuaranteeMemoryMb}"))));
            _allocator.AddFramework(Framework(i), [role.Name]);
        }
        _queues = roles.Select(_ => new LinkedList<Queued>()).ToArray();
        _suppressed = new bool[roles.Count];
    }

    private static FrameworkId Framework(int role) => new($"f{role}");

    /// <summary>
    /// Runs <paramref name="work"/> (each item under the role at its <see cref="WorkItem.Partition"/> index) to the end.
    /// </summary>
    /// <param name="work">The work, in any order.</param>
    /// <param name="start">The trace's first submission, seconds: the timeline starts there.</param>
    /// <param name="bucketSeconds">Width of the CPU timeline's buckets, seconds.</param>
    /// <param name="progress">Called now and then with the virtual time reached, seconds.</param>
    /// <exception cref="ArgumentException">An item's partition is not a role of this pool.</exception>
    /// <param name="intervalSeconds">The allocation interval: the allocator is asked for offers at most this often (virtual
    /// seconds), at the first instant after it has passed at which work is queued (Mesos' <c>--allocation_interval</c>).</param>
    public PoolResult Run(IEnumerable<WorkItem> work, double start, double bucketSeconds = 60, Action<double>? progress = null, double intervalSeconds = 1)
    {
        var unplaceable = new List<WorkItem>();
        var arrivals = new List<WorkItem>();
        foreach (var item in work)
        {
            if (item.Partition < 0 || item.Partition >= _roles.Count) throw new ArgumentException($"work item {item.Id} is in partition {item.Partition}, not one of the pool's {_roles.Count} roles", nameof(work));
            if (item.Cpus > _machines.Cpus || item.MemoryMb > _machines.MemoryMb || (CpuMillis(item) == 0 && MemMillis(item) == 0)) unplaceable.Add(item);
            else arrivals.Add(item);
        }
        arrivals.Sort((a, b) => a.SubmitSeconds != b.SubmitSeconds ? a.SubmitSeconds.CompareTo(b.SubmitSeconds) : a.Id.CompareTo(b.Id));
        var cpu = new CpuTimeline(start, bucketSeconds);
        var delays = new Delays();
        double now = start, lastEnd = start, usedCores = 0, nextProgress = start, nextAllocation = double.MinValue;
        long cycles = 0;
        var next = 0;
        for (var i = 0; i < _roles.Count; i++) Suppress(i);
        while (next < arrivals.Count || _running.Count > 0)
        {
            var t = Math.Min(next < arrivals.Count ? arrivals[next].SubmitSeconds : double.MaxValue,
                _running.TryPeek(out _, out var end) ? end : double.MaxValue);
            if (_queues.Any(q => q.Count > 0) && nextAllocation > now) t = Math.Min(t, nextAllocation);
            cpu.Add(now, t, usedCores);
            now = Math.Max(now, t);
            _clock.Set(now);
            while (_running.TryPeek(out var done, out var at) && at <= now)
            {
                _running.Dequeue();
                _allocator.RemoveTask(done.Framework, done.Task);
                usedCores -= done.Cores;
                lastEnd = Math.Max(lastEnd, at);
            }
            while (next < arrivals.Count && arrivals[next].SubmitSeconds <= now)
            {
                var item = arrivals[next++];
                _queues[item.Partition].AddLast(new Queued(item));
                if (_suppressed[item.Partition])
                {
                    _suppressed[item.Partition] = false;
                    _allocator.Revive(Framework(item.Partition));
                }
            }
            if (_queues.Any(q => q.Count > 0) && now >= nextAllocation)
            {
                cycles++;
                nextAllocation = now + intervalSeconds;
                foreach (var offer in _allocator.Allocate().Offers) usedCores += Place(offer, now, delays);
                for (var i = 0; i < _roles.Count; i++)
                    if (_queues[i].Count == 0 && !_suppressed[i]) Suppress(i);
            }
            if (progress is not null && now >= nextProgress)
            {
                progress(now);
                nextProgress = now + 3600;
            }
        }
        return new PoolResult(cpu, delays, lastEnd, unplaceable, cycles);
    }

    private void Suppress(int role)
    {
        _suppressed[role] = true;
        _allocator.Suppress(Framework(role));
    }

    private static long CpuMillis(WorkItem item) => Scalar.FromDouble(item.Cpus).Millis;

    private static long MemMillis(WorkItem item) => Scalar.FromDouble(item.MemoryMb).Millis;

    /// <summary>Places queued work of the offer's framework on the offer; returns the cores it started.</summary>
    private double Place(Offer offer, double now, Delays delays)
    {
        var role = int.Parse(offer.FrameworkId.Value.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        long cpuLeft = offer.Resources.GetScalar("cpus").Millis, memLeft = offer.Resources.GetScalar("mem").Millis;
        var launches = new List<OfferOperation>();
        var started = new List<(TaskId Task, double Cores, double End)>();
        var looked = 0;
        for (var node = _queues[role].First; node is not null && cpuLeft > 0 && memLeft > 0 && looked++ < BackfillDepth;)
        {
            var queued = node.Value;
            long cpuEach = CpuMillis(queued.Item), memEach = MemMillis(queued.Item);
            var fit = Math.Min(queued.Remaining, Math.Min(cpuEach == 0 ? long.MaxValue : cpuLeft / cpuEach, memEach == 0 ? long.MaxValue : memLeft / memEach));
            var following = node.Next;
            if (fit > 0)
            {
                var k = (int)fit;
                var task = new TaskId($"t{++_nextTask}");
                var resources = Resources.Of(Resource.OfScalar("cpus", Scalar.FromMillis(cpuEach * k)), Resource.OfScalar("mem", Scalar.FromMillis(memEach * k)));
                launches.Add(new LaunchOperation(task, resources));
                cpuLeft -= cpuEach * k;
                memLeft -= memEach * k;
                queued.Remaining -= k;
                delays.Add(now - queued.Item.SubmitSeconds, k);
                started.Add((task, queued.Item.Cpus * k, now + queued.Item.DurationSeconds));
                if (queued.Remaining == 0) _queues[role].Remove(node);
            }
            node = following;
        }
        if (launches.Count == 0)
        {
            _allocator.Decline(offer.Id, new Filters(0));
            return 0;
        }
        var result = _allocator.Accept(offer.Id, launches, new Filters(0));
        if (!result.Succeeded) throw new InvalidOperationException($"The allocator refused a launch the simulator sized to the offer: {result.Error}");
        foreach (var (task, cores, end) in started) _running.Enqueue(new Running(offer.FrameworkId, task, cores), end);
        return started.Sum(s => s.Cores);
    }

    /// <summary>Virtual time for the allocator (filters, offer times): moved by the simulation only.</summary>
    private sealed class SimulationClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UnixEpoch;

        public void Set(double seconds) => _now = DateTimeOffset.UnixEpoch.AddSeconds(seconds);

        public override DateTimeOffset GetUtcNow() => _now;
    }
}

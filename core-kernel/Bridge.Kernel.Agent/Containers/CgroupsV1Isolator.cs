using System.Globalization;

namespace Bridge.Kernel.Agent.Containers;

/// <summary>
/// cgroups v1 (kernel Documentation/admin-guide/cgroup-v1): one cgroup per container in the
/// <c>cpu</c>, <c>cpuacct</c> and <c>memory</c> hierarchies under <c>{root}/{hierarchy}/bridge/{agent}/</c>.
/// CPU: <c>cpu.shares</c> = 1024 × cpus (at least 2) and a CFS quota of cpus × 100 ms per 100 ms
/// period (at least 1 ms), Mesos' <c>cgroups/cpu</c> with CFS on. Memory: <c>memory.limit_in_bytes</c>
/// (at least 32 MB); an OOM kill is read back from <c>memory.oom_control</c>'s <c>oom_kill</c> counter.
/// </summary>
public sealed class CgroupsV1Isolator(string root, string agentName) : IIsolator
{
    private const long CpuSharesPerCpu = 1024;
    private const long MinCpuShares = 2;
    private const long CfsPeriodUs = 100_000;
    private const long MinCfsQuotaUs = 1_000;

    /// <inheritdoc />
    public string Name => "cgroups/v1";

    /// <summary>True when the cpu, cpuacct and memory hierarchies are mounted writable under <paramref name="root"/>.</summary>
    public static bool IsAvailable(string root = "/sys/fs/cgroup") =>
        new[] { "cpu", "cpuacct", "memory" }.All(h => File.Exists(Path.Combine(root, h, "cgroup.procs")) && !File.Exists(Path.Combine(root, "cgroup.controllers")))
        && File.Exists(Path.Combine(root, "memory", "memory.limit_in_bytes"));

    private string Dir(string hierarchy, string containerId) => Path.Combine(root, hierarchy, "bridge", agentName, containerId);

    /// <inheritdoc />
    public Isolation Prepare(string containerId, ContainerLimits limits)
    {
        foreach (var h in new[] { "cpu", "cpuacct", "memory" }) Directory.CreateDirectory(Dir(h, containerId));
        Write(Dir("cpu", containerId), "cpu.cfs_period_us", CfsPeriodUs);
        var isolation = Recover(containerId, limits);
        isolation.Update(limits);
        return isolation;
    }

    /// <inheritdoc />
    public Isolation Recover(string containerId, ContainerLimits limits) => new V1(this, containerId, limits);

    private static void Write(string dir, string file, long value) =>
        File.WriteAllText(Path.Combine(dir, file), value.ToString(CultureInfo.InvariantCulture));

    private sealed class V1(CgroupsV1Isolator isolator, string containerId, ContainerLimits limits) : Isolation
    {
        public override void Update(ContainerLimits next)
        {
            limits = next;
            Write(_dirs[0], "cpu.shares", Math.Max(MinCpuShares, (long)(CpuSharesPerCpu * next.Cpus)));
            Write(_dirs[0], "cpu.cfs_quota_us", Math.Max(MinCfsQuotaUs, (long)(CfsPeriodUs * next.Cpus)));
            Write(Memory, "memory.limit_in_bytes", next.MemoryLimitBytes);
        }

        private readonly string[] _dirs = new[] { "cpu", "cpuacct", "memory" }.Select(h => isolator.Dir(h, containerId)).ToArray();
        private string Memory => _dirs[2];

        public override IReadOnlyList<string> JoinFiles => _dirs.Select(d => Path.Combine(d, "cgroup.procs")).ToList();

        public override IReadOnlyList<int> Processes(int leaderPid) => ReadPids(Path.Combine(Memory, "cgroup.procs"));

        public override ContainerUsage Usage(int leaderPid)
        {
            var cpuNanos = ReadLong(Path.Combine(_dirs[1], "cpuacct.usage"));
            var rss = ReadStat(Path.Combine(Memory, "memory.stat"), "total_rss");
            return new ContainerUsage(cpuNanos / 1e9, rss, limits.MemoryLimitBytes);
        }

        public override bool MemoryLimitExceeded => ReadStat(Path.Combine(Memory, "memory.oom_control"), "oom_kill") > 0;

        public override void Cleanup()
        {
            foreach (var dir in _dirs) RemoveCgroup(dir);
        }
    }

    /// <summary>rmdir of a cgroup: it only succeeds once the kernel has let go of the last process,
    /// which can lag the process's exit by a few milliseconds; tried for up to half a second.</summary>
    internal static void RemoveCgroup(string dir)
    {
        for (var attempt = 0; attempt < 50 && Directory.Exists(dir); attempt++)
        {
            try
            {
                Directory.Delete(dir);
            }
            catch (IOException)
            {
                Thread.Sleep(10);
            }
        }
    }

    internal static IReadOnlyList<int> ReadPids(string file)
    {
        try
        {
            return File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    internal static long ReadLong(string file)
    {
        try
        {
            return long.TryParse(File.ReadAllText(file).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The value of <paramref name="key"/> in a "key value" per line file (memory.stat, memory.oom_control, memory.events).</summary>
    internal static long ReadStat(string file, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                var space = line.IndexOf(' ');
                if (space > 0 && line.AsSpan(0, space).SequenceEqual(key) &&
                    long.TryParse(line.AsSpan(space + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
                    return v;
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }
}

using System.Globalization;

namespace Bridge.Kernel.Agent.Containers;

/// <summary>
/// cgroups v2 (kernel Documentation/admin-guide/cgroup-v2.rst), used where the unified hierarchy
/// is mounted with the cpu and memory controllers: one cgroup per container under
/// <c>{root}/bridge/{agent}/</c> with <c>cpu.weight</c> (1–10000, 100 per cpu), <c>cpu.max</c>
/// (quota per 100 ms period) and <c>memory.max</c>; an OOM kill is read from <c>memory.events</c>.
/// </summary>
public sealed class CgroupsV2Isolator(string root, string agentName) : IIsolator
{
    private const long CfsPeriodUs = 100_000;
    private const long MinCfsQuotaUs = 1_000;

    /// <inheritdoc />
    public string Name => "cgroups/v2";

    /// <summary>True when <paramref name="root"/> is a cgroup2 mount offering the cpu and memory controllers.</summary>
    public static bool IsAvailable(string root = "/sys/fs/cgroup")
    {
        try
        {
            var controllers = File.ReadAllText(Path.Combine(root, "cgroup.controllers")).Split(' ', StringSplitOptions.TrimEntries);
            return controllers.Contains("cpu") && controllers.Contains("memory");
        }
        catch (IOException)
        {
            return false;
        }
    }

    private string Dir(string containerId) => Path.Combine(root, "bridge", agentName, containerId);

    /// <inheritdoc />
    public Isolation Prepare(string containerId, ContainerLimits limits)
    {
        // Controllers must be enabled in every ancestor's subtree_control for the leaf to have them.
        var path = root;
        foreach (var part in new[] { "bridge", agentName })
        {
            TryWrite(Path.Combine(path, "cgroup.subtree_control"), "+cpu +memory");
            path = Path.Combine(path, part);
            Directory.CreateDirectory(path);
        }
        TryWrite(Path.Combine(path, "cgroup.subtree_control"), "+cpu +memory");
        Directory.CreateDirectory(Dir(containerId));
        var isolation = Recover(containerId, limits);
        isolation.Update(limits);
        return isolation;
    }

    private static void TryWrite(string file, string text)
    {
        try
        {
            File.WriteAllText(file, text);
        }
        catch (IOException)
        {
            // Already enabled, or delegated differently: Prepare fails later if the leaf lacks them.
        }
    }

    /// <inheritdoc />
    public Isolation Recover(string containerId, ContainerLimits limits) => new V2(Dir(containerId), limits);

    private sealed class V2(string dir, ContainerLimits limits) : Isolation
    {
        public override void Update(ContainerLimits next)
        {
            limits = next;
            var weight = Math.Clamp((long)(100 * next.Cpus), 1, 10_000);
            File.WriteAllText(Path.Combine(dir, "cpu.weight"), weight.ToString(CultureInfo.InvariantCulture));
            var quota = Math.Max(MinCfsQuotaUs, (long)(CfsPeriodUs * next.Cpus));
            File.WriteAllText(Path.Combine(dir, "cpu.max"), string.Create(CultureInfo.InvariantCulture, $"{quota} {CfsPeriodUs}"));
            File.WriteAllText(Path.Combine(dir, "memory.max"), next.MemoryLimitBytes.ToString(CultureInfo.InvariantCulture));
        }

        public override IReadOnlyList<string> JoinFiles => [Path.Combine(dir, "cgroup.procs")];

        public override IReadOnlyList<int> Processes(int leaderPid) => CgroupsV1Isolator.ReadPids(Path.Combine(dir, "cgroup.procs"));

        public override ContainerUsage Usage(int leaderPid) => new(
            CgroupsV1Isolator.ReadStat(Path.Combine(dir, "cpu.stat"), "usage_usec") / 1e6,
            CgroupsV1Isolator.ReadStat(Path.Combine(dir, "memory.stat"), "anon"),
            limits.MemoryLimitBytes);

        public override bool MemoryLimitExceeded => CgroupsV1Isolator.ReadStat(Path.Combine(dir, "memory.events"), "oom_kill") > 0;

        public override void Cleanup() => CgroupsV1Isolator.RemoveCgroup(dir);
    }
}

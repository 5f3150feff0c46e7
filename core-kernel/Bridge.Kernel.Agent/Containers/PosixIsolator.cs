namespace Bridge.Kernel.Agent.Containers;

/// <summary>
/// The fallback where no cgroups are available (Mesos' <c>posix/cpu,posix/mem</c>): a container is
/// its process group (the first process is a session leader), usage is summed from <c>/proc</c>,
/// and the memory limit is enforced by the agent's monitor, which kills a container whose
/// resident memory goes over it. CPU is not limited, only measured.
/// </summary>
public sealed class PosixIsolator : IIsolator
{
    /// <inheritdoc />
    public string Name => "posix";

    /// <inheritdoc />
    public Isolation Prepare(string containerId, ContainerLimits limits) => new Posix(limits);

    /// <inheritdoc />
    public Isolation Recover(string containerId, ContainerLimits limits) => new Posix(limits);

    private sealed class Posix(ContainerLimits limits) : Isolation
    {
        private bool _exceeded;

        public override void Update(ContainerLimits next) => limits = next;

        public override IReadOnlyList<string> JoinFiles => [];

        public override IReadOnlyList<int> Processes(int leaderPid) => ProcessTable.InGroup(leaderPid);

        public override ContainerUsage Usage(int leaderPid)
        {
            double cpu = 0;
            long rss = 0;
            foreach (var pid in ProcessTable.InGroup(leaderPid))
                if (ProcessTable.TryRead(pid, out _, out var c, out var r))
                {
                    cpu += c;
                    rss += r;
                }
            return new ContainerUsage(cpu, rss, limits.MemoryLimitBytes);
        }

        public override bool MemoryLimitExceeded => _exceeded;

        public override string? Enforce(int leaderPid)
        {
            var usage = Usage(leaderPid);
            if (usage.RssBytes <= limits.MemoryLimitBytes) return null;
            _exceeded = true;
            return $"Memory limit exceeded: {usage.RssBytes / (1024 * 1024)} MB resident, limit {limits.MemoryLimitBytes / (1024 * 1024)} MB";
        }

        public override void Cleanup()
        {
        }
    }
}

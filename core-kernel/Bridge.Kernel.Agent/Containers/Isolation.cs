namespace Bridge.Kernel.Agent.Containers;

/// <summary>A container's limits, from its task's resources.</summary>
/// <param name="Cpus">cpus in cores (CPU shares and the CFS quota follow it).</param>
/// <param name="MemoryMb">mem in MB. Limits below <see cref="MinMemoryMb"/> are raised to it, as Mesos does.</param>
public sealed record ContainerLimits(double Cpus, long MemoryMb)
{
    /// <summary>The smallest memory limit a container gets, in MB (Mesos' <c>MIN_MEMORY</c>: 32 MB):
    /// the shell that supervises the command needs room too.</summary>
    public const long MinMemoryMb = 32;

    /// <summary>The memory limit enforced, in bytes.</summary>
    public long MemoryLimitBytes => Math.Max(MemoryMb, MinMemoryMb) * 1024 * 1024;
}

/// <summary>Usage of a container (the agent's <c>/monitor/statistics</c>).</summary>
/// <param name="CpuSeconds">CPU time used, user + system, in seconds.</param>
/// <param name="RssBytes">Resident memory now, in bytes.</param>
/// <param name="MemoryLimitBytes">The limit enforced, in bytes.</param>
public sealed record ContainerUsage(double CpuSeconds, long RssBytes, long MemoryLimitBytes);

/// <summary>
/// One isolation mechanism. An isolator prepares a container's isolation before its process
/// starts; the process joins it itself (by writing its pid into <see cref="Isolation.JoinFiles"/>)
/// before running the command, so nothing runs unconfined even for a moment.
/// </summary>
public interface IIsolator
{
    /// <summary>Name for logs and the agent's flags: <c>cgroups/v1</c>, <c>cgroups/v2</c>, <c>posix</c>.</summary>
    string Name { get; }

    /// <summary>Creates the isolation of a new container (cgroups with limits set).</summary>
    /// <exception cref="IOException">The cgroup could not be created or configured.</exception>
    Isolation Prepare(string containerId, ContainerLimits limits);

    /// <summary>Re-attaches to a container's isolation after an agent restart (it exists already).</summary>
    Isolation Recover(string containerId, ContainerLimits limits);
}

/// <summary>A prepared container's isolation.</summary>
public abstract class Isolation
{
    /// <summary>Files the container's first process writes its pid into to join (cgroup.procs files); empty for posix.</summary>
    public abstract IReadOnlyList<string> JoinFiles { get; }

    /// <summary>Every process in the container now (for signalling the whole tree).</summary>
    /// <param name="leaderPid">The container's first process (its session and process group leader).</param>
    public abstract IReadOnlyList<int> Processes(int leaderPid);

    /// <summary>Current usage.</summary>
    public abstract ContainerUsage Usage(int leaderPid);

    /// <summary>True when the kernel (or the posix monitor) killed the container for exceeding its memory limit.</summary>
    public abstract bool MemoryLimitExceeded { get; }

    /// <summary>Changes the container's limits while it runs (a custom executor's container grows
    /// and shrinks with its tasks, as Mesos' containerizer <c>update</c> does).</summary>
    /// <exception cref="IOException">The cgroup could not be written.</exception>
    public abstract void Update(ContainerLimits limits);

    /// <summary>Checks limits that the kernel does not enforce (posix); returns a reason to kill, or null.</summary>
    public virtual string? Enforce(int leaderPid) => null;

    /// <summary>Removes the isolation once the container's processes are gone.</summary>
    public abstract void Cleanup();
}

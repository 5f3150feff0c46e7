using Bridge.Kernel;

namespace Bridge.Yarn.Profiles;

/// <summary>
/// What a NodeManager takes from an offer beyond its profile (Myriad's <c>nodemanager.cpus</c> and
/// <c>nodemanager.jvmMaxMemoryMB</c>, and the executor's cpus and <c>executor.jvmMaxMemoryMB</c>): the NodeManager
/// process itself, and the bridge's executor that hosts it and the placeholder tasks. The NodeManager task gets
/// profile + NodeManager overhead and the four ports; the executor gets its own share.
/// <para>Defaults are sized for our .NET NodeManager and executor (a few hundred MB in all), not Myriad's JVMs
/// (Myriad: NodeManager 1 cpu and 2048 MB × 1.1, executor 0.2 cpus and 256 MB × 1.1). Amounts are exact: no JVM
/// factor is applied.</para>
/// </summary>
public sealed record NodeManagerOverhead
{
    /// <summary>cpus for the NodeManager process (Myriad's <c>nodemanager.cpus</c>; default 0.2).</summary>
    public double NodeManagerCpus { get; init; } = 0.2;

    /// <summary>MB for the NodeManager process (Myriad's <c>nodemanager.jvmMaxMemoryMB</c>; default 256).</summary>
    public long NodeManagerMemoryMb { get; init; } = 256;

    /// <summary>cpus for the executor (Myriad's executor cpus, 0.2 there; default 0.1).</summary>
    public double ExecutorCpus { get; init; } = 0.1;

    /// <summary>MB for the executor (Myriad's <c>executor.jvmMaxMemoryMB</c>; default 128).</summary>
    public long ExecutorMemoryMb { get; init; } = 128;

    /// <summary>Ports a NodeManager needs from the offer: RPC, localizer, web and shuffle (Myriad's <c>NMPorts</c>).</summary>
    public const int Ports = 4;

    /// <summary>Null when valid; otherwise why not (a negative or non-finite amount, named).</summary>
    public string? Validate()
    {
        if (!double.IsFinite(NodeManagerCpus) || NodeManagerCpus < 0) return $"nodemanager.cpus={NodeManagerCpus} must be a finite amount >= 0";
        if (!double.IsFinite(ExecutorCpus) || ExecutorCpus < 0) return $"executor.cpus={ExecutorCpus} must be a finite amount >= 0";
        if (NodeManagerMemoryMb < 0) return $"nodemanager.jvmMaxMemoryMB={NodeManagerMemoryMb} must be >= 0";
        if (ExecutorMemoryMb < 0) return $"executor.jvmMaxMemoryMB={ExecutorMemoryMb} must be >= 0";
        if (ExecutorCpus == 0 && ExecutorMemoryMb == 0) return "executor.cpus and executor.jvmMaxMemoryMB are both 0: the kernel needs an executor to use some cpus or mem";
        return null;
    }

    /// <summary>The NodeManager task's cpus for <paramref name="profile"/>: profile cpus + NodeManager cpus.</summary>
    public Scalar TaskCpus(NodeManagerProfile profile) => Scalar.FromUnits(profile.Cpus) + Scalar.FromDouble(NodeManagerCpus);

    /// <summary>The NodeManager task's MB for <paramref name="profile"/>: profile MB + NodeManager MB.</summary>
    public Scalar TaskMemoryMb(NodeManagerProfile profile) => Scalar.FromUnits(profile.MemoryMb + NodeManagerMemoryMb);

    /// <summary>The executor's cpus.</summary>
    public Scalar ExecutorCpusScalar => Scalar.FromDouble(ExecutorCpus);

    /// <summary>The executor's MB.</summary>
    public Scalar ExecutorMemoryScalar => Scalar.FromUnits(ExecutorMemoryMb);

    /// <summary>Everything a NodeManager of <paramref name="profile"/> needs from one offer, as Myriad's offer check
    /// adds it up: cpus and MB of the task and the executor, and <see cref="Ports"/> ports.</summary>
    public (Scalar Cpus, Scalar MemoryMb, int Ports) Total(NodeManagerProfile profile) =>
        (TaskCpus(profile) + ExecutorCpusScalar, TaskMemoryMb(profile) + ExecutorMemoryScalar, Ports);
}

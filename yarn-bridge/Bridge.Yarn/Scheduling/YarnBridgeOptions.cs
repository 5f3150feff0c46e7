using Bridge.Kernel;
using Bridge.Kernel.V1;
using Bridge.Yarn.Profiles;

namespace Bridge.Yarn.Scheduling;

/// <summary>
/// Demand-driven autoscaling (off by default): NodeManagers of one profile are flexed up when YARN's pending demand
/// lasts <see cref="PendingFor"/>, and idle ones flexed down after <see cref="IdleFor"/>, always within
/// [<see cref="MinInstances"/>, <see cref="MaxInstances"/>]. Only NodeManagers of <see cref="Profile"/> count, whoever
/// flexed them up.
/// </summary>
public sealed record AutoscalingOptions
{
    /// <summary>On or off (default: off).</summary>
    public bool Enabled { get; init; }

    /// <summary>The profile flexed (default: <c>medium</c>).</summary>
    public string Profile { get; init; } = "medium";

    /// <summary>Fewest NodeManagers of the profile kept (default: 0).</summary>
    public int MinInstances { get; init; }

    /// <summary>Most NodeManagers of the profile (default: 10).</summary>
    public int MaxInstances { get; init; } = 10;

    /// <summary>Pending demand lasting this long flexes up (default: 30 s).</summary>
    public TimeSpan PendingFor { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A NodeManager without containers this long, with no demand pending, is flexed down (default: 5 min).</summary>
    public TimeSpan IdleFor { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>Settings of a <see cref="YarnBridgeScheduler"/>. Immutable.</summary>
public sealed record YarnBridgeOptions
{
    /// <summary>The profiles flexup and flexdown may name (default: zero, small, medium, large).</summary>
    public NodeManagerProfiles Profiles { get; init; } = NodeManagerProfiles.Default;

    /// <summary>The NodeManager's and its executor's own cpus and MB (see <see cref="NodeManagerOverhead"/>).</summary>
    public NodeManagerOverhead Overhead { get; init; } = new();

    /// <summary>The command that starts the bridge's executor, which hosts a NodeManager and its placeholder tasks.</summary>
    public required CommandInfo ExecutorCommand { get; init; }

    /// <summary>The ResourceManager's resource-tracker address NodeManagers register with, <c>host:port</c>
    /// (default: <c>127.0.0.1:8031</c>, YARN's <c>yarn.resourcemanager.resource-tracker.address</c> port).</summary>
    public string ResourceManagerAddress { get; init; } = "127.0.0.1:8031";

    /// <summary>YARN vcores per kernel cpu (Hadoop's <c>yarn.nodemanager.resource.pcores-vcores-multiplier</c>; default 1):
    /// a fine-grained offer of 0.5 cpus is 2 vcores at 4, and a container of 1 vcore takes 0.25 cpus. A profile's
    /// NodeManager registers with its cpus times this many vcores. Small machines split into several agents
    /// (<c>bridge up</c>) need more than 1, since YARN counts whole vcores.</summary>
    public double VCoresPerCpu { get; init; } = 1;

    /// <summary>The whole vcores <paramref name="cpus"/> kernel cpus make (rounded down).</summary>
    public int VCoresOf(Scalar cpus) => (int)Math.Floor(cpus.ToDouble() * VCoresPerCpu + 1e-9);

    /// <summary>The kernel cpus <paramref name="vcores"/> vcores take (rounded up to the kernel's thousandth).</summary>
    public Scalar CpusOf(int vcores) => Scalar.FromMillis((long)Math.Ceiling(vcores * 1000.0 / VCoresPerCpu - 1e-9));

    /// <summary>How long a flexed-down NodeManager may take to finish its containers before it is stopped anyway
    /// (default: 3600 s, YARN's <c>graceful-decommission-timeout-secs</c>).</summary>
    public TimeSpan DecommissionTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Time between SIGTERM and SIGKILL when a NodeManager task is killed (default: 30 s).</summary>
    public TimeSpan KillGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often every known task is reconciled with the master (default: 10 min).</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>NodeManagers flexed up at the first subscription, by profile (Myriad's <c>nmInstances</c>; default: none).</summary>
    public IReadOnlyDictionary<string, int> InitialInstances { get; init; } = new Dictionary<string, int>();

    /// <summary>Demand-driven autoscaling (default: off).</summary>
    public AutoscalingOptions Autoscaling { get; init; } = new();

    /// <summary>Makes the UUIDs of NodeManager task ids (default: <see cref="Guid.NewGuid"/>; tests pass a seeded one).</summary>
    public Func<Guid> NewId { get; init; } = Guid.NewGuid;

    /// <summary>Null when the settings hang together; otherwise the first problem, naming the setting.</summary>
    public string? Validate()
    {
        if (Overhead.Validate() is { } overhead) return overhead;
        if (string.IsNullOrWhiteSpace(ExecutorCommand.Value)) return "executorCommand.value is empty";
        if (!(VCoresPerCpu > 0 && VCoresPerCpu <= 1000)) return $"vcoresPerCpu={VCoresPerCpu} must be above 0 and at most 1000";
        if (DecommissionTimeout < TimeSpan.Zero) return $"decommissionTimeout={DecommissionTimeout} is negative";
        if (KillGracePeriod < TimeSpan.Zero) return $"killGracePeriod={KillGracePeriod} is negative";
        if (ReconcileInterval <= TimeSpan.Zero) return $"reconcileInterval={ReconcileInterval} must be positive";
        foreach (var (profile, n) in InitialInstances)
        {
            if (!Profiles.Exists(profile)) return $"nmInstances: profile '{profile}' does not exist";
            if (n < 0) return $"nmInstances.{profile}={n} is negative";
        }
        var a = Autoscaling;
        if (a.Enabled && !Profiles.Exists(a.Profile)) return $"autoscaling.profile '{a.Profile}' does not exist";
        if (a.MinInstances < 0 || a.MaxInstances < a.MinInstances)
            return $"autoscaling: minInstances={a.MinInstances}, maxInstances={a.MaxInstances}: need 0 <= min <= max";
        if (a.PendingFor < TimeSpan.Zero || a.IdleFor < TimeSpan.Zero) return "autoscaling: pendingFor and idleFor must not be negative";
        return null;
    }
}

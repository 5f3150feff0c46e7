using Bridge.Yarn.ResourceManager.Scheduling;

namespace Bridge.Yarn.ResourceManager;

/// <summary>The embedded ResourceManager's configuration (the <c>yarn-site.xml</c> properties named on each).</summary>
public sealed record ResourceManagerOptions
{
    /// <summary>The ResourceManager's start time (ms since the Unix epoch), the prefix of every application id.</summary>
    public required long ClusterTimestamp { get; init; }

    /// <summary>The scheduler (default: CapacityScheduler with one <c>default</c> queue).</summary>
    public SchedulerOptions Scheduler { get; init; } = new();

    /// <summary>Most attempts per application (<c>yarn.resourcemanager.am.max-attempts</c>, default 2).</summary>
    public int MaxAppAttempts { get; init; } = 2;

    /// <summary>A NodeManager silent this long is LOST (<c>yarn.nm.liveness-monitor.expiry-interval-ms</c>, default 600 s).</summary>
    public TimeSpan NodeManagerExpiry { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>An AM silent this long (no register or allocate) fails its attempt (<c>yarn.am.liveness-monitor.expiry-interval-ms</c>, default 600 s).</summary>
    public TimeSpan AmExpiry { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Graceful decommission's default timeout (<c>yarn.resourcemanager.nodemanager-graceful-decommission-timeout-secs</c>, default 3600 s).</summary>
    public TimeSpan DecommissioningTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The rack of NodeManagers that name none (<c>/default-rack</c>, as Hadoop's topology default).</summary>
    public string DefaultRack { get; init; } = "/default-rack";
}

using Bridge.Kernel.Allocation;
using Bridge.Kernel.Master.Registry;

namespace Bridge.Kernel.Master;

/// <summary>Settings of a master. Immutable; create with an object initializer.</summary>
public sealed record MasterOptions
{
    /// <summary>This master's id, the prefix of the framework and agent ids it hands out (default: a new UUID).</summary>
    public string MasterId { get; init; } = Guid.NewGuid().ToString("D");

    /// <summary>Hostname reported in MasterInfo (default: the machine's name).</summary>
    public string Hostname { get; init; } = Environment.MachineName;

    /// <summary>How often the master pings each agent (default: 15 s, Mesos' <c>agent_ping_timeout</c>).</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Pings an agent may miss in a row before it is unreachable (default: 5, Mesos' <c>max_agent_ping_timeouts</c>).</summary>
    public int MaxMissedPings { get; init; } = 5;

    /// <summary>At most this many agents are marked unreachable per minute, so a network blip does
    /// not take down half the cluster at once (Mesos' <c>agent_removal_rate_limit</c>; default: null, no limit).</summary>
    public int? MaxAgentRemovalsPerMinute { get; init; }

    /// <summary>Sections the dashboard shows beyond the master's own state, filled by the hosting process
    /// (<c>GET /api/v1/panels</c>; default: none). <c>bridge up</c> adds the YARN bridge and the event bus.</summary>
    public IReadOnlyList<Http.DashboardPanel> DashboardPanels { get; init; } = [];

    /// <summary>How often a subscribed framework gets a HEARTBEAT event (default: 15 s, Mesos' value).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Terminal tasks kept per framework for the state API (default: 1000, Mesos' <c>max_completed_tasks_per_framework</c>).</summary>
    public int MaxCompletedTasksPerFramework { get; init; } = 1000;

    /// <summary>Torn-down frameworks kept for the state API (default: 50, Mesos' <c>max_completed_frameworks</c>).</summary>
    public int MaxCompletedFrameworks { get; init; } = 50;

    /// <summary>Where the master keeps its registry: <c>WORK_DIR/registry.db</c> (SQLite; admitted agents,
    /// weights, quotas, reservations and volumes survive a restart). Default: null, the registry is in
    /// memory and lost when the master stops (Mesos <c>--registry=in_memory</c>).</summary>
    public string? WorkDir { get; init; }

    /// <summary>A registry to use instead of the one <see cref="WorkDir"/> selects; the caller owns and
    /// disposes it (default: null).</summary>
    public IRegistry? Registry { get; init; }

    /// <summary>After a restart, how long agents in the registry have to re-register; those that have not
    /// are removed from it (default: 10 min, Mesos' <c>agent_reregister_timeout</c>).</summary>
    public TimeSpan AgentReregisterTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>After a restart or failover, offers are held back until every agent recovered from the registry has
    /// re-registered, or for at most this long, so the first frameworks to subscribe are not offered a partial cluster
    /// with shares computed from partial allocations (Mesos' allocator recovery; default: 30 s).</summary>
    public TimeSpan OfferHoldOff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Checked before every allocation cycle: offers are made only while it says this master still leads (an
    /// elected master passes its etcd leadership's synchronous check, so a late step-down timer cannot let it offer past
    /// its lease). Default: null, always.</summary>
    public Func<bool>? StillLeading { get; init; }

    /// <summary>The allocator's settings (interval 1 s, refuse 5 s, DRF, ...).</summary>
    public AllocatorOptions Allocator { get; init; } = new();

    /// <summary>Clock for pings, heartbeats, filters, failover timeouts and offers (default: system).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

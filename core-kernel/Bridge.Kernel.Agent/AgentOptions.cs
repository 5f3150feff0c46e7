using Bridge.Kernel.Agent.Containers;

namespace Bridge.Kernel.Agent;

/// <summary>Settings of an agent. Immutable; create with an object initializer.</summary>
public sealed record AgentOptions
{
    /// <summary>The master's gRPC address, e.g. <c>http://127.0.0.1:5050</c>.</summary>
    public required Uri Master { get; init; }

    /// <summary>The other masters when several elect a leader in etcd (<c>bridge agent --master a,b,c</c>): when the
    /// master stops answering or closes the stream, the agent tries the leader a standby names, else the next master
    /// (default: none).</summary>
    public IReadOnlyList<Uri> OtherMasters { get; init; } = [];

    /// <summary>The hostname the agent reports (placement rules such as UNIQUE hostname use it) (default: the machine's name).</summary>
    public string Hostname { get; init; } = Environment.MachineName;

    /// <summary>Resources offered, in the Mesos text syntax; null detects cores, memory, disk of the work dir and ports 31000-32000 (default: null).</summary>
    public Resources? Resources { get; init; }

    /// <summary>Attributes for placement constraints (default: none).</summary>
    public Attributes Attributes { get; init; } = Attributes.Empty;

    /// <summary>Where sandboxes, container run directories and checkpoints live (default: /tmp/bridge/agent).</summary>
    public string WorkDir { get; init; } = Path.Combine(Path.GetTempPath(), "bridge", "agent");

    /// <summary>How tasks are isolated; null detects cgroups v2, then v1, then posix (default: null).</summary>
    public IIsolator? Isolator { get; init; }

    /// <summary>First retry of an unacknowledged status update (default: 10 s, Mesos' value); doubles each time.</summary>
    public TimeSpan StatusUpdateRetryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait between retries of a status update (default: 10 min, Mesos' value).</summary>
    public TimeSpan StatusUpdateRetryMax { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Grace period between SIGTERM and SIGKILL when a task has no kill policy (default: 3 s, Mesos' value).</summary>
    public TimeSpan DefaultKillGracePeriod { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>First wait before reconnecting to the master (default: 1 s): each wait is random in [b/2, b], and b doubles
    /// up to <see cref="ReconnectBackoffMax"/> each time every master failed once more with no standby answering in
    /// between. The first retry after losing a master that had answered is immediate.</summary>
    public TimeSpan ReconnectBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between reconnection attempts (default: 30 s).</summary>
    public TimeSpan ReconnectBackoffMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often resource limits the kernel does not enforce (posix) are checked (default: 1 s).</summary>
    public TimeSpan MonitorInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a new custom executor has to SUBSCRIBE before it is killed and its tasks fail
    /// with REASON_EXECUTOR_REGISTRATION_TIMEOUT (default: 1 min, Mesos' <c>--executor_registration_timeout</c>).</summary>
    public TimeSpan ExecutorRegistrationTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a recovered executor has to re-subscribe after an agent restart
    /// (default: 10 s; Mesos' <c>--executor_reregistration_timeout</c> is 2 s, which a .NET executor's
    /// reconnection backoff can miss).</summary>
    public TimeSpan ExecutorReregistrationTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an executor has after SHUTDOWN before it is killed (default: 5 s, Mesos' <c>--executor_shutdown_grace_period</c>).</summary>
    public TimeSpan ExecutorShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Clock for retries, grace periods and backoff (default: system).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

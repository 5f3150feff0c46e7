using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Schedulers.Hosting;

/// <summary>Settings of a <see cref="FrameworkShell{TDecisions, TEvent}"/>. Immutable.</summary>
public sealed record FrameworkShellOptions
{
    /// <summary>The master, e.g. <c>http://127.0.0.1:5050</c>.</summary>
    public required Uri Master { get; init; }

    /// <summary>The other masters when several elect a leader in etcd: the framework follows the leader a standby names,
    /// else tries the next master (default: none).</summary>
    public IReadOnlyList<Uri> OtherMasters { get; init; } = [];

    /// <summary>The framework's name (<c>bridge-services</c>, <c>bridge-jobs</c>); also the prefix of
    /// its log lines.</summary>
    public required string Name { get; init; }

    /// <summary>The role its tasks run under, and which REVIVE and SUPPRESS name (default: <c>*</c>).</summary>
    public string Role { get; init; } = "*";

    /// <summary>How long the master keeps the framework's tasks after it disconnects (default: 7 days).</summary>
    public TimeSpan FailoverTimeout { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long a declined offer's agent is not offered again (default: 5 s).</summary>
    public TimeSpan DeclineRefuse { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the clock ticks the core (default: 1 s).</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Clock for the ticks, the time every input is given, and the driver's backoffs
    /// (default: <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where it logs (default: nowhere).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}

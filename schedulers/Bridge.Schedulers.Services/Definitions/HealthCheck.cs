namespace Bridge.Schedulers.Services.Definitions;

/// <summary>
/// How a task's health is checked (Marathon <c>healthChecks[i]</c>). Every kind runs on the agent,
/// next to the task (the kernel's health checker; <see cref="Launching.TaskBuilder"/>): HTTP and
/// MESOS_HTTP alike are GETs from the agent, TCP and MESOS_TCP connections from it. Marathon runs
/// HTTP, HTTPS and TCP checks from the scheduler; the verdicts are the same, and the scheduler does
/// not probe every task over the network. A task carries one check, so an app has at most one.
/// Defaults are Marathon's.
/// Source: Marathon's <c>AppHealthCheck</c> RAML type and docs/docs/health-checks.md.
/// </summary>
public sealed record HealthCheck
{
    /// <summary>What kind of check (default <see cref="HealthCheckProtocol.Http"/>).</summary>
    public HealthCheckProtocol Protocol { get; init; } = HealthCheckProtocol.Http;

    /// <summary>The HTTP path for HTTP kinds (null: <c>/</c>); null for the others.</summary>
    public string? Path { get; init; }

    /// <summary>The index into <see cref="AppDefinition.PortDefinitions"/> of the port to check; ignored
    /// when <see cref="Port"/> is set; null for COMMAND. A port-based check with neither is given index 0.</summary>
    public int? PortIndex { get; init; }

    /// <summary>A fixed port number to check (0–65535); takes precedence over <see cref="PortIndex"/>.</summary>
    public int? Port { get; init; }

    /// <summary>The shell command of a COMMAND check (healthy when it exits 0); null for the others.</summary>
    public string? Command { get; init; }

    /// <summary>Failures are ignored for this long after the task starts, or until its first success (default 300 s).</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Time between checks (default 60 s).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A check that takes longer fails (default 20 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Time from the task's start to the first check (default 15 s).</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Consecutive failures after which the agent kills the task (default 3; 0: never).</summary>
    public int MaxConsecutiveFailures { get; init; } = 3;

    /// <summary>HTTP and HTTPS: a 1xx answer leaves the health unchanged instead of failing (default false).</summary>
    public bool IgnoreHttp1xx { get; init; }

    /// <summary>True for the kinds that check a port (all but COMMAND).</summary>
    public bool UsesPort => Protocol != HealthCheckProtocol.Command;
}

/// <summary>The kind of health check (Marathon <c>AppHealthCheckProtocol</c>).</summary>
public enum HealthCheckProtocol
{
    /// <summary><c>HTTP</c> (default): a GET; 200–399 is healthy.</summary>
    Http,
    /// <summary><c>HTTPS</c>: as HTTP over TLS; the certificate is not verified.</summary>
    Https,
    /// <summary><c>TCP</c>: a connection from the scheduler.</summary>
    Tcp,
    /// <summary><c>COMMAND</c>: a shell command run by the agent.</summary>
    Command,
    /// <summary><c>MESOS_HTTP</c>: an HTTP GET made by the agent.</summary>
    MesosHttp,
    /// <summary><c>MESOS_HTTPS</c>: an HTTPS GET made by the agent.</summary>
    MesosHttps,
    /// <summary><c>MESOS_TCP</c>: a TCP connection made by the agent.</summary>
    MesosTcp,
}

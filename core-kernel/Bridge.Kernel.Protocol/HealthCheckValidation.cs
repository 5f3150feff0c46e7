using Bridge.Kernel.V1;

namespace Bridge.Kernel.Protocol;

/// <summary>
/// Checks a <see cref="HealthCheck"/> before it is run (Mesos <c>checks/checker_process.cpp</c>'s
/// <c>validation::healthCheck</c>): a known type with its matching section, a command to run, a port in
/// 1-65535, an <c>http</c> or <c>https</c> scheme, a path starting with '/', and durations that are
/// finite and not negative. Pure; shared by the master (task validation) and the agent (health checker).
/// </summary>
public static class HealthCheckValidation
{
    /// <summary>Throws when <paramref name="check"/> cannot be run.</summary>
    /// <param name="check">The health check of a TaskInfo.</param>
    /// <param name="field">Path of <paramref name="check"/> in its message, used in errors (default: <c>health_check</c>).</param>
    /// <exception cref="InvalidMessageException">Naming the first offending field, e.g.
    /// <c>health_check.http.port: is missing; an HTTP health check needs a port (1-65535)</c>.</exception>
    public static void Validate(HealthCheck check, string field = "health_check")
    {
        ArgumentNullException.ThrowIfNull(check);
        switch (check.Type)
        {
            case HealthCheck.Types.Type.Command:
                ValidateCommand(check.Command, $"{field}.command");
                break;
            case HealthCheck.Types.Type.Http:
                ValidateHttp(check.Http, $"{field}.http");
                break;
            case HealthCheck.Types.Type.Tcp:
                if (check.Tcp is null) throw new InvalidMessageException($"{field}.tcp", "is missing; a TCP health check needs it");
                ValidatePort(check.Tcp.Port, $"{field}.tcp.port", "a TCP");
                break;
            default:
                throw new InvalidMessageException($"{field}.type", $"{check.Type} is not a health check type (COMMAND, HTTP or TCP)");
        }
        if (check.HasDelaySeconds) ValidateSeconds(check.DelaySeconds, $"{field}.delay_seconds");
        if (check.HasIntervalSeconds) ValidateSeconds(check.IntervalSeconds, $"{field}.interval_seconds");
        if (check.HasTimeoutSeconds) ValidateSeconds(check.TimeoutSeconds, $"{field}.timeout_seconds");
        if (check.HasGracePeriodSeconds) ValidateSeconds(check.GracePeriodSeconds, $"{field}.grace_period_seconds");
    }

    private static void ValidateCommand(CommandInfo? command, string field)
    {
        if (command is null) throw new InvalidMessageException(field, "is missing; a COMMAND health check needs it");
        if (string.IsNullOrWhiteSpace(command.Value))
        {
            var what = !command.HasShell || command.Shell ? "a shell command" : "the program to run";
            throw new InvalidMessageException($"{field}.value", $"is empty; it must hold {what}");
        }
        var variables = command.Environment?.Variables;
        for (var i = 0; i < (variables?.Count ?? 0); i++)
        {
            var name = variables![i].Name;
            if (string.IsNullOrEmpty(name) || name.Contains('=') || name.Contains('\0'))
                throw new InvalidMessageException($"{field}.environment.variables[{i}].name", $"'{name}' is empty or contains '=' or NUL");
        }
    }

    private static void ValidateHttp(HealthCheck.Types.HTTPCheckInfo? http, string field)
    {
        if (http is null) throw new InvalidMessageException(field, "is missing; an HTTP health check needs it");
        ValidatePort(http.Port, $"{field}.port", "an HTTP");
        if (http.Scheme.Length > 0 && http.Scheme is not ("http" or "https"))
            throw new InvalidMessageException($"{field}.scheme", $"'{http.Scheme}' is not 'http' or 'https'");
        if (http.Path.Length > 0 && !http.Path.StartsWith('/'))
            throw new InvalidMessageException($"{field}.path", $"'{http.Path}' must start with '/'");
        if (http.Path.Any(char.IsControl))
            throw new InvalidMessageException($"{field}.path", "contains control characters");
        for (var i = 0; i < http.Statuses.Count; i++)
            if (http.Statuses[i] is < 100 or > 599)
                throw new InvalidMessageException($"{field}.statuses[{i}]", $"{http.Statuses[i]} is not an HTTP status code (100-599)");
    }

    private static void ValidatePort(uint port, string field, string kind)
    {
        if (port == 0) throw new InvalidMessageException(field, $"is missing; {kind} health check needs a port (1-65535)");
        if (port > 65535) throw new InvalidMessageException(field, $"{port} is not a port (1-65535)");
    }

    private static void ValidateSeconds(double seconds, string field)
    {
        if (!double.IsFinite(seconds)) throw new InvalidMessageException(field, $"{seconds} is not a finite number of seconds");
        if (seconds < 0) throw new InvalidMessageException(field, $"{seconds} is negative");
        // TimeSpan holds about 29,000 years; anything past a year is a mistake, not a schedule.
        if (seconds > 365 * 24 * 3600.0) throw new InvalidMessageException(field, $"{seconds} is more than a year");
    }
}

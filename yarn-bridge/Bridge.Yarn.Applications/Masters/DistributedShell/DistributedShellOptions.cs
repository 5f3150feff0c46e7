using System.Globalization;

namespace Bridge.Yarn.Applications.Masters.DistributedShell;

/// <summary>When a shell whose command failed is run again (Hadoop's <c>ContainerRetryPolicy</c>, same numbers).</summary>
public enum ContainerRetryPolicy
{
    /// <summary>0: never.</summary>
    NeverRetry = 0,
    /// <summary>1: whatever the exit status.</summary>
    RetryOnAllErrors = 1,
    /// <summary>2: only for the exit statuses in <see cref="DistributedShellOptions.RetryErrorCodes"/>.</summary>
    RetryOnSpecificErrorCodes = 2,
}

/// <summary>
/// The distributed shell's parameters, named as Hadoop's DistributedShell ApplicationMaster names them
/// (<c>org.apache.hadoop.yarn.applications.distributedshell.ApplicationMaster</c> and its Client).
/// </summary>
public sealed record DistributedShellOptions
{
    /// <summary><c>--shell_command</c>: what each container runs, through <c>/bin/bash -c</c> (required).</summary>
    public required string ShellCommand { get; init; }

    /// <summary><c>--shell_args</c>: appended to the command after a space (repeatable: the values joined by spaces; default none).</summary>
    public string ShellArgs { get; init; } = "";

    /// <summary><c>--shell_env KEY=VALUE</c> (repeatable): added to each container's environment; a value-less <c>KEY</c> is set empty.</summary>
    public IReadOnlyDictionary<string, string> ShellEnv { get; init; } = new Dictionary<string, string>();

    /// <summary><c>--num_containers</c>: how many containers run the command (default 1, at least 1).</summary>
    public int NumContainers { get; init; } = 1;

    /// <summary><c>--container_memory</c>: MB per container (default 10, the Client's; the ResourceManager rounds it up to its minimum allocation, 1024 MB by default; capped at the maximum capability, as Hadoop's AM does).</summary>
    public int ContainerMemoryMb { get; init; } = 10;

    /// <summary><c>--container_vcores</c>: vcores per container (default 1; capped at the maximum capability).</summary>
    public int ContainerVCores { get; init; } = 1;

    /// <summary><c>--priority</c>: the containers' request priority (default 0; lower is more important).</summary>
    public int Priority { get; init; }

    /// <summary><c>--container_retry_policy</c> 0, 1 or 2 (default 1, RETRY_ON_ALL_ERRORS; Hadoop's default is 0, NEVER_RETRY).</summary>
    public ContainerRetryPolicy RetryPolicy { get; init; } = ContainerRetryPolicy.RetryOnAllErrors;

    /// <summary><c>--container_retry_error_codes 1,2,3</c>: the exit statuses retried under policy 2 (default none).</summary>
    public IReadOnlySet<int> RetryErrorCodes { get; init; } = new HashSet<int>();

    /// <summary><c>--container_max_retries</c>: how many times one shell is run again after its command failed; −1 without limit (default 3; Hadoop's default is 0).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary><c>--container_retry_interval</c>: milliseconds between a failure and the retry's ask (default 0).</summary>
    public int RetryIntervalMs { get; init; }

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "shell_command", "shell_args", "shell_env", "num_containers", "container_memory", "container_vcores",
        "priority", "container_retry_policy", "container_retry_error_codes", "container_max_retries", "container_retry_interval",
    };

    /// <summary>
    /// Parses the master's arguments: the options above, as <c>--name value</c>, <c>-name value</c> or
    /// <c>--name=value</c>. Fails as a value with an error naming the option: unknown option, missing
    /// <c>--shell_command</c>, a number that is not one or out of range ("Cannot run distributed shell with no
    /// containers" for <c>--num_containers 0</c>, as Hadoop says).
    /// </summary>
    public static bool TryParse(IReadOnlyList<string> args, out DistributedShellOptions? options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        options = null;
        if (!CommandLine.TryParse(args, new HashSet<string>(), out var line, out error)) return false;
        if (line.Positional.Count > 0 || line.Properties.Count > 0)
            return Fail(out error, $"unexpected argument '{(line.Positional.Count > 0 ? line.Positional[0] : "-D")}'");
        if (line.Names.FirstOrDefault(n => !Known.Contains(n)) is { } unknown) return Fail(out error, $"--{unknown}: unknown option");
        if (line.Last("shell_command") is not { Length: > 0 } command) return Fail(out error, "--shell_command is required");
        if (line.Has("num_containers") && line.Last("num_containers") == "0")
            return Fail(out error, "--num_containers 0: Cannot run distributed shell with no containers");
        if (!line.TryInt("num_containers", 1, 1, int.MaxValue, out int containers, out error)
            || !line.TryInt("container_memory", 10, 1, int.MaxValue, out int memory, out error)
            || !line.TryInt("container_vcores", 1, 1, int.MaxValue, out int vcores, out error)
            || !line.TryInt("priority", 0, 0, int.MaxValue, out int priority, out error)
            || !line.TryInt("container_retry_policy", 1, 0, 2, out int policy, out error)
            || !line.TryInt("container_max_retries", 3, -1, int.MaxValue, out int retries, out error)
            || !line.TryInt("container_retry_interval", 0, 0, int.MaxValue, out int interval, out error)) return false;
        var codes = new HashSet<int>();
        foreach (var text in line.All("container_retry_error_codes").SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)))
        {
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int code))
                return Fail(out error, $"--container_retry_error_codes: '{text}' is not an integer");
            codes.Add(code);
        }
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in line.All("shell_env"))
        {
            string trimmed = pair.Trim();
            int eq = trimmed.IndexOf('=');
            if (eq == 0 || trimmed.Length == 0) return Fail(out error, $"--shell_env '{pair}': expected KEY=VALUE");
            if (eq < 0) env[trimmed] = "";
            else env[trimmed[..eq]] = trimmed[(eq + 1)..];
        }
        options = new DistributedShellOptions
        {
            ShellCommand = command,
            ShellArgs = string.Join(' ', line.All("shell_args")),
            ShellEnv = env,
            NumContainers = containers,
            ContainerMemoryMb = memory,
            ContainerVCores = vcores,
            Priority = priority,
            RetryPolicy = (ContainerRetryPolicy)policy,
            RetryErrorCodes = codes,
            MaxRetries = retries,
            RetryIntervalMs = interval,
        };
        return true;
    }

    private static bool Fail(out string? error, string message)
    {
        error = message;
        return false;
    }

    /// <summary>Whether a command that exited with <paramref name="exitStatus"/> after <paramref name="retriesSoFar"/> retries is run again.</summary>
    public bool ShouldRetry(int exitStatus, int retriesSoFar) =>
        (MaxRetries < 0 || retriesSoFar < MaxRetries) && RetryPolicy switch
        {
            ContainerRetryPolicy.RetryOnAllErrors => true,
            ContainerRetryPolicy.RetryOnSpecificErrorCodes => RetryErrorCodes.Contains(exitStatus),
            _ => false,
        };
}

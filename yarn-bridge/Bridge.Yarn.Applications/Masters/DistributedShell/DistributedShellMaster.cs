using System.Globalization;
using System.Text;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Applications.Masters.DistributedShell;

/// <summary>Where one of the distributed shell's N shells is.</summary>
public enum ShellState
{
    /// <summary>Waiting for a container (or for its retry interval to pass).</summary>
    Pending,
    /// <summary>Its command runs in a container.</summary>
    Running,
    /// <summary>Its command exited 0.</summary>
    Succeeded,
    /// <summary>Its command failed and will not be run again.</summary>
    Failed,
}

/// <summary>One of the N shells: its state, the container now or last running it, and its failures.</summary>
public sealed class Shell
{
    internal Shell(int index) => Index = index;

    /// <summary>Which shell, 0..N−1.</summary>
    public int Index { get; }

    /// <summary>Its state.</summary>
    public ShellState State { get; internal set; }

    /// <summary>The container running it now, or the last one that did.</summary>
    public ContainerId? Container { get; internal set; }

    /// <summary>Times its command failed and was run again.</summary>
    public int Retries { get; internal set; }

    /// <summary>Times its container was ended by the platform (asked for again, not counted as retries).</summary>
    public int Kills { get; internal set; }

    /// <summary>Its last container's exit status (<see cref="ContainerExitStatus.Invalid"/> before any ended).</summary>
    public int LastExitStatus { get; internal set; } = ContainerExitStatus.Invalid;

    /// <summary>Its last container's diagnostics.</summary>
    public string LastDiagnostics { get; internal set; } = "";

    internal DateTimeOffset? RetryAt { get; set; }
}

/// <summary>
/// Hadoop's DistributedShell ApplicationMaster as a pure core: runs <c>--shell_command</c> (with
/// <c>--shell_args</c>) in <c>--num_containers</c> containers and succeeds when every one exited 0.
/// <list type="bullet">
/// <item>On registration it asks for N containers anywhere (<c>*</c>) at <c>--priority</c>, of
///   <c>--container_memory</c> MB and <c>--container_vcores</c>, each capped at the ResourceManager's maximum capability.</item>
/// <item>Each container runs <c>/bin/bash -c "COMMAND ARGS"</c> (Hadoop's launch script is bash) with the
///   <c>--shell_env</c> variables and <c>YARN_SHELL_ID</c> (0, 1, 2, … one per container launched, as Hadoop numbers them).</item>
/// <item>A container the platform ended (ABORTED: released or lost with its node; preempted; …) is asked for
///   again without counting, as Hadoop's AM does for ABORTED.</item>
/// <item>A command that failed is run again in a new container, after <c>--container_retry_interval</c> ms, up to
///   <c>--container_max_retries</c> times per shell (default 3) under <c>--container_retry_policy</c>
///   (default 1, all errors). Hadoop names these options but has the NodeManager relaunch inside the same container,
///   and defaults to never; here the AM asks for a new container.</item>
/// <item>When every shell has succeeded or failed for good: SUCCEEDED, or FAILED with Hadoop's
///   "Diagnostics., total=N, completed=C, allocated=A, failed=F" and each failed shell's last exit.</item>
/// <item>Containers beyond those asked for are released (Hadoop's AM would run the command in them too).</item>
/// </list>
/// Progress is shells done (succeeded or failed for good) / N.
/// </summary>
public sealed class DistributedShellMaster : ApplicationMasterCore<int>
{
    /// <summary>The shell through which the command runs: <c>/bin/bash</c>.</summary>
    public const string Bash = "/bin/bash";

    /// <summary>The variable that numbers containers: <c>YARN_SHELL_ID</c> (as Hadoop's DistributedShell sets it).</summary>
    public const string ShellIdVariable = "YARN_SHELL_ID";

    private readonly DistributedShellOptions _options;
    private readonly Shell[] _shells;
    private ContainerAsk? _ask;
    private int _nextShellId;

    /// <summary>A master for <paramref name="attemptId"/> running <paramref name="options"/>.</summary>
    public DistributedShellMaster(ApplicationAttemptId attemptId, DistributedShellOptions options) : base(attemptId)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.NumContainers, 1);
        _options = options;
        _shells = Enumerable.Range(0, options.NumContainers).Select(i => new Shell(i)).ToArray();
    }

    /// <summary>The shells, index 0..N−1.</summary>
    public IReadOnlyList<Shell> Shells => _shells;

    /// <summary>Containers launched so far (Hadoop's <c>numAllocatedContainers</c>, surplus not counted).</summary>
    public int Launched => _nextShellId;

    /// <summary>The capability asked for, after capping at the maximum (known once registered).</summary>
    public Resource? Capability => _ask?.Capability;

    /// <inheritdoc />
    protected override void OnRegistered(AmRegistration registration, DateTimeOffset now)
    {
        var max = registration.MaximumCapability;
        var capability = new Resource(Math.Min(_options.ContainerMemoryMb, max.MemoryMb), Math.Min(_options.ContainerVCores, max.VCores));
        _ask = ContainerAsk.Anywhere(new Priority(_options.Priority), capability);
        foreach (var shell in _shells) Request(shell.Index, _ask);
    }

    /// <inheritdoc />
    protected override LaunchSpec CreateLaunch(int work, Container container, DateTimeOffset now)
    {
        var shell = _shells[work];
        shell.State = ShellState.Running;
        shell.Container = container.Id;
        var env = new Dictionary<string, string>(_options.ShellEnv, StringComparer.Ordinal)
        {
            [ShellIdVariable] = (_nextShellId++).ToString(CultureInfo.InvariantCulture),
        };
        string command = _options.ShellArgs.Length == 0 ? _options.ShellCommand : _options.ShellCommand + " " + _options.ShellArgs;
        return LaunchSpec.Of([Bash, "-c", command], env);
    }

    /// <inheritdoc />
    protected override void OnContainerEnded(int work, Container container, ContainerStatus status, ContainerOutcome outcome, DateTimeOffset now)
    {
        var shell = _shells[work];
        shell.LastExitStatus = status.ExitStatus;
        shell.LastDiagnostics = status.Diagnostics;
        switch (outcome)
        {
            case ContainerOutcome.Succeeded:
                shell.State = ShellState.Succeeded;
                break;
            case ContainerOutcome.Killed:
                shell.Kills++;
                shell.State = ShellState.Pending;
                Request(work, _ask!);
                break;
            case ContainerOutcome.Failed when _options.ShouldRetry(status.ExitStatus, shell.Retries):
                shell.Retries++;
                shell.State = ShellState.Pending;
                shell.RetryAt = now + TimeSpan.FromMilliseconds(_options.RetryIntervalMs);
                AskDueRetries(now);
                break;
            default:
                shell.State = ShellState.Failed;
                break;
        }
        Settle();
    }

    /// <inheritdoc />
    protected override void OnHeartbeat(DateTimeOffset now) => AskDueRetries(now);

    private void AskDueRetries(DateTimeOffset now)
    {
        foreach (var shell in _shells)
        {
            if (shell.RetryAt is not { } at || at > now) continue;
            shell.RetryAt = null;
            Request(shell.Index, _ask!);
        }
    }

    private void Settle()
    {
        int done = _shells.Count(s => s.State is ShellState.Succeeded or ShellState.Failed);
        ReportProgress((float)done / _shells.Length);
        if (done < _shells.Length) return;
        var failed = _shells.Where(s => s.State == ShellState.Failed).ToList();
        if (failed.Count == 0)
        {
            FinishWith(FinalApplicationStatus.Succeeded, "");
            return;
        }
        var diagnostics = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"Diagnostics., total={_shells.Length}, completed={done}, allocated={_nextShellId}, failed={failed.Count}"));
        foreach (var shell in failed)
            diagnostics.Append(CultureInfo.InvariantCulture,
                $"\nshell {shell.Index}: {shell.Container} exit status {shell.LastExitStatus} after {shell.Retries} retries: {shell.LastDiagnostics}");
        FinishWith(FinalApplicationStatus.Failed, diagnostics.ToString());
    }
}

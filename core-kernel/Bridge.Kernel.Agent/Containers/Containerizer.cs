using System.Diagnostics;
using System.Globalization;

namespace Bridge.Kernel.Agent.Containers;

/// <summary>What to run in a new container.</summary>
/// <param name="ContainerId">Unique on the agent; names the cgroup and the container's run directory.</param>
/// <param name="Sandbox">The task's sandbox directory (created if missing): its working directory, with
/// <c>stdout</c> and <c>stderr</c> files.</param>
/// <param name="Argv">The program and its arguments (a shell command is <c>/bin/sh -c CMD</c>).</param>
/// <param name="Environment">The whole environment of the process (nothing is inherited from the agent).</param>
/// <param name="Limits">cpus and mem to enforce.</param>
public sealed record ContainerSpec(string ContainerId, string Sandbox, IReadOnlyList<string> Argv,
    IReadOnlyDictionary<string, string> Environment, ContainerLimits Limits);

/// <summary>How a container ended.</summary>
/// <param name="Status">The command's exit code, or 128 + N when signal N ended it, as shells report;
/// -1 when it is not known.</param>
/// <param name="MemoryLimitExceeded">The memory limit killed it (read before the cgroup is removed).</param>
/// <param name="SupervisorLost">The container's supervising process died without recording the
/// command's status (it was killed while the agent was down): the status is not known.</param>
public sealed record ContainerExit(int Status, bool MemoryLimitExceeded, bool SupervisorLost = false);

/// <summary>A running (or ended) container.</summary>
public sealed class Container
{
    internal Container(string id, int pid, Isolation isolation, string runDirectory, Task<ContainerExit> exited, bool recovered = false)
    {
        Id = id;
        Pid = pid;
        Isolation = isolation;
        RunDirectory = runDirectory;
        Exited = exited;
        Recovered = recovered;
    }

    /// <summary>Adopted after an agent restart (its supervisor is not the agent's child).</summary>
    public bool Recovered { get; }

    /// <summary>The container id.</summary>
    public string Id { get; }

    /// <summary>The supervising process: session and process-group leader of the container.</summary>
    public int Pid { get; }

    /// <summary>Its isolation (cgroups or posix).</summary>
    public Isolation Isolation { get; }

    /// <summary>Where the container's bookkeeping lives (<c>exit_status</c>, written when the command ends).</summary>
    public string RunDirectory { get; }

    /// <summary>Completes when the container's supervising process ends and its isolation is cleaned up.</summary>
    public Task<ContainerExit> Exited { get; }

    /// <summary>Set once a kill was asked for, so its end is TASK_KILLED rather than TASK_FAILED.</summary>
    public bool KillRequested { get; internal set; }
}

/// <summary>
/// Starts commands in containers: a sandbox directory, a fresh environment, the isolator's limits,
/// and a small supervising shell that joins the container's cgroups before it runs the command
/// (so no process of the task ever runs unconfined), sends stdout/stderr to the sandbox and
/// records the exit status in the container's run directory, where an agent that restarted finds
/// it (<see cref="Recover"/>: the supervisor is a session leader of its own, so it outlives the agent). The supervisor outlives a SIGTERM (it traps it; a trap, unlike an ignored signal, is not
/// inherited by the command), so the status it reports is the command's own; a SIGTERM that arrives before the
/// command started means the command never starts (status 143), rather than the kill being lost until SIGKILL. The supervisor is a session leader (setsid), so the container is also a process group.
/// Kill is SIGTERM to every process of the container, a grace period, then SIGKILL.
/// </summary>
/// <param name="isolator">The isolation to use.</param>
/// <param name="runRoot">Where containers' run directories go (<c>WORK_DIR/containers</c>).</param>
/// <param name="time">Clock for grace periods and for watching recovered containers.</param>
/// <param name="recoveredPollInterval">How often a recovered container (not the agent's child, so not
/// awaitable) is checked for having ended.</param>
public sealed class Containerizer(IIsolator isolator, string runRoot, TimeProvider time, TimeSpan recoveredPollInterval)
{
    // $1: cgroup.procs files to join (space-separated), $2: run directory; then the command.
    private const string Supervisor = """
        join=$1; run=$2; shift 2
        exec </dev/null >>stdout 2>>stderr
        trap 'stop=1' TERM INT
        for f in $join; do echo $$ > "$f" || { echo "bridge: cannot join cgroup $f" >&2; exit 125; }; done
        if [ -n "${stop:-}" ]; then status=143; else "$@"; status=$?; fi
        echo $status > "$run/exit_status.tmp" && mv "$run/exit_status.tmp" "$run/exit_status"
        exit $status
        """;

    /// <summary>The isolator in use.</summary>
    public IIsolator Isolator => isolator;

    /// <summary>Starts <paramref name="spec"/>.</summary>
    /// <exception cref="IOException">The sandbox or isolation could not be prepared.</exception>
    /// <exception cref="System.ComponentModel.Win32Exception">The process could not be started.</exception>
    public Container Launch(ContainerSpec spec)
    {
        Directory.CreateDirectory(spec.Sandbox);
        var run = Path.Combine(runRoot, spec.ContainerId);
        Directory.CreateDirectory(run);
        var isolation = isolator.Prepare(spec.ContainerId, spec.Limits);
        var start = new ProcessStartInfo("/usr/bin/setsid") { UseShellExecute = false, WorkingDirectory = spec.Sandbox };
        foreach (var arg in (string[])["/bin/sh", "-c", Supervisor, "bridge-container", string.Join(' ', isolation.JoinFiles), run]) start.ArgumentList.Add(arg);
        foreach (var arg in spec.Argv) start.ArgumentList.Add(arg);
        start.Environment.Clear();
        foreach (var (name, value) in spec.Environment) start.Environment[name] = value;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new IOException("the supervisor did not start");
        }
        catch
        {
            isolation.Cleanup();
            throw;
        }
        // pid and start time name the supervisor for good: a restarted agent adopts only that process.
        File.WriteAllText(Path.Combine(run, "pid"), string.Create(CultureInfo.InvariantCulture, $"{process.Id} {ProcessTable.StartTime(process.Id) ?? 0}"));
        return new Container(spec.ContainerId, process.Id, isolation, run, WaitAsync(process, isolation));
    }

    /// <summary>
    /// Adopts a container an earlier agent process started (agent recovery): when its supervisor
    /// still runs, the container is watched until it ends; when it ended meanwhile, the returned
    /// container has ended already, with the status its supervisor recorded (or
    /// <see cref="ContainerExit.SupervisorLost"/> when none was recorded). Null when the container
    /// was never started (no run directory or pid).
    /// </summary>
    /// <param name="containerId">The id it was launched with.</param>
    /// <param name="limits">Its limits (for usage reports and later updates).</param>
    public Container? Recover(string containerId, ContainerLimits limits)
    {
        var run = Path.Combine(runRoot, containerId);
        var pidFile = Path.Combine(run, "pid");
        if (!File.Exists(pidFile)) return null;
        var parts = File.ReadAllText(pidFile).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 1 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return null;
        var startTime = parts.Length > 1 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var st) ? st : 0;
        var isolation = isolator.Recover(containerId, limits);
        return new Container(containerId, pid, isolation, run, WatchAsync(pid, startTime, run, isolation), recovered: true);
    }

    private async Task<ContainerExit> WatchAsync(int pid, long startTime, string run, Isolation isolation)
    {
        while (ProcessTable.StartTime(pid) is { } t && t == startTime)
            await Task.Delay(recoveredPollInterval, time);
        var statusFile = Path.Combine(run, "exit_status");
        var known = File.Exists(statusFile) && int.TryParse(File.ReadAllText(statusFile).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        var status = known ? int.Parse(File.ReadAllText(statusFile).Trim(), CultureInfo.InvariantCulture) : -1;
        var exit = new ContainerExit(status, isolation.MemoryLimitExceeded, SupervisorLost: !known);
        foreach (var leftover in isolation.Processes(pid)) Signals.Send(leftover, Signals.SigKill);
        isolation.Cleanup();
        return exit;
    }

    /// <summary>Deletes a container's run directory once nothing needs its records.</summary>
    public void Forget(string containerId)
    {
        var run = Path.Combine(runRoot, containerId);
        if (Directory.Exists(run)) Directory.Delete(run, recursive: true);
    }

    private static async Task<ContainerExit> WaitAsync(Process process, Isolation isolation)
    {
        using (process)
        {
            await process.WaitForExitAsync();
            var exit = new ContainerExit(process.ExitCode, isolation.MemoryLimitExceeded);
            // The command may have left children behind (daemons): the container ends with all of them.
            KillAll(isolation, process.Id, Signals.SigKill);
            isolation.Cleanup();
            return exit;
        }
    }

    /// <summary>SIGTERM to every process of the container, then SIGKILL after <paramref name="grace"/> if it is still running.</summary>
    /// <param name="container">The container.</param>
    /// <param name="grace">Time between SIGTERM and SIGKILL.</param>
    /// <param name="requested">True for a kill someone asked for (the task ends KILLED); false when the
    /// agent enforces a limit (the task ends FAILED with the limit's reason).</param>
    public async Task KillAsync(Container container, TimeSpan grace, bool requested = true)
    {
        if (requested) container.KillRequested = true;
        if (container.Exited.IsCompleted) return;
        KillAll(container.Isolation, container.Pid, Signals.SigTerm);
        if (grace > TimeSpan.Zero)
            await Task.WhenAny(container.Exited, Task.Delay(grace, time));
        if (!container.Exited.IsCompleted) KillAll(container.Isolation, container.Pid, Signals.SigKill);
    }

    private static void KillAll(Isolation isolation, int leader, int signal)
    {
        Signals.SendToGroup(leader, signal);
        foreach (var pid in isolation.Processes(leader)) Signals.Send(pid, signal);
    }

    /// <summary>The isolator for this machine: cgroups v2 if the unified hierarchy has cpu and memory,
    /// else cgroups v1 if cpu, cpuacct and memory are mounted, else posix.</summary>
    public static IIsolator DetectIsolator(string agentName, string cgroupRoot = "/sys/fs/cgroup") =>
        CgroupsV2Isolator.IsAvailable(cgroupRoot) ? new CgroupsV2Isolator(cgroupRoot, agentName)
        : CgroupsV1Isolator.IsAvailable(cgroupRoot) && CanWrite(Path.Combine(cgroupRoot, "memory")) ? new CgroupsV1Isolator(cgroupRoot, agentName)
        : new PosixIsolator();

    private static bool CanWrite(string cgroupDir)
    {
        var probe = Path.Combine(cgroupDir, "bridge", $"probe-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.NodeManager.Containers;

/// <summary>Who asked for a container to stop, which decides its exit status (Hadoop's ContainerExitStatus).</summary>
public enum StopRequester
{
    /// <summary>The ApplicationMaster (ContainerManagementProtocol <c>stopContainers</c>): exit status -105.</summary>
    ApplicationMaster,
    /// <summary>The ResourceManager (a heartbeat's containers to clean up): exit status -106.</summary>
    ResourceManager,
    /// <summary>The NodeManager itself, because it is shutting down: exit status -100 (ABORTED).</summary>
    NodeManager,
    /// <summary>The kernel: the container's placeholder task was killed (revoked or preempted by the allocator, or
    /// killed by the operator): exit status -102 (PREEMPTED).</summary>
    Kernel,
}

/// <summary>A container's life on this NodeManager (a subset of Hadoop's NM-side <c>ContainerState</c>).</summary>
public enum NmContainerPhase
{
    /// <summary>Accepted; its resources are being localised and its process started.</summary>
    Localizing,
    /// <summary>Its process runs.</summary>
    Running,
    /// <summary>A stop was asked for; its process is being killed.</summary>
    Killing,
    /// <summary>Ended; its status is owed to (or was delivered to) the ResourceManager.</summary>
    Done,
}

/// <summary>One container as the NodeManager tracks it.</summary>
/// <param name="Id">The container.</param>
/// <param name="Resource">Its size (MB, vcores), as allocated.</param>
/// <param name="Phase">Where it is in its life.</param>
/// <param name="ExitStatus">Its exit status once Done (<see cref="ContainerExitStatus"/> codes or the process's own), else -1000.</param>
/// <param name="Diagnostics">Why it ended, or empty.</param>
/// <param name="StartedAt">When it was accepted.</param>
public sealed record NmContainer(ContainerId Id, Resource Resource, NmContainerPhase Phase, int ExitStatus, string Diagnostics, DateTimeOffset StartedAt)
{
    /// <summary>Its status as the ResourceManager sees it (NEW while localising, RUNNING until done, then COMPLETE).</summary>
    public ContainerStatus Status => new(Id, Phase switch
    {
        NmContainerPhase.Localizing => ContainerState.New,
        NmContainerPhase.Done => ContainerState.Complete,
        _ => ContainerState.Running,
    }, Phase == NmContainerPhase.Done ? ExitStatus : ContainerExitStatus.Invalid, Diagnostics);
}

/// <summary>The statuses one heartbeat carries, and which completed containers it reports (removed once it is answered).</summary>
/// <param name="Statuses">Every container's status: running ones and completed ones not yet acknowledged.</param>
/// <param name="Completed">The completed containers among them.</param>
public sealed record HeartbeatReport(IReadOnlyList<ContainerStatus> Statuses, IReadOnlyList<ContainerId> Completed);

/// <summary>Why a start was refused; the message follows Hadoop's NodeManager wording.</summary>
/// <param name="Accepted">True when the container was accepted.</param>
/// <param name="Message">Empty when accepted, else the reason (e.g. <c>Container X already is running on this node!!</c>).</param>
public readonly record struct StartOutcome(bool Accepted, string Message)
{
    internal static StartOutcome Ok => new(true, "");
    internal static StartOutcome Refused(string message) => new(false, message);
}

/// <summary>
/// The NodeManager's containers and the statuses it owes the ResourceManager, as Hadoop's NodeManager keeps them
/// (ContainerManagerImpl, NodeStatusUpdaterImpl): a container is accepted once (a second start of the same id is
/// refused), is NEW while localising, RUNNING while its process runs, and COMPLETE with an exit status when it ends.
/// A completed container's status rides on every heartbeat until a heartbeat that carried it is answered (then it is
/// forgotten), so a lost heartbeat loses no completion. A stop decides the exit status: -105 when the
/// ApplicationMaster asked, -106 when the ResourceManager did, -104 when the memory limit killed it, else the
/// process's own code. Pure: no I/O, no clock; one writer (the NodeManager's loop).
/// </summary>
public sealed class ContainerTable
{
    private readonly Dictionary<ContainerId, Entry> _containers = new();

    private sealed class Entry(ContainerId id, Resource resource, DateTimeOffset startedAt)
    {
        public ContainerId Id { get; } = id;
        public Resource Resource { get; } = resource;
        public DateTimeOffset StartedAt { get; } = startedAt;
        public NmContainerPhase Phase { get; set; } = NmContainerPhase.Localizing;
        public StopRequester? StopRequestedBy { get; set; }
        public int ExitStatus { get; set; } = ContainerExitStatus.Invalid;
        public string Diagnostics { get; set; } = "";

        public NmContainer View => new(Id, Resource, Phase, ExitStatus, Diagnostics, StartedAt);
    }

    /// <summary>Every container known: live ones and completed ones whose status is not yet acknowledged.</summary>
    public IReadOnlyList<NmContainer> All => _containers.Values.Select(e => e.View).OrderBy(c => c.Id.ToString(), StringComparer.Ordinal).ToList();

    /// <summary>The container <paramref name="id"/>, or null when it is not (or no longer) known.</summary>
    public NmContainer? Find(ContainerId id) => _containers.TryGetValue(id, out var e) ? e.View : null;

    /// <summary>Containers not yet Done (the ones a re-registration lists as still running).</summary>
    public IReadOnlyList<ContainerId> Live => _containers.Values.Where(e => e.Phase != NmContainerPhase.Done).Select(e => e.Id).ToList();

    /// <summary>The sum of the live containers' resources (MB, vcores).</summary>
    public Resource Allocated => _containers.Values.Where(e => e.Phase != NmContainerPhase.Done).Aggregate(Resource.None, (sum, e) => sum + e.Resource);

    /// <summary>Accepts a new container (ContainerManagementProtocol <c>startContainers</c>, one entry).</summary>
    /// <returns>Refused when the id is already known (running or completed), with Hadoop's message.</returns>
    public StartOutcome Start(ContainerId id, Resource resource, DateTimeOffset now)
    {
        if (resource.AnyNegative) return StartOutcome.Refused($"Container {id} asks for a negative resource {resource}");
        if (_containers.ContainsKey(id)) return StartOutcome.Refused($"Container {id} already is running on this node!!");
        _containers[id] = new Entry(id, resource, now);
        return StartOutcome.Ok;
    }

    /// <summary>The container's process started: Localizing becomes Running (a stop asked for meanwhile keeps it Killing).</summary>
    /// <returns>False when the container is unknown or already Done.</returns>
    public bool Launched(ContainerId id)
    {
        if (!_containers.TryGetValue(id, out var e) || e.Phase == NmContainerPhase.Done) return false;
        if (e.Phase == NmContainerPhase.Localizing) e.Phase = NmContainerPhase.Running;
        return true;
    }

    /// <summary>
    /// Asks the container to stop. Returns true when its process must now be killed (it was Localizing or Running);
    /// false when it is unknown, already Done, or already being killed. The first requester decides the exit status.
    /// </summary>
    public bool RequestStop(ContainerId id, StopRequester by)
    {
        if (!_containers.TryGetValue(id, out var e) || e.Phase is NmContainerPhase.Done or NmContainerPhase.Killing) return false;
        e.StopRequestedBy = by;
        e.Phase = NmContainerPhase.Killing;
        return true;
    }

    /// <summary>
    /// The container ended: its process exited with <paramref name="processExitCode"/> (128 + N for signal N; -1 when
    /// unknown), or it never started (<paramref name="launchFailure"/>, e.g. a local resource could not be fetched).
    /// Sets its exit status and Hadoop-style diagnostics and makes it Done.
    /// </summary>
    /// <returns>False when the container is unknown or already Done (nothing changes).</returns>
    public bool Exited(ContainerId id, int processExitCode, bool memoryLimitExceeded, string? launchFailure = null)
    {
        if (!_containers.TryGetValue(id, out var e) || e.Phase == NmContainerPhase.Done) return false;
        (e.ExitStatus, e.Diagnostics) = (launchFailure, e.StopRequestedBy, memoryLimitExceeded) switch
        {
            ({ } why, _, _) => (ContainerExitStatus.Invalid, $"Container {id} failed to launch: {why}"),
            (_, _, true) => (ContainerExitStatus.KilledExceededPmem,
                $"Container [containerID={id}] is running beyond physical memory limits. Current usage: over {e.Resource.MemoryMb} MB of {e.Resource.MemoryMb} MB physical memory used. Killing container.\nExit code is {processExitCode}"),
            (_, StopRequester.ApplicationMaster, _) => (ContainerExitStatus.KilledByAppMaster,
                $"Container killed by the ApplicationMaster.\nContainer killed on request. Exit code is {processExitCode}"),
            (_, StopRequester.ResourceManager, _) => (ContainerExitStatus.KilledByResourceManager,
                $"Container Killed by ResourceManager\nContainer killed on request. Exit code is {processExitCode}"),
            (_, StopRequester.Kernel, _) => (ContainerExitStatus.Preempted,
                $"Container preempted: its kernel placeholder task was killed.\nContainer killed on request. Exit code is {processExitCode}"),
            (_, StopRequester.NodeManager, _) => (ContainerExitStatus.Aborted,
                $"Container killed because the NodeManager is shutting down. Exit code is {processExitCode}"),
            _ when processExitCode == 0 => (ContainerExitStatus.Success, ""),
            _ => (processExitCode, $"Exception from container-launch.\nContainer id: {id}\nExit code: {processExitCode}"),
        };
        e.Phase = NmContainerPhase.Done;
        return true;
    }

    /// <summary>What the next heartbeat carries: every container's status (Hadoop's <c>getContainerStatuses</c>).</summary>
    public HeartbeatReport Report()
    {
        var all = All;
        return new HeartbeatReport(all.Select(c => c.Status).ToList(),
            all.Where(c => c.Phase == NmContainerPhase.Done).Select(c => c.Id).ToList());
    }

    /// <summary>The ResourceManager answered the heartbeat that carried <paramref name="report"/>: its completed containers are forgotten.</summary>
    public void Delivered(HeartbeatReport report)
    {
        foreach (var id in report.Completed)
            if (_containers.TryGetValue(id, out var e) && e.Phase == NmContainerPhase.Done) _containers.Remove(id);
    }
}

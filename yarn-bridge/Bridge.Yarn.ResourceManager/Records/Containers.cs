namespace Bridge.Yarn.ResourceManager.Records;

/// <summary>
/// A container granted to an application attempt on a NodeManager (Hadoop's <c>Container</c> record, without the
/// token): where it runs, how big it is, and the priority of the ask it satisfied.
/// </summary>
/// <param name="Id">The container's id (its attempt is <c>Id.ApplicationAttemptId</c>).</param>
/// <param name="NodeId">The NodeManager it was placed on.</param>
/// <param name="Resource">Its size (MB, vcores), the ask's capability after normalisation.</param>
/// <param name="Priority">The priority of the ask it satisfied.</param>
public readonly record struct Container(ContainerId Id, NodeId NodeId, Resource Resource, Priority Priority)
{
    /// <summary>The attempt it belongs to.</summary>
    public ApplicationAttemptId AttemptId => Id.ApplicationAttemptId;
}

/// <summary>A container's state as a NodeManager reports it (Hadoop's <c>ContainerState</c>).</summary>
public enum ContainerState
{
    /// <summary>Allocated or localising, not yet running.</summary>
    New,
    /// <summary>Running.</summary>
    Running,
    /// <summary>Exited, killed or lost; see <see cref="ContainerStatus.ExitStatus"/>.</summary>
    Complete,
}

/// <summary>A container's status: state, exit status (see <see cref="ContainerExitStatus"/>) and diagnostics (Hadoop's <c>ContainerStatus</c>).</summary>
/// <param name="ContainerId">The container.</param>
/// <param name="State">Its state.</param>
/// <param name="ExitStatus">Its process's exit code, or one of <see cref="ContainerExitStatus"/>'s negative codes; <see cref="ContainerExitStatus.Invalid"/> while not complete.</param>
/// <param name="Diagnostics">Why it ended, or empty.</param>
public readonly record struct ContainerStatus(ContainerId ContainerId, ContainerState State, int ExitStatus, string Diagnostics);

/// <summary>YARN's container exit codes (Hadoop's <c>ContainerExitStatus</c>); positive values are the process's own.</summary>
public static class ContainerExitStatus
{
    /// <summary>0: the process exited successfully.</summary>
    public const int Success = 0;
    /// <summary>-1000: no exit status yet.</summary>
    public const int Invalid = -1000;
    /// <summary>-100: released by the framework, or lost with its node.</summary>
    public const int Aborted = -100;
    /// <summary>-101: the NodeManager's disks failed.</summary>
    public const int DisksFailed = -101;
    /// <summary>-102: preempted by the scheduler.</summary>
    public const int Preempted = -102;
    /// <summary>-103: killed by the NodeManager for exceeding its virtual memory limit.</summary>
    public const int KilledExceededVmem = -103;
    /// <summary>-104: killed for exceeding its physical memory limit (here: its cgroup's memory limit).</summary>
    public const int KilledExceededPmem = -104;
    /// <summary>-105: killed at the ApplicationMaster's request.</summary>
    public const int KilledByAppMaster = -105;
    /// <summary>-106: killed by the ResourceManager (its attempt failed or its application was killed).</summary>
    public const int KilledByResourceManager = -106;
    /// <summary>-107: killed because its application finished.</summary>
    public const int KilledAfterAppCompletion = -107;
}

using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.ResourceManager.Applications;

/// <summary>An application's state (Hadoop's <c>YarnApplicationState</c>; NEW_SAVING and FINAL_SAVING are not modelled: there is no state store).</summary>
public enum RmAppState
{
    /// <summary>Id handed out, not submitted.</summary>
    New,
    /// <summary>Submitted, not yet accepted by the scheduler (passed through at once here).</summary>
    Submitted,
    /// <summary>Accepted by the scheduler; an attempt waits for or runs its AM but has not registered.</summary>
    Accepted,
    /// <summary>Its current attempt's AM registered.</summary>
    Running,
    /// <summary>Its AM unregistered (with any final status).</summary>
    Finished,
    /// <summary>Its attempts failed max-app-attempts times, or it was refused (e.g. an unknown queue).</summary>
    Failed,
    /// <summary>Killed by a client.</summary>
    Killed,
}

/// <summary>The final status an AM reports (Hadoop's <c>FinalApplicationStatus</c>).</summary>
public enum FinalApplicationStatus
{
    /// <summary>Not finished yet.</summary>
    Undefined,
    /// <summary>The AM reported success.</summary>
    Succeeded,
    /// <summary>The AM reported failure, or the attempts were exhausted.</summary>
    Failed,
    /// <summary>Killed.</summary>
    Killed,
}

/// <summary>An attempt's state (Hadoop's <c>RMAppAttemptState</c>, without NEW, SUBMITTED, LAUNCHED_UNMANAGED_SAVING, FINAL_SAVING and FINISHING).</summary>
public enum RmAppAttemptState
{
    /// <summary>Its AM container is asked for.</summary>
    Scheduled,
    /// <summary>Its AM container is allocated; the protocol layer launches it.</summary>
    Allocated,
    /// <summary>Its AM container runs (its NodeManager said so).</summary>
    Launched,
    /// <summary>Its AM registered.</summary>
    Running,
    /// <summary>Its AM unregistered.</summary>
    Finished,
    /// <summary>Its AM container exited without unregistering, its AM stopped heartbeating, or its node was lost.</summary>
    Failed,
    /// <summary>Its application was killed.</summary>
    Killed,
}

/// <summary>What the AM container runs (the part of Hadoop's <c>ContainerLaunchContext</c> the core keeps for the launcher).</summary>
/// <param name="Commands">Shell commands, run in order.</param>
/// <param name="Environment">Environment variables.</param>
public sealed record AmContainerSpec(IReadOnlyList<string> Commands, IReadOnlyDictionary<string, string> Environment);

/// <summary>A client's submission (Hadoop's <c>ApplicationSubmissionContext</c>, the fields the core uses).</summary>
public sealed record ApplicationSubmission
{
    /// <summary>The id from <see cref="ResourceManagerCore.NewApplication"/>.</summary>
    public required ApplicationId ApplicationId { get; init; }

    /// <summary>Display name (default <c>N/A</c>, as YARN).</summary>
    public string Name { get; init; } = "N/A";

    /// <summary>A leaf queue's name (default <c>default</c>).</summary>
    public string Queue { get; init; } = "default";

    /// <summary>The submitting user (default <c>dr.who</c>, Hadoop's anonymous web user).</summary>
    public string User { get; init; } = "dr.who";

    /// <summary>Application type (default <c>YARN</c>).</summary>
    public string ApplicationType { get; init; } = "YARN";

    /// <summary>Application priority: higher is served first in its queue (default 0).</summary>
    public int Priority { get; init; }

    /// <summary>The AM container's size (MB, vcores; default 1024 MB, 1 vcore); normalised like any ask, refused above the maximum allocation.</summary>
    public Resource AmResource { get; init; } = new(1024, 1);

    /// <summary>Attempts allowed; null, 0 or above the ResourceManager's maximum means that maximum (as Hadoop).</summary>
    public int? MaxAppAttempts { get; init; }

    /// <summary>What the AM container runs.</summary>
    public AmContainerSpec? AmContainerSpec { get; init; }
}

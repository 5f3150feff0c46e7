using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Applications.Masters;

/// <summary>
/// What the ResourceManager said when the AM registered (Hadoop's <c>RegisterApplicationMasterResponse</c>,
/// the fields a master uses).
/// </summary>
/// <param name="MaximumCapability">The largest container the scheduler will grant (MB, vcores).</param>
/// <param name="Queue">The queue the application runs in.</param>
/// <param name="Headroom">What the application may still get in its queue (MB, vcores); <see cref="Resource.None"/> when not known yet.</param>
public sealed record AmRegistration(Resource MaximumCapability, string Queue = "default", Resource Headroom = default);

/// <summary>
/// One allocate answer as a master sees it (Hadoop's <c>AllocateResponse</c>, the fields a master uses). An
/// answer with nothing in it is still worth passing on: time has passed (a retry may be due).
/// </summary>
/// <param name="Allocated">Containers granted since the last answer.</param>
/// <param name="Completed">Statuses of containers that ended since the last answer (state Complete), each once.</param>
/// <param name="Headroom">What the application may still get in its queue (MB, vcores).</param>
public sealed record AmHeartbeat(IReadOnlyList<Container> Allocated, IReadOnlyList<ContainerStatus> Completed, Resource Headroom)
{
    /// <summary>An answer with no containers in it and no headroom: only time passed.</summary>
    public static AmHeartbeat Empty { get; } = new([], [], Resource.None);
}

/// <summary>
/// An ApplicationMaster's decisions as a pure state machine: the contract every master that ships in the box
/// keeps, so that one runtime drives any of them. The runtime owns the I/O — the ApplicationMaster protocol to
/// the ResourceManager, the ContainerManagement protocol to NodeManagers, the clock — and feeds each event in,
/// one at a time, from one thread; every call returns the <see cref="AmDecisions"/> it caused and reads no
/// clock (time comes in as <c>now</c>). The loop, in Hadoop's terms (AMRMClient + NMClient):
/// <code>
/// register                      → d = master.Registered(registration, now)
/// while master.Finish is null:
///     allocate(asks, releases, master.Progress)   (asks and releases gathered from every d: AllocateBatch)
///     d = master.Heartbeat(answer, now)
///     start d.Launches on their NodeManagers; a start that fails → d = master.LaunchFailed(id, why, now)
/// unregister(master.Finish.Status, master.Finish.Diagnostics)
/// </code>
/// A kill from the client (or the ResourceManager asking the AM to shut down) is <see cref="Kill"/>. After a
/// resync (the ResourceManager lost the attempt's asks, Hadoop's <c>ApplicationMasterNotRegisteredException</c>)
/// the runtime registers again and calls <see cref="Registered"/> again, which re-sends every outstanding ask.
/// Expected failures of the application (a task that keeps failing, a container too big for the cluster) end
/// in <see cref="Finish"/> with FAILED and a diagnostic; exceptions are for broken call order (a bug).
/// </summary>
public interface IApplicationMaster
{
    /// <summary>The attempt this master runs as.</summary>
    ApplicationAttemptId AttemptId { get; }

    /// <summary>Progress, 0 to 1, never decreasing; 1 once finished SUCCEEDED. Send it with every allocate.</summary>
    float Progress { get; }

    /// <summary>The final status once decided (then unregister with it), else null.</summary>
    AmFinish? Finish { get; }

    /// <summary>Containers asked for and not allocated yet (the runtime heartbeats faster while there are some, as
    /// Spark's YARN allocator does with its initial allocation interval).</summary>
    int OutstandingAsks { get; }

    /// <summary>The AM registered (first time: the master makes its first asks; again after a resync: it re-sends every outstanding ask).</summary>
    AmDecisions Registered(AmRegistration registration, DateTimeOffset now);

    /// <summary>An allocate answer arrived (completions are handled before allocations, as AMRMClientAsync calls back).</summary>
    /// <exception cref="InvalidOperationException">Called before <see cref="Registered"/>.</exception>
    AmDecisions Heartbeat(AmHeartbeat heartbeat, DateTimeOffset now);

    /// <summary>A NodeManager refused to start a container the master launched (Hadoop's <c>onStartContainerError</c>); the master releases it and treats the attempt as failed.</summary>
    /// <exception cref="InvalidOperationException">Called before <see cref="Registered"/>.</exception>
    AmDecisions LaunchFailed(ContainerId containerId, string diagnostics, DateTimeOffset now);

    /// <summary>Stop: the client killed the application or the ResourceManager asked the AM to shut down. Releases every container and finishes KILLED with <paramref name="diagnostics"/>; nothing once finished.</summary>
    AmDecisions Kill(string diagnostics, DateTimeOffset now);
}

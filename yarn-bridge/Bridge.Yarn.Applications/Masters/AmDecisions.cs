using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Applications.Masters;

/// <summary>
/// What runs in a container (the part of Hadoop's <c>ContainerLaunchContext</c> the masters fill in). The
/// NodeManager runs <see cref="Command"/> as an argument vector (no shell in between: a master that wants a
/// shell says <c>/bin/bash -c</c>) in a fresh working directory holding <see cref="LocalResources"/>, with
/// <see cref="Environment"/> added to its own (CONTAINER_ID and the like are the NodeManager's to set).
/// </summary>
/// <param name="Command">The argument vector; the first is the program.</param>
/// <param name="Environment">Variables to set, by name.</param>
/// <param name="LocalResources">Files to place in the working directory before starting: link name → absolute path on this machine (Hadoop's LocalResources, already local). None of the masters in the box needs one today.</param>
public sealed record LaunchSpec(IReadOnlyList<string> Command, IReadOnlyDictionary<string, string> Environment, IReadOnlyDictionary<string, string> LocalResources)
{
    /// <summary>A spec with only a command.</summary>
    public static LaunchSpec Of(IReadOnlyList<string> command, IReadOnlyDictionary<string, string>? environment = null) =>
        new(command, environment ?? new Dictionary<string, string>(), new Dictionary<string, string>());
}

/// <summary>Start <see cref="Spec"/> in <see cref="Container"/> (Hadoop's <c>NMClient.startContainer</c>).</summary>
/// <param name="Container">The container, as allocated (its node says which NodeManager).</param>
/// <param name="Spec">What to run.</param>
public sealed record ContainerLaunch(Container Container, LaunchSpec Spec);

/// <summary>How the application ended, for the unregister call (Hadoop's <c>finishApplicationMaster</c>).</summary>
/// <param name="Status">SUCCEEDED, FAILED or KILLED (never UNDEFINED).</param>
/// <param name="Diagnostics">Why, for people; empty on success.</param>
public sealed record AmFinish(FinalApplicationStatus Status, string Diagnostics);

/// <summary>
/// What a master decided in one step, for the runtime to carry out: send <see cref="Asks"/> and
/// <see cref="Releases"/> with the next allocate (or gather several steps' with <see cref="AllocateBatch"/>),
/// start <see cref="Launches"/> now, report <see cref="Progress"/>, and unregister when <see cref="Finish"/> is set.
/// </summary>
public sealed class AmDecisions
{
    /// <summary>
    /// Asks whose totals changed, as the ResourceRequests Hadoop's AMRMClient sends: absolute per (priority,
    /// resourceName, capability) — the new total replaces the old one at the ResourceManager; 0 cancels. A
    /// container request naming hosts becomes one request per host, one for <c>/default-rack</c> and one for
    /// <c>*</c> (see <see cref="ContainerAsk"/>).
    /// </summary>
    public List<ResourceRequest> Asks { get; } = [];

    /// <summary>Containers to give back: surplus allocations, containers of a launch that failed, and running ones at a kill (the ResourceManager stops them).</summary>
    public List<ContainerId> Releases { get; } = [];

    /// <summary>Containers to start now, each with what to run.</summary>
    public List<ContainerLaunch> Launches { get; } = [];

    /// <summary>The master's progress after this step, 0 to 1.</summary>
    public float Progress { get; internal set; }

    /// <summary>Set once the master has decided how the application ends: unregister with it.</summary>
    public AmFinish? Finish { get; internal set; }

    /// <summary>Nothing to send, start or finish.</summary>
    public bool IsEmpty => Asks.Count == 0 && Releases.Count == 0 && Launches.Count == 0 && Finish is null;
}

/// <summary>
/// The asks and releases of several <see cref="AmDecisions"/>, gathered until the next allocate call: a later total
/// for the same (priority, resourceName, capability) replaces an earlier one (asks are absolute), releases are
/// kept once each, in order. Not thread-safe (the runtime's one loop owns it).
/// </summary>
public sealed class AllocateBatch
{
    private readonly List<ResourceRequest> _asks = [];
    private readonly List<ContainerId> _releases = [];
    private readonly HashSet<ContainerId> _released = [];

    /// <summary>Adds <paramref name="decisions"/>' asks and releases.</summary>
    public void Add(AmDecisions decisions)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        foreach (var ask in decisions.Asks)
        {
            int at = _asks.FindIndex(a => a.Priority == ask.Priority && a.ResourceName == ask.ResourceName && a.Capability == ask.Capability);
            if (at >= 0) _asks[at] = ask;
            else _asks.Add(ask);
        }
        foreach (var id in decisions.Releases)
            if (_released.Add(id)) _releases.Add(id);
    }

    /// <summary>True when there is nothing to send.</summary>
    public bool IsEmpty => _asks.Count == 0 && _releases.Count == 0;

    /// <summary>Returns what was gathered and starts empty again.</summary>
    public (IReadOnlyList<ResourceRequest> Asks, IReadOnlyList<ContainerId> Releases) Take()
    {
        var taken = ((IReadOnlyList<ResourceRequest>)[.. _asks], (IReadOnlyList<ContainerId>)[.. _releases]);
        _asks.Clear();
        _releases.Clear();
        _released.Clear();
        return taken;
    }
}

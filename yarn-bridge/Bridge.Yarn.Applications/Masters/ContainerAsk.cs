using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Applications.Masters;

/// <summary>
/// One container a master wants (Hadoop's <c>AMRMClient.ContainerRequest</c>): its size, priority and where.
/// With no <see cref="Nodes"/> and no <see cref="Racks"/> it is an ask for anywhere (<c>*</c>). Naming hosts
/// asks for those hosts; with <see cref="RelaxLocality"/> (the default) the scheduler may fall back to their
/// rack, then anywhere; without, only the named hosts or racks will do.
/// </summary>
/// <param name="Priority">Lower is more important; a master tells its kinds of work apart by priority.</param>
/// <param name="Capability">The container's size (MB, vcores); the ResourceManager rounds it up to its minimum allocation's multiple.</param>
/// <param name="Nodes">Host names wanted, or empty.</param>
/// <param name="Racks">Racks wanted, or empty.</param>
/// <param name="RelaxLocality">Whether the scheduler may go beyond the named hosts and racks (default true).</param>
public sealed record ContainerAsk(Priority Priority, Resource Capability, IReadOnlyList<string> Nodes, IReadOnlyList<string> Racks, bool RelaxLocality = true)
{
    /// <summary>The rack every host is in when no topology is configured (Hadoop's <c>NetworkTopology.DEFAULT_RACK</c>, what RackResolver answers without a topology script).</summary>
    public const string DefaultRack = "/default-rack";

    /// <summary>An ask for a container anywhere.</summary>
    public static ContainerAsk Anywhere(Priority priority, Resource capability) => new(priority, capability, [], []);

    /// <summary>
    /// The ResourceRequest locations this ask counts in, as AMRMClient expands a ContainerRequest: each host
    /// (relaxLocality true: a host request cannot be relaxed further), each named rack and, when hosts are named,
    /// the hosts' rack <see cref="DefaultRack"/> (both with this ask's relaxLocality), and <c>*</c> (with this
    /// ask's relaxLocality). Distinct names, in that order.
    /// </summary>
    public IEnumerable<(string ResourceName, bool RelaxLocality)> Locations()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var host in Nodes)
            if (seen.Add(host)) yield return (host, true);
        foreach (var rack in Racks)
            if (seen.Add(rack)) yield return (rack, RelaxLocality);
        if (Nodes.Count > 0 && seen.Add(DefaultRack)) yield return (DefaultRack, RelaxLocality);
        yield return (ResourceRequest.Any, RelaxLocality);
    }

    /// <summary>Whether a container on <paramref name="host"/> satisfies this ask: a named host, or any host when the ask names none or may be relaxed. (A container does not say its rack, so a strict rack ask accepts any host: the scheduler placed it.)</summary>
    public bool AcceptsHost(string host) =>
        RelaxLocality || Nodes.Count == 0 || Nodes.Contains(host, StringComparer.Ordinal);
}

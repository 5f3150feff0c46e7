using Bridge.Yarn.Protocol.Launching;
using Bridge.Kernel;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Yarn.Cluster;
using Bridge.Yarn.Launching;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.Offers;
using Bridge.Yarn.ResourceManager.Nodes;
using YarnResource = Bridge.Yarn.ResourceManager.Records.Resource;

namespace Bridge.Yarn.Scheduling;

public sealed partial class YarnBridgeScheduler
{
    /// <summary>
    /// Offers. Each is used, in order, for the first pending NodeManager it fits (oldest flexup first; one NodeManager
    /// per offer, as Myriad); otherwise, when its host runs an active fine-grained NodeManager registered in YARN, for
    /// fine-grained scaling (<see cref="ScaleFineGrained"/>); otherwise it is declined. What a launch leaves of an offer
    /// goes back to the kernel with the ACCEPT, so nothing unused is held.
    /// </summary>
    public void OnOffers(IReadOnlyList<Offer> offers, DateTimeOffset now, Decisions decisions)
    {
        foreach (var offer in offers)
        {
            Kernel.Resources resources;
            Attributes attributes;
            try
            {
                resources = ResourceConversion.ToModel(offer.Resources, "offer.resources");
                attributes = ResourceConversion.ToModel(offer.Attributes, "offer.attributes");
            }
            catch (InvalidMessageException)
            {
                decisions.Decline(offer.Id, "the offer's resources do not parse"); // the master validates offers; one that does not parse is of no use
                continue;
            }
            var left = new OfferResources(resources);
            var tasks = LaunchNodeManager(offer, attributes, left, now, decisions) is { } launched
                ? [launched]
                : ScaleFineGrained(offer, left, now, decisions);
            if (tasks.Count > 0) decisions.Launches.Add(new Launch(offer.Id, tasks));
            else decisions.Decline(offer.Id, "no NodeManager to launch here and no YARN container waiting for this agent");
        }
        UpdateOfferInterest(decisions);
    }

    private TaskInfo? LaunchNodeManager(Offer offer, Attributes attributes, OfferResources left, DateTimeOffset now, Decisions decisions)
    {
        var pending = _nodeManagers.Values.Where(t => t.State == NodeManagerTaskState.Pending)
            .OrderBy(t => t.Since).ThenBy(t => t.TaskId, StringComparer.Ordinal).ToList();
        if (pending.Count == 0) return null;
        var hostTaken = HostHasNodeManager(offer.Hostname);
        foreach (var nm in pending)
        {
            var match = NodeManagerOfferMatcher.Match(offer.Hostname, attributes, left, nm, _options.Overhead, hostTaken);
            if (match.Taken is not { } taken)
            {
                nm.LastRejection = string.Join("; ", match.Rejections);
                continue;
            }
            var agentId = offer.AgentId.Value;
            var nodeHost = NodeHostOf(offer);
            var capability = new YarnResource(nm.Profile.MemoryMb, _options.VCoresOf(Scalar.FromUnits(nm.Profile.Cpus)));
            var launch = new NodeManagerLaunch(nm.TaskId, nm.Profile.Name, nodeHost, capability, taken.Ports, _options.ResourceManagerAddress);
            var task = BridgeTasks.NodeManager(nm, agentId, taken, launch, _options.ExecutorCommand, FrameworkId, _options.KillGracePeriod);
            nm.Hostname = offer.Hostname;
            nm.NodeHost = nodeHost;
            nm.AgentId = agentId;
            nm.Attributes = attributes;
            nm.Ports = taken.Ports;
            nm.Executor = task.Executor;
            nm.LastRejection = null;
            nm.Enter(NodeManagerTaskState.Staging, now);
            decisions.Changed = true;
            decisions.Event("nodemanager_launched", now,
                $"NodeManager {nm.TaskId} ({nm.Profile.Name}) launched on {offer.Hostname}, ports {string.Join(",", taken.Ports.All)}", nm.TaskId);
            return task;
        }
        return null;
    }

    /// <summary>The host a NodeManager on <paramref name="offer"/>'s agent registers under: its URL's host, else its host name.</summary>
    internal static string NodeHostOf(Offer offer) =>
        Uri.TryCreate(offer.Url, UriKind.Absolute, out var url) && url.Host.Length > 0 ? url.Host : offer.Hostname;

    /// <summary>True when a NodeManager holds <paramref name="hostname"/> (launched, not yet ended), compared
    /// case-insensitively as Myriad's <c>isUniqueHostname</c>.</summary>
    private bool HostHasNodeManager(string hostname) =>
        _nodeManagers.Values.Any(t => t.IsLaunched && string.Equals(t.Hostname, hostname, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Fine-grained scaling on one offer: when its host runs an active zero-profile NodeManager registered and RUNNING in
    /// YARN, containers already there without a placeholder are backed first; then the NodeManager's capacity is raised
    /// to its containers plus the offer's whole cpus (as vcores) and MB, the ResourceManager allocates against it at
    /// once, each allocated container becomes a placeholder task on the NodeManager's executor, and the capacity is
    /// lowered back to what its containers use. The rest of the offer goes back to the kernel.
    /// </summary>
    /// <returns>The placeholder tasks to launch on the offer (empty: decline it).</returns>
    private List<TaskInfo> ScaleFineGrained(Offer offer, OfferResources left, DateTimeOffset now, Decisions decisions)
    {
        var nm = _nodeManagers.Values.FirstOrDefault(t => t.IsFineGrained && t.State == NodeManagerTaskState.Active
            && t.AgentId == offer.AgentId.Value && t.Executor is not null);
        if (nm?.NodeId is not { } nodeId || _yarn.Node(nodeId) is not { State: RmNodeState.Running } node) return [];
        var tasks = new List<TaskInfo>();
        var backed = _placeholders.Values.Where(p => p.NodeManagerTaskId == nm.TaskId).Select(p => p.ContainerId).ToHashSet();
        foreach (var c in node.Containers.Where(c => !backed.Contains(c.Id) && !_endedPlaceholders.ContainsKey(c.Id)))
            if (Back(nm, c, offer, left, now, decisions) is { } task) tasks.Add(task);

        var offered = new YarnResource((long)Math.Floor(left.Scalar("mem").ToDouble()), _options.VCoresOf(left.Scalar("cpus")));
        if (offered.MemoryMb > 0 && offered.VCores > 0)
        {
            var allocated = _yarn.SetCapacity(nodeId, node.Used + offered, now);
            foreach (var c in allocated)
                if (Back(nm, c, offer, left, now, decisions) is { } task) tasks.Add(task);
            var used = node.Used + allocated.Aggregate(YarnResource.None, (s, c) => s + c.Resource);
            // Back to what runs there; a container allocated by this call (there should be none) waits for the next offer.
            _yarn.SetCapacity(nodeId, used, now);
            if (allocated.Count > 0)
                decisions.Event("capacity_raised", now,
                    $"NodeManager {nodeId}: offer {offer.Id.Value} of {offered} gave YARN {allocated.Count} container(s), {used} in use now", nm.TaskId);
        }
        if (tasks.Count > 0) decisions.Changed = true;
        return tasks;
    }

    /// <summary>A placeholder for container <paramref name="c"/> cut from the offer, or null when the offer has too
    /// little left (the container stays unbacked until an offer from its host can carry it).</summary>
    private TaskInfo? Back(NodeManagerTask nm, YarnContainer c, Offer offer, OfferResources left, DateTimeOffset now, Decisions decisions)
    {
        var cpus = _options.CpusOf(c.Resource.VCores);
        if (left.Scalar("cpus") < cpus || left.Scalar("mem") < Scalar.FromUnits(c.Resource.MemoryMb)) return null;
        var resources = left.TakeScalar("cpus", cpus)!.Plus(left.TakeScalar("mem", Scalar.FromUnits(c.Resource.MemoryMb))!);
        var placeholder = new Placeholder(c.Id, nm.TaskId, offer.AgentId.Value, offer.Hostname, c.Resource, now);
        _placeholders[placeholder.TaskId] = placeholder;
        decisions.Event("placeholder_launched", now, $"{c.Id} ({c.Resource}) on {offer.Hostname} from offer {offer.Id.Value}", nm.TaskId);
        return BridgeTasks.Placeholder(placeholder, nm.Executor!, resources);
    }
}

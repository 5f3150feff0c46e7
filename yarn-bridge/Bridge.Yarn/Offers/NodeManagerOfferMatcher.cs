using Bridge.Yarn.Protocol.Launching;
using System.Globalization;
using Bridge.Kernel;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.Profiles;
using KernelResources = Bridge.Kernel.Resources;

namespace Bridge.Yarn.Offers;

/// <summary>Why an offer does not fit a pending NodeManager.</summary>
public enum OfferRejectionReason
{
    /// <summary>The NodeManager's LIKE constraint does not hold on the agent.</summary>
    ConstraintNotMet,
    /// <summary>A NodeManager already runs (or is launching) on the host: one per host.</summary>
    HostHasNodeManager,
    /// <summary>Fewer cpus than profile + NodeManager + executor.</summary>
    InsufficientCpus,
    /// <summary>Less memory than profile + NodeManager + executor.</summary>
    InsufficientMemory,
    /// <summary>Fewer than four free ports.</summary>
    InsufficientPorts,
}

/// <summary>One reason an offer was turned down, with the numbers.</summary>
/// <param name="Reason">What did not fit.</param>
/// <param name="Detail">A sentence with the amounts (<c>cpus: need 4.3, offered 2</c>).</param>
public readonly record struct OfferRejection(OfferRejectionReason Reason, string Detail)
{
    /// <inheritdoc />
    public override string ToString() => Detail;
}

/// <summary>What a NodeManager takes from its offer.</summary>
/// <param name="Task">The NodeManager task's cpus, mem and ports.</param>
/// <param name="Executor">The executor's cpus and mem.</param>
/// <param name="Ports">The ports, by role.</param>
public sealed record NodeManagerResources(KernelResources Task, KernelResources Executor, NodeManagerPorts Ports);

/// <summary>The outcome of matching an offer with a pending NodeManager: what it takes, or every reason it does not fit.</summary>
/// <param name="Taken">The resources taken (already cut from the offer), or null.</param>
/// <param name="Rejections">Every reason, in <see cref="OfferRejectionReason"/> order; empty when it fits.</param>
public sealed record NodeManagerOfferMatch(NodeManagerResources? Taken, IReadOnlyList<OfferRejection> Rejections)
{
    /// <summary>True when the NodeManager fits.</summary>
    public bool Fits => Taken is not null;
}

/// <summary>
/// Matches an offer with a pending NodeManager as Myriad's <c>ResourceOffersEventHandler</c> does: the constraint
/// holds, no other NodeManager on the host (<c>SchedulerUtils.isUniqueHostname</c>), and cpus, memory and ports cover
/// profile + NodeManager overhead + executor (<c>checkAggregates</c>). Every check runs, so a rejection carries every
/// reason. Pure; O(offer resources).
/// </summary>
internal static class NodeManagerOfferMatcher
{
    /// <summary>Matches, and on a fit cuts the NodeManager's share out of <paramref name="offer"/>.</summary>
    /// <param name="hostname">The offer's host.</param>
    /// <param name="attributes">The agent's attributes.</param>
    /// <param name="offer">What is left of the offer; changed only on a fit.</param>
    /// <param name="task">The pending NodeManager.</param>
    /// <param name="overhead">The NodeManager's and executor's own needs.</param>
    /// <param name="hostTaken">True when another NodeManager holds the host.</param>
    public static NodeManagerOfferMatch Match(string hostname, Attributes attributes, OfferResources offer, NodeManagerTask task,
        NodeManagerOverhead overhead, bool hostTaken)
    {
        var rejections = new List<OfferRejection>();
        if (task.Constraint is { } constraint && !constraint.Matches(hostname, attributes))
            rejections.Add(new(OfferRejectionReason.ConstraintNotMet, $"constraint '{constraint}' does not hold on {hostname}"));
        if (hostTaken)
            rejections.Add(new(OfferRejectionReason.HostHasNodeManager, $"a NodeManager already runs on {hostname}"));
        var (cpus, mem, ports) = overhead.Total(task.Profile);
        if (offer.Scalar("cpus") < cpus)
            rejections.Add(new(OfferRejectionReason.InsufficientCpus, Shortfall("cpus", cpus, offer.Scalar("cpus"))));
        if (offer.Scalar("mem") < mem)
            rejections.Add(new(OfferRejectionReason.InsufficientMemory, Shortfall("mem", mem, offer.Scalar("mem"))));
        if (offer.PortCount < (ulong)ports)
            rejections.Add(new(OfferRejectionReason.InsufficientPorts, string.Create(CultureInfo.InvariantCulture, $"ports: need {ports}, offered {offer.PortCount}")));
        if (rejections.Count > 0) return new NodeManagerOfferMatch(null, rejections);

        // Every check passed, so each cut below succeeds.
        var taskShare = offer.TakeScalar("cpus", overhead.TaskCpus(task.Profile))!
            .Plus(offer.TakeScalar("mem", overhead.TaskMemoryMb(task.Profile))!);
        var (portShare, numbers) = offer.TakePorts(ports)!.Value;
        var executorShare = offer.TakeScalar("cpus", overhead.ExecutorCpusScalar)!
            .Plus(offer.TakeScalar("mem", overhead.ExecutorMemoryScalar)!);
        return new NodeManagerOfferMatch(new NodeManagerResources(taskShare.Plus(portShare), executorShare, NodeManagerPorts.Of(numbers)), []);
    }

    private static string Shortfall(string name, Scalar need, Scalar offered) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}: need {need}, offered {offered}");
}

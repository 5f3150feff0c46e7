using Bridge.Kernel;
using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Services.Constraints;
using Bridge.Schedulers.Services.Definitions;

namespace Bridge.Schedulers.Services.Placement;

/// <summary>What an offer lacks for an app's next task, with Marathon's names (<c>NoOfferMatchReason</c>,
/// as <c>/v2/queue</c> shows them). Declared in Marathon's funnel order: when an offer fails for
/// several reasons, the first is the one counted.</summary>
public enum RejectReason
{
    /// <summary>The offer has nothing of the roles the app accepts (its role, <c>*</c>, <c>acceptedResourceRoles</c>).</summary>
    UnfulfilledRole,
    /// <summary>A placement constraint rules the agent out.</summary>
    UnfulfilledConstraint,
    /// <summary>Not enough cpus.</summary>
    InsufficientCpus,
    /// <summary>Not enough mem.</summary>
    InsufficientMemory,
    /// <summary>Not enough disk.</summary>
    InsufficientDisk,
    /// <summary>Not enough gpus.</summary>
    InsufficientGpus,
    /// <summary>The fixed host ports are not offered, or too few ports are. Checked only when everything else fits, as Marathon does.</summary>
    InsufficientPorts,
}

/// <summary>A scalar resource the offer has too little of.</summary>
/// <param name="Name">The resource: <c>cpus</c>, <c>mem</c>, <c>disk</c> or <c>gpus</c>.</param>
/// <param name="Requested">What one task needs (cores, MB, MB, devices).</param>
/// <param name="Available">What the offer has of it in the roles the app accepts.</param>
public sealed record ResourceShortfall(string Name, Scalar Requested, Scalar Available)
{
    /// <summary><c>cpus: 2 requested, 1.5 offered</c>.</summary>
    public override string ToString() => $"{Name}: {Requested} requested, {Available} offered";
}

/// <summary>The outcome of matching one offer against one app: <see cref="OfferMatched"/> or <see cref="OfferRejected"/>.</summary>
public abstract record OfferMatchResult
{
    private protected OfferMatchResult() { }

    /// <summary>True for <see cref="OfferMatched"/>.</summary>
    public bool IsMatch => this is OfferMatched;
}

/// <summary>The offer fits the app's next task.</summary>
/// <param name="Resources">Exactly what to take from the offer for the task: cpus, mem, disk, gpus (those reserved
/// for the app's role first, then unreserved) and one <c>ports</c> value per host port, each keeping the
/// reservation it was offered with. Always contained in the offer.</param>
/// <param name="HostPorts">The host port of each of the app's <see cref="AppDefinition.PortDefinitions"/>, in order
/// (the task's <c>$PORT0</c>, <c>$PORT1</c>, ...).</param>
public sealed record OfferMatched(Resources Resources, ValueList<int> HostPorts) : OfferMatchResult;

/// <summary>The offer does not fit the app's next task.</summary>
/// <param name="Reasons">Every reason found, in funnel order (never empty).</param>
/// <param name="Constraints">The constraints that rule the agent out (with <see cref="RejectReason.UnfulfilledConstraint"/>).</param>
/// <param name="Shortfalls">The scalars the offer lacks (with the Insufficient* reasons for them).</param>
/// <param name="Details">Every problem in words, one line each, for people (<c>bridge app why</c>).</param>
public sealed record OfferRejected(
    ValueList<RejectReason> Reasons,
    ValueList<ConstraintRejection> Constraints,
    ValueList<ResourceShortfall> Shortfalls,
    ValueList<string> Details) : OfferMatchResult
{
    /// <summary>The reason counted for this offer: the first in funnel order.</summary>
    public RejectReason Reason => Reasons[0];

    /// <summary>The details joined with <c>; </c>.</summary>
    public override string ToString() => string.Join("; ", Details);
}

using Bridge.Kernel;
using Bridge.Schedulers.Services.Constraints;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Placement.Internal;

namespace Bridge.Schedulers.Services.Placement;

/// <summary>
/// Decides whether one offer fits one app's next task, and if so exactly what to take from it
/// (Marathon's <c>ResourceMatcher.matchResources</c> and <c>PortsMatcher</c>). A stack of small stages,
/// in Marathon's order: role, constraints, cpus, mem, disk, gpus, then ports. Every stage before ports
/// runs, so a rejection carries every reason (as Marathon's does); ports are chosen only when the rest
/// fits. Pure apart from the optional <see cref="Random"/> that picks dynamic ports; not thread-safe.
/// <list type="bullet">
/// <item>Roles: an offered resource counts when it is unreserved and the app accepts <c>*</c>, or reserved
/// for the app's role (or an ancestor of it) and the app accepts its role. By default an app accepts both;
/// <see cref="AppDefinition.AcceptedResourceRoles"/> narrows that. Persistent volumes never count.</item>
/// <item>Scalars: each needed amount is taken from resources reserved for the role first, then from
/// unreserved ones, possibly from several entries. A need of zero is not checked.</item>
/// <item>Ports: with <see cref="AppDefinition.RequirePorts"/>, a non-zero port number is a fixed host port
/// that must be offered; every other port is dynamic, taken from what is left: reserved ports first, then
/// unreserved, consecutive from a random start with wrap-around, so tasks of different apps rarely reuse
/// a port soon and ranges stay whole (Marathon's <c>lazyRandomPortsFromRanges</c>). Without requirePorts
/// non-zero numbers are service ports only, as in Marathon.</item>
/// </list>
/// Cost: O(resources + constraints + ports needed) per offer, after the placement's first use per field.
/// </summary>
public sealed class OfferMatcher
{
    private readonly IOfferStage[] _feasibility;
    private readonly IOfferStage _ports;

    /// <summary>Creates a matcher.</summary>
    /// <param name="random">Where dynamic ports start; null (default): at the lowest free port, which is
    /// deterministic. The scheduler passes a <see cref="Random"/>; tests pass a seeded one or none.</param>
    public OfferMatcher(Random? random = null)
    {
        _feasibility =
        [
            new RoleStage(),
            new ConstraintStage(),
            new ScalarStage("cpus", RejectReason.InsufficientCpus, app => Scalar.FromDouble(app.Cpus)),
            new ScalarStage("mem", RejectReason.InsufficientMemory, app => Scalar.FromDouble(app.MemMb)),
            new ScalarStage("disk", RejectReason.InsufficientDisk, app => Scalar.FromDouble(app.DiskMb)),
            new ScalarStage("gpus", RejectReason.InsufficientGpus, app => Scalar.FromUnits(app.Gpus)),
        ];
        _ports = new PortStage(random);
    }

    /// <summary>Matches <paramref name="offer"/> against <paramref name="app"/>'s next task.</summary>
    /// <param name="offer">The offer's agent and resources.</param>
    /// <param name="app">The app (its resources, roles, constraints and ports).</param>
    /// <param name="placement">Where the app's tasks run now (constraints depend on it).</param>
    /// <returns><see cref="OfferMatched"/> with the resources to take and the host ports, or
    /// <see cref="OfferRejected"/> with every reason.</returns>
    /// <exception cref="InvalidOperationException">A bug: what was taken is not contained in the offer.</exception>
    public OfferMatchResult Match(OfferFacts offer, AppDefinition app, CurrentPlacement placement)
    {
        var context = new MatchContext(offer, app, placement);
        foreach (var stage in _feasibility) stage.Check(context);
        if (context.Reasons.Count == 0) _ports.Check(context);
        return context.Result();
    }
}

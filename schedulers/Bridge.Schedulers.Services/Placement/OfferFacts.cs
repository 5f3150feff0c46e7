using Bridge.Kernel;
using Bridge.Schedulers.Services.Constraints;

namespace Bridge.Schedulers.Services.Placement;

/// <summary>What matching needs to know of an offer: the agent it comes from and its resources.</summary>
/// <param name="Agent">The offering agent (id, hostname, attributes).</param>
/// <param name="Resources">The offered resources (<c>cpus:4;mem:4096;ports:[31000-32000]</c>, with reservations).</param>
public sealed record OfferFacts(AgentFacts Agent, Resources Resources);

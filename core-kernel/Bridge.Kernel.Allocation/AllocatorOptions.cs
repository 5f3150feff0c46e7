namespace Bridge.Kernel.Allocation;

/// <summary>How siblings in the allocation tree are ordered (Mesos <c>--role_sorter</c>/<c>--framework_sorter</c>).</summary>
public enum SorterKind
{
    /// <summary>Weighted Dominant Resource Fairness: lowest <c>dominant share / weight</c> first.</summary>
    Drf,
    /// <summary>Strict priority: highest weight first, whatever it already holds (can starve the rest); ties by DRF.</summary>
    StrictPriority,
}

/// <summary>Allocator configuration. Immutable; defaults follow Mesos where Mesos has one.</summary>
public sealed record AllocatorOptions
{
    /// <summary>Time between batch allocation cycles (default: 1 s, Mesos <c>--allocation_interval</c>).</summary>
    public TimeSpan AllocationInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Filter length when a decline gives none (default: 5 s, Mesos <c>Filters.refuse_seconds</c>).</summary>
    public TimeSpan DefaultRefuse { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest filter; longer requests are capped (default: 365 days, as Mesos caps them).</summary>
    public TimeSpan MaxRefuse { get; init; } = TimeSpan.FromDays(365);

    /// <summary>Outstanding offers older than this are reported by <see cref="HierarchicalAllocator.ExpiredOffers"/>
    /// for the master to rescind (default: null, never; Mesos <c>--offer_timeout</c>).</summary>
    public TimeSpan? OfferTimeout { get; init; }

    /// <summary>An offer is made only if it contains at least one of these quantities
    /// (default: <c>cpus:0.01</c> or <c>mem:32</c>, Mesos <c>--min_allocatable_resources</c>). Empty: any non-empty offer.</summary>
    public IReadOnlyList<ResourceQuantities> MinAllocatable { get; init; } =
        [ResourceQuantities.Parse("cpus:0.01"), ResourceQuantities.Parse("mem:32")];

    /// <summary>Order between sibling roles (default: DRF).</summary>
    public SorterKind RoleSorter { get; init; } = SorterKind.Drf;

    /// <summary>Order between the frameworks of one role (default: DRF).</summary>
    public SorterKind FrameworkSorter { get; init; } = SorterKind.Drf;

    /// <summary>Grace period given with each revocation, between the kill request and a forced kill (default: 30 s).</summary>
    public TimeSpan RevocationGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Seed for the per-cycle agent shuffle (default: 0). Same seed and same events: same offers.</summary>
    public int Seed { get; init; }

    /// <summary>Prefix of generated offer ids, e.g. the master id (default: <c>O</c>; ids are <c>O-1</c>, <c>O-2</c>, ...).</summary>
    public string OfferIdPrefix { get; init; } = "O";
}

/// <summary>
/// A role's quota (Mesos ≥ 1.9 <c>QuotaConfig</c>). <see cref="Guarantee"/> is served first,
/// before fair sharing, and enough unreserved headroom is held back for unmet guarantees;
/// <see cref="Limit"/> is never exceeded (names it does not mention are unlimited).
/// Consumption counts unreserved allocations plus reservations of the role's subtree.
/// </summary>
/// <param name="Guarantee">Amounts the role is guaranteed (e.g. <c>cpus:8;mem:16384</c>).</param>
/// <param name="Limit">Most the role may consume, or null for no limit.</param>
public sealed record Quota(ResourceQuantities Guarantee, ResourceQuantities? Limit = null)
{
    /// <summary>No guarantee, no limit.</summary>
    public static readonly Quota None = new(ResourceQuantities.Empty);

    /// <summary>True when there is neither a guarantee nor a limit.</summary>
    public bool IsNone => Guarantee.IsEmpty && Limit is null;
}

/// <summary>Mesos <c>Filters</c> on DECLINE (and on the unused part of ACCEPT).</summary>
/// <param name="RefuseSeconds">Seconds not to re-offer the declined resources of that agent; null: the default (5 s);
/// zero or less: no filter.</param>
public sealed record Filters(double? RefuseSeconds = null);

/// <summary>An offer made by the allocator: resources of one agent, for one framework in one role.</summary>
/// <param name="Id">Offer id (unique per allocator).</param>
/// <param name="FrameworkId">Who it is for.</param>
/// <param name="AgentId">Whose resources.</param>
/// <param name="Role">The role the resources are allocated to (Mesos <c>allocation_info.role</c>).</param>
/// <param name="Resources">What is offered.</param>
/// <param name="CreatedAt">When, on the allocator's clock.</param>
public sealed record Offer(OfferId Id, FrameworkId FrameworkId, AgentId AgentId, string Role, Resources Resources, DateTimeOffset CreatedAt);

/// <summary>What one allocation cycle did.</summary>
/// <param name="Offers">New offers (at most one per framework, role and agent).</param>
/// <param name="AgentsConsidered">Agents examined (not skipped as unchanged since they last had nothing to offer).</param>
public sealed record AllocationResult(IReadOnlyList<Offer> Offers, int AgentsConsidered);

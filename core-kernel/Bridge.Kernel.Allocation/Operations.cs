namespace Bridge.Kernel.Allocation;

/// <summary>An operation in an ACCEPT call (Mesos <c>Offer.Operation</c>), applied in order to the offer's resources.</summary>
public abstract record OfferOperation;

/// <summary>LAUNCH: a task takes <paramref name="Resources"/> from the offer.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Resources">What it uses (including its executor's share, if any).</param>
/// <param name="Priority">Revocation order: lower priorities are revoked first (default 0).</param>
public sealed record LaunchOperation(TaskId TaskId, Resources Resources, int Priority = 0) : OfferOperation;

/// <summary>RESERVE: unreserved resources of the offer become dynamically reserved.</summary>
/// <param name="Resources">The resources in their reserved form (e.g. <c>cpus(eng,alice):2</c>).</param>
public sealed record ReserveOperation(Resources Resources) : OfferOperation;

/// <summary>UNRESERVE: dynamically reserved resources of the offer become unreserved.</summary>
/// <param name="Resources">The reserved resources to release.</param>
public sealed record UnreserveOperation(Resources Resources) : OfferOperation;

/// <summary>CREATE: reserved disk of the offer becomes persistent volumes.</summary>
/// <param name="Volumes">The volumes (reserved <c>disk</c> with <see cref="DiskInfo"/>).</param>
public sealed record CreateVolumesOperation(Resources Volumes) : OfferOperation;

/// <summary>DESTROY: persistent volumes of the offer become plain reserved disk again.</summary>
/// <param name="Volumes">The volumes to destroy.</param>
public sealed record DestroyVolumesOperation(Resources Volumes) : OfferOperation;

/// <summary>The outcome of ACCEPT: <see cref="Ok"/> or the first failing operation and why.
/// When it fails, nothing was applied and the offer is still outstanding.</summary>
/// <param name="Error">Null on success; otherwise a precise message.</param>
/// <param name="OperationIndex">Index of the failing operation, or -1.</param>
public sealed record AcceptResult(string? Error, int OperationIndex = -1)
{
    /// <summary>Success.</summary>
    public static readonly AcceptResult Ok = new((string?)null);

    /// <summary>True when every operation was applied.</summary>
    public bool Succeeded => Error is null;
}

/// <summary>What an ACCEPT would do (<see cref="HierarchicalAllocator.PreviewAccept"/>).</summary>
/// <param name="Result">The outcome the ACCEPT would have.</param>
/// <param name="AgentTotal">The agent's total resources after it, reservations and volumes applied.</param>
public sealed record AcceptPreview(AcceptResult Result, Resources AgentTotal);

/// <summary>A running task the allocator asks the master to kill, to restore a role's quota guarantee.</summary>
/// <param name="FrameworkId">Owner of the task.</param>
/// <param name="TaskId">The task.</param>
/// <param name="AgentId">Where it runs.</param>
/// <param name="Role">The role it is allocated to (above its fair share).</param>
/// <param name="Resources">What killing it frees.</param>
/// <param name="GracePeriod">Time the executor gets between the kill request and a forced kill.</param>
/// <param name="Reason">Which guarantee it restores, in words.</param>
public sealed record Revocation(FrameworkId FrameworkId, TaskId TaskId, AgentId AgentId, string Role, Resources Resources, TimeSpan GracePeriod, string Reason);

/// <summary>What to take back so unmet quota guarantees can be served: outstanding offers to
/// rescind first (free to take back), then tasks to kill with a grace period.</summary>
/// <param name="RescindOffers">Offers to rescind.</param>
/// <param name="Revocations">Tasks to kill, in the order chosen.</param>
public sealed record RevocationPlan(IReadOnlyList<OfferId> RescindOffers, IReadOnlyList<Revocation> Revocations)
{
    /// <summary>Nothing to do.</summary>
    public static readonly RevocationPlan None = new([], []);

    /// <summary>True when there is nothing to rescind or kill.</summary>
    public bool IsEmpty => RescindOffers.Count == 0 && Revocations.Count == 0;
}

/// <summary>A role as the allocator sees it (for the operator API and tests).</summary>
/// <param name="Role">Role name.</param>
/// <param name="Weight">Its weight (default 1).</param>
/// <param name="DominantShare">Offered + used dominant share of the whole cluster, 0..1 (not divided by weight).</param>
/// <param name="Allocated">Offered + used scalars of its subtree.</param>
/// <param name="Consumed">Quota consumption: unreserved allocations plus reservations of its subtree.</param>
/// <param name="Quota">Its quota.</param>
public sealed record RoleSummary(string Role, double Weight, double DominantShare, ResourceQuantities Allocated, ResourceQuantities Consumed, Quota Quota);

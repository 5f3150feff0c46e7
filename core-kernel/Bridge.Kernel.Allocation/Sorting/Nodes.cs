using Bridge.Kernel.Allocation.Internal;

namespace Bridge.Kernel.Allocation.Sorting;

/// <summary>A role in the hierarchy (<c>eng</c>, <c>eng/hadoop</c>); the root has the empty name.
/// Its children are its sub-roles and, when frameworks subscribe to it directly, its <see cref="SelfNode"/>.</summary>
internal sealed class RoleNode(string role, ISortPolicy policy, RoleNode? parentRole) : SortNode(role, policy)
{
    public string Role { get; } = role;
    public RoleNode? ParentRole { get; } = parentRole;
    public Dictionary<string, RoleNode> SubRoles { get; } = new(StringComparer.Ordinal);
    public SelfNode? Self;

    /// <summary>Unreserved scalars offered to or used by this subtree (milli-units).</summary>
    public long[] AllocatedUnreserved = new long[8];

    /// <summary>Scalars reserved for this subtree on agents, allocated or not (milli-units).</summary>
    public long[] Reserved = new long[8];

    public Quota Quota = Quota.None;
    public (int Kind, long Amount)[] Guarantee = [];
    public (int Kind, long Amount)[] Limit = [];
    public bool HasExplicitWeight;

    /// <summary>Quota consumption of one kind: unreserved allocations plus reservations (Mesos ≥ 1.9).</summary>
    public long Consumed(int kind) => Vec.Get(AllocatedUnreserved, kind) + Vec.Get(Reserved, kind);

    public bool IsRoot => ParentRole is null;

    /// <summary>Nothing refers to this role any more: it may be dropped from the tree.</summary>
    public bool IsIdle =>
        !IsRoot && SubRoles.Count == 0 && Self is null && Quota.IsNone && !HasExplicitWeight
        && Vec.IsZero(Allocated) && Vec.IsZero(Reserved);
}

/// <summary>The frameworks subscribed directly to a role, as one leaf among the role's sub-roles
/// (Mesos' virtual <c>.</c> child). Its children are <see cref="MembershipNode"/>s.</summary>
internal sealed class SelfNode(RoleNode role, ISortPolicy policy) : SortNode(".", policy)
{
    public RoleNode Role { get; } = role;
}

/// <summary>A framework's subscription to one role. <see cref="Index"/> is dense and reused, for filter bitsets.</summary>
internal sealed class MembershipNode(FrameworkState framework, RoleNode role, int index, ISortPolicy policy)
    : SortNode(framework.Id.Value, policy)
{
    public FrameworkState Framework { get; } = framework;
    public RoleNode Role { get; } = role;
    public int Index { get; } = index;
    public bool Suppressed;

    public bool Eligible => Framework.Active && !Suppressed;
}

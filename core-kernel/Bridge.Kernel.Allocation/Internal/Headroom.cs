using Bridge.Kernel.Allocation.Sorting;

namespace Bridge.Kernel.Allocation.Internal;

/// <summary>
/// Quota arithmetic: how much of each unreserved kind must stay free for unmet guarantees
/// (required headroom), how much is free (available headroom), how far a role is below its
/// guarantee and from its limit. A guarantee is accounted at the top-most role that has one
/// (a child's guarantee lies within its parent's); limits apply at every level.
/// </summary>
internal sealed class Headroom
{
    /// <summary>Unreserved scalars neither offered nor used, on active agents (milli-units).</summary>
    public long[] AvailableUnreserved = new long[8];

    private readonly List<RoleNode> _quotaRoles = [];
    private RoleNode[] _guaranteeRoots = [];

    /// <summary>True when any role has a guarantee or a limit (otherwise no capping is needed).</summary>
    public bool QuotaConfigured => _quotaRoles.Count > 0;

    /// <summary>Roles with a guarantee and no guaranteed ancestor.</summary>
    public IReadOnlyList<RoleNode> GuaranteeRoots => _guaranteeRoots;

    /// <summary>Sets a role's quota (already validated) and refreshes the derived lists.</summary>
    public void SetQuota(RoleNode role, Quota quota, ResourceNames names)
    {
        role.Quota = quota;
        role.Guarantee = quota.Guarantee.Select(kv => (names.IndexOf(kv.Key), kv.Value.Millis)).ToArray();
        role.Limit = quota.Limit is null ? [] : quota.Limit.Select(kv => (names.IndexOf(kv.Key), kv.Value.Millis)).ToArray();
        _quotaRoles.Remove(role);
        if (!quota.IsNone) _quotaRoles.Add(role);
        _guaranteeRoots = _quotaRoles
            .Where(r => r.Guarantee.Length > 0 && !Ancestors(r).Any(a => a.Guarantee.Length > 0))
            .OrderBy(r => r.Role, StringComparer.Ordinal).ToArray();
    }

    /// <summary>How much of <paramref name="kind"/> <paramref name="role"/> still lacks to reach its guarantee (0 when none).</summary>
    public static long Unmet(RoleNode role, int kind)
    {
        foreach (var (k, amount) in role.Guarantee)
            if (k == kind) return Math.Max(0, amount - role.Consumed(kind));
        return 0;
    }

    public static bool HasUnmetGuarantee(RoleNode role)
    {
        foreach (var (k, amount) in role.Guarantee)
            if (role.Consumed(k) < amount) return true;
        return false;
    }

    /// <summary>The most of <paramref name="kind"/> <paramref name="role"/> may still take under its and its ancestors' limits.</summary>
    public static long LimitRoom(RoleNode role, int kind)
    {
        long room = long.MaxValue;
        for (RoleNode? r = role; r is not null; r = r.ParentRole)
            foreach (var (k, amount) in r.Limit)
                if (k == kind) room = Math.Min(room, Math.Max(0, amount - r.Consumed(kind)));
        return room;
    }

    /// <summary>Sum of unmet guarantees over guarantee roots, per kind, into <paramref name="required"/> (reused, grown to <paramref name="kinds"/>).</summary>
    public void Required(ref long[] required, int kinds)
    {
        if (required.Length < kinds) required = new long[kinds];
        else Array.Clear(required);
        foreach (var r in GuaranteeRoots)
            foreach (var (k, amount) in r.Guarantee)
                if (k < kinds) required[k] += Math.Max(0, amount - r.Consumed(k));
    }

    /// <summary>Free unreserved amount of <paramref name="kind"/> beyond what unmet guarantees need.</summary>
    public long Surplus(long[] required, int kind) =>
        Math.Max(0, Vec.Get(AvailableUnreserved, kind) - (kind < required.Length ? required[kind] : 0));

    private static IEnumerable<RoleNode> Ancestors(RoleNode r)
    {
        for (var a = r.ParentRole; a is not null && !a.IsRoot; a = a.ParentRole) yield return a;
    }
}

using Bridge.Kernel.Allocation.Sorting;

namespace Bridge.Kernel.Allocation.Internal;

/// <summary>
/// Chooses what to take back when unmet quota guarantees cannot be served from free
/// resources. The rules, in order:
/// <list type="number">
/// <item>Shortfall: per kind, the unmet guarantees (summed over guarantee roots) minus the free
/// unreserved resources and minus what pending revocations will free. Nothing to do when no kind falls short.</item>
/// <item>Outstanding offers of unreserved resources to roles not below their guarantee are
/// rescinded first (taking back an offer loses no work), largest first.</item>
/// <item>Then running tasks, only from victim roles that stay at or above their guarantee
/// after the kill (and every guaranteed ancestor too) and whose weighted dominant share is
/// above that of every starving role. Candidates in order: lowest task priority, then most
/// recently started (least work lost), then the victim role's highest weighted share. A task
/// is taken only if it frees some kind still short, and only its unreserved resources count.</item>
/// </list>
/// Tasks of a role at or below its guarantee are never chosen.
/// </summary>
internal sealed class RevocationPlanner(AllocatorState state)
{
    public RevocationPlan Plan()
    {
        state.Tree.EnsureSorted();
        int kinds = state.Names.Count;
        var starving = state.Headroom.GuaranteeRoots.Where(Headroom.HasUnmetGuarantee).ToList();
        if (starving.Count == 0) return RevocationPlan.None;

        long[] shortfall = [];
        state.Headroom.Required(ref shortfall, kinds);
        for (int k = 0; k < kinds; k++) shortfall[k] -= Vec.Get(state.Headroom.AvailableUnreserved, k);
        foreach (var t in state.Tasks.Values)
            if (t.Revoking) Subtract(shortfall, t.Resources);
        if (!AnyPositive(shortfall)) return RevocationPlan.None;

        // Projected consumption of each role once the chosen offers and tasks are gone.
        var projected = new Dictionary<RoleNode, long[]>();
        var rescind = new List<OfferId>();
        foreach (var o in state.Offers.Values.OrderByDescending(o => o.Resources.Unreserved.ToQuantities().Sum(kv => kv.Value.Millis)))
        {
            if (!AnyPositive(shortfall)) break;
            var unreserved = o.Resources.Unreserved;
            if (!Frees(shortfall, unreserved) || !StaysAtGuarantee(o.Membership.Role, unreserved, projected)) continue;
            rescind.Add(o.Id);
            Take(o.Membership.Role, unreserved, projected);
            Subtract(shortfall, unreserved);
        }

        double threshold = starving.Max(r => r.Share / r.Weight);
        var revocations = new List<Revocation>();
        var reason = "restore the quota guarantee of " + string.Join(", ", starving.Select(r => r.Role));
        var candidates = state.Tasks.Values
            .Where(t => !t.Revoking && !t.Resources.Unreserved.IsEmpty && WeightedShare(t.Membership.Role) > threshold)
            .OrderBy(t => t.Priority)
            .ThenByDescending(t => t.StartedAt)
            .ThenByDescending(t => WeightedShare(t.Membership.Role))
            .ThenBy(t => t.Id.Value, StringComparer.Ordinal);
        foreach (var t in candidates)
        {
            if (!AnyPositive(shortfall)) break;
            var unreserved = t.Resources.Unreserved;
            var role = t.Membership.Role;
            if (starving.Any(s => Roles.IsSelfOrAncestor(s.Role, role.Role))) continue;
            if (!Frees(shortfall, unreserved) || !StaysAtGuarantee(role, unreserved, projected)) continue;
            t.Revoking = true;
            Take(role, unreserved, projected);
            Subtract(shortfall, unreserved);
            revocations.Add(new Revocation(t.Membership.Framework.Id, t.Id, t.Agent.Id, role.Role, t.Resources, state.Options.RevocationGracePeriod, reason));
        }
        return rescind.Count == 0 && revocations.Count == 0 ? RevocationPlan.None : new RevocationPlan(rescind, revocations);
    }

    private static double WeightedShare(RoleNode role)
    {
        // The top-level role's weighted share decides who is "above its fair share".
        var top = role;
        while (top.ParentRole is { IsRoot: false } p) top = p;
        return top.Share / top.Weight;
    }

    private bool Frees(long[] shortfall, Resources resources)
    {
        foreach (var r in resources)
            if (r.Type == ResourceType.Scalar && !r.Scalar.IsZero)
            {
                int k = state.Names.IndexOf(r.Name);
                if (k < shortfall.Length && shortfall[k] > 0) return true;
            }
        return false;
    }

    private bool StaysAtGuarantee(RoleNode role, Resources freed, Dictionary<RoleNode, long[]> projected)
    {
        for (RoleNode? r = role; r is not null && !r.IsRoot; r = r.ParentRole)
        {
            var taken = projected.GetValueOrDefault(r);
            foreach (var (k, amount) in r.Guarantee)
            {
                long after = r.Consumed(k) - Vec.Get(taken ?? [], k) - freed.GetScalar(state.Names[k]).Millis;
                if (after < amount) return false;
            }
        }
        return true;
    }

    private void Take(RoleNode role, Resources freed, Dictionary<RoleNode, long[]> projected)
    {
        var v = state.Names.ToVector(freed);
        for (RoleNode? r = role; r is not null && !r.IsRoot; r = r.ParentRole)
        {
            if (!projected.TryGetValue(r, out var taken)) projected[r] = taken = new long[v.Length];
            Vec.AddAll(ref taken, v, +1);
            projected[r] = taken;
        }
    }

    private void Subtract(long[] shortfall, Resources resources)
    {
        foreach (var r in resources.Unreserved)
            if (r.Type == ResourceType.Scalar)
            {
                int k = state.Names.IndexOf(r.Name);
                if (k < shortfall.Length) shortfall[k] -= r.Scalar.Millis;
            }
    }

    private static bool AnyPositive(long[] v) => v.Any(x => x > 0);
}

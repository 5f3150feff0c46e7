using Bridge.Kernel.Allocation.Filtering;
using Bridge.Kernel.Allocation.Sorting;

namespace Bridge.Kernel.Allocation.Internal;

/// <summary>
/// One allocation cycle, Mesos' two stages over agents in shuffled order:
/// <list type="number">
/// <item>Quota guarantees: roles below their guarantee are offered, in sort order, the
/// guaranteed kinds up to what they lack (other kinds only from the surplus).</item>
/// <item>Fair share: every role, in sort order, is offered what is left, minus the
/// headroom held back for unmet guarantees and capped by quota limits.</item>
/// </list>
/// Within a role, frameworks are taken in sort order; the first eligible, unfiltered one
/// gets the agent's offerable resources for that role. The tree stays sorted as shares
/// change, so nothing is re-sorted inside the cycle. An agent where nobody could be offered
/// anything is parked until it, or the allocator's epoch, changes.
/// </summary>
internal sealed class AllocationCycle(AllocatorState state)
{
    private readonly List<SelfNode> _leaves = [];
    private readonly Random _random = new(state.Options.Seed);
    private readonly List<AgentState> _order = [];
    private readonly List<OfferState> _made = [];
    private ulong[] _scratch = new ulong[16];
    private long[] _required = [];
    private Resources? _checked;
    private bool _allocatable;
    private ulong[]? _filtered;

    public AllocationResult Run(IEnumerable<AgentState> agents)
    {
        state.ExpireFilters();
        state.Tree.EnsureSorted();
        state.Cycle++;
        _made.Clear();
        _order.Clear();
        _order.AddRange(agents);
        Shuffle(_order);

        int considered = 0;
        bool quota = state.Headroom.QuotaConfigured;
        bool unmet = quota && state.Headroom.GuaranteeRoots.Any(Headroom.HasUnmetGuarantee);
        foreach (var agent in _order)
        {
            if (!agent.Dirty && agent.ParkedEpoch == state.Epoch) continue;
            considered++;
            int before = _made.Count;
            if (unmet) AllocateAgent(agent, guaranteesOnly: true, quota);
            AllocateAgent(agent, guaranteesOnly: false, quota);
            if (_made.Count == before)
            {
                agent.Dirty = false;
                agent.ParkedEpoch = state.Epoch;
            }
        }
        state.Pending.Clear();
        var offers = _made.Select(o => new Offer(o.Id, o.Membership.Framework.Id, o.Agent.Id, o.Membership.Role.Role, o.Resources, o.CreatedAt)).ToList();
        return new AllocationResult(offers, considered);
    }

    private void AllocateAgent(AgentState agent, bool guaranteesOnly, bool quota)
    {
        if (agent.Available.IsEmpty) return;
        _checked = null;
        state.Tree.CollectLeaves(_leaves);
        if (quota) state.Headroom.Required(ref _required, state.Names.Count);
        foreach (var leaf in _leaves)
        {
            if (agent.Available.IsEmpty) return;
            var role = leaf.Role;
            if (guaranteesOnly && !OnUnmetPath(role)) continue;
            var offerable = Offerable(agent, role, guaranteesOnly, quota);
            if (!ReferenceEquals(offerable, _checked))
            {
                // Without quota caps or reservations every role sees the same resources:
                // check them, and compute their filter mask, once per agent, not once per role.
                _checked = offerable;
                _allocatable = !offerable.IsEmpty && IsAllocatable(offerable);
                _filtered = !_allocatable || agent.Filters.IsEmpty ? null : agent.Filters.FilteredFor(offerable, ref _scratch);
            }
            if (!_allocatable) continue;
            var filtered = _filtered;
            foreach (var child in leaf.OrderedChildren)
            {
                var m = (MembershipNode)child;
                if (!m.Eligible || (filtered is not null && FilterTable.Test(filtered, m.Index))) continue;
                Offer(agent, m, offerable);
                if (quota) state.Headroom.Required(ref _required, state.Names.Count);
                break;
            }
        }
    }

    private void Offer(AgentState agent, MembershipNode m, Resources resources)
    {
        foreach (var id in agent.Offers)
        {
            var existing = state.Offers[id];
            if (existing.Cycle == state.Cycle && existing.Membership == m)
            {
                state.ExtendOffer(existing, resources);
                return;
            }
        }
        _made.Add(state.CreateOffer(agent, m, resources));
    }

    /// <summary>What <paramref name="role"/> may be offered of <paramref name="agent"/> in this stage:
    /// reservations visible to the role, plus unreserved resources capped by quota.</summary>
    private Resources Offerable(AgentState agent, RoleNode role, bool guaranteesOnly, bool quota)
    {
        var available = agent.Available.AllocatableTo(role.Role);
        if (!quota) return available;
        var unreserved = available.Unreserved;
        Resource[]? capped = null;
        for (int i = 0; i < unreserved.Count; i++)
        {
            var r = unreserved[i];
            if (r.Type != ResourceType.Scalar) continue;
            long cap = Cap(role, state.Names.IndexOf(r.Name), guaranteesOnly);
            if (r.Scalar.Millis <= cap) continue;
            capped ??= [.. unreserved];
            capped[i] = r.WithScalar(Scalar.FromMillis(cap));
        }
        if (capped is null) return available;
        return available.Reserved.Plus(Resources.Of(capped));
    }

    private long Cap(RoleNode role, int kind, bool guaranteesOnly)
    {
        long unmet = UnmetOnPath(role, kind, out bool guaranteed);
        long cap = guaranteesOnly && guaranteed ? unmet : state.Headroom.Surplus(_required, kind) + unmet;
        return Math.Min(cap, Headroom.LimitRoom(role, kind));
    }

    /// <summary>Smallest shortfall of <paramref name="kind"/> among guaranteed roles on the path to the root.</summary>
    private static long UnmetOnPath(RoleNode role, int kind, out bool guaranteed)
    {
        guaranteed = false;
        long unmet = long.MaxValue;
        for (RoleNode? r = role; r is not null && !r.IsRoot; r = r.ParentRole)
            foreach (var (k, _) in r.Guarantee)
                if (k == kind)
                {
                    guaranteed = true;
                    unmet = Math.Min(unmet, Headroom.Unmet(r, kind));
                }
        return guaranteed ? unmet : 0;
    }

    private static bool OnUnmetPath(RoleNode role)
    {
        for (RoleNode? r = role; r is not null && !r.IsRoot; r = r.ParentRole)
            if (Headroom.HasUnmetGuarantee(r)) return true;
        return false;
    }

    /// <summary>Mesos <c>min_allocatable_resources</c>: at least one configured quantity must fit.</summary>
    private bool IsAllocatable(Resources offerable)
    {
        var mins = state.Options.MinAllocatable;
        if (mins.Count == 0) return true;
        foreach (var min in mins)
        {
            bool fits = true;
            foreach (var (name, amount) in min)
                if (offerable.GetScalar(name) < amount) { fits = false; break; }
            if (fits) return true;
        }
        return false;
    }

    private void Shuffle(List<AgentState> agents)
    {
        for (int i = agents.Count - 1; i > 0; i--)
        {
            int j = _random.Next(i + 1);
            (agents[i], agents[j]) = (agents[j], agents[i]);
        }
    }
}

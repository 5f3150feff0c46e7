using Bridge.Kernel.Allocation.Sorting;

namespace Bridge.Kernel.Allocation.Internal;

/// <summary>
/// Everything the allocator knows, and the few mutations that keep its books consistent:
/// an allocation (offer or task) moves resources out of an agent's available pool and into
/// the tree's shares and quota consumption; releasing it moves them back. Every path that
/// changes resources goes through <see cref="Allocate"/>/<see cref="Release"/>.
/// </summary>
internal sealed class AllocatorState
{
    private readonly Stack<int> _freeMembershipIndices = new();
    private readonly Stack<int> _freeAgentIndices = new();
    private int _nextMembershipIndex;
    private long _nextOfferId;

    public AllocatorState(AllocatorOptions options, TimeProvider clock)
    {
        Options = options;
        Clock = clock;
        Tree = new RoleTree(options.RoleSorter, options.FrameworkSorter);
    }

    public AllocatorOptions Options { get; }
    public TimeProvider Clock { get; }
    public ResourceNames Names { get; } = new();
    public RoleTree Tree { get; }
    public Headroom Headroom { get; } = new();
    public Dictionary<AgentId, AgentState> Agents { get; } = [];
    public List<AgentState?> AgentSlots { get; } = [];
    public Dictionary<FrameworkId, FrameworkState> Frameworks { get; } = [];
    public Dictionary<OfferId, OfferState> Offers { get; } = [];
    public Queue<OfferState> OffersByAge { get; } = new();
    public Dictionary<(FrameworkId, TaskId), TaskState> Tasks { get; } = [];
    public PriorityQueue<AgentState, long> FilterExpiries { get; } = new();
    public HashSet<AgentState> Pending { get; } = [];

    /// <summary>Bumped by any event that may let an agent previously found to have nothing to
    /// offer make an offer now (resources recovered, a framework revived, quota changed, ...).</summary>
    public long Epoch;

    /// <summary>Number of allocation cycles run.</summary>
    public long Cycle;

    public DateTimeOffset Now => Clock.GetUtcNow();

    public void BumpEpoch() => Epoch++;

    /// <summary>Marks an agent changed: it is no longer parked and is due for targeted allocation.</summary>
    public void Touch(AgentState agent)
    {
        agent.Dirty = true;
        if (Agents.ContainsKey(agent.Id)) Pending.Add(agent);
    }

    public int TakeMembershipIndex() => _freeMembershipIndices.Count > 0 ? _freeMembershipIndices.Pop() : _nextMembershipIndex++;

    public void ReturnMembershipIndex(int index) => _freeMembershipIndices.Push(index);

    public int TakeAgentSlot()
    {
        if (_freeAgentIndices.Count > 0) return _freeAgentIndices.Pop();
        AgentSlots.Add(null);
        return AgentSlots.Count - 1;
    }

    public void ReturnAgentSlot(int index)
    {
        AgentSlots[index] = null;
        _freeAgentIndices.Push(index);
    }

    public OfferId NextOfferId() => new($"{Options.OfferIdPrefix}-{++_nextOfferId}");

    /// <summary>Moves <paramref name="resources"/> of <paramref name="agent"/> from available to <paramref name="m"/>.</summary>
    /// <exception cref="InvalidOperationException">The agent does not have them available (a bookkeeping bug).</exception>
    public void Allocate(AgentState agent, MembershipNode m, Resources resources)
    {
        agent.Available = agent.Available.Minus(resources);
        var (all, unreserved) = Vectors(resources);
        Tree.Allocate(m, all, unreserved, +1);
        Vec.AddAll(ref Headroom.AvailableUnreserved, unreserved, -1);
    }

    /// <summary>Moves <paramref name="resources"/> from <paramref name="m"/> back to <paramref name="agent"/>'s available pool.</summary>
    public void Release(AgentState agent, MembershipNode m, Resources resources)
    {
        agent.Available = agent.Available.Plus(resources);
        var (all, unreserved) = Vectors(resources);
        Tree.Allocate(m, all, unreserved, -1);
        Vec.AddAll(ref Headroom.AvailableUnreserved, unreserved, +1);
    }

    /// <summary>Scalar vectors (all, unreserved) of an immutable <see cref="Resources"/>, computed once per instance.</summary>
    private (long[] All, long[] Unreserved) Vectors(Resources resources)
    {
        if (resources.DerivedCache is QuantityCache c && c.Names == Names && c.Count == Names.Count) return (c.All, c.Unreserved);
        var all = Names.ToVector(resources);
        var unreserved = resources.HasReservations ? Names.ToVector(resources.Unreserved) : all;
        resources.DerivedCache = new QuantityCache(Names, Names.Count, all, unreserved);
        return (all, unreserved);
    }

    private sealed record QuantityCache(ResourceNames Names, int Count, long[] All, long[] Unreserved);

    /// <summary>Adds (sign 1) or removes (-1) an agent-total change: cluster total, reservations, free headroom.</summary>
    public void AccountTotal(Resources resources, Resources availablePart, int sign)
    {
        Vec.AddAll(ref Tree.Total, Names.ToVector(resources), sign);
        foreach (var (role, reserved) in resources.ReservationsByRole())
            Tree.AddReserved(role, Names.ToVector(reserved), sign);
        Vec.AddAll(ref Headroom.AvailableUnreserved, Names.ToVector(availablePart.Unreserved), sign);
        Tree.MarkStale();
    }

    public OfferState CreateOffer(AgentState agent, MembershipNode m, Resources resources)
    {
        Allocate(agent, m, resources);
        var offer = new OfferState(NextOfferId(), m, agent, resources, Now, Cycle);
        Offers[offer.Id] = offer;
        OffersByAge.Enqueue(offer);
        agent.Offers.Add(offer.Id);
        m.Framework.Offers.Add(offer.Id);
        return offer;
    }

    public void ExtendOffer(OfferState offer, Resources more)
    {
        Allocate(offer.Agent, offer.Membership, more);
        offer.Resources = offer.Resources.Plus(more);
    }

    /// <summary>Drops an offer and returns its resources to the agent.</summary>
    public void RemoveOffer(OfferState offer)
    {
        Offers.Remove(offer.Id);
        offer.Agent.Offers.Remove(offer.Id);
        offer.Membership.Framework.Offers.Remove(offer.Id);
        Release(offer.Agent, offer.Membership, offer.Resources);
        Touch(offer.Agent);
        BumpEpoch();
    }

    public TaskState AddTask(AgentState agent, MembershipNode m, TaskId id, Resources resources, int priority, DateTimeOffset startedAt)
    {
        Allocate(agent, m, resources);
        var task = new TaskState(id, m, agent, resources, priority, startedAt);
        Tasks[(m.Framework.Id, id)] = task;
        agent.Tasks.Add((m.Framework.Id, id));
        m.Framework.Tasks.Add(id);
        return task;
    }

    public void RemoveTask(TaskState task)
    {
        Tasks.Remove((task.Membership.Framework.Id, task.Id));
        task.Agent.Tasks.Remove((task.Membership.Framework.Id, task.Id));
        task.Membership.Framework.Tasks.Remove(task.Id);
        Release(task.Agent, task.Membership, task.Resources);
        Touch(task.Agent);
        BumpEpoch();
    }

    /// <summary>Adds a refusal filter of <paramref name="m"/> on <paramref name="agent"/> for <paramref name="refused"/>.</summary>
    public void AddFilter(AgentState agent, MembershipNode m, Resources refused, Filters? filters)
    {
        var seconds = filters?.RefuseSeconds ?? Options.DefaultRefuse.TotalSeconds;
        if (!(seconds > 0) || refused.IsEmpty) return;
        var duration = TimeSpan.FromSeconds(Math.Min(seconds, Options.MaxRefuse.TotalSeconds));
        long expiry = (Now + duration).UtcTicks;
        bool earlier = expiry < agent.Filters.NextExpiry;
        agent.Filters.Add(m.Index, refused, expiry);
        if (earlier) FilterExpiries.Enqueue(agent, expiry);
    }

    /// <summary>Drops filters that have expired; agents that lost one are touched.</summary>
    public void ExpireFilters()
    {
        long now = Now.UtcTicks;
        while (FilterExpiries.TryPeek(out var agent, out long at) && at <= now)
        {
            FilterExpiries.Dequeue();
            if (!Agents.ContainsKey(agent.Id)) continue;
            if (agent.Filters.RemoveExpired(now)) Touch(agent);
            if (agent.Filters.NextExpiry != long.MaxValue) FilterExpiries.Enqueue(agent, agent.Filters.NextExpiry);
        }
    }
}

using Bridge.Kernel.Allocation.Internal;
using Bridge.Kernel.Allocation.Sorting;

namespace Bridge.Kernel.Allocation;

/// <summary>
/// The first level of two-level scheduling (Mesos <c>HierarchicalAllocator</c>): pools the
/// agents' resources and decides which framework is offered what, by hierarchical weighted
/// DRF (or strict priority) over roles and frameworks, with quota guarantees and limits,
/// reservations, refusal filters, suppression, <c>min_allocatable_resources</c>, offer
/// timeouts and revocation to restore guarantees.
/// </summary>
/// <remarks>
/// Pure and single-threaded: no I/O, no timers, no locks. The master calls it from its event
/// loop: events in (agents, frameworks, accepts, declines, task ends), offers out of
/// <see cref="Allocate()"/> (batch) or <see cref="AllocatePending"/> (targeted), or
/// <see cref="Tick"/> which picks between them. Time comes from the injected
/// <see cref="TimeProvider"/>. Units: scalars in their resource's unit (cores, MB);
/// durations as <see cref="TimeSpan"/>. Misuse (unknown ids, duplicate adds) throws
/// <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/>: the master
/// validates what frameworks send before calling.
/// </remarks>
public sealed class HierarchicalAllocator
{
    private readonly AllocatorState _s;
    private readonly AllocationCycle _cycle;
    private readonly RevocationPlanner _revocation;
    private DateTimeOffset _nextBatch;

    /// <summary>Creates an empty allocator.</summary>
    /// <param name="options">Configuration (defaults follow Mesos).</param>
    /// <param name="time">The clock (default: <see cref="TimeProvider.System"/>).</param>
    public HierarchicalAllocator(AllocatorOptions? options = null, TimeProvider? time = null)
    {
        _s = new AllocatorState(options ?? new AllocatorOptions(), time ?? TimeProvider.System);
        _cycle = new AllocationCycle(_s);
        _revocation = new RevocationPlanner(_s);
        _nextBatch = _s.Now;
    }

    /// <summary>The options in force.</summary>
    public AllocatorOptions Options => _s.Options;

    // ---------------------------------------------------------------- agents

    /// <summary>Adds an agent with its total resources, all available. Its running tasks, if it is
    /// re-registering, follow through <see cref="AddTask"/>.</summary>
    /// <param name="id">Agent id.</param>
    /// <param name="hostname">Its host name (for placement and reports).</param>
    /// <param name="total">Everything it has, reservations included.</param>
    /// <param name="attributes">Its attributes (default none).</param>
    /// <exception cref="ArgumentException">The agent is already known.</exception>
    public void AddAgent(AgentId id, string hostname, Resources total, Attributes? attributes = null)
    {
        if (_s.Agents.ContainsKey(id)) throw new ArgumentException($"agent {id} is already added", nameof(id));
        var agent = new AgentState(_s.TakeAgentSlot(), id, hostname, attributes ?? Attributes.Empty, total);
        _s.AgentSlots[agent.Index] = agent;
        _s.Agents[id] = agent;
        _s.AccountTotal(total, total, +1);
        _s.Touch(agent);
        _s.BumpEpoch();
    }

    /// <summary>Removes an agent with its offers and tasks (the master has told their frameworks).</summary>
    /// <returns>The ids of the outstanding offers that were dropped, for the master to rescind.</returns>
    /// <exception cref="ArgumentException">Unknown agent.</exception>
    public IReadOnlyList<OfferId> RemoveAgent(AgentId id)
    {
        var agent = Agent(id);
        var offers = agent.Offers.ToList();
        foreach (var o in offers) _s.RemoveOffer(_s.Offers[o]);
        foreach (var t in agent.Tasks.ToList()) _s.RemoveTask(_s.Tasks[t]);
        _s.AccountTotal(agent.Total, agent.Available, -1);
        _s.Agents.Remove(id);
        _s.Pending.Remove(agent);
        _s.ReturnAgentSlot(agent.Index);
        _s.BumpEpoch();
        return offers;
    }

    /// <summary>Changes an agent's total (e.g. its operator re-configured it).</summary>
    /// <exception cref="ArgumentException">Unknown agent.</exception>
    /// <exception cref="InvalidOperationException">The new total does not hold what is offered and used.</exception>
    public void UpdateAgent(AgentId id, Resources total)
    {
        var agent = Agent(id);
        var inUse = agent.Total.Minus(agent.Available);
        if (!total.TryMinus(inUse, out var available))
            throw new InvalidOperationException($"agent {id}: new total '{total}' does not hold the offered and used '{inUse}'");
        _s.AccountTotal(agent.Total, agent.Available, -1);
        agent.Total = total;
        agent.Available = available;
        _s.AccountTotal(total, available, +1);
        _s.Touch(agent);
        _s.BumpEpoch();
    }

    // ---------------------------------------------------------------- frameworks

    /// <summary>Adds a framework subscribed to <paramref name="roles"/> (Mesos multi-role frameworks).</summary>
    /// <exception cref="ArgumentException">Already added, no roles, or an invalid role name (or <c>*</c>-only semantics misuse).</exception>
    public void AddFramework(FrameworkId id, IReadOnlyCollection<string> roles, bool active = true)
    {
        if (_s.Frameworks.ContainsKey(id)) throw new ArgumentException($"framework {id} is already added", nameof(id));
        if (roles.Count == 0) throw new ArgumentException($"framework {id} needs at least one role", nameof(roles));
        foreach (var role in roles) Roles.Require(role, nameof(roles));
        var fw = new FrameworkState(id) { Active = active };
        _s.Frameworks[id] = fw;
        foreach (var role in roles.Distinct(StringComparer.Ordinal)) AddMembership(fw, role);
        _s.BumpEpoch();
    }

    /// <summary>Changes a framework's roles (Mesos UPDATE_FRAMEWORK).</summary>
    /// <exception cref="ArgumentException">Unknown framework, no roles or an invalid role.</exception>
    /// <exception cref="InvalidOperationException">A removed role still holds offers or tasks of the framework.</exception>
    public void UpdateFrameworkRoles(FrameworkId id, IReadOnlyCollection<string> roles)
    {
        var fw = Framework(id);
        if (roles.Count == 0) throw new ArgumentException($"framework {id} needs at least one role", nameof(roles));
        foreach (var role in roles) Roles.Require(role, nameof(roles));
        foreach (var (role, m) in fw.Memberships.ToList())
            if (!roles.Contains(role))
            {
                if (!Vec.IsZero(m.Allocated)) throw new InvalidOperationException($"framework {id} still holds offers or tasks in role {role}");
                RemoveMembership(fw, m);
            }
        foreach (var role in roles)
            if (!fw.Memberships.ContainsKey(role)) AddMembership(fw, role);
        _s.BumpEpoch();
    }

    /// <summary>Removes a framework with its offers, tasks and filters (TEARDOWN, or its failover timeout ended).</summary>
    /// <returns>The ids of its outstanding offers that were dropped.</returns>
    /// <exception cref="ArgumentException">Unknown framework.</exception>
    public IReadOnlyList<OfferId> RemoveFramework(FrameworkId id)
    {
        var fw = Framework(id);
        var offers = fw.Offers.ToList();
        foreach (var o in offers) _s.RemoveOffer(_s.Offers[o]);
        foreach (var t in fw.Tasks.ToList()) _s.RemoveTask(_s.Tasks[(id, t)]);
        foreach (var m in fw.Memberships.Values.ToList()) RemoveMembership(fw, m);
        _s.Frameworks.Remove(id);
        return offers;
    }

    /// <summary>A disconnected framework gets no offers until re-activated; it keeps its tasks.</summary>
    /// <exception cref="ArgumentException">Unknown framework.</exception>
    public void DeactivateFramework(FrameworkId id) => Framework(id).Active = false;

    /// <summary>Offers resume for a re-subscribed framework.</summary>
    /// <exception cref="ArgumentException">Unknown framework.</exception>
    public void ActivateFramework(FrameworkId id)
    {
        Framework(id).Active = true;
        _s.BumpEpoch();
    }

    /// <summary>SUPPRESS: no offers to the framework in <paramref name="roles"/> (all its roles when null) until REVIVE.</summary>
    /// <exception cref="ArgumentException">Unknown framework or a role it is not subscribed to.</exception>
    public void Suppress(FrameworkId id, IReadOnlyCollection<string>? roles = null)
    {
        foreach (var m in Memberships(Framework(id), roles)) m.Suppressed = true;
    }

    /// <summary>REVIVE: clears the framework's filters and suppression in <paramref name="roles"/> (all when null),
    /// and makes a batch cycle over every agent due at once (the next <see cref="Tick"/> runs it), as Mesos'
    /// <c>reviveOffers</c> triggers an allocation: a framework that revives wants offers now, not at the next
    /// interval (up to <see cref="AllocatorOptions.AllocationInterval"/> later).</summary>
    /// <exception cref="ArgumentException">Unknown framework or a role it is not subscribed to.</exception>
    public void Revive(FrameworkId id, IReadOnlyCollection<string>? roles = null)
    {
        foreach (var m in Memberships(Framework(id), roles))
        {
            m.Suppressed = false;
            ClearFilters(m);
        }
        _s.BumpEpoch();
        _nextBatch = _s.Now;
    }

    // ---------------------------------------------------------------- roles

    /// <summary>Sets role weights (Mesos UPDATE_WEIGHTS). A weight-2 role gets twice the dominant share of a weight-1 sibling.</summary>
    /// <exception cref="ArgumentException">A role name is invalid or <c>*</c>, or a weight is not a positive finite number.</exception>
    public void UpdateWeights(IEnumerable<KeyValuePair<string, double>> weights)
    {
        var list = weights.ToList();
        foreach (var (role, weight) in list)
        {
            Roles.Require(role, nameof(weights));
            if (role == Roles.Default) throw new ArgumentException("'*' has no weight", nameof(weights));
            if (!double.IsFinite(weight) || weight <= 0) throw new ArgumentException($"weight of {role} must be a positive number, not {weight}", nameof(weights));
        }
        foreach (var (role, weight) in list)
        {
            var node = _s.Tree.GetOrCreate(role);
            _s.Tree.SetWeight(node, weight, isExplicit: weight != 1.0);
            _s.Tree.DropIfIdle(node);
        }
        _s.BumpEpoch();
    }

    /// <summary>Sets (or with <see cref="Quota.None"/>, removes) a role's quota (Mesos UPDATE_QUOTA).</summary>
    /// <exception cref="ArgumentException">Invalid role; a guarantee above the limit; a child's guarantee
    /// outside its guaranteed parent's; or children's guarantees summing above the role's own.</exception>
    public void UpdateQuota(string role, Quota quota)
    {
        Roles.Require(role);
        if (role == Roles.Default) throw new ArgumentException("'*' cannot have quota", nameof(role));
        if (quota.Limit is { } limit)
            foreach (var (name, amount) in quota.Guarantee)
                if (limit.Has(name) && limit[name] < amount)
                    throw new ArgumentException($"quota of {role}: guarantee {name}:{amount} is above its limit {name}:{limit[name]}", nameof(quota));
        ValidateNesting(role, quota);
        var node = _s.Tree.GetOrCreate(role);
        _s.Headroom.SetQuota(node, quota, _s.Names);
        _s.Tree.DropIfIdle(node);
        _s.BumpEpoch();
    }

    /// <summary>Every role the allocator tracks, ordinally by name.</summary>
    public IReadOnlyList<RoleSummary> GetRoles()
    {
        _s.Tree.EnsureSorted();
        return _s.Tree.Roles.OrderBy(r => r.Role, StringComparer.Ordinal).Select(Summary).ToList();
    }

    /// <summary>One role's summary, or null if the allocator does not track it.</summary>
    public RoleSummary? GetRole(string role)
    {
        _s.Tree.EnsureSorted();
        return _s.Tree.Find(role) is { } node ? Summary(node) : null;
    }

    /// <summary>A framework's dominant share in one of its roles (offered + used over the cluster total, 0..1).</summary>
    /// <exception cref="ArgumentException">Unknown framework or role.</exception>
    public double GetFrameworkShare(FrameworkId id, string role)
    {
        _s.Tree.EnsureSorted();
        return Memberships(Framework(id), [role]).Single().Share;
    }

    // ---------------------------------------------------------------- offers and tasks

    /// <summary>Runs a batch cycle over every agent and schedules the next one an
    /// <see cref="AllocatorOptions.AllocationInterval"/> from now.</summary>
    public AllocationResult Allocate()
    {
        _nextBatch = _s.Now + _s.Options.AllocationInterval;
        return _cycle.Run(_s.Agents.Values);
    }

    /// <summary>Runs a targeted cycle over the agents changed by events since the last cycle
    /// (resources freed, offers declined, agents added).</summary>
    public AllocationResult AllocatePending() => _cycle.Run(_s.Pending.ToList());

    /// <summary>What the master calls when its loop wakes: a batch cycle if one is due, else a targeted one if events are pending, else nothing.</summary>
    public AllocationResult Tick() =>
        _s.Now >= _nextBatch ? Allocate()
        : _s.Pending.Count > 0 ? AllocatePending()
        : new AllocationResult([], 0);

    /// <summary>When the next batch cycle is due.</summary>
    public DateTimeOffset NextBatchAt => _nextBatch;

    /// <summary>The outstanding offer with this id, or null.</summary>
    public Offer? GetOffer(OfferId id) => _s.Offers.TryGetValue(id, out var o) ? ToOffer(o) : null;

    /// <summary>Every outstanding offer.</summary>
    public IReadOnlyList<Offer> GetOffers() => _s.Offers.Values.Select(ToOffer).ToList();

    /// <summary>DECLINE: the offer's resources return to the agent, and the framework is not offered
    /// them again for <see cref="Filters.RefuseSeconds"/> (default 5 s).</summary>
    /// <exception cref="ArgumentException">Unknown offer.</exception>
    public void Decline(OfferId id, Filters? filters = null)
    {
        var offer = OfferState(id);
        _s.RemoveOffer(offer);
        _s.AddFilter(offer.Agent, offer.Membership, offer.Resources, filters);
    }

    /// <summary>The master rescinds an offer (timeout, revocation, agent gone): resources return, no filter.</summary>
    /// <exception cref="ArgumentException">Unknown offer.</exception>
    public void Rescind(OfferId id) => _s.RemoveOffer(OfferState(id));

    /// <summary>
    /// ACCEPT: applies <paramref name="operations"/> in order to the offer's resources (RESERVE,
    /// UNRESERVE, CREATE, DESTROY change them; LAUNCH takes from them); what is left returns to the
    /// agent with <paramref name="filters"/> (default 5 s), as in Mesos.
    /// </summary>
    /// <returns><see cref="AcceptResult.Ok"/>, or the first failing operation and why (then nothing is applied).</returns>
    /// <exception cref="ArgumentException">Unknown offer.</exception>
    public AcceptResult Accept(OfferId id, IReadOnlyList<OfferOperation> operations, Filters? filters = null) =>
        Accept([id], operations, filters);

    /// <summary>
    /// ACCEPT of several offers at once (Mesos allows it when they are for the same framework, role
    /// and agent): the operations apply to the offers' resources combined.
    /// </summary>
    /// <returns><see cref="AcceptResult.Ok"/>, or why not (then nothing is applied and the offers stay outstanding).</returns>
    /// <exception cref="ArgumentException">No offer, an unknown offer, or offers for different frameworks, roles or agents.</exception>
    public AcceptResult Accept(IReadOnlyList<OfferId> ids, IReadOnlyList<OfferOperation> operations, Filters? filters = null)
    {
        var (offers, plan) = PlanAccept(ids, operations);
        if (plan.Error is not null) return plan.Error;
        foreach (var offer in offers) _s.RemoveOffer(offer);
        var first = offers[0];
        var agent = first.Agent;
        foreach (var (from, to) in plan.Conversions)
        {
            _s.AccountTotal(agent.Total, agent.Available, -1);
            agent.Total = agent.Total.Minus(from).Plus(to);
            agent.Available = agent.Available.Minus(from).Plus(to);
            _s.AccountTotal(agent.Total, agent.Available, +1);
        }
        var now = _s.Now;
        foreach (var launch in plan.Launches)
            _s.AddTask(agent, first.Membership, launch.TaskId, launch.Resources, launch.Priority, now);
        _s.AddFilter(agent, first.Membership, plan.Remaining, filters);
        return AcceptResult.Ok;
    }

    /// <summary>
    /// Checks an ACCEPT as <see cref="Accept(IReadOnlyList{OfferId}, IReadOnlyList{OfferOperation}, Filters?)"/>
    /// would, without changing anything, and tells the agent total it would leave: for the master
    /// to store reservations and volumes durably before it accepts.
    /// </summary>
    /// <returns>The outcome <see cref="Accept(IReadOnlyList{OfferId}, IReadOnlyList{OfferOperation}, Filters?)"/> would have,
    /// and the agent's total after it (its current total when it would fail).</returns>
    /// <exception cref="ArgumentException">As for Accept.</exception>
    public AcceptPreview PreviewAccept(IReadOnlyList<OfferId> ids, IReadOnlyList<OfferOperation> operations)
    {
        var (offers, plan) = PlanAccept(ids, operations);
        var total = offers[0].Agent.Total;
        if (plan.Error is not null) return new AcceptPreview(plan.Error, total);
        foreach (var (from, to) in plan.Conversions) total = total.Minus(from).Plus(to);
        return new AcceptPreview(AcceptResult.Ok, total);
    }

    private (List<OfferState> Offers, OfferOperations.Result Plan) PlanAccept(IReadOnlyList<OfferId> ids, IReadOnlyList<OfferOperation> operations)
    {
        if (ids.Count == 0) throw new ArgumentException("no offer to accept", nameof(ids));
        var offers = ids.Distinct().Select(OfferState).ToList();
        var first = offers[0];
        if (offers.Any(o => o.Agent != first.Agent || o.Membership != first.Membership))
            throw new ArgumentException("offers accepted together must be for one framework, role and agent", nameof(ids));
        var combined = offers.Count == 1 ? first
            : new OfferState(first.Id, first.Membership, first.Agent,
                offers.Skip(1).Aggregate(first.Resources, (sum, o) => sum.Plus(o.Resources)), first.CreatedAt, first.Cycle);
        return (offers, OfferOperations.Plan(combined, operations, _s.Tasks));
    }

    /// <summary>Records a task the allocator did not see launched (an agent re-registering with running tasks).</summary>
    /// <param name="frameworkId">Owner.</param>
    /// <param name="agentId">Where it runs.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="role">The role its resources are allocated to (one of the framework's roles).</param>
    /// <param name="resources">What it uses.</param>
    /// <param name="priority">Revocation order (lower first).</param>
    /// <param name="startedAt">When it started (for "least work lost").</param>
    /// <exception cref="ArgumentException">Unknown framework, agent or role; duplicate task.</exception>
    /// <exception cref="InvalidOperationException">The agent does not have the resources available.</exception>
    public void AddTask(FrameworkId frameworkId, AgentId agentId, TaskId taskId, string role, Resources resources, int priority, DateTimeOffset startedAt)
    {
        var m = Memberships(Framework(frameworkId), [role]).Single();
        var agent = Agent(agentId);
        if (_s.Tasks.ContainsKey((frameworkId, taskId))) throw new ArgumentException($"task {taskId} of {frameworkId} is already known", nameof(taskId));
        if (!agent.Available.Contains(resources))
            throw new InvalidOperationException($"agent {agentId} has '{agent.Available}' available, not '{resources}' for task {taskId}");
        _s.AddTask(agent, m, taskId, resources, priority, startedAt);
    }

    /// <summary>A task reached a terminal state: its resources return to the agent.</summary>
    /// <returns>False when the task was unknown (already removed): removal is idempotent.</returns>
    public bool RemoveTask(FrameworkId frameworkId, TaskId taskId)
    {
        if (!_s.Tasks.TryGetValue((frameworkId, taskId), out var task)) return false;
        _s.RemoveTask(task);
        return true;
    }

    /// <summary>Outstanding offers at least <see cref="AllocatorOptions.OfferTimeout"/> old, oldest first,
    /// for the master to rescind (empty when no timeout is set).</summary>
    public IReadOnlyList<OfferId> ExpiredOffers()
    {
        if (_s.Options.OfferTimeout is not { } timeout) return [];
        var deadline = _s.Now - timeout;
        var expired = new List<OfferId>();
        while (_s.OffersByAge.TryPeek(out var o) && (!_s.Offers.ContainsKey(o.Id) || o.CreatedAt <= deadline))
        {
            _s.OffersByAge.Dequeue();
            if (_s.Offers.ContainsKey(o.Id)) expired.Add(o.Id);
        }
        return expired;
    }

    /// <summary>
    /// What to take back so that roles below their quota guarantee can reach it when free
    /// resources cannot: offers to rescind, then running tasks to kill with
    /// <see cref="AllocatorOptions.RevocationGracePeriod"/>. Tasks already chosen are not chosen
    /// again and count as freeing their resources. See <c>docs/allocator.md</c> for the rules.
    /// </summary>
    public RevocationPlan PlanRevocations() => _revocation.Plan();

    /// <summary>Number of active refusal filters on an agent (for tests and the operator API).</summary>
    /// <exception cref="ArgumentException">Unknown agent.</exception>
    public int CountFilters(AgentId id) => Agent(id).Filters.Count;

    /// <summary>An agent's total resources, with the reservations and volumes applied to it so far.</summary>
    /// <exception cref="ArgumentException">Unknown agent.</exception>
    public Resources GetTotal(AgentId id) => Agent(id).Total;

    /// <summary>What an agent has neither offered nor used.</summary>
    /// <exception cref="ArgumentException">Unknown agent.</exception>
    public Resources GetAvailable(AgentId id) => Agent(id).Available;

    // ---------------------------------------------------------------- helpers

    private void AddMembership(FrameworkState fw, string role) =>
        fw.Memberships[role] = _s.Tree.AddMembership(fw, role, _s.TakeMembershipIndex());

    private void RemoveMembership(FrameworkState fw, MembershipNode m)
    {
        ClearFilters(m);
        _s.Tree.RemoveMembership(m);
        fw.Memberships.Remove(m.Role.Role);
        _s.ReturnMembershipIndex(m.Index);
    }

    private void ClearFilters(MembershipNode m)
    {
        foreach (var agent in _s.Agents.Values)
            if (agent.Filters.RemoveMembership(m.Index)) _s.Touch(agent);
    }

    private void ValidateNesting(string role, Quota quota)
    {
        for (var parent = Roles.Parent(role); parent is not null; parent = Roles.Parent(parent))
        {
            if (_s.Tree.Find(parent) is not { Guarantee.Length: > 0 } p) continue;
            var siblings = _s.Tree.Roles.Where(r => Roles.Parent(r.Role) == Roles.Parent(role) && r.Role != role)
                .Aggregate(quota.Guarantee, (sum, r) => sum.Plus(r.Quota.Guarantee));
            if (!p.Quota.Guarantee.Contains(siblings))
                throw new ArgumentException($"quota of {role}: guarantees under {parent} would sum to '{siblings}', above its guarantee '{p.Quota.Guarantee}'", nameof(quota));
            break;
        }
        var children = _s.Tree.Roles.Where(r => Roles.Parent(r.Role) == role).Aggregate(ResourceQuantities.Empty, (sum, r) => sum.Plus(r.Quota.Guarantee));
        if (!quota.Guarantee.IsEmpty && !quota.Guarantee.Contains(children))
            throw new ArgumentException($"quota of {role}: its children's guarantees '{children}' exceed its own '{quota.Guarantee}'", nameof(quota));
    }

    private RoleSummary Summary(RoleNode r)
    {
        var allocated = Quantities(r.Allocated);
        var consumed = ResourceQuantities.Of(Enumerable.Range(0, _s.Names.Count).Select(k => (_s.Names[k], Scalar.FromMillis(r.Consumed(k)))));
        return new RoleSummary(r.Role, r.Weight, r.Share, allocated, consumed, r.Quota);
    }

    private ResourceQuantities Quantities(long[] v) =>
        ResourceQuantities.Of(Enumerable.Range(0, Math.Min(v.Length, _s.Names.Count)).Select(k => (_s.Names[k], Scalar.FromMillis(v[k]))));

    private static Offer ToOffer(OfferState o) =>
        new(o.Id, o.Membership.Framework.Id, o.Agent.Id, o.Membership.Role.Role, o.Resources, o.CreatedAt);

    private AgentState Agent(AgentId id) =>
        _s.Agents.TryGetValue(id, out var a) ? a : throw new ArgumentException($"unknown agent {id}", nameof(id));

    private FrameworkState Framework(FrameworkId id) =>
        _s.Frameworks.TryGetValue(id, out var f) ? f : throw new ArgumentException($"unknown framework {id}", nameof(id));

    private OfferState OfferState(OfferId id) =>
        _s.Offers.TryGetValue(id, out var o) ? o : throw new ArgumentException($"unknown offer {id}", nameof(id));

    private static IEnumerable<MembershipNode> Memberships(FrameworkState fw, IReadOnlyCollection<string>? roles)
    {
        if (roles is null) return fw.Memberships.Values.ToList();
        return roles.Select(r => fw.Memberships.TryGetValue(r, out var m) ? m
            : throw new ArgumentException($"framework {fw.Id} is not subscribed to role {r}", nameof(roles))).ToList();
    }
}

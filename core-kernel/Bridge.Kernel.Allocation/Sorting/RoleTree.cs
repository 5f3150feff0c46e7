using Bridge.Kernel.Allocation.Internal;

namespace Bridge.Kernel.Allocation.Sorting;

/// <summary>
/// The hierarchy of roles and frameworks with incremental share bookkeeping. An allocation
/// change walks from the membership up to the root, refreshing each node's dominant share
/// and moving it to its sorted place among its siblings (O(depth · log siblings)). When the
/// cluster total changes, every share changes: the tree is marked stale and re-sorted once,
/// before the next cycle (<see cref="EnsureSorted"/>).
/// </summary>
internal sealed class RoleTree
{
    private readonly ISortPolicy _rolePolicy, _frameworkPolicy;
    private readonly Dictionary<string, RoleNode> _roles = new(StringComparer.Ordinal);
    private bool _stale;
    private long _sequence;

    public RoleTree(SorterKind roleSorter, SorterKind frameworkSorter)
    {
        _rolePolicy = Policy(roleSorter);
        _frameworkPolicy = Policy(frameworkSorter);
        Root = new RoleNode("", _rolePolicy, null);
    }

    public RoleNode Root { get; }

    /// <summary>Cluster total scalars of active agents (milli-units): the denominator of every share.</summary>
    public long[] Total = new long[8];

    public IEnumerable<RoleNode> Roles => _roles.Values;

    public RoleNode? Find(string role) => _roles.GetValueOrDefault(role);

    public RoleNode GetOrCreate(string role)
    {
        if (_roles.TryGetValue(role, out var node)) return node;
        var parentName = Kernel.Roles.Parent(role);
        var parent = parentName is null ? Root : GetOrCreate(parentName);
        node = new RoleNode(role, _rolePolicy, parent) { Sequence = ++_sequence };
        node.RefreshKeys(Total);
        parent.SubRoles[role] = node;
        parent.InsertChild(node);
        _roles[role] = node;
        return node;
    }

    /// <summary>Removes roles nothing refers to any more, from <paramref name="role"/> upwards.</summary>
    public void DropIfIdle(RoleNode? role)
    {
        while (role is { IsIdle: true })
        {
            var parent = role.ParentRole!;
            parent.RemoveChild(role);
            parent.SubRoles.Remove(role.Role);
            _roles.Remove(role.Role);
            role = parent;
        }
    }

    public MembershipNode AddMembership(FrameworkState framework, string role, int index)
    {
        var roleNode = GetOrCreate(role);
        if (roleNode.Self is null)
        {
            roleNode.Self = new SelfNode(roleNode, _rolePolicy) { Sequence = ++_sequence };
            roleNode.Self.RefreshKeys(Total);
            roleNode.InsertChild(roleNode.Self);
        }
        var m = new MembershipNode(framework, roleNode, index, _frameworkPolicy) { Sequence = ++_sequence };
        m.RefreshKeys(Total);
        roleNode.Self.InsertChild(m);
        return m;
    }

    /// <summary>Removes a membership; its allocation must already be zero.</summary>
    public void RemoveMembership(MembershipNode m)
    {
        if (!Vec.IsZero(m.Allocated)) throw new InvalidOperationException($"framework {m.Name} still holds resources in role {m.Role.Role}");
        var self = (SelfNode)m.Parent!;
        self.RemoveChild(m);
        if (self.ChildCount == 0)
        {
            self.Role.RemoveChild(self);
            self.Role.Self = null;
        }
        DropIfIdle(m.Role);
    }

    /// <summary>Adds (<paramref name="sign"/> = 1) or removes (-1) an allocation to a membership and re-sorts its ancestors.</summary>
    public void Allocate(MembershipNode m, long[] amounts, long[] unreserved, int sign)
    {
        for (SortNode n = m; n.Parent is not null; n = n.Parent)
        {
            Vec.AddAll(ref n.Allocated, amounts, sign);
            if (n is RoleNode r) Vec.AddAll(ref r.AllocatedUnreserved, unreserved, sign);
            n.RefreshKeys(Total);
            n.Parent.Reposition(n);
        }
        Vec.AddAll(ref Root.Allocated, amounts, sign);
        Vec.AddAll(ref Root.AllocatedUnreserved, unreserved, sign);
    }

    /// <summary>Adds or removes reserved amounts for a role and its ancestors (quota consumption; shares are unaffected).</summary>
    public void AddReserved(string role, long[] amounts, int sign)
    {
        for (var r = GetOrCreate(role); r is not null; r = r.ParentRole) Vec.AddAll(ref r.Reserved, amounts, sign);
    }

    public void SetWeight(RoleNode role, double weight, bool isExplicit)
    {
        role.Weight = weight;
        role.HasExplicitWeight = isExplicit;
        role.RefreshKeys(Total);
        role.Parent!.Reposition(role);
    }

    /// <summary>The cluster total changed: every share is stale.</summary>
    public void MarkStale() => _stale = true;

    public void EnsureSorted()
    {
        if (!_stale) return;
        Root.RefreshSubtree(Total);
        _stale = false;
    }

    /// <summary>Leaf groups (a role's own frameworks) in allocation order: depth-first, each level in sorted order.</summary>
    public void CollectLeaves(List<SelfNode> into)
    {
        into.Clear();
        Collect(Root, into);

        static void Collect(SortNode node, List<SelfNode> into)
        {
            foreach (var child in node.OrderedChildren)
            {
                if (child is SelfNode self) into.Add(self);
                else Collect(child, into);
            }
        }
    }

    private static ISortPolicy Policy(SorterKind kind) => kind switch
    {
        SorterKind.Drf => DrfPolicy.Instance,
        SorterKind.StrictPriority => StrictPriorityPolicy.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown sorter"),
    };
}

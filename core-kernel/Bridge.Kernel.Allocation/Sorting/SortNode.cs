using Bridge.Kernel.Allocation.Internal;

namespace Bridge.Kernel.Allocation.Sorting;

/// <summary>
/// A node of the allocation tree: a role, a role's own group of frameworks (the "self" leaf
/// Mesos calls the virtual <c>.</c> child), or a framework's membership in a role. Each node
/// keeps its allocation (offered + used, subtree sum) and its dominant share up to date,
/// and sits at its sorted position among its siblings, so the tree is always in order:
/// no sorting inside an allocation cycle, only O(log n) repositioning when a share changes.
/// </summary>
internal abstract class SortNode(string name, ISortPolicy policy)
{
    public string Name { get; } = name;
    public ISortPolicy Policy { get; } = policy;
    public SortNode? Parent { get; set; }
    public SortNode[] Children = [];
    public int ChildCount;
    public int Position = -1;

    /// <summary>Offered + used scalars of this subtree, in milli-units.</summary>
    public long[] Allocated = new long[8];
    public double Weight = 1.0;
    public double Share;
    public double Key1, Key2;

    /// <summary>Creation order, the final tie-break: among equals, who came first is served first.</summary>
    public long Sequence;

    public ReadOnlySpan<SortNode> OrderedChildren => Children.AsSpan(0, ChildCount);

    /// <summary>Total order among siblings: the policy's keys, then creation order (deterministic, FIFO ties).</summary>
    public static int Compare(SortNode a, SortNode b)
    {
        int c = a.Key1.CompareTo(b.Key1);
        if (c != 0) return c;
        c = a.Key2.CompareTo(b.Key2);
        return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
    }

    public void RefreshKeys(long[] total)
    {
        Share = Vec.DominantShare(Allocated, total);
        Policy.ComputeKeys(this);
    }

    public void InsertChild(SortNode child)
    {
        child.Parent = this;
        if (ChildCount == Children.Length) Array.Resize(ref Children, Math.Max(4, ChildCount * 2));
        int at = FindInsertPosition(child, 0, ChildCount);
        Array.Copy(Children, at, Children, at + 1, ChildCount - at);
        Children[at] = child;
        ChildCount++;
        Renumber(at, ChildCount);
    }

    public void RemoveChild(SortNode child)
    {
        int at = child.Position;
        Array.Copy(Children, at + 1, Children, at, ChildCount - at - 1);
        Children[--ChildCount] = null!;
        child.Position = -1;
        child.Parent = null;
        Renumber(at, ChildCount);
    }

    /// <summary>Moves <paramref name="child"/> to its sorted position after its keys changed.</summary>
    public void Reposition(SortNode child)
    {
        int at = child.Position;
        if (at > 0 && Compare(child, Children[at - 1]) < 0)
        {
            int to = FindInsertPosition(child, 0, at);
            Array.Copy(Children, to, Children, to + 1, at - to);
            Children[to] = child;
            Renumber(to, at + 1);
        }
        else if (at < ChildCount - 1 && Compare(child, Children[at + 1]) > 0)
        {
            int to = FindInsertPosition(child, at + 1, ChildCount) - 1;
            Array.Copy(Children, at + 1, Children, at, to - at);
            Children[to] = child;
            Renumber(at, to + 1);
        }
    }

    /// <summary>Re-sorts every level below this node (after the cluster total changed all shares).</summary>
    public void RefreshSubtree(long[] total)
    {
        for (int i = 0; i < ChildCount; i++)
        {
            Children[i].RefreshKeys(total);
            Children[i].RefreshSubtree(total);
        }
        Array.Sort(Children, 0, ChildCount, Comparer<SortNode>.Create(Compare));
        Renumber(0, ChildCount);
    }

    private int FindInsertPosition(SortNode node, int lo, int hi)
    {
        // First index in [lo, hi) whose element sorts after node (sequences are unique).
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Compare(Children[mid], node) <= 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private void Renumber(int from, int to)
    {
        for (int i = from; i < to; i++) Children[i].Position = i;
    }
}

/// <summary>How siblings are ordered: DRF or strict priority (Mesos' <c>Sorter</c> split).</summary>
internal interface ISortPolicy
{
    /// <summary>Sets <see cref="SortNode.Key1"/> and <see cref="SortNode.Key2"/> from the node's share and weight; lower sorts first.</summary>
    void ComputeKeys(SortNode node);
}

/// <summary>Weighted DRF: the lowest dominant share divided by weight goes first
/// (Ghodsi et al., "Dominant Resource Fairness", NSDI 2011; Mesos <c>DRFSorter</c>).</summary>
internal sealed class DrfPolicy : ISortPolicy
{
    public static readonly DrfPolicy Instance = new();

    public void ComputeKeys(SortNode node)
    {
        node.Key1 = node.Share / node.Weight;
        node.Key2 = 0;
    }
}

/// <summary>Strict priority: the highest weight goes first whatever it already holds (it can
/// starve the others); equal weights fall back to DRF.</summary>
internal sealed class StrictPriorityPolicy : ISortPolicy
{
    public static readonly StrictPriorityPolicy Instance = new();

    public void ComputeKeys(SortNode node)
    {
        node.Key1 = -node.Weight;
        node.Key2 = node.Share;
    }
}

namespace Bridge.Kernel.Allocation.Filtering;

/// <summary>
/// The refusal filters on one agent (Mesos <c>RefusedOfferFilter</c>): a framework that
/// declined resources R of this agent in a role is not offered resources contained in R
/// until the filter expires. Filters are grouped by refused resources, so the check for an
/// offer is one containment test per distinct refused shape, giving a bitset of filtered
/// memberships; each candidate then costs one bit test.
/// </summary>
internal sealed class FilterTable
{
    private List<FilterGroup>? _groups;

    /// <summary>Earliest expiry of any filter here (UTC ticks), or <see cref="long.MaxValue"/>.</summary>
    public long NextExpiry { get; private set; } = long.MaxValue;

    public bool IsEmpty => _groups is null || _groups.Count == 0;

    public int Count => _groups?.Sum(g => g.Count) ?? 0;

    /// <summary>Adds (or extends) the filter of <paramref name="membership"/> for <paramref name="refused"/> until <paramref name="expiry"/>.</summary>
    public void Add(int membership, Resources refused, long expiry)
    {
        _groups ??= [];
        FilterGroup? group = null;
        foreach (var g in _groups)
            if (g.Refused.Equals(refused)) { group = g; break; }
        if (group is null) _groups.Add(group = new FilterGroup(refused));
        group.Set(membership, expiry);
        NextExpiry = Math.Min(NextExpiry, expiry);
    }

    /// <summary>The memberships filtered for an offer of <paramref name="offerable"/>, as a bitset
    /// (or null when none is). May return a group's own bitset: callers must not modify it.</summary>
    public ulong[]? FilteredFor(Resources offerable, ref ulong[] scratch)
    {
        if (_groups is null) return null;
        ulong[]? single = null;
        bool merged = false;
        foreach (var g in _groups)
        {
            if (g.Count == 0 || !g.Refused.Contains(offerable)) continue;
            if (single is null) { single = g.Bits; continue; }
            if (!merged)
            {
                if (scratch.Length < single.Length) scratch = new ulong[single.Length];
                Array.Clear(scratch);
                single.CopyTo(scratch, 0);
                merged = true;
            }
            if (scratch.Length < g.Bits.Length) Array.Resize(ref scratch, g.Bits.Length);
            for (int i = 0; i < g.Bits.Length; i++) scratch[i] |= g.Bits[i];
        }
        return merged ? scratch : single;
    }

    public static bool Test(ulong[] bits, int index)
    {
        int word = index >> 6;
        return word < bits.Length && (bits[word] & (1UL << (index & 63))) != 0;
    }

    /// <summary>Drops filters that expired at or before <paramref name="now"/>; true when any was dropped.</summary>
    public bool RemoveExpired(long now)
    {
        if (_groups is null || now < NextExpiry) return false;
        bool removed = false;
        long next = long.MaxValue;
        foreach (var g in _groups)
        {
            removed |= g.RemoveWhere((_, expiry) => expiry <= now);
            next = Math.Min(next, g.MinExpiry());
        }
        _groups.RemoveAll(g => g.Count == 0);
        NextExpiry = next;
        return removed;
    }

    /// <summary>Drops every filter of <paramref name="membership"/> (REVIVE, or the membership went away).</summary>
    public bool RemoveMembership(int membership)
    {
        if (_groups is null) return false;
        bool removed = false;
        foreach (var g in _groups)
            if (Test(g.Bits, membership)) removed |= g.RemoveWhere((m, _) => m == membership);
        _groups.RemoveAll(g => g.Count == 0);
        NextExpiry = _groups.Count == 0 ? long.MaxValue : _groups.Min(g => g.MinExpiry());
        return removed;
    }

    private sealed class FilterGroup(Resources refused)
    {
        public Resources Refused { get; } = refused;
        public ulong[] Bits = new ulong[1];
        private int[] _members = new int[4];
        private long[] _expiries = new long[4];
        public int Count;

        public void Set(int membership, long expiry)
        {
            if (Test(Bits, membership))
            {
                int i = Array.IndexOf(_members, membership, 0, Count);
                _expiries[i] = Math.Max(_expiries[i], expiry);
                return;
            }
            int word = membership >> 6;
            if (word >= Bits.Length) Array.Resize(ref Bits, Math.Max(word + 1, Bits.Length * 2));
            Bits[word] |= 1UL << (membership & 63);
            if (Count == _members.Length)
            {
                Array.Resize(ref _members, Count * 2);
                Array.Resize(ref _expiries, Count * 2);
            }
            _members[Count] = membership;
            _expiries[Count++] = expiry;
        }

        public bool RemoveWhere(Func<int, long, bool> predicate)
        {
            bool removed = false;
            for (int i = Count - 1; i >= 0; i--)
            {
                if (!predicate(_members[i], _expiries[i])) continue;
                int m = _members[i];
                Bits[m >> 6] &= ~(1UL << (m & 63));
                Count--;
                _members[i] = _members[Count];
                _expiries[i] = _expiries[Count];
                removed = true;
            }
            return removed;
        }

        public long MinExpiry()
        {
            long min = long.MaxValue;
            for (int i = 0; i < Count; i++) min = Math.Min(min, _expiries[i]);
            return min;
        }
    }
}

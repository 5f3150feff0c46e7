using System.Collections;

namespace Bridge.Kernel;

/// <summary>
/// An immutable, canonical collection of <see cref="Resource"/>s with exact arithmetic
/// (Mesos <c>Resources</c>). Resources of the same kind (name, type, reservation) are
/// combined: <c>cpus:1;cpus:2</c> is <c>cpus:3</c>. Persistent volumes stay separate.
/// Empty values are dropped. Subtraction never goes negative: it throws instead.
/// Text form is Mesos' (<c>cpus:4;mem:4096;ports:[31000-32000]</c>); see <see cref="ResourceText"/>.
/// </summary>
public sealed class Resources : IEquatable<Resources>, IReadOnlyList<Resource>
{
    private readonly Resource[] _items; // sorted by Resource.CompareKind, combined
    private int _hash;

    /// <summary>No resources.</summary>
    public static readonly Resources Empty = new([]);

    private Resources(Resource[] canonical)
    {
        _items = canonical;
        foreach (var r in canonical) HasReservations |= r.IsReserved;
    }

    /// <summary>A slot where the allocator keeps values derived from this immutable instance
    /// (its quantity vectors), so they are computed once per instance, not once per use.</summary>
    internal object? DerivedCache;

    /// <summary>True when any entry is reserved (computed once, at construction).</summary>
    public bool HasReservations { get; }

    /// <summary>Combines any resources into canonical form.</summary>
    /// <exception cref="InvalidOperationException">The same persistent volume appears twice,
    /// or one name is used with two different types.</exception>
    public static Resources Of(IEnumerable<Resource> resources) => Normalize([.. resources]);

    /// <summary>Combines any resources into canonical form.</summary>
    /// <exception cref="InvalidOperationException">As <see cref="Of(IEnumerable{Resource})"/>.</exception>
    public static Resources Of(params Resource[] resources) => Normalize([.. resources]);

    /// <summary>Parses Mesos text; see <see cref="ResourceText.Parse"/>.</summary>
    /// <exception cref="ResourceParseException">The text is malformed; the exception names the offending token and position.</exception>
    public static Resources Parse(string text, string defaultRole = Roles.Default) => ResourceText.Parse(text, defaultRole);

    /// <summary>Number of distinct entries.</summary>
    public int Count => _items.Length;

    /// <summary>True when there are no resources.</summary>
    public bool IsEmpty => _items.Length == 0;

    /// <summary>The i-th entry in canonical order.</summary>
    public Resource this[int index] => _items[index];

    /// <summary>Exact sum.</summary>
    /// <exception cref="InvalidOperationException">As <see cref="Of(IEnumerable{Resource})"/>.</exception>
    public Resources Plus(Resources other)
    {
        if (other.IsEmpty) return this;
        if (IsEmpty) return other;
        var all = new Resource[_items.Length + other._items.Length];
        _items.CopyTo(all, 0);
        other._items.CopyTo(all, _items.Length);
        return Normalize(all);
    }

    /// <summary>Exact difference.</summary>
    /// <exception cref="InvalidOperationException">This does not contain <paramref name="other"/> (nothing ever goes negative).</exception>
    public Resources Minus(Resources other) =>
        TryMinus(other, out var result) ? result : throw new InvalidOperationException($"cannot subtract '{other}' from '{this}': not contained");

    /// <summary>Exact difference when this contains <paramref name="other"/>.</summary>
    /// <returns>False (and <paramref name="result"/> = this) when it is not contained.</returns>
    public bool TryMinus(Resources other, out Resources result)
    {
        result = this;
        if (other.IsEmpty) return true;
        if (ReferenceEquals(this, other)) { result = Empty; return true; }
        var items = new List<Resource>(_items);
        foreach (var r in other._items)
        {
            int i = IndexOfKind(items, r);
            if (i < 0) return false;
            var have = items[i];
            Resource? rest;
            switch (r.Type)
            {
                case ResourceType.Scalar:
                    if (have.Scalar < r.Scalar) return false;
                    rest = have.IsPersistentVolume ? (have.Scalar == r.Scalar ? null : throw new InvalidOperationException($"persistent volume '{have.Disk}' is indivisible"))
                        : have.WithScalar(have.Scalar - r.Scalar);
                    break;
                case ResourceType.Ranges:
                    if (!have.Ranges.Contains(r.Ranges)) return false;
                    rest = have.WithRanges(have.Ranges.Except(r.Ranges));
                    break;
                default:
                    if (!have.Set.Contains(r.Set)) return false;
                    rest = have.WithSet(have.Set.Except(r.Set));
                    break;
            }
            if (rest is null || rest.IsEmpty) items.RemoveAt(i); else items[i] = rest;
        }
        result = items.Count == 0 ? Empty : new Resources([.. items]);
        return true;
    }

    /// <summary>True when every resource of <paramref name="other"/> is here, reservation and volume included.
    /// Linear in both sizes plus a binary search per entry.</summary>
    public bool Contains(Resources other)
    {
        if (ReferenceEquals(this, other) || other.IsEmpty) return true;
        foreach (var r in other._items)
        {
            int i = IndexOfKind(_items, r);
            if (i < 0) return false;
            var have = _items[i];
            bool ok = r.Type switch
            {
                ResourceType.Scalar => have.IsPersistentVolume ? have.Scalar == r.Scalar : have.Scalar >= r.Scalar,
                ResourceType.Ranges => have.Ranges.Contains(r.Ranges),
                _ => have.Set.Contains(r.Set),
            };
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>The entries that match <paramref name="predicate"/>.</summary>
    public Resources Filter(Func<Resource, bool> predicate)
    {
        var kept = Array.FindAll(_items, r => predicate(r));
        return kept.Length == _items.Length ? this : kept.Length == 0 ? Empty : new Resources(kept);
    }

    /// <summary>The unreserved part (role <c>*</c>).</summary>
    public Resources Unreserved => HasReservations ? Filter(r => !r.IsReserved) : this;

    /// <summary>The reserved part (any role).</summary>
    public Resources Reserved => HasReservations ? Filter(r => r.IsReserved) : Empty;

    /// <summary>The part reserved exactly for <paramref name="role"/>; with <c>*</c>, the unreserved part.</summary>
    public Resources ReservedFor(string role) => role == Roles.Default ? Unreserved : Filter(r => r.Reservation?.Role == role);

    /// <summary>What a framework in <paramref name="role"/> may be offered: unreserved resources plus
    /// those reserved for the role or any of its ancestors (a reservation for <c>eng</c> serves <c>eng/hadoop</c>).</summary>
    public Resources AllocatableTo(string role) => !HasReservations ? this : Filter(r => r.Reservation is null || Roles.IsSelfOrAncestor(r.Reservation.Role, role));

    /// <summary>The reserved part, split by reservation role.</summary>
    public IReadOnlyDictionary<string, Resources> ReservationsByRole() =>
        _items.Where(r => r.IsReserved).GroupBy(r => r.Role, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new Resources([.. g]), StringComparer.Ordinal);

    /// <summary>Everything made unreserved, volumes turned back into plain disk (Mesos <c>toUnreserved</c>).</summary>
    public Resources ToUnreserved() => !HasReservations ? this : Of(_items.Select(r => r.WithReservation(null)));

    /// <summary>Everything statically reserved for <paramref name="role"/>, or unreserved when it is <c>*</c>
    /// (Mesos <c>flatten(role)</c>). Volumes become plain disk.</summary>
    /// <exception cref="ArgumentException">The role name is invalid.</exception>
    public Resources Flatten(string role)
    {
        Roles.Require(role);
        return role == Roles.Default ? ToUnreserved() : Of(_items.Select(r => r.WithReservation(Reservation.Static(role))));
    }

    /// <summary>Every unreserved resource reserved with <paramref name="reservation"/> (the effect of RESERVE).</summary>
    /// <exception cref="InvalidOperationException">Something is already reserved (reservation refinement is not supported).</exception>
    public Resources PushReservation(Reservation reservation)
    {
        if (!Reserved.IsEmpty) throw new InvalidOperationException($"'{Reserved}' is already reserved; refining reservations is not supported");
        return Of(_items.Select(r => r.WithReservation(reservation)));
    }

    /// <summary>The sum of the scalar named <paramref name="name"/> over every reservation (zero when absent).</summary>
    public Scalar GetScalar(string name)
    {
        var sum = Scalar.Zero;
        foreach (var r in _items)
            if (r.Type == ResourceType.Scalar && r.Name == name) sum += r.Scalar;
        return sum;
    }

    /// <summary>The union of the ranges named <paramref name="name"/> over every reservation.</summary>
    public ValueRanges GetRanges(string name)
    {
        var all = ValueRanges.Empty;
        foreach (var r in _items)
            if (r.Type == ResourceType.Ranges && r.Name == name) all = all.Union(r.Ranges);
        return all;
    }

    /// <summary>Scalar totals by name, ignoring reservations, volumes, ranges and sets
    /// (what quota and DRF shares count).</summary>
    public ResourceQuantities ToQuantities() =>
        ResourceQuantities.Of(_items.Where(r => r.Type == ResourceType.Scalar).Select(r => (r.Name, r.Scalar)));

    /// <summary>Mesos text: entries joined with <c>;</c>, e.g. <c>cpus:4;mem:4096;ports:[31000-32000]</c>. Empty prints as an empty string.</summary>
    public override string ToString() => string.Join(";", _items.Select(r => r.ToString()));

    /// <inheritdoc />
    public bool Equals(Resources? other) =>
        other is not null && (ReferenceEquals(this, other) || (GetHashCode() == other.GetHashCode() && _items.AsSpan().SequenceEqual(other._items)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Resources);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        if (_hash != 0) return _hash;
        var h = new HashCode();
        foreach (var r in _items) h.Add(r);
        int v = h.ToHashCode();
        return _hash = v == 0 ? 1 : v;
    }

    /// <summary>Sum.</summary>
    public static Resources operator +(Resources a, Resources b) => a.Plus(b);

    /// <summary>Difference.</summary>
    /// <exception cref="InvalidOperationException">Not contained.</exception>
    public static Resources operator -(Resources a, Resources b) => a.Minus(b);

    /// <inheritdoc />
    public IEnumerator<Resource> GetEnumerator() => ((IEnumerable<Resource>)_items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static int IndexOfKind(IReadOnlyList<Resource> items, Resource r)
    {
        int lo = 0, hi = items.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = Resource.CompareKind(items[mid], r);
            if (c < 0) lo = mid + 1;
            else if (c > 0) hi = mid - 1;
            else return mid;
        }
        return -1;
    }

    private static Resources Normalize(Resource[] items)
    {
        if (items.Length == 0) return Empty;
        Array.Sort(items, Resource.CompareKind);
        // Same name, same type: entries of one name are adjacent after the sort.
        for (int i = 1; i < items.Length; i++)
            for (int j = i - 1; j >= 0 && items[j].Name == items[i].Name; j--)
                if (items[j].Type != items[i].Type)
                    throw new InvalidOperationException($"resource '{items[i].Name}' is used as both {items[j].Type} and {items[i].Type}");
        var result = new List<Resource>(items.Length);
        foreach (var r in items)
        {
            if (result.Count > 0)
            {
                var last = result[^1];
                if (Resource.CompareKind(last, r) == 0)
                {
                    if (r.IsPersistentVolume) throw new InvalidOperationException($"persistent volume '{r.Disk}' appears twice");
                    result[^1] = r.Type switch
                    {
                        ResourceType.Scalar => last.WithScalar(last.Scalar + r.Scalar),
                        ResourceType.Ranges => last.WithRanges(last.Ranges.Union(r.Ranges)),
                        _ => last.WithSet(last.Set.Union(r.Set)),
                    };
                    continue;
                }
            }
            result.Add(r);
        }
        result.RemoveAll(r => r.IsEmpty && !r.IsPersistentVolume);
        return result.Count == 0 ? Empty : new Resources([.. result]);
    }
}

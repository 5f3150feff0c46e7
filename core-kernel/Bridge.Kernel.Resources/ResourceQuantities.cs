using System.Collections;

namespace Bridge.Kernel;

/// <summary>
/// Scalar amounts by resource name, without reservations or ranges (Mesos
/// <c>ResourceQuantities</c>): what quota guarantees and limits, DRF shares and
/// <c>min_allocatable_resources</c> speak in. Immutable; zero amounts are dropped.
/// Text form: <c>cpus:4;mem:4096</c>.
/// </summary>
public sealed class ResourceQuantities : IEquatable<ResourceQuantities>, IReadOnlyCollection<KeyValuePair<string, Scalar>>
{
    private readonly KeyValuePair<string, Scalar>[] _items; // sorted by name, no zeros

    /// <summary>Nothing.</summary>
    public static readonly ResourceQuantities Empty = new([]);

    private ResourceQuantities(KeyValuePair<string, Scalar>[] items) => _items = items;

    /// <summary>Sums amounts by name.</summary>
    public static ResourceQuantities Of(IEnumerable<(string Name, Scalar Value)> amounts)
    {
        var sums = new SortedDictionary<string, Scalar>(StringComparer.Ordinal);
        foreach (var (name, value) in amounts)
            sums[name] = sums.TryGetValue(name, out var v) ? v + value : value;
        var items = sums.Where(kv => !kv.Value.IsZero).ToArray();
        return items.Length == 0 ? Empty : new ResourceQuantities(items);
    }

    /// <summary>Parses <c>cpus:4;mem:4096</c>: unreserved scalars only.</summary>
    /// <exception cref="ResourceParseException">Malformed text, or a ranges/set/reserved entry.</exception>
    public static ResourceQuantities Parse(string text)
    {
        var resources = ResourceText.Parse(text, Roles.Default);
        foreach (var r in resources)
            if (r.Type != ResourceType.Scalar || r.IsReserved)
                throw new ResourceParseException($"quantities are unreserved scalars only, not '{r}'", r.ToString(), text.IndexOf(r.Name, StringComparison.Ordinal));
        return resources.ToQuantities();
    }

    /// <summary>Number of names with a non-zero amount.</summary>
    public int Count => _items.Length;

    /// <summary>True when every amount is zero.</summary>
    public bool IsEmpty => _items.Length == 0;

    /// <summary>The names with a non-zero amount, in ordinal order.</summary>
    public IEnumerable<string> Names => _items.Select(kv => kv.Key);

    /// <summary>The amount of <paramref name="name"/> (zero when absent).</summary>
    public Scalar this[string name]
    {
        get
        {
            foreach (var kv in _items) if (kv.Key == name) return kv.Value;
            return Scalar.Zero;
        }
    }

    /// <summary>True when <paramref name="name"/> has a non-zero amount.</summary>
    public bool Has(string name) => _items.Any(kv => kv.Key == name);

    /// <summary>Sum by name.</summary>
    public ResourceQuantities Plus(ResourceQuantities other) =>
        Of(_items.Concat(other._items).Select(kv => (kv.Key, kv.Value)));

    /// <summary>Difference by name, clipped at zero.</summary>
    public ResourceQuantities SaturatingMinus(ResourceQuantities other) =>
        Of(_items.Select(kv => (kv.Key, Scalar.SaturatingSubtract(kv.Value, other[kv.Key]))));

    /// <summary>True when every amount of <paramref name="other"/> is at most the amount here.</summary>
    public bool Contains(ResourceQuantities other) => other._items.All(kv => this[kv.Key] >= kv.Value);

    /// <summary>Mesos text form, e.g. <c>cpus:4;mem:4096</c>.</summary>
    public override string ToString() => string.Join(";", _items.Select(kv => $"{kv.Key}:{kv.Value}"));

    /// <inheritdoc />
    public bool Equals(ResourceQuantities? other) => other is not null && _items.AsSpan().SequenceEqual(other._items);
    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ResourceQuantities);
    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var kv in _items) h.Add(kv);
        return h.ToHashCode();
    }
    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, Scalar>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, Scalar>>)_items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

using Bridge.Kernel;
using KernelResource = Bridge.Kernel.Resource;
using KernelResources = Bridge.Kernel.Resources;

namespace Bridge.Yarn.Offers;

/// <summary>
/// What is left of one offer while tasks are cut from it: scalars and ports taken from resources reserved for the
/// framework's role first, then from unreserved ones, possibly from several entries (a task's share keeps each
/// entry's reservation). Persistent volumes are never used. Mutable, one per offer and input.
/// </summary>
internal sealed class OfferResources
{
    private KernelResources _left;

    /// <summary>Starts from <paramref name="offered"/> (the offer's resources in the model).</summary>
    public OfferResources(KernelResources offered) => _left = offered.Filter(r => !r.IsPersistentVolume);

    /// <summary>What is still free.</summary>
    public KernelResources Left => _left;

    /// <summary>The free amount of scalar <paramref name="name"/> (all reservations together).</summary>
    public Scalar Scalar(string name) =>
        _left.Where(r => r.Name == name && r.Type == ResourceType.Scalar).Aggregate(Kernel.Scalar.Zero, (s, r) => s + r.Scalar);

    /// <summary>How many ports are free.</summary>
    public ulong PortCount => _left.Where(r => r.Name == "ports" && r.Type == ResourceType.Ranges).Aggregate(0UL, (n, r) => n + r.Ranges.ValueCount);

    /// <summary>Takes <paramref name="amount"/> of scalar <paramref name="name"/>; null (nothing taken) when less is free. Zero takes nothing.</summary>
    public KernelResources? TakeScalar(string name, Scalar amount)
    {
        if (amount.IsZero) return KernelResources.Empty;
        if (Scalar(name) < amount) return null;
        var taken = new List<KernelResource>();
        var need = amount;
        foreach (var r in Ordered(name, ResourceType.Scalar))
        {
            if (need.IsZero) break;
            var take = Kernel.Scalar.Min(need, r.Scalar);
            taken.Add(r.WithScalar(take));
            need -= take;
        }
        return Take(taken);
    }

    /// <summary>Takes the <paramref name="count"/> lowest free ports (reserved ones first); null when fewer are free.</summary>
    /// <returns>The resources taken and the port numbers, in the order taken.</returns>
    public (KernelResources Taken, IReadOnlyList<int> Ports)? TakePorts(int count)
    {
        if (count == 0) return (KernelResources.Empty, []);
        if (PortCount < (ulong)count) return null;
        var taken = new List<KernelResource>();
        var ports = new List<int>();
        foreach (var r in Ordered("ports", ResourceType.Ranges))
        {
            var mine = new List<ValueRange>();
            foreach (var range in r.Ranges)
            {
                for (var p = range.Begin; p <= range.End && ports.Count < count; p++)
                {
                    if (p > ushort.MaxValue) break; // not a port number: a malformed agent range, skipped
                    ports.Add((int)p);
                    mine.Add(new ValueRange(p, p));
                }
                if (ports.Count == count) break;
            }
            if (mine.Count > 0) taken.Add(KernelResource.OfRanges("ports", ValueRanges.Of(mine), r.Reservation));
            if (ports.Count == count) break;
        }
        if (ports.Count < count) return null;
        return (Take(taken), ports);
    }

    private IEnumerable<KernelResource> Ordered(string name, ResourceType type) =>
        _left.Where(r => r.Name == name && r.Type == type).OrderBy(r => r.IsReserved ? 0 : 1).ToList();

    private KernelResources Take(List<KernelResource> taken)
    {
        var resources = KernelResources.Of(taken);
        _left = _left.Minus(resources);
        return resources;
    }
}

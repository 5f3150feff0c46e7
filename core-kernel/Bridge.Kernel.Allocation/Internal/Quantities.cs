namespace Bridge.Kernel.Allocation.Internal;

/// <summary>
/// Dense indices for scalar resource names, so quantity vectors are plain <c>long[]</c> of
/// milli-units (no dictionaries on the hot path). Indices grow as new names appear.
/// </summary>
internal sealed class ResourceNames
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    public ResourceNames()
    {
        foreach (var n in new[] { "cpus", "mem", "disk", "gpus" }) IndexOf(n);
    }

    public int Count => _names.Count;

    public string this[int index] => _names[index];

    public int IndexOf(string name)
    {
        if (_index.TryGetValue(name, out int i)) return i;
        i = _names.Count;
        _names.Add(name);
        _index[name] = i;
        return i;
    }

    /// <summary>Adds the scalar amounts of <paramref name="resources"/> (times <paramref name="sign"/>) into <paramref name="vector"/>.</summary>
    public void Accumulate(ref long[] vector, Resources resources, int sign = 1)
    {
        foreach (var r in resources)
        {
            if (r.Type != ResourceType.Scalar) continue;
            int i = IndexOf(r.Name);
            Vec.Add(ref vector, i, sign * r.Scalar.Millis);
        }
    }

    public long[] ToVector(Resources resources)
    {
        var v = Vec.New(this);
        Accumulate(ref v, resources);
        return v;
    }

    public long[] ToVector(ResourceQuantities quantities)
    {
        var v = Vec.New(this);
        foreach (var (name, amount) in quantities) Vec.Add(ref v, IndexOf(name), amount.Millis);
        return v;
    }
}

/// <summary>Helpers for quantity vectors (<c>long[]</c> of milli-units indexed by <see cref="ResourceNames"/>).</summary>
internal static class Vec
{
    public static long[] New(ResourceNames names) => new long[Math.Max(8, names.Count)];

    public static long Get(long[] v, int i) => i < v.Length ? v[i] : 0;

    public static void Add(ref long[] v, int i, long amount)
    {
        if (i >= v.Length) Array.Resize(ref v, Math.Max(i + 1, v.Length * 2));
        v[i] += amount;
        if (v[i] < 0) throw new InvalidOperationException($"allocator accounting went negative for resource #{i}: {v[i]}");
    }

    public static void AddAll(ref long[] v, long[] delta, int sign)
    {
        for (int i = 0; i < delta.Length; i++)
            if (delta[i] != 0) Add(ref v, i, sign * delta[i]);
    }

    public static bool IsZero(long[] v)
    {
        foreach (var x in v) if (x != 0) return false;
        return true;
    }

    /// <summary>Dominant share: max over kinds of <c>allocated / total</c> (kinds with zero total are ignored).</summary>
    public static double DominantShare(long[] allocated, long[] total)
    {
        double share = 0;
        int n = Math.Min(allocated.Length, total.Length);
        for (int i = 0; i < n; i++)
            if (total[i] > 0 && allocated[i] > 0)
                share = Math.Max(share, allocated[i] / (double)total[i]);
        return share;
    }
}

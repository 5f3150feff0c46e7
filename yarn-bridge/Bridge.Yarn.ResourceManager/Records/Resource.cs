using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bridge.Yarn.ResourceManager.Records;

/// <summary>
/// A YARN resource vector: memory in MB and virtual cores. Written <c>&lt;memory:1024, vCores:1&gt;</c>
/// (Hadoop's <c>Resource.toString</c>). Arithmetic is exact (no rounding); components may go negative
/// in intermediate results (use <see cref="ClampToZero"/>), as Hadoop's <c>Resources</c> helpers allow.
/// </summary>
/// <param name="MemoryMb">Memory in MB.</param>
/// <param name="VCores">Virtual cores.</param>
public readonly record struct Resource(long MemoryMb, int VCores)
{
    /// <summary>No resources, <c>&lt;memory:0, vCores:0&gt;</c>.</summary>
    public static Resource None => default;

    /// <summary>Component-wise sum.</summary>
    public static Resource operator +(Resource a, Resource b) => new(a.MemoryMb + b.MemoryMb, a.VCores + b.VCores);

    /// <summary>Component-wise difference (may be negative).</summary>
    public static Resource operator -(Resource a, Resource b) => new(a.MemoryMb - b.MemoryMb, a.VCores - b.VCores);

    /// <summary>Both components multiplied by <paramref name="n"/>.</summary>
    public static Resource operator *(Resource a, int n) => new(a.MemoryMb * n, a.VCores * n);

    /// <summary>True when both components are 0.</summary>
    public bool IsNone => MemoryMb == 0 && VCores == 0;

    /// <summary>True when either component is below 0.</summary>
    public bool AnyNegative => MemoryMb < 0 || VCores < 0;

    /// <summary>True when this fits in <paramref name="available"/>: both components at most its (Hadoop's <c>Resources.fitsIn</c>).</summary>
    public bool FitsIn(Resource available) => MemoryMb <= available.MemoryMb && VCores <= available.VCores;

    /// <summary>Each component at least 0.</summary>
    public Resource ClampToZero() => new(Math.Max(0, MemoryMb), Math.Max(0, VCores));

    /// <summary>Component-wise minimum (Hadoop's <c>Resources.componentwiseMin</c>).</summary>
    public static Resource Min(Resource a, Resource b) => new(Math.Min(a.MemoryMb, b.MemoryMb), Math.Min(a.VCores, b.VCores));

    /// <summary>Component-wise maximum (Hadoop's <c>Resources.componentwiseMax</c>).</summary>
    public static Resource Max(Resource a, Resource b) => new(Math.Max(a.MemoryMb, b.MemoryMb), Math.Max(a.VCores, b.VCores));

    /// <summary>This resource scaled by <paramref name="fraction"/>, each component rounded down (Hadoop's <c>Resources.multiply</c> then cast).</summary>
    public Resource Scale(double fraction) => new((long)Math.Floor(MemoryMb * fraction), (int)Math.Floor(VCores * fraction));

    /// <summary>
    /// The dominant share of this resource in <paramref name="cluster"/>: the larger of memory/cluster memory
    /// and vcores/cluster vcores, as DominantResourceCalculator compares resources. A component the cluster has
    /// none of counts 0 when this has none of it too, and +∞ otherwise.
    /// </summary>
    public double DominantShare(Resource cluster) =>
        Math.Max(Share(MemoryMb, cluster.MemoryMb), Share(VCores, cluster.VCores));

    private static double Share(long value, long total) =>
        total > 0 ? (double)value / total : value > 0 ? double.PositiveInfinity : 0;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"<memory:{MemoryMb}, vCores:{VCores}>");

    /// <summary>Parses <c>&lt;memory:M, vCores:V&gt;</c>.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not in that form.</exception>
    public static Resource Parse(string text) =>
        TryParse(text, out var r) ? r : throw new FormatException($"Invalid Resource: {text}");

    /// <summary>Parses <c>&lt;memory:M, vCores:V&gt;</c> (M and V non-negative integers); false otherwise.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Resource resource)
    {
        resource = default;
        const string head = "<memory:", mid = ", vCores:";
        if (text is null || !text.StartsWith(head, StringComparison.Ordinal) || !text.EndsWith('>')) return false;
        var m = text.IndexOf(mid, StringComparison.Ordinal);
        if (m < 0) return false;
        if (!RecordText.TryLong(text[head.Length..m], out var mem) || !RecordText.TryInt(text[(m + mid.Length)..^1], out var cores)) return false;
        resource = new Resource(mem, cores);
        return true;
    }
}

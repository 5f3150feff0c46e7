using System.Collections;
using System.Globalization;
using System.Text;

namespace Bridge.Kernel;

/// <summary>An inclusive range <c>[Begin-End]</c> of non-negative integers (Mesos <c>Value::Range</c>).</summary>
/// <param name="Begin">First value.</param>
/// <param name="End">Last value, at least <paramref name="Begin"/>.</param>
public readonly record struct ValueRange(ulong Begin, ulong End)
{
    /// <summary>How many values the range holds (<c>End - Begin + 1</c>), saturating at <see cref="ulong.MaxValue"/>.</summary>
    public ulong Count => End - Begin == ulong.MaxValue ? ulong.MaxValue : End - Begin + 1;

    /// <inheritdoc />
    public override string ToString() => Begin == End
        ? Begin.ToString(CultureInfo.InvariantCulture)
        : $"{Begin.ToString(CultureInfo.InvariantCulture)}-{End.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// An immutable set of integers held as sorted, disjoint, non-adjacent inclusive ranges
/// (Mesos <c>Value::Ranges</c>, e.g. <c>ports:[31000-32000]</c>). Always normalized:
/// <c>[1-3, 4-6]</c> is stored as <c>[1-6]</c>.
/// </summary>
public sealed class ValueRanges : IEquatable<ValueRanges>, IReadOnlyList<ValueRange>
{
    private readonly ValueRange[] _ranges;

    /// <summary>The empty set.</summary>
    public static readonly ValueRanges Empty = new([]);

    private ValueRanges(ValueRange[] normalized) => _ranges = normalized;

    /// <summary>Normalizes any ranges (overlapping, adjacent, unsorted) into a set.</summary>
    /// <exception cref="ArgumentException">A range has <c>Begin &gt; End</c>.</exception>
    public static ValueRanges Of(IEnumerable<ValueRange> ranges)
    {
        var list = ranges.ToList();
        foreach (var r in list)
            if (r.Begin > r.End) throw new ArgumentException($"range [{r.Begin}-{r.End}] has begin > end", nameof(ranges));
        list.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        var merged = new List<ValueRange>(list.Count);
        foreach (var r in list)
        {
            if (merged.Count > 0)
            {
                var last = merged[^1];
                if (last.End == ulong.MaxValue || r.Begin <= last.End + 1)
                {
                    merged[^1] = last with { End = Math.Max(last.End, r.End) };
                    continue;
                }
            }
            merged.Add(r);
        }
        return merged.Count == 0 ? Empty : new ValueRanges(merged.ToArray());
    }

    /// <summary>A set holding one range.</summary>
    public static ValueRanges Of(ulong begin, ulong end) => Of([new ValueRange(begin, end)]);

    /// <summary>Number of disjoint ranges.</summary>
    public int Count => _ranges.Length;

    /// <summary>True when no value is held.</summary>
    public bool IsEmpty => _ranges.Length == 0;

    /// <summary>The i-th range in ascending order.</summary>
    public ValueRange this[int index] => _ranges[index];

    /// <summary>Total number of values held (e.g. 1001 for <c>[31000-32000]</c>), saturating.</summary>
    public ulong ValueCount
    {
        get
        {
            ulong n = 0;
            foreach (var r in _ranges) n = r.Count > ulong.MaxValue - n ? ulong.MaxValue : n + r.Count;
            return n;
        }
    }

    /// <summary>True when every value of <paramref name="other"/> is in this set. Linear in both sizes.</summary>
    public bool Contains(ValueRanges other)
    {
        int i = 0;
        foreach (var r in other._ranges)
        {
            while (i < _ranges.Length && _ranges[i].End < r.Begin) i++;
            if (i == _ranges.Length || _ranges[i].Begin > r.Begin || _ranges[i].End < r.End) return false;
        }
        return true;
    }

    /// <summary>True when <paramref name="value"/> is in this set.</summary>
    public bool Contains(ulong value)
    {
        int lo = 0, hi = _ranges.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ranges[mid].End < value) lo = mid + 1;
            else if (_ranges[mid].Begin > value) hi = mid - 1;
            else return true;
        }
        return false;
    }

    /// <summary>Set union.</summary>
    public ValueRanges Union(ValueRanges other) =>
        other.IsEmpty ? this : IsEmpty ? other : Of(_ranges.Concat(other._ranges));

    /// <summary>Set difference: the values of this set not in <paramref name="other"/>.</summary>
    public ValueRanges Except(ValueRanges other)
    {
        if (other.IsEmpty || IsEmpty) return this;
        var result = new List<ValueRange>();
        int j = 0;
        foreach (var r in _ranges)
        {
            ulong begin = r.Begin;
            bool done = false;
            while (j < other._ranges.Length && other._ranges[j].End < begin) j++;
            for (int k = j; k < other._ranges.Length && other._ranges[k].Begin <= r.End; k++)
            {
                var cut = other._ranges[k];
                if (cut.Begin > begin) result.Add(new ValueRange(begin, cut.Begin - 1));
                if (cut.End >= r.End) { done = true; break; }
                begin = Math.Max(begin, cut.End + 1);
            }
            if (!done) result.Add(new ValueRange(begin, r.End));
        }
        return result.Count == 0 ? Empty : new ValueRanges(result.ToArray());
    }

    /// <summary>Mesos text form: <c>[31000-32000, 33000-33010]</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < _ranges.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            var r = _ranges[i];
            sb.Append(r.Begin.ToString(CultureInfo.InvariantCulture)).Append('-').Append(r.End.ToString(CultureInfo.InvariantCulture));
        }
        return sb.Append(']').ToString();
    }

    /// <inheritdoc />
    public bool Equals(ValueRanges? other) => other is not null && _ranges.AsSpan().SequenceEqual(other._ranges);
    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ValueRanges);
    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var r in _ranges) h.Add(r);
        return h.ToHashCode();
    }
    /// <inheritdoc />
    public IEnumerator<ValueRange> GetEnumerator() => ((IEnumerable<ValueRange>)_ranges).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

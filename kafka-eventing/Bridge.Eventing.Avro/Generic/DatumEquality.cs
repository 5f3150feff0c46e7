using System.Collections;

namespace Bridge.Eventing.Avro.Generic;

/// <summary>
/// Structural equality of generic datums (<see cref="DatumModel"/>): byte arrays by content,
/// lists item by item, maps by key set and values, records by full name and field values.
/// Floating-point values compare by bits, so NaN equals NaN (a round trip must preserve it).
/// </summary>
public static class DatumEquality
{
    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are the same datum.</summary>
    public static bool DatumEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return false;
        switch (a)
        {
            case float x when b is float y: return BitConverter.SingleToInt32Bits(x) == BitConverter.SingleToInt32Bits(y);
            case double x when b is double y: return BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y);
            case byte[] x when b is byte[] y: return x.AsSpan().SequenceEqual(y);
            case GenericRecord x when b is GenericRecord y: return RecordsEqual(x, y);
            case IDictionary x when b is IDictionary y: return MapsEqual(x, y);
            case IList x when b is IList y: return ListsEqual(x, y);
            default: return a.Equals(b);
        }
    }

    private static bool RecordsEqual(GenericRecord x, GenericRecord y)
    {
        if (x.Schema.FullName != y.Schema.FullName || x.Schema.Fields.Length != y.Schema.Fields.Length) return false;
        for (var i = 0; i < x.Schema.Fields.Length; i++)
            if (!DatumEquals(x[i], y[i])) return false;
        return true;
    }

    private static bool ListsEqual(IList x, IList y)
    {
        if (x.Count != y.Count) return false;
        for (var i = 0; i < x.Count; i++)
            if (!DatumEquals(x[i], y[i])) return false;
        return true;
    }

    private static bool MapsEqual(IDictionary x, IDictionary y)
    {
        if (x.Count != y.Count) return false;
        foreach (DictionaryEntry entry in x)
            if (!y.Contains(entry.Key) || !DatumEquals(entry.Value, y[entry.Key])) return false;
        return true;
    }
}

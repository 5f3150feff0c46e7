using System.Globalization;
using System.Text;

namespace Bridge.Yarn.Applications.MapReduce;

/// <summary>A key and its counters, summed element-wise when keys meet (Hadoop's <c>IntSumReducer</c>/<c>LongSumReducer</c>, with several sums).</summary>
/// <param name="Key">The key's UTF-8 bytes; never contains TAB, LF or CR.</param>
/// <param name="Values">The counters; every record of one job has the same number.</param>
public sealed record SumRecord(byte[] Key, long[] Values);

/// <summary>
/// Intermediate files ("runs") between map and reduce: the map output for one partition, sorted.
/// Format: UTF-8 text, one record per line, <c>KEY TAB V1 [TAB V2 ...] LF</c>, values as decimal
/// 64-bit integers, keys in the job's key order and each key at most once (the map combines).
/// Keys cannot contain TAB, LF or CR (word-count tokens and decimal job ids never do).
/// Written to a temporary name and renamed, so a reader never sees half a run.
/// </summary>
public static class SumRuns
{
    /// <summary>Writes <paramref name="records"/>, already sorted and combined, to <paramref name="path"/> (replacing it atomically).</summary>
    /// <exception cref="ArgumentException">A key contains TAB, LF or CR (a bug in the mapper).</exception>
    public static void Write(string path, IEnumerable<SumRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        string temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(false), 1 << 16))
            {
                writer.NewLine = "\n";
                foreach (var record in records)
                {
                    if (record.Key.AsSpan().IndexOfAny((byte)'\t', (byte)'\n', (byte)'\r') >= 0)
                        throw new ArgumentException($"Key '{Encoding.UTF8.GetString(record.Key)}' contains TAB, LF or CR.", nameof(records));
                    writer.Write(Encoding.UTF8.GetString(record.Key));
                    foreach (long value in record.Values)
                    {
                        writer.Write('\t');
                        writer.Write(value.ToString(CultureInfo.InvariantCulture));
                    }
                    writer.WriteLine();
                }
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Reads a run back, lazily.</summary>
    /// <exception cref="InvalidDataException">On enumeration, a line has no TAB or a value is not an integer (the message names file and line).</exception>
    public static IEnumerable<SumRecord> Read(string path)
    {
        using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true));
        long lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var fields = line.Split('\t');
            if (fields.Length < 2) throw new InvalidDataException($"{path}:{lineNumber}: expected KEY TAB VALUE...");
            var values = new long[fields.Length - 1];
            for (int i = 0; i < values.Length; i++)
                if (!long.TryParse(fields[i + 1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[i]))
                    throw new InvalidDataException($"{path}:{lineNumber}: value '{fields[i + 1]}' is not an integer");
            yield return new SumRecord(Encoding.UTF8.GetBytes(fields[0]), values);
        }
    }

    /// <summary>
    /// Merges sorted runs into one sorted sequence, summing the values of equal keys (the
    /// reduce-side merge plus a summing reducer). Streams: holds one record per run.
    /// </summary>
    /// <param name="runs">Each sorted by <paramref name="order"/>.</param>
    /// <param name="order">The key order the runs were written in.</param>
    /// <exception cref="InvalidDataException">On enumeration, a run is out of order or records disagree on how many values they carry.</exception>
    public static IEnumerable<SumRecord> Merge(IReadOnlyList<IEnumerable<SumRecord>> runs, IComparer<byte[]> order)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(order);
        var cursors = runs.Select(r => r.GetEnumerator()).ToList();
        try
        {
            var heads = new PriorityQueue<int, byte[]>(order);
            var current = new SumRecord?[cursors.Count];
            for (int i = 0; i < cursors.Count; i++) Advance(i);

            while (heads.TryDequeue(out int source, out _))
            {
                var sum = current[source]!;
                var values = (long[])sum.Values.Clone();
                Advance(source);
                while (heads.TryPeek(out int next, out var key) && order.Compare(key, sum.Key) == 0)
                {
                    heads.Dequeue();
                    var other = current[next]!.Values;
                    if (other.Length != values.Length) throw new InvalidDataException("Runs disagree on the number of values per record.");
                    for (int v = 0; v < values.Length; v++) values[v] = checked(values[v] + other[v]);
                    Advance(next);
                }
                yield return new SumRecord(sum.Key, values);
            }

            void Advance(int i)
            {
                var previous = current[i];
                if (!cursors[i].MoveNext())
                {
                    current[i] = null;
                    return;
                }
                var record = cursors[i].Current;
                if (previous is not null && order.Compare(previous.Key, record.Key) >= 0)
                    throw new InvalidDataException($"Run {i} is not sorted: '{Encoding.UTF8.GetString(record.Key)}' after '{Encoding.UTF8.GetString(previous.Key)}'.");
                current[i] = record;
                heads.Enqueue(i, record.Key);
            }
        }
        finally
        {
            foreach (var cursor in cursors) cursor.Dispose();
        }
    }
}

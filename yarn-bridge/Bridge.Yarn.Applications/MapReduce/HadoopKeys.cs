namespace Bridge.Yarn.Applications.MapReduce;

/// <summary>
/// How Hadoop hashes and orders the two key types the applications use, so partitions and output
/// order match a Hadoop job's: <c>org.apache.hadoop.io.Text</c> (UTF-8 bytes) and
/// <c>org.apache.hadoop.io.LongWritable</c>.
/// </summary>
public static class HadoopKeys
{
    /// <summary>
    /// <c>Text.hashCode()</c>, which is <c>WritableComparator.hashBytes(bytes, length)</c>: start at
    /// 1, then for each byte <c>hash = 31 * hash + b</c> in 32-bit wrapping arithmetic, where
    /// <c>b</c> is the byte as Java's signed <c>byte</c> (−128..127), so bytes ≥ 0x80 count negative.
    /// </summary>
    /// <param name="utf8">The key's UTF-8 bytes.</param>
    public static int TextHashCode(ReadOnlySpan<byte> utf8)
    {
        int hash = 1;
        foreach (byte b in utf8) hash = unchecked(31 * hash + (sbyte)b);
        return hash;
    }

    /// <summary><c>LongWritable.hashCode()</c>: <c>(int)(value ^ (value &gt;&gt;&gt; 32))</c>.</summary>
    public static int LongHashCode(long value) => unchecked((int)(value ^ (long)((ulong)value >> 32)));

    /// <summary>
    /// <c>Text</c>'s sort order (<c>Text.Comparator</c> → <c>WritableComparator.compareBytes</c>):
    /// bytes compared as unsigned, left to right; a proper prefix sorts first. For valid UTF-8
    /// this is code-point order (which differs from .NET's ordinal UTF-16 order above U+FFFF).
    /// </summary>
    public static IComparer<byte[]> TextOrder { get; } = Comparer<byte[]>.Create(static (a, b) => a.AsSpan().SequenceCompareTo(b));
}

/// <summary>
/// Hadoop's default partitioner (<c>org.apache.hadoop.mapreduce.lib.partition.HashPartitioner</c>):
/// <c>(key.hashCode() &amp; Integer.MAX_VALUE) % numReduceTasks</c>.
/// </summary>
public static class HashPartitioner
{
    /// <summary>The partition (0..<paramref name="reduces"/>−1) of a key whose Java <c>hashCode()</c> is <paramref name="hashCode"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduces"/> is below 1.</exception>
    public static int Partition(int hashCode, int reduces)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reduces, 1);
        return (hashCode & int.MaxValue) % reduces;
    }
}

namespace Bridge.Yarn.Applications.MapReduce;

/// <summary>
/// Where map outputs live and how a map writes them: one sorted run (<see cref="SumRuns"/>) per
/// reduce partition, named <c>map-MMMMM.part-RRRRR</c> in the job's intermediate directory (a map
/// writes every partition's file, empty ones included, so a reduce can check it has them all).
/// </summary>
public static class MapOutputs
{
    /// <summary>The run of map <paramref name="map"/> for partition <paramref name="partition"/>: <c>DIR/map-00003.part-00001</c>.</summary>
    public static string PathOf(string intermediateDirectory, int map, int partition) =>
        Path.Combine(intermediateDirectory, $"map-{map:00000}.part-{partition:00000}");

    /// <summary>The runs of partition <paramref name="partition"/> from maps 0..<paramref name="maps"/>−1, in map order.</summary>
    public static IReadOnlyList<string> ForPartition(string intermediateDirectory, int maps, int partition) =>
        Enumerable.Range(0, maps).Select(m => PathOf(intermediateDirectory, m, partition)).ToList();

    /// <summary>
    /// Partitions <paramref name="combined"/> (one record per key) with <see cref="HashPartitioner"/>,
    /// sorts each partition by <paramref name="order"/> and writes one run per partition.
    /// </summary>
    /// <param name="intermediateDirectory">Created when missing.</param>
    /// <param name="map">This map's index (from 0).</param>
    /// <param name="reduces">Partitions (≥ 1).</param>
    /// <param name="combined">The map's combined output, any order.</param>
    /// <param name="hashCode">The key type's Java <c>hashCode()</c> (e.g. <see cref="HadoopKeys.TextHashCode"/>).</param>
    /// <param name="order">The key type's sort order.</param>
    /// <returns>The run paths, index = partition.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduces"/> is below 1 or <paramref name="map"/> is negative.</exception>
    public static IReadOnlyList<string> WritePartitioned(
        string intermediateDirectory, int map, int reduces, IEnumerable<SumRecord> combined,
        Func<byte[], int> hashCode, IComparer<byte[]> order)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reduces, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(map);
        var partitions = Enumerable.Range(0, reduces).Select(_ => new List<SumRecord>()).ToArray();
        foreach (var record in combined) partitions[HashPartitioner.Partition(hashCode(record.Key), reduces)].Add(record);
        Directory.CreateDirectory(intermediateDirectory);
        var paths = new string[reduces];
        for (int r = 0; r < reduces; r++)
        {
            partitions[r].Sort((a, b) => order.Compare(a.Key, b.Key));
            paths[r] = PathOf(intermediateDirectory, map, r);
            SumRuns.Write(paths[r], partitions[r]);
        }
        return paths;
    }

    /// <summary>The output file of reduce <paramref name="partition"/>: <c>part-r-00000</c> (Hadoop's <c>FileOutputFormat.getUniqueFile</c> for a reduce).</summary>
    public static string ReduceOutputName(int partition) => $"part-r-{partition:00000}";
}

using System.Globalization;
using System.Text;
using Bridge.Yarn.Applications.MapReduce;

namespace Bridge.Yarn.Applications.WordCount;

/// <summary>What a word-count map task did (Hadoop's counters of the same names).</summary>
/// <param name="Map">The map's index.</param>
/// <param name="InputRecords">Lines read (MAP_INPUT_RECORDS).</param>
/// <param name="OutputRecords">Words emitted before combining (MAP_OUTPUT_RECORDS).</param>
/// <param name="CombineOutputRecords">Distinct words after combining (COMBINE_OUTPUT_RECORDS).</param>
/// <param name="Runs">Intermediate file per partition, index = partition.</param>
public sealed record WordCountMapResult(int Map, long InputRecords, long OutputRecords, long CombineOutputRecords, IReadOnlyList<string> Runs);

/// <summary>What a word-count reduce task did.</summary>
/// <param name="Partition">The partition reduced.</param>
/// <param name="OutputRecords">Distinct words written (REDUCE_OUTPUT_RECORDS).</param>
/// <param name="OutputPath">The committed <c>part-r-RRRRR</c>.</param>
public sealed record WordCountReduceResult(int Partition, long OutputRecords, string OutputPath);

/// <summary>
/// Hadoop's WordCount example (<c>org.apache.hadoop.examples.WordCount</c>: <c>TokenizerMapper</c>,
/// <c>IntSumReducer</c> as combiner and reducer) under MapReduce's defaults, as functions over
/// files that any process can call: <see cref="Map"/> per split, <see cref="Reduce"/> per
/// partition, then <see cref="FileOutputCommitter.CommitJob"/>. Keys are <c>Text</c> (UTF-8; hashed
/// and ordered by <see cref="HadoopKeys"/>), partitions by <see cref="HashPartitioner"/>, output
/// lines <c>word TAB count</c> as <c>TextOutputFormat</c> writes them. Counts are 64-bit (Hadoop's
/// <c>IntWritable</c> would wrap past 2,147,483,647).
/// </summary>
public static class WordCountTasks
{
    // java.util.StringTokenizer's default delimiters: " \t\n\r\f".
    private static readonly char[] Delimiters = [' ', '\t', '\n', '\r', '\f'];

    /// <summary>
    /// The words of a line as <c>TokenizerMapper</c> finds them: <c>new StringTokenizer(line)</c>,
    /// i.e. maximal runs of characters other than space, TAB, LF, CR and FF. Case and punctuation
    /// are kept ("Hello," and "hello" are different words); other whitespace (NBSP, VT) is part of a word.
    /// </summary>
    public static string[] Tokenize(string line) => line.Split(Delimiters, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Runs one map task: reads <paramref name="split"/>'s lines (<see cref="LineSplitReader"/>),
    /// counts words (the combiner), and writes one sorted run per partition to
    /// <paramref name="intermediateDirectory"/> (<see cref="MapOutputs"/>). Re-running replaces the runs.
    /// </summary>
    /// <exception cref="IOException">The split's file cannot be read or the runs cannot be written.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduces"/> is below 1.</exception>
    public static WordCountMapResult Map(FileSplit split, int map, int reduces, string intermediateDirectory)
    {
        ArgumentNullException.ThrowIfNull(split);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long lines = 0, words = 0;
        foreach (var line in LineSplitReader.Read(split))
        {
            lines++;
            foreach (var word in Tokenize(line.Text))
            {
                words++;
                counts[word] = counts.GetValueOrDefault(word) + 1;
            }
        }
        var combined = counts.Select(kv => new SumRecord(Encoding.UTF8.GetBytes(kv.Key), [kv.Value]));
        var runs = MapOutputs.WritePartitioned(intermediateDirectory, map, reduces, combined,
            key => HadoopKeys.TextHashCode(key), HadoopKeys.TextOrder);
        return new WordCountMapResult(map, lines, words, counts.Count, runs);
    }

    /// <summary>
    /// Runs one reduce task: merges the partition's runs from every map (<see cref="SumRuns.Merge"/>),
    /// sums, and commits <c>OUTPUT/part-r-RRRRR</c> with one <c>word TAB count</c> line per word in
    /// <c>Text</c> byte order (<see cref="FileOutputCommitter.WriteAndCommit"/>). Re-running replaces it.
    /// </summary>
    /// <param name="runs">The partition's run from each map (<see cref="MapOutputs.ForPartition"/>).</param>
    /// <param name="partition">The partition.</param>
    /// <param name="outputDirectory">The job's output directory (set up by <see cref="FileOutputCommitter.TrySetupJob"/>).</param>
    /// <exception cref="FileNotFoundException">A map's run is missing.</exception>
    /// <exception cref="InvalidDataException">A run is malformed or out of order.</exception>
    public static WordCountReduceResult Reduce(IReadOnlyList<string> runs, int partition, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        foreach (var run in runs)
            if (!File.Exists(run)) throw new FileNotFoundException($"Map output {run} is missing.", run);
        long records = 0;
        var lines = SumRuns.Merge(runs.Select(SumRuns.Read).ToList(), HadoopKeys.TextOrder).Select(record =>
        {
            records++;
            return Encoding.UTF8.GetString(record.Key) + "\t" + record.Values[0].ToString(CultureInfo.InvariantCulture);
        });
        string path = FileOutputCommitter.WriteAndCommit(outputDirectory, MapOutputs.ReduceOutputName(partition), lines);
        return new WordCountReduceResult(partition, records, path);
    }
}

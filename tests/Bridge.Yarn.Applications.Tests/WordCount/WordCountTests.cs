using System.Text;
using Bridge.Yarn.Applications.MapReduce;
using Bridge.Yarn.Applications.WordCount;

namespace Bridge.Yarn.Applications.Tests.WordCount;

public sealed class WordCountTests : IDisposable
{
    private const string CommonLicenses = "/usr/share/common-licenses";
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The straightforward count the job must agree with: every file read whole, split on StringTokenizer's delimiters.</summary>
    private static Dictionary<string, long> CountInProcess(IEnumerable<string> files)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var word in File.ReadAllText(file, Encoding.UTF8).Split([' ', '\t', '\n', '\r', '\f'], StringSplitOptions.RemoveEmptyEntries))
                counts[word] = counts.GetValueOrDefault(word) + 1;
        return counts;
    }

    /// <summary>Reads part-r-* back, checking each file's byte order and that every word is in the partition HashPartitioner gives it.</summary>
    private static Dictionary<string, long> ReadOutput(string output, int reduces)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int r = 0; r < reduces; r++)
        {
            byte[]? previous = null;
            var bytes = File.ReadAllBytes(Path.Combine(output, $"part-r-{r:00000}"));
            Assert.True(bytes.Length == 0 || bytes[^1] == (byte)'\n');
            foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = line.Split('\t');
                Assert.Equal(2, fields.Length);
                var key = Encoding.UTF8.GetBytes(fields[0]);
                Assert.Equal(r, HashPartitioner.Partition(HadoopKeys.TextHashCode(key), reduces));
                if (previous is not null) Assert.True(HadoopKeys.TextOrder.Compare(previous, key) < 0, $"{fields[0]} out of order in part {r}");
                previous = key;
                counts.Add(fields[0], long.Parse(fields[1]));
            }
        }
        return counts;
    }

    private WordCountJobResult RunJob(string input, int reduces, long splitSize, string output = "out")
    {
        Assert.True(WordCountJob.TryPlan(new WordCountJobOptions(input, _dir.Combine(output), reduces, splitSize), out var plan, out var error), error);
        return WordCountJob.Run(plan!);
    }

    [Theory]
    [InlineData("Hello, hello  world", new[] { "Hello,", "hello", "world" })]
    [InlineData("\ta\fb\rc\nd ", new[] { "a", "b", "c", "d" })]
    [InlineData("non\u00A0breaking\vvt", new[] { "non\u00A0breaking\vvt" })]  // NBSP and VT are not StringTokenizer delimiters
    [InlineData("   ", new string[0])]
    [InlineData("日本語 café", new[] { "日本語", "café" })]
    public void Tokenize_StringTokenizerDefaults(string line, string[] words)
    {
        Assert.Equal(words, WordCountTasks.Tokenize(line));
    }

    [Theory]
    [InlineData(1, 1L << 25)]
    [InlineData(3, 4096)]
    [InlineData(7, 1000)]
    public void Job_CommonLicenses_MatchesInProcessCount(int reduces, long splitSize)
    {
        var expected = CountInProcess(Directory.EnumerateFiles(CommonLicenses, "*", SearchOption.AllDirectories));
        Assert.True(expected.Count > 1000);

        var result = RunJob(CommonLicenses, reduces, splitSize);

        var output = _dir.Combine("out");
        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), ReadOutput(output, reduces).OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Values.Sum(), result.Maps.Sum(m => m.OutputRecords));
        Assert.Equal(expected.Count, result.Reduces.Sum(r => r.OutputRecords));
        Assert.Empty(File.ReadAllBytes(Path.Combine(output, "_SUCCESS")));
        Assert.False(Directory.Exists(Path.Combine(output, "_temporary")));
        Assert.Equal(
            Enumerable.Range(0, reduces).Select(r => $"part-r-{r:00000}").Append("_SUCCESS").Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Job_SmallSplits_LinesCountedOnceAcrossBoundaries()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 200; i++) text.Append($"w{i % 17} x{i % 5}\r\n");
        string input = _dir.Write("in/text", text.ToString());

        var result = RunJob(input, 2, 7);

        Assert.True(result.Plan.Splits.Count > 100);
        Assert.Equal(200, result.Maps.Sum(m => m.InputRecords));
        Assert.Equal(CountInProcess([input]), ReadOutput(_dir.Combine("out"), 2));
    }

    [Fact]
    public void Job_NonAsciiWords_BytesAndOrderAsHadoop()
    {
        _dir.Write("in/a", "é e z 日本語 é\n😀 \uffff Z");

        RunJob(_dir.Combine("in"), 1, 1L << 25);

        // Text byte order: "Z" 5A < "e" 65 < "z" 7A < "é" C3 A9 < "日" E6 < U+FFFF EF BF BF < "😀" F0.
        var expected = "Z\t1\ne\t1\nz\t1\né\t2\n日本語\t1\n\uffff\t1\n😀\t1\n";
        Assert.Equal(Encoding.UTF8.GetBytes(expected), File.ReadAllBytes(_dir.Combine("out", "part-r-00000")));
    }

    [Fact]
    public void Job_HiddenFilesInInput_NotCounted()
    {
        _dir.Write("in/visible.txt", "seen");
        _dir.Write("in/.hidden.txt", "unseen");
        _dir.Write("in/_meta", "unseen");
        _dir.Write("in/_logs/a.txt", "unseen");
        _dir.Write("in/deep/er/v.txt", "seen too");

        var result = RunJob(_dir.Combine("in"), 1, 1L << 25);

        Assert.Equal(2, result.Plan.Splits.Count);
        Assert.Equal("seen\t2\ntoo\t1\n", File.ReadAllText(_dir.Combine("out", "part-r-00000")));
    }

    [Fact]
    public void Job_EmptyDirectory_EmptyPartsAndSuccess()
    {
        Directory.CreateDirectory(_dir.Combine("in"));

        var result = RunJob(_dir.Combine("in"), 3, 1L << 25);

        Assert.Empty(result.Maps);
        for (int r = 0; r < 3; r++) Assert.Empty(File.ReadAllBytes(_dir.Combine("out", $"part-r-{r:00000}")));
        Assert.True(File.Exists(_dir.Combine("out", "_SUCCESS")));
    }

    [Fact]
    public void Job_EmptyFile_OneMapNoWords()
    {
        _dir.Write("in/empty", "");

        var result = RunJob(_dir.Combine("in"), 2, 1L << 25);

        Assert.Equal(0, Assert.Single(result.Maps).InputRecords);
        Assert.Empty(File.ReadAllBytes(_dir.Combine("out", "part-r-00000")));
        Assert.Empty(File.ReadAllBytes(_dir.Combine("out", "part-r-00001")));
    }

    [Fact]
    public void TryPlan_OutputExists_ErrorAsValue()
    {
        _dir.Write("in/a", "x");
        Directory.CreateDirectory(_dir.Combine("out"));

        Assert.False(WordCountJob.TryPlan(new WordCountJobOptions(_dir.Combine("in"), _dir.Combine("out")), out var plan, out var error));
        Assert.Null(plan);
        Assert.Matches("Output directory .* already exists", error);
    }

    [Fact]
    public void TryPlan_MissingInput_ErrorAsValueAndNoOutputCreated()
    {
        Assert.False(WordCountJob.TryPlan(new WordCountJobOptions(_dir.Combine("nope"), _dir.Combine("out")), out _, out var error));
        Assert.StartsWith("Input path does not exist", error);
        Assert.False(Directory.Exists(_dir.Combine("out")));
    }

    [Fact]
    public void Tasks_RerunAttempts_ReplaceOutputs()
    {
        string input = _dir.Write("in/a", "b a b");
        Assert.True(WordCountJob.TryPlan(new WordCountJobOptions(input, _dir.Combine("out")), out var plan, out _));
        var split = Assert.Single(plan!.Splits);

        WordCountTasks.Map(split, 0, 1, plan.IntermediateDirectory);
        WordCountTasks.Map(split, 0, 1, plan.IntermediateDirectory);  // a second attempt of the same map
        var runs = MapOutputs.ForPartition(plan.IntermediateDirectory, 1, 0);
        WordCountTasks.Reduce(runs, 0, plan.Options.Output);
        WordCountTasks.Reduce(runs, 0, plan.Options.Output);
        FileOutputCommitter.CommitJob(plan.Options.Output);

        Assert.Equal("a\t1\nb\t2\n", File.ReadAllText(_dir.Combine("out", "part-r-00000")));
    }

    [Fact]
    public void Reduce_MissingMapOutput_Throws()
    {
        Directory.CreateDirectory(_dir.Combine("out"));
        Assert.Throws<FileNotFoundException>(() => WordCountTasks.Reduce([_dir.Combine("map-00000.part-00000")], 0, _dir.Combine("out")));
    }
}

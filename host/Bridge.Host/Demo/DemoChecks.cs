using System.Globalization;
using System.Text;
using Bridge.Traces.Alibaba;
using Bridge.Yarn.Applications.WordCount;

namespace Bridge.Host.Demo;

/// <summary>What a YARN job of the demo produced, in words, and whether it equals an independent count.</summary>
/// <param name="Lines">What to print: totals and the top entries.</param>
/// <param name="Correct">The output equals the in-process count.</param>
/// <param name="Check">What was compared, or the first difference.</param>
internal sealed record DemoOutput(IReadOnlyList<string> Lines, bool Correct, string Check);

/// <summary>
/// Reads the demo's YARN outputs and checks them against counts made here, in this process, the straightforward way:
/// word count against <see cref="WordCountTasks.Tokenize"/> over every file of the input read whole (what the tests do);
/// trace analytics against a pass of <see cref="AlibabaBatchTasks"/> over the trace.
/// </summary>
internal static class DemoChecks
{
    /// <summary>Word count's output (<c>part-r-*</c>: <c>word TAB count</c>) against an in-process count of <paramref name="input"/>.</summary>
    /// <exception cref="IOException">The output cannot be read.</exception>
    public static DemoOutput WordCount(string input, string output)
    {
        var counts = ReadParts(output).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        var files = File.Exists(input) ? [input] : Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories);
        foreach (var file in files)
            foreach (var word in WordCountTasks.Tokenize(File.ReadAllText(file, Encoding.UTF8)))
                expected[word] = expected.GetValueOrDefault(word) + 1;
        var difference = expected.FirstOrDefault(e => counts.GetValueOrDefault(e.Key) != e.Value);
        var extra = counts.Keys.FirstOrDefault(k => !expected.ContainsKey(k));
        var correct = difference.Key is null && extra is null;
        var top = counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(5).Select(c => $"{c.Key} {c.Value:N0}");
        return new DemoOutput(
            [$"{counts.Values.Sum():N0} words, {counts.Count:N0} distinct; most frequent: {string.Join(", ", top)}"],
            correct,
            correct ? $"every count equals an in-process count of {input}"
                : difference.Key is not null ? $"'{difference.Key}': {counts.GetValueOrDefault(difference.Key)} in the output, {difference.Value} counted here"
                : $"'{extra}' is in the output but not in the input");
    }

    /// <summary>Trace analytics' output (<c>part-r-*</c>: <c>job TAB core-seconds TAB instances TAB tasks</c>) against a pass over <paramref name="trace"/>.</summary>
    /// <exception cref="IOException">The output or the trace cannot be read.</exception>
    public static DemoOutput TraceAnalytics(string trace, string output)
    {
        var jobs = ReadParts(output).Select(p => (Job: p[0], CoreSeconds: decimal.Parse(p[1], CultureInfo.InvariantCulture),
            Instances: long.Parse(p[2], CultureInfo.InvariantCulture), Tasks: long.Parse(p[3], CultureInfo.InvariantCulture))).ToList();
        long rows = 0, instances = 0;
        decimal hundredthCoreSeconds = 0;
        var expectedJobs = new HashSet<long>();
        foreach (var row in AlibabaBatchTasks.ReadFile(trace).OfType<BatchTaskRow>())
        {
            rows++;
            instances += row.Instances;
            hundredthCoreSeconds += (decimal)row.Instances * row.CpuHundredths * row.DurationSeconds;
            expectedJobs.Add(row.JobId.Value);
        }
        var got = (Jobs: jobs.Count, Instances: jobs.Sum(j => j.Instances), Tasks: jobs.Sum(j => j.Tasks), CoreSeconds: jobs.Sum(j => j.CoreSeconds));
        var want = (Jobs: expectedJobs.Count, Instances: instances, Tasks: rows, CoreSeconds: hundredthCoreSeconds / 100);
        var correct = got == want;
        var top = jobs.OrderByDescending(j => j.CoreSeconds).Take(3).Select(j => $"job {j.Job} {j.CoreSeconds:N0} core-s");
        return new DemoOutput(
            [$"{got.Jobs:N0} jobs, {got.Tasks:N0} tasks, {got.Instances:N0} instances, {got.CoreSeconds:N2} CPU core-seconds; largest: {string.Join(", ", top)}"],
            correct,
            correct ? $"jobs, tasks, instances and core-seconds equal a pass over {Path.GetFileName(trace)} in this process"
                : $"output {got}, counted here {want}");
    }

    private static IEnumerable<string[]> ReadParts(string output) =>
        Directory.EnumerateFiles(output, "part-r-*").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines).Where(l => l.Length > 0).Select(l => l.Split('\t'));
}

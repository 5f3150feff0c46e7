using System.Globalization;

namespace Bridge.Benchmarks;

/// <summary>
/// CPU time of this process's threads, grouped by thread name, from <c>/proc/self/task/*/stat</c>
/// (Linux; user + system time in clock ticks of 10 ms, USER_HZ = 100). A snapshot before and one
/// after a phase tell which threads spent the phase's CPU: librdkafka names its threads
/// <c>rdk:main</c>, <c>rdk:broker1</c>, …; .NET names thread-pool threads <c>.NET TP Worker</c>;
/// the benchmarks name their own. Threads that end between the two snapshots are not counted
/// (the process total, <see cref="System.Diagnostics.Process.TotalProcessorTime"/>, still has them).
/// </summary>
internal sealed class ThreadCpu
{
    private const double SecondsPerTick = 0.01;
    private readonly Dictionary<int, (string Name, long Ticks)> _threads;

    private ThreadCpu(Dictionary<int, (string Name, long Ticks)> threads) => _threads = threads;

    /// <summary>The CPU ticks of every thread alive now; empty where /proc is missing.</summary>
    public static ThreadCpu Snapshot()
    {
        var threads = new Dictionary<int, (string, long)>();
        IEnumerable<string> tasks;
        try
        {
            tasks = Directory.EnumerateDirectories("/proc/self/task").ToList();
        }
        catch (IOException)
        {
            return new ThreadCpu(threads);
        }
        foreach (var task in tasks)
        {
            try
            {
                // "tid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the
                // last ')'. Fields from there: state is field 3 of the line, utime 14, stime 15.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var close = stat.LastIndexOf(')');
                var name = stat[(stat.IndexOf('(') + 1)..close];
                var fields = stat[(close + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (name, ticks);
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }
        return new ThreadCpu(threads);
    }

    /// <summary>
    /// CPU seconds each thread name spent between <paramref name="before"/> and this snapshot,
    /// largest first. Thread names are grouped with trailing digits removed (<c>rdk:broker1</c> and
    /// <c>rdk:broker2</c> are <c>rdk:broker</c>).
    /// </summary>
    public IReadOnlyList<(string Name, double Seconds)> Since(ThreadCpu before) =>
        _threads
            .Select(t => (Name: t.Value.Name.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'),
                          Ticks: t.Value.Ticks - (before._threads.TryGetValue(t.Key, out var b) && b.Ticks <= t.Value.Ticks ? b.Ticks : 0)))
            .GroupBy(t => t.Name)
            .Select(g => (g.Key, g.Sum(t => t.Ticks) * SecondsPerTick))
            .Where(g => g.Item2 > 0)
            .OrderByDescending(g => g.Item2)
            .ToList();

    /// <summary>"name 1.23 s, name 0.45 s, ..." for the <paramref name="top"/> largest groups of <see cref="Since"/>.</summary>
    public string Describe(ThreadCpu before, int top = 6) =>
        string.Join(", ", Since(before).Take(top).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Name} {g.Seconds:F2} s")));
}

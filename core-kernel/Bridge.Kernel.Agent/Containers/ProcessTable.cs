using System.Globalization;

namespace Bridge.Kernel.Agent.Containers;

/// <summary>Reads <c>/proc</c>: the processes of a process group (a container's tree under the posix
/// isolator) and their CPU time and resident memory (proc(5): <c>/proc/[pid]/stat</c>).</summary>
internal static class ProcessTable
{
    private static readonly long PageSize = Environment.SystemPageSize;
    private const double ClockTicks = 100; // sysconf(_SC_CLK_TCK) is 100 on Linux

    /// <summary>Fields of /proc/[pid]/stat after the command name: state, ppid, pgrp, ...</summary>
    public static bool TryRead(int pid, out int processGroup, out double cpuSeconds, out long rssBytes)
    {
        processGroup = 0;
        cpuSeconds = 0;
        rssBytes = 0;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        // The command name is in parentheses and may contain spaces: parse after the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0) return false;
        var fields = text[(close + 2)..].Split(' ');
        // fields[0] = state (3rd field), so field N (1-based) is fields[N - 3].
        processGroup = int.Parse(fields[5 - 3], CultureInfo.InvariantCulture);
        var ticks = long.Parse(fields[14 - 3], CultureInfo.InvariantCulture) + long.Parse(fields[15 - 3], CultureInfo.InvariantCulture);
        cpuSeconds = ticks / ClockTicks;
        rssBytes = long.Parse(fields[24 - 3], CultureInfo.InvariantCulture) * PageSize;
        return true;
    }

    /// <summary>Pids of every process whose process group is <paramref name="processGroup"/>.</summary>
    public static List<int> InGroup(int processGroup)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (TryRead(pid, out var group, out _, out _) && group == processGroup) pids.Add(pid);
        }
        return pids;
    }

    /// <summary>When the process started, in clock ticks after boot (proc(5) field 22), or null when it
    /// does not exist or is a zombie. With the pid it names one process for good: a pid the kernel
    /// reused belongs to a process with another start time.</summary>
    public static long? StartTime(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var close = text.LastIndexOf(')');
        if (close < 0) return null;
        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length < 20 || fields[0] == "Z") return null;
        return long.Parse(fields[22 - 3], CultureInfo.InvariantCulture);
    }

    /// <summary>Whether a process exists (and is not a zombie we have reaped).</summary>
    public static bool Exists(int pid) => Directory.Exists($"/proc/{pid}");
}

using System.Globalization;
using Bridge.Kernel.Agent.Containers;

namespace Bridge.Chaos;

/// <summary>
/// The last line of a chaos run's cleanup: task processes still alive under its agents' work dirs after the agents
/// stopped (an agent stopped by SIGTERM leaves its tasks running, as a Mesos agent does, and a run that failed half
/// way may not have torn its framework down). Each container's supervisor is a session leader, recorded in
/// <c>containers/ID/pid</c> as "PID START_TICKS"; its whole process group is SIGKILLed when that process is still the
/// one recorded (the same start time, so a reused pid is left alone).
/// </summary>
public static class Orphans
{
    /// <summary>Kills the container process groups left under <paramref name="workDir"/>; returns how many.</summary>
    public static int Kill(string workDir)
    {
        if (!Directory.Exists(workDir)) return 0;
        var killed = 0;
        foreach (var file in Directory.EnumerateFiles(workDir, "pid", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(file))) != "containers") continue;
            var parts = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid) || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var start)) continue;
            if (ProcessTable.StartTime(pid) != start) continue; // gone, or the pid was reused
            if (Signals.SendToGroup(pid, 9)) killed++;
        }
        return killed;
    }
}

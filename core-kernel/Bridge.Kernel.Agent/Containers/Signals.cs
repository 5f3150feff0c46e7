using System.Runtime.InteropServices;

namespace Bridge.Kernel.Agent.Containers;

/// <summary>POSIX signals (kill(2)); .NET's Process.Kill only sends SIGKILL to one process or its children.</summary>
internal static partial class Signals
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to a process; false when it is gone.</summary>
    public static bool Send(int pid, int signal) => pid > 0 && Kill(pid, signal) == 0;

    /// <summary>Sends <paramref name="signal"/> to every process of a process group.</summary>
    public static bool SendToGroup(int processGroup, int signal) => processGroup > 0 && Kill(-processGroup, signal) == 0;
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Bridge.Chaos;

/// <summary>How to start this program's own subcommands as child processes: the <c>bridge</c> apphost, or
/// <c>dotnet bridge.dll</c> when it runs under the dotnet host.</summary>
/// <param name="File">The executable.</param>
/// <param name="Prefix">Arguments before the subcommand (the dll path under <c>dotnet</c>).</param>
public sealed record BridgeCommand(string File, IReadOnlyList<string> Prefix)
{
    /// <summary>The running program, started again (<see cref="Environment.ProcessPath"/>; the entry assembly under <c>dotnet</c>).</summary>
    /// <exception cref="InvalidOperationException">The process path is unknown.</exception>
    public static BridgeCommand Self()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown");
        return Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? new BridgeCommand(path, [System.Reflection.Assembly.GetEntryAssembly()!.Location])
            : new BridgeCommand(path, []);
    }
}

/// <summary>
/// One child process of the chaos suite (a master or an agent), its stdout and stderr appended to a log file. Killed
/// with SIGKILL on purpose (<see cref="Kill"/>), stopped with SIGTERM at the end (<see cref="StopAsync"/>).
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ChildProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Whether it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="command"/> with <paramref name="arguments"/>, logging to <paramref name="logFile"/> (appended).</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The executable cannot be started.</exception>
    public static ChildProcess Start(BridgeCommand command, IEnumerable<string> arguments, string logFile, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(command.File) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command.Prefix.Concat(arguments)) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logFile))!);
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process, log);
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // output that arrived after the log was closed
            }
        }
    }

    /// <summary>SIGKILL: the process dies at once, with no chance to clean up.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        _ = SignalTerm(_process.Id, 15);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Stops it (SIGTERM, 10 s grace) and closes the log.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        lock (_log) _log.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SignalTerm(int pid, int signal);

    /// <summary>A TCP port on 127.0.0.1 free right now (the OS picks it; another process could take it before it is bound).</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

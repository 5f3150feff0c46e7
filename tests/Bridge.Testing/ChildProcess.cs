using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Bridge.Testing;

/// <summary>
/// A child process (kcat, the <c>bridge broker</c> host, a python3 or Java interop peer) whose
/// stdout lines and stderr are collected as they arrive. Waits are bounded; <see cref="Dispose"/> kills the process if it
/// still runs, so a failing test never leaves one behind.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _lineArrived = new(0);

    private ChildProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
    }

    /// <summary>The program and its arguments, for messages.</summary>
    public string CommandLine { get; }

    /// <summary>The OS process id.</summary>
    public int Id => _process.Id;

    /// <summary>Stdout lines so far.</summary>
    public List<string> Lines { get { lock (_lines) return [.. _lines]; } }

    /// <summary>Stderr so far.</summary>
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Standard output so far, each line ended by a newline.</summary>
    public string Stdout => string.Concat(Lines.Select(line => line + "\n"));

    /// <summary>The exit code (once exited).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <paramref name="program"/>; <paramref name="stdin"/>, when given, is written and closed.</summary>
    /// <param name="program">The executable (looked up on PATH).</param>
    /// <param name="arguments">Its arguments, passed as they are (no shell).</param>
    /// <param name="stdin">Written to its standard input, which is then closed.</param>
    /// <param name="environment">Extra environment variables.</param>
    public static ChildProcess Start(string program, IEnumerable<string> arguments, string? stdin = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process, $"{program} {string.Join(' ', start.ArgumentList)}");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) child._stdoutClosed.TrySetResult();
            else
            {
                lock (child._lines) child._lines.Add(e.Data);
                child._lineArrived.Release();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (child._stderr) child._stderr.AppendLine(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        return child;
    }

    /// <summary>Waits until <paramref name="done"/> holds for the stdout lines, the process exits, or the timeout passes.</summary>
    /// <returns>Whether <paramref name="done"/> held.</returns>
    public async Task<bool> WaitForLinesAsync(Func<List<string>, bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!done(Lines))
        {
            var left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero || _stdoutClosed.Task.IsCompleted && _lineArrived.CurrentCount == 0) return done(Lines);
            await Task.WhenAny(_lineArrived.WaitAsync(left), _stdoutClosed.Task);
        }
        return true;
    }

    /// <summary>Waits for the process to exit and for its output to be read; kills it after <paramref name="timeout"/>.</summary>
    /// <returns>Whether it exited by itself.</returns>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            await _stdoutClosed.Task.WaitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            Kill();
            return false;
        }
    }

    /// <summary>
    /// SIGTERM, as a service manager stops a program (a program that stops cleanly on it, like <c>bridge up</c>, kills
    /// its tasks first). Not SIGINT: a shell without job control starts background commands with SIGINT ignored, and
    /// the tests may run under one.
    /// </summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent (errno in the message), other than to a process already gone.</exception>
    public void Terminate()
    {
        const int SigTerm = 15, NoSuchProcess = 3;
        if (SendSignal(_process.Id, SigTerm) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != NoSuchProcess)
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {errno}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>
    /// SIGKILL (what <see cref="Process.Kill()"/> sends on Unix), then waits for the exit. Only the
    /// process itself: kcat and <c>dotnet bridge.dll</c> start no children, and walking the process
    /// tree first takes ~20 ms, long enough for a fast broker to acknowledge everything in flight.
    /// </summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        _process.WaitForExit(10_000);
    }

    /// <summary>Kills the process if it still runs, and releases it.</summary>
    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _lineArrived.Dispose();
    }
}

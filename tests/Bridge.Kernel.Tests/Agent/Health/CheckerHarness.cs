using System.Diagnostics;
using System.Threading.Channels;
using Bridge.Kernel.Agent.Health;
using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;
using Bridge.Testing;

namespace Bridge.Kernel.Tests.Agent.Health;

/// <summary>
/// A <see cref="HealthChecker"/> on a <see cref="ManualTimeProvider"/> with a temporary sandbox,
/// recording every result and callback. Tests move the clock and wait for the next result (bounded
/// by 30 s of real time as a safety net only).
/// </summary>
internal sealed class CheckerHarness : IAsyncDisposable
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(30);
    private readonly Channel<HealthCheckResult> _results = Channel.CreateUnbounded<HealthCheckResult>();
    private readonly object _gate = new();
    private readonly List<(bool Healthy, string Message)> _changes = [];
    private readonly List<string> _unhealthy = [];

    public CheckerHarness(HealthCheck check, IReadOnlyDictionary<string, string>? environment = null, Action<HealthChecker>? onUnhealthy = null)
    {
        environment ??= new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["HOME"] = Sandbox.Path };
        Checker = new HealthChecker(check, Clock, Sandbox.Path, environment,
            (healthy, message) => { lock (_gate) _changes.Add((healthy, message)); },
            message =>
            {
                lock (_gate) _unhealthy.Add(message);
                onUnhealthy?.Invoke(Checker!);
            });
        Checker.Checked += result => _results.Writer.TryWrite(result);
    }

    public ManualTimeProvider Clock { get; } = new();

    public TempDirectory Sandbox { get; } = new();

    public HealthChecker Checker { get; }

    public IReadOnlyList<(bool Healthy, string Message)> Changes
    {
        get { lock (_gate) return _changes.ToList(); }
    }

    public IReadOnlyList<string> Unhealthy
    {
        get { lock (_gate) return _unhealthy.ToList(); }
    }

    /// <summary>Moves the clock by <paramref name="seconds"/> and returns the check that this makes due.</summary>
    public async Task<HealthCheckResult> AdvanceAndCheckAsync(double seconds)
    {
        Clock.Advance(TimeSpan.FromSeconds(seconds));
        return await NextAsync();
    }

    public async Task<HealthCheckResult> NextAsync() => await _results.Reader.ReadAsync().AsTask().WaitAsync(SafetyNet);

    public bool HasPendingResult => _results.Reader.TryPeek(out _);

    /// <summary>A FIFO in the sandbox; a command writing its pid to it lets the test wait for the process to start.</summary>
    public string MakeFifo(string name)
    {
        var path = Sandbox.Combine(name);
        using var mkfifo = Process.Start("/usr/bin/mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>Waits until a command has written its pid to <paramref name="fifo"/> (opening blocks until it does).</summary>
    public static async Task<int> ReadPidAsync(string fifo) =>
        int.Parse((await Task.Run(() => File.ReadAllText(fifo)).WaitAsync(SafetyNet)).Trim());

    public static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}");

    public async ValueTask DisposeAsync()
    {
        await Checker.DisposeAsync();
        Sandbox.Dispose();
    }
}

using System.Diagnostics;

namespace Bridge.Benchmarks.MasterSimulation;

/// <summary>
/// One timer for every simulated task's end: due actions wait in a priority queue and a single
/// loop runs them every 10 ms. 100,000 running tasks with a <c>Task.Delay</c> each cost the
/// simulation more than the master (the runtime's timer queue walked them on every tick), and the
/// simulation must stay cheap next to what it measures.
/// </summary>
internal sealed class TaskClock : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
    private readonly PriorityQueue<Action, long> _due = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TaskClock() => _loop = Task.Run(RunAsync);

    /// <summary>Runs <paramref name="action"/> once <paramref name="after"/> has passed (within about 10 ms), on the clock's loop.</summary>
    public void At(TimeSpan after, Action action)
    {
        var at = Stopwatch.GetTimestamp() + (long)(after.TotalSeconds * Stopwatch.Frequency);
        lock (_due) _due.Enqueue(action, at);
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Tick);
        var ready = new List<Action>();
        while (await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => !t.IsCanceled && t.Result, TaskScheduler.Default))
        {
            var now = Stopwatch.GetTimestamp();
            lock (_due)
                while (_due.TryPeek(out _, out var at) && at <= now) ready.Add(_due.Dequeue());
            foreach (var action in ready) action();
            ready.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

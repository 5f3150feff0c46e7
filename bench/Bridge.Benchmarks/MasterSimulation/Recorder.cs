using System.Collections.Concurrent;
using System.Diagnostics;
using Bridge.Kernel.V1;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Benchmarks.MasterSimulation;

/// <summary>
/// What the simulated agents and frameworks saw, from many threads at once: each launch's
/// overhead (Stopwatch ticks from the ACCEPT call to the agent reading RUN_TASK), updates by
/// state, rescinds and errors.
/// </summary>
internal sealed class Recorder
{
    private readonly ConcurrentQueue<(long AcceptedAt, long Ticks)> _launches = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly long[] _updates = new long[Enum.GetValues<TaskState>().Max(s => (int)s) + 1];
    private long _accepted;
    private long _received;
    private long _rescinded;
    private bool _over;

    /// <summary>A framework is about to call ACCEPT with one task.</summary>
    public void Accepted() => Interlocked.Increment(ref _accepted);

    /// <summary>An agent read RUN_TASK at <paramref name="at"/> for a task accepted at <paramref name="acceptedAt"/>.</summary>
    public void LaunchReceived(long acceptedAt, long at)
    {
        _launches.Enqueue((acceptedAt, at - acceptedAt));
        Interlocked.Increment(ref _received);
    }

    /// <summary>Launches accepted that no agent has received yet.</summary>
    public long Outstanding => Interlocked.Read(ref _accepted) - Interlocked.Read(ref _received);

    /// <summary>Launches received by agents so far.</summary>
    public long Received => Interlocked.Read(ref _received);

    public void Update(TaskStatus status)
    {
        Interlocked.Increment(ref _updates[(int)status.State]);
        if (status.State is TaskState.TaskError or TaskState.TaskDropped or TaskState.TaskLost or TaskState.TaskFailed)
            _errors.Enqueue($"task {status.TaskId.Value}: {status.State} {status.Message}");
    }

    public long Updates(TaskState state) => Interlocked.Read(ref _updates[(int)state]);

    public void Rescinded() => Interlocked.Increment(ref _rescinded);

    public long RescindCount => Interlocked.Read(ref _rescinded);

    /// <summary>A call failed. Calls failing once the run is over (the master stopping under them) do not count.</summary>
    public void Error(Exception e)
    {
        if (!Volatile.Read(ref _over)) _errors.Enqueue(e.GetBaseException().Message);
    }

    /// <summary>The run is over: the master is about to stop.</summary>
    public void End() => Volatile.Write(ref _over, true);

    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>Every launch received: when its ACCEPT was called (Stopwatch ticks) and its overhead (ms).</summary>
    public IReadOnlyList<(long AcceptedAt, double Ms)> Launches() =>
        _launches.Select(l => (l.AcceptedAt, l.Ticks * 1000.0 / Stopwatch.Frequency)).ToList();
}

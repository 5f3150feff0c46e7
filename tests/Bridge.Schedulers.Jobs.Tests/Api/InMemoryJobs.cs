using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Runs;
using Bridge.Testing;
using KernelResources = Bridge.Kernel.Resources;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Schedulers.Jobs.Tests.Api;

/// <summary>
/// A jobs scheduler without a master: a real <see cref="JobScheduler"/> behind a
/// <see cref="SemaphoreSlim"/> (one input at a time, as the framework's loop), on a
/// <see cref="ManualTimeProvider"/>. The test feeds offers, status updates and ticks; every
/// <see cref="Decisions"/> is kept for assertions and its events go to the subscribers.
/// </summary>
internal sealed class InMemoryJobs : IJobsControl, IDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<Channel<JobEvent>> _subscribers = [];
    private int _offers;

    public JobScheduler Scheduler { get; } = new();

    public ManualTimeProvider Time { get; } = new(T0);

    /// <summary>Every decision carried out, in order.</summary>
    public List<Decisions> Carried { get; } = [];

    /// <summary>How many event streams are open.</summary>
    public int Subscribers
    {
        get { lock (_subscribers) return _subscribers.Count; }
    }

    public async Task<T> ReadAsync<T>(Func<JobScheduler, DateTimeOffset, T> read)
    {
        await _gate.WaitAsync();
        try
        {
            return read(Scheduler, Time.GetUtcNow());
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<T> ChangeAsync<T>(Func<JobScheduler, DateTimeOffset, Decisions, T> change)
    {
        await _gate.WaitAsync();
        try
        {
            var decisions = new Decisions();
            var result = change(Scheduler, Time.GetUtcNow(), decisions);
            Carry(decisions);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async IAsyncEnumerable<JobEvent> EventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Registered on the first MoveNextAsync, before it awaits, as the framework's loop does.
        var channel = Channel.CreateUnbounded<JobEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (_subscribers) _subscribers.Add(channel);
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken)) yield return e;
        }
        finally
        {
            lock (_subscribers) _subscribers.Remove(channel);
        }
    }

    /// <summary>An offer from <paramref name="agent"/> (hostname <c>{agent}.local</c>); returns the task ids launched on it.</summary>
    public async Task<List<string>> OfferAsync(string agent = "a1", string resources = "cpus:4;mem:4096;disk:10000")
    {
        var decisions = await ChangeAsync((s, now, d) =>
        {
            var offer = new Offer
            {
                Id = new OfferID { Value = $"offer-{Interlocked.Increment(ref _offers)}" },
                AgentId = new AgentID { Value = agent },
                FrameworkId = new FrameworkID { Value = "fw-1" },
                Hostname = agent + ".local",
                Url = $"http://{agent}.local:5051",
                Resources = { ResourceConversion.ToWire(KernelResources.Parse(resources)) },
            };
            s.OnOffers([offer], now, d);
            return d;
        });
        return decisions.Launches.SelectMany(l => l.Tasks).Select(t => t.TaskId.Value).ToList();
    }

    /// <summary>A status update for <paramref name="taskId"/> from agent a1.</summary>
    public Task<Decisions> StatusAsync(string taskId, TaskState state, int? exitCode = null, string message = "") =>
        ChangeAsync((s, now, d) =>
        {
            var status = new TaskStatus { TaskId = new TaskID { Value = taskId }, State = state, AgentId = new AgentID { Value = "a1" }, Message = message };
            if (exitCode is { } code) status.ExitCode = code;
            s.OnStatus(status, now, d);
            return d;
        });

    /// <summary>Moves the clock and ticks the scheduler.</summary>
    public Task<Decisions> AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        return ChangeAsync((s, now, d) =>
        {
            s.Tick(now, d);
            return d;
        });
    }

    /// <summary>The job's state (a live object: read it only between inputs).</summary>
    public Task<JobState?> JobAsync(string name) => ReadAsync((s, _) => s.Job(JobName.Parse(name)));

    /// <summary>Ends every event stream, as a scheduler that stops does.</summary>
    public void CompleteEvents()
    {
        lock (_subscribers)
            foreach (var subscriber in _subscribers) subscriber.Writer.TryComplete();
    }

    public void Dispose()
    {
        CompleteEvents();
        _gate.Dispose();
    }

    private void Carry(Decisions decisions)
    {
        Carried.Add(decisions);
        lock (_subscribers)
            foreach (var subscriber in _subscribers)
                foreach (var e in decisions.Events) subscriber.Writer.TryWrite(e);
    }
}

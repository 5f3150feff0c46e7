using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Instances;
using Bridge.Schedulers.Services.Scheduling;
using Bridge.Schedulers.Services.State;
using Bridge.Testing;
using KernelResources = Bridge.Kernel.Resources;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Schedulers.Services.Tests.Api;

/// <summary>
/// A services scheduler without a master: a real <see cref="ServiceScheduler"/> behind a
/// <see cref="SemaphoreSlim"/> (one input at a time, as the framework's loop), on a
/// <see cref="ManualTimeProvider"/>, saving into a real <see cref="ServicesStore"/> in a temporary file (where
/// app versions are read from). The test feeds offers, status updates and ticks; every
/// <see cref="Decisions"/> is kept for assertions and its events go to the subscribers.
/// </summary>
internal sealed class InMemoryServices : IServicesControl, IDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<Channel<ServiceEvent>> _subscribers = [];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bridge-services-api-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ServicesStore _store;
    private int _ids;
    private int _offers;

    public InMemoryServices()
    {
        Scheduler = new ServiceScheduler(new ServiceSchedulerOptions { NewId = () => new Guid(++_ids, 0, 0, new byte[8]), PortRandom = null });
        _store = ServicesStore.Open(Path.Combine(_directory, "services.db"));
    }

    public ServiceScheduler Scheduler { get; }

    public ManualTimeProvider Time { get; } = new(T0);

    /// <summary>Every decision carried out, in order.</summary>
    public List<Decisions> Carried { get; } = [];

    public ServicesInfo Info { get; set; } = new("bridge-services", "fw-1", "http://127.0.0.1:5050", "0.1.0");

    /// <summary>How many event streams are open.</summary>
    public int Subscribers
    {
        get { lock (_subscribers) return _subscribers.Count; }
    }

    public async Task<T> ReadAsync<T>(Func<ServiceScheduler, DateTimeOffset, T> read)
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

    public async Task<T> ChangeAsync<T>(Func<ServiceScheduler, DateTimeOffset, Decisions, T> change)
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

    public Task<IReadOnlyList<DateTimeOffset>> VersionsAsync(AppId id) => ReadAsync((_, _) => _store.Versions(id));

    public Task<AppDefinition?> VersionAsync(AppId id, DateTimeOffset version) => ReadAsync((_, _) => _store.Version(id, version));

    public async IAsyncEnumerable<ServiceEvent> EventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Registered on the first MoveNextAsync, before it awaits, as ServicesFramework does.
        var channel = Channel.CreateUnbounded<ServiceEvent>(new UnboundedChannelOptions { SingleReader = true });
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

    /// <summary>An offer from <paramref name="agent"/> (hostname <c>{agent}.local</c>) with <paramref name="resources"/>.</summary>
    public Task<Decisions> OfferAsync(string agent, string resources = "cpus:4;mem:4096;ports:[31000-31009]", string? attributes = null) =>
        ChangeAsync((s, now, d) =>
        {
            var offer = new Offer
            {
                Id = new OfferID { Value = $"offer-{Interlocked.Increment(ref _offers)}" },
                AgentId = new AgentID { Value = agent },
                Hostname = agent + ".local",
                Resources = { ResourceConversion.ToWire(KernelResources.Parse(resources)) },
            };
            if (attributes is not null) offer.Attributes.AddRange(ResourceConversion.ToWire(Kernel.Attributes.Parse(attributes)));
            s.OnOffers([offer], now, d);
            return d;
        });

    /// <summary>A status update for <paramref name="taskId"/> from its agent.</summary>
    public Task<Decisions> StatusAsync(string taskId, TaskState state, bool? healthy = null, string? message = null) =>
        ChangeAsync((s, now, d) =>
        {
            var status = new TaskStatus { TaskId = new TaskID { Value = taskId }, State = state };
            if (s.Instances.Get(taskId) is { } instance) status.AgentId = new AgentID { Value = instance.Agent.Id.Value };
            if (healthy is { } h) status.Healthy = h;
            if (message is not null) status.Message = message;
            s.OnStatus(status, now, d);
            return d;
        });

    /// <summary>Reports every launched instance of <paramref name="app"/> running (and healthy or not, when given).</summary>
    public async Task RunAllAsync(string app, bool? healthy = null)
    {
        var launched = await ReadAsync((s, _) => s.Instances.Of(AppId.Parse(app)).Where(i => i.Condition == Condition.Provisioned).Select(i => i.TaskId).ToList());
        foreach (var taskId in launched) await StatusAsync(taskId, TaskState.TaskRunning, healthy);
    }

    /// <summary>The task ids of <paramref name="app"/>, oldest first.</summary>
    public Task<List<string>> TasksOfAsync(string app) =>
        ReadAsync((s, _) => s.Instances.Of(AppId.Parse(app)).OrderBy(i => i.StagedAt).ThenBy(i => i.TaskId, StringComparer.Ordinal).Select(i => i.TaskId).ToList());

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

    /// <summary>Publishes an event as if the scheduler had decided it.</summary>
    public Task PublishAsync(ServiceEvent e) => ChangeAsync((_, _, d) =>
    {
        d.Events.Add(e);
        return true;
    });

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
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private void Carry(Decisions decisions)
    {
        if (decisions.Changed) _store.Save(Scheduler, decisions);
        Carried.Add(decisions);
        lock (_subscribers)
            foreach (var subscriber in _subscribers)
                foreach (var e in decisions.Events) subscriber.Writer.TryWrite(e);
    }
}

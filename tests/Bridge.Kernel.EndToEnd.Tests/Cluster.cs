using System.Net;
using System.Threading.Channels;
using Bridge.Kernel.Agent;
using Bridge.Kernel.Master;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>A master and agents on loopback, with real task processes; disposed, it kills them all.</summary>
internal sealed class Cluster : IAsyncDisposable
{
    private readonly List<AgentServer> _agents = new();

    private Cluster(MasterServer master, string workDir)
    {
        Master = master;
        WorkDir = workDir;
    }

    public MasterServer Master { get; private set; }
    public string WorkDir { get; }
    public IReadOnlyList<AgentServer> Agents => _agents;

    public static Task<Cluster> StartAsync(params string[] agentResources) => StartAsync(TimeProvider.System, agentResources);

    /// <summary>A cluster whose master runs on <paramref name="masterTime"/> (allocation, filters, heartbeats); agents use the system clock.</summary>
    public static Task<Cluster> StartAsync(TimeProvider masterTime, params string[] agentResources) =>
        StartCoreAsync(new MasterOptions { TimeProvider = masterTime }, TimeProvider.System, agentResources);

    /// <summary>A cluster whose master runs with <paramref name="options"/>; agents use the system clock.</summary>
    public static Task<Cluster> StartAsync(MasterOptions options, params string[] agentResources) =>
        StartCoreAsync(options, TimeProvider.System, agentResources);

    /// <summary>A cluster whose agents run on <paramref name="agentTime"/> (executor timeouts, update
    /// retries, kill grace periods); the master uses the system clock.</summary>
    public static Task<Cluster> StartWithAgentClockAsync(TimeProvider agentTime, params string[] agentResources) =>
        StartCoreAsync(new MasterOptions(), agentTime, agentResources);

    private static async Task<Cluster> StartCoreAsync(MasterOptions options, TimeProvider agentTime, string[] agentResources)
    {
        var master = await MasterServer.StartAsync(options, new IPEndPoint(IPAddress.Loopback, 0));
        var cluster = new Cluster(master, Path.Combine(Path.GetTempPath(), "bridge-e2e", Guid.NewGuid().ToString("N")[..8]));
        var i = 0;
        foreach (var resources in agentResources.Length == 0 ? ["cpus:2;mem:1024;disk:1024;ports:[31000-31100]"] : agentResources)
        {
            var name = $"agent-{++i}";
            var agent = await AgentServer.StartAsync(new AgentOptions
            {
                Master = master.Address, Hostname = name, Resources = Resources.Parse(resources), WorkDir = Path.Combine(cluster.WorkDir, name),
                DefaultKillGracePeriod = TimeSpan.FromSeconds(1), TimeProvider = agentTime,
            }, new IPEndPoint(IPAddress.Loopback, 0));
            cluster._agents.Add(agent);
            await agent.Agent.Registered.WaitAsync(TimeSpan.FromSeconds(30));
        }
        return cluster;
    }

    /// <summary>Stops the master and starts a new one with <paramref name="options"/> on the same port; agents keep
    /// running and re-register with it when they reconnect.</summary>
    public async Task RestartMasterAsync(MasterOptions options)
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, Master.Address.Port);
        await Master.DisposeAsync();
        Master = await MasterServer.StartAsync(options, endpoint);
    }

    /// <summary>Stops agent <paramref name="index"/> without killing its tasks (as a crashed or
    /// upgraded agent process), runs <paramref name="whileDown"/>, and starts a new agent with the
    /// same options on the same port, which recovers them.</summary>
    public async Task<AgentServer> RestartAgentAsync(int index, Func<Task>? whileDown = null)
    {
        var old = _agents[index];
        var endpoint = new IPEndPoint(IPAddress.Loopback, old.Address.Port);
        await old.StopAsync(killTasks: false);
        if (whileDown is not null) await whileDown();
        var restarted = await AgentServer.StartAsync(old.Agent.Options, endpoint);
        _agents[index] = restarted;
        await restarted.Agent.Registered.WaitAsync(TimeSpan.FromSeconds(30));
        return restarted;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents) await agent.DisposeAsync();
        await Master.DisposeAsync();
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A scheduler that records what it hears, for tests to await.</summary>
internal class RecordingScheduler : Scheduler.Scheduler
{
    public Channel<Offer> Offers { get; } = Channel.CreateUnbounded<Offer>();
    public Channel<TaskStatus> Updates { get; } = Channel.CreateUnbounded<TaskStatus>();
    public Channel<AgentID> AgentFailures { get; } = Channel.CreateUnbounded<AgentID>();
    public Channel<OfferID> Rescinded { get; } = Channel.CreateUnbounded<OfferID>();
    public TaskCompletionSource<FrameworkID> Subscribed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task SubscribedAsync(SchedulerDriver driver, FrameworkID frameworkId, bool reconnected)
    {
        Subscribed.TrySetResult(frameworkId);
        return Task.CompletedTask;
    }

    public override Task OffersAsync(SchedulerDriver driver, IReadOnlyList<Offer> offers)
    {
        foreach (var offer in offers) Offers.Writer.TryWrite(offer);
        return Task.CompletedTask;
    }

    public override Task UpdateAsync(SchedulerDriver driver, TaskStatus status)
    {
        Updates.Writer.TryWrite(status);
        return Task.CompletedTask;
    }

    public override Task RescindAsync(SchedulerDriver driver, OfferID offerId)
    {
        Rescinded.Writer.TryWrite(offerId);
        return Task.CompletedTask;
    }

    public override Task FailureAsync(SchedulerDriver driver, AgentID agentId, ExecutorID? executorId, int? status)
    {
        if (executorId is null) AgentFailures.Writer.TryWrite(agentId);
        return Task.CompletedTask;
    }

    public async Task<Offer> NextOfferAsync() => await Offers.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>The first update of <paramref name="taskId"/> in <paramref name="state"/>, seen already or still to come.</summary>
    public Task<TaskStatus> WaitForAsync(string taskId, TaskState state) =>
        WaitForAsync(s => s.TaskId.Value == taskId && s.State == state);

    /// <summary>The first update matching <paramref name="match"/>, seen already or still to come.</summary>
    public async Task<TaskStatus> WaitForAsync(Func<TaskStatus, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = 0;
        while (true)
        {
            lock (_history)
            {
                for (; seen < _history.Count; seen++)
                    if (match(_history[seen])) return _history[seen];
            }
            await Updates.Reader.WaitToReadAsync(timeout.Token);
            while (Updates.Reader.TryRead(out var status))
                lock (_history) _history.Add(status);
        }
    }

    private readonly List<TaskStatus> _history = new();
}

/// <summary>A subscribed framework: driver, scheduler and the loop running them.</summary>
internal sealed class Framework : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    private Framework(SchedulerDriver driver, RecordingScheduler scheduler)
    {
        Driver = driver;
        Scheduler = scheduler;
        _run = driver.RunAsync(_stop.Token);
    }

    public SchedulerDriver Driver { get; }
    public RecordingScheduler Scheduler { get; }

    public static async Task<Framework> StartAsync(Cluster cluster, FrameworkInfo? info = null, RecordingScheduler? scheduler = null)
    {
        scheduler ??= new RecordingScheduler();
        var driver = new SchedulerDriver(cluster.Master.Address, info ?? new FrameworkInfo { Name = "e2e", User = "root" }, scheduler);
        var framework = new Framework(driver, scheduler);
        await scheduler.Subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return framework;
    }

    public static TaskInfo Command(string id, string command, double cpus = 0.1, double mem = 32) => new()
    {
        Name = id,
        TaskId = new TaskID { Value = id },
        Command = new CommandInfo { Value = command },
        Resources =
        {
            new V1.Resource { Name = "cpus", Type = Value.Types.Type.Scalar, Scalar = new() { Value = cpus } },
            new V1.Resource { Name = "mem", Type = Value.Types.Type.Scalar, Scalar = new() { Value = mem } },
        },
    };

    /// <summary>Disconnects without tearing down (the framework's tasks wait for its failover timeout).</summary>
    public async Task DisconnectAsync()
    {
        _stop.Cancel();
        await _run;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await DisconnectAsync();
        await Driver.DisposeAsync();
    }
}


using System.Net;
using System.Threading.Channels;
using Bridge.Kernel;
using Bridge.Kernel.Agent;
using Bridge.Kernel.Master;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Resource = Bridge.Kernel.V1.Resource;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Eventing.KernelEvents.Tests.Source;

/// <summary>A master and one agent on loopback, with real task processes; disposed, it stops both
/// (the agent kills its tasks) and deletes the agent's work dir.</summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(MasterServer master, AgentServer agent, AgentId agentId, string workDir)
    {
        Master = master;
        Agent = agent;
        AgentId = agentId;
        WorkDir = workDir;
    }

    public MasterServer Master { get; private set; }
    public AgentServer Agent { get; }
    public AgentId AgentId { get; }
    public string WorkDir { get; }

    /// <summary>A master with <paramref name="options"/> (default: system clock) and one agent with 2 cpus and 1 GB.</summary>
    public static async Task<TestCluster> StartAsync(MasterOptions? options = null)
    {
        var master = await MasterServer.StartAsync(options ?? new MasterOptions(), new IPEndPoint(IPAddress.Loopback, 0));
        var workDir = Path.Combine(Path.GetTempPath(), "bridge-kevents", Guid.NewGuid().ToString("N")[..8]);
        AgentServer? agent = null;
        try
        {
            agent = await AgentServer.StartAsync(new AgentOptions
            {
                Master = master.Address, Hostname = "agent-1", Resources = Resources.Parse("cpus:2;mem:1024;disk:1024"),
                WorkDir = workDir, DefaultKillGracePeriod = TimeSpan.FromSeconds(1),
            }, new IPEndPoint(IPAddress.Loopback, 0));
            var id = await agent.Agent.Registered.WaitAsync(TimeSpan.FromSeconds(30));
            return new TestCluster(master, agent, id, workDir);
        }
        catch
        {
            if (agent is not null) await agent.DisposeAsync();
            await master.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the master and starts a new one with <paramref name="options"/> on the same port; the agent
    /// keeps running and re-registers with it.</summary>
    public async Task RestartMasterAsync(MasterOptions options)
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, Master.Address.Port);
        await Master.DisposeAsync();
        Master = await MasterServer.StartAsync(options, endpoint);
    }

    /// <summary>Returns once the current master has the agent registered (polled, 60 s at most).</summary>
    public async Task WaitForAgentAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(await Master.Master.SnapshotAsync()).State.GetAgents.Agents.Any(a => a.AgentInfo.Id.Value == AgentId.Value))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"agent {AgentId} did not register with the master");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
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

/// <summary>A subscribed framework: its driver running in the background, offers in a channel.</summary>
internal sealed class TestFramework : Scheduler, IAsyncDisposable
{
    private readonly Channel<Offer> _offers = Channel.CreateUnbounded<Offer>();
    private readonly TaskCompletionSource<FrameworkID> _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private SchedulerDriver _driver = null!;
    private Task _run = Task.CompletedTask;

    public SchedulerDriver Driver => _driver;

    public static async Task<TestFramework> StartAsync(Uri master)
    {
        var framework = new TestFramework();
        framework._driver = new SchedulerDriver(master, new FrameworkInfo { Name = "kernel-events", User = "root" }, framework);
        framework._run = framework._driver.RunAsync(framework._stop.Token);
        await framework._subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return framework;
    }

    public string Id => _subscribed.Task.Result.Value;

    public override Task SubscribedAsync(SchedulerDriver driver, FrameworkID frameworkId, bool reconnected)
    {
        _subscribed.TrySetResult(frameworkId);
        return Task.CompletedTask;
    }

    public override Task OffersAsync(SchedulerDriver driver, IReadOnlyList<Offer> offers)
    {
        foreach (var offer in offers) _offers.Writer.TryWrite(offer);
        return Task.CompletedTask;
    }

    public async Task<Offer> NextOfferAsync() => await _offers.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public static TaskInfo Command(string id, string command) => new()
    {
        Name = id,
        TaskId = new TaskID { Value = id },
        Command = new CommandInfo { Value = command },
        Resources =
        {
            new Resource { Name = "cpus", Type = Value.Types.Type.Scalar, Scalar = new() { Value = 0.1 } },
            new Resource { Name = "mem", Type = Value.Types.Type.Scalar, Scalar = new() { Value = 32 } },
        },
    };

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _run;
        await _driver.DisposeAsync();
        _stop.Dispose();
    }
}

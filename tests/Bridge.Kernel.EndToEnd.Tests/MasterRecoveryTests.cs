using System.Net;
using Bridge.Kernel.Master;
using Bridge.Kernel.Master.Registry;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Bridge.Rpc;
using Bridge.Testing;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>
/// A master that starts on a registry holding admitted agents (a restart, or a new leader after a failover):
/// offers wait for the agents to come back, and reconciliation and kills of tasks it cannot know yet wait too.
/// Agents here are raw agent streams, so the test decides exactly when each one re-registers.
/// </summary>
public sealed class MasterRecoveryTests : IAsyncLifetime
{
    private const string FrameworkIdValue = "fw-recovered";
    private readonly InMemoryRegistry _registry = new();
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly List<IDisposable> _streams = new();
    private MasterServer _master = null!;

    public async Task InitializeAsync()
    {
        await _registry.PutAgentAsync(new RegisteredAgent(new AgentId("old-S1"), "host-1", "127.0.0.1:1", Resources.Empty));
        await _registry.PutAgentAsync(new RegisteredAgent(new AgentId("old-S2"), "host-2", "127.0.0.1:2", Resources.Empty));
        _master = await MasterServer.StartAsync(new MasterOptions { Registry = _registry, TimeProvider = _clock, OfferHoldOff = TimeSpan.FromSeconds(20) },
            new IPEndPoint(IPAddress.Loopback, 0));
    }

    public async Task DisposeAsync()
    {
        foreach (var stream in _streams) stream.Dispose();
        await _master.DisposeAsync();
    }

    [Fact]
    public async Task OffersWait_UntilEveryRecoveredAgentReregistered()
    {
        await using var framework = await SubscribeAsync();
        await ReregisterAsync("old-S1", "host-1");
        Assert.True((await _master.Master.SnapshotAsync()).OffersHeld);
        Assert.False(framework.Scheduler.Offers.Reader.TryRead(out _));

        await ReregisterAsync("old-S2", "host-2");

        var offer = await framework.Scheduler.NextOfferAsync();
        var second = await framework.Scheduler.NextOfferAsync();
        Assert.Equal(["host-1", "host-2"], new[] { offer.Hostname, second.Hostname }.Order());
        Assert.False((await _master.Master.SnapshotAsync()).OffersHeld);
    }

    [Fact]
    public async Task OffersResume_AfterTheHoldOff_WhenAnAgentNeverComesBack()
    {
        await using var framework = await SubscribeAsync();
        await ReregisterAsync("old-S1", "host-1");
        _clock.Advance(TimeSpan.FromSeconds(19));
        await _master.Master.SnapshotAsync(); // the loop ran the allocation of the ticks so far
        Assert.False(framework.Scheduler.Offers.Reader.TryRead(out _));

        _clock.Advance(TimeSpan.FromSeconds(2)); // past the hold-off: the next allocation tick offers what is back

        var offer = await framework.Scheduler.NextOfferAsync();
        Assert.Equal("host-1", offer.Hostname);
        var snapshot = await _master.Master.SnapshotAsync();
        Assert.Equal("old-S2", Assert.Single(snapshot.State.GetAgents.RecoveredAgents).Id.Value);
    }

    [Fact]
    public async Task ReconcileOfATaskOnARecoveringAgent_IsAnsweredWhenTheAgentReregisters()
    {
        await using var framework = await SubscribeAsync();
        await framework.Driver.ReconcileAsync([(new TaskID { Value = "web-1" }, new AgentID { Value = "old-S1" })]);
        await framework.Driver.ReconcileAsync([(new TaskID { Value = "never-launched" }, null)]);
        await _master.Master.SnapshotAsync();
        Assert.False(framework.Scheduler.Updates.Reader.TryRead(out _)); // the master cannot know yet: no TASK_LOST

        await ReregisterAsync("old-S1", "host-1", RunningTask("web-1", "old-S1"));

        var running = await framework.Scheduler.WaitForAsync("web-1", TaskState.TaskRunning);
        Assert.Equal(TaskStatus.Types.Reason.Reconciliation, running.Reason);
        Assert.Equal("old-S1", running.AgentId.Value);
        Assert.False(framework.Scheduler.Updates.Reader.TryRead(out _)); // old-S2 is still awaited: the unplaced task waits

        await ReregisterAsync("old-S2", "host-2");

        var lost = await framework.Scheduler.WaitForAsync("never-launched", TaskState.TaskLost);
        Assert.Equal(TaskStatus.Types.Reason.Reconciliation, lost.Reason);
    }

    [Fact]
    public async Task KillOfATaskOnARecoveringAgent_ReachesTheAgentOnceItReregisters()
    {
        await using var framework = await SubscribeAsync();
        await framework.Driver.KillAsync(new TaskID { Value = "web-1" }, new AgentID { Value = "old-S1" });
        await _master.Master.SnapshotAsync();
        Assert.False(framework.Scheduler.Updates.Reader.TryRead(out _));

        var agent = await ReregisterAsync("old-S1", "host-1", RunningTask("web-1", "old-S1"));

        var kill = await agent.NextAsync(m => m.MessageCase == MasterMessage.MessageOneofCase.KillTask);
        Assert.Equal("web-1", kill.KillTask.TaskId.Value);
    }

    [Fact]
    public async Task AgentRemovedAfterTheReregisterTimeout_DeferredReconcileIsAnswered()
    {
        await using var framework = await SubscribeAsync();
        await ReregisterAsync("old-S2", "host-2");
        await framework.Driver.ReconcileAsync([(new TaskID { Value = "web-1" }, new AgentID { Value = "old-S1" })]);

        _clock.Advance(new MasterOptions().AgentReregisterTimeout + TimeSpan.FromSeconds(20)); // old-S1 never came back

        var lost = await framework.Scheduler.WaitForAsync("web-1", TaskState.TaskLost);
        Assert.Equal(TaskStatus.Types.Reason.Reconciliation, lost.Reason);
    }

    private async Task<RecoveredFramework> SubscribeAsync()
    {
        var scheduler = new RecordingScheduler();
        var info = new FrameworkInfo { Name = "recovered", User = "root", Id = new FrameworkID { Value = FrameworkIdValue }, FailoverTimeout = 3600 };
        var driver = new SchedulerDriver(_master.Address, info, scheduler, new SchedulerDriverOptions { TimeProvider = _clock });
        var stop = new CancellationTokenSource();
        var run = driver.RunAsync(stop.Token);
        await scheduler.Subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return new RecoveredFramework(driver, scheduler, run, stop);
    }

    private static V1.Task RunningTask(string id, string agent) => new()
    {
        Name = id,
        TaskId = new TaskID { Value = id },
        FrameworkId = new FrameworkID { Value = FrameworkIdValue },
        AgentId = new AgentID { Value = agent },
        State = TaskState.TaskRunning,
        Resources = { ResourceConversion.ToWire(Resources.Parse("cpus:0.5;mem:64")) },
    };

    /// <summary>Re-registers agent <paramref name="id"/> with 2 cpus and 1024 MB, reporting <paramref name="tasks"/>; returns once REREGISTERED arrived.</summary>
    private async Task<RawAgent> ReregisterAsync(string id, string hostname, params V1.Task[] tasks)
    {
        var channel = RpcChannel.ForAddress(_master.Address);
        var stream = new AgentMasterClient(channel).Connect();
        _streams.Add(stream);
        _streams.Add(channel);
        var info = new AgentInfo { Id = new AgentID { Value = id }, Hostname = hostname, Address = "127.0.0.1:1" };
        info.Resources.AddRange(ResourceConversion.ToWire(Resources.Parse("cpus:2;mem:1024")));
        var reregister = new AgentMessage.Types.Reregister { AgentInfo = info, Version = "test", Tasks = { tasks } };
        if (tasks.Length > 0)
            reregister.Frameworks.Add(new FrameworkInfo { Name = "recovered", User = "root", Id = new FrameworkID { Value = FrameworkIdValue } });
        await stream.RequestStream.WriteAsync(new AgentMessage { Reregister = reregister });
        var agent = new RawAgent(stream);
        await agent.NextAsync(m => m.MessageCase == MasterMessage.MessageOneofCase.Reregistered);
        return agent;
    }

    private sealed class RawAgent(Bridge.Rpc.AsyncDuplexStreamingCall<AgentMessage, MasterMessage> stream)
    {
        public async Task<MasterMessage> NextAsync(Func<MasterMessage, bool> match)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await stream.ResponseStream.MoveNext(timeout.Token))
                if (match(stream.ResponseStream.Current)) return stream.ResponseStream.Current;
            throw new InvalidOperationException("The master closed the agent stream");
        }
    }

    private sealed class RecoveredFramework(SchedulerDriver driver, RecordingScheduler scheduler, Task run, CancellationTokenSource stop) : IAsyncDisposable
    {
        public SchedulerDriver Driver => driver;
        public RecordingScheduler Scheduler => scheduler;

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await run;
            await driver.DisposeAsync();
            stop.Dispose();
        }
    }
}

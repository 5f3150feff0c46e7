using System.Net;
using Bridge.Kernel.Master;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Bridge.Testing;
using Reason = Bridge.Kernel.V1.TaskStatus.Types.Reason;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>
/// A real network partition: the agent is a <c>bridge agent</c> process in a network namespace the test creates, and the
/// link to it is cut. The master marks it unreachable after its pings go unanswered and tells the frameworks; when the link
/// heals the agent re-registers, and its tasks are reconciled: a partition-aware framework's task is still RUNNING, and a
/// task whose framework was told TASK_LOST (and has moved on) is killed.
/// </summary>
public sealed class PartitionTests : IAsyncLifetime
{
    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "bridge-e2e-partition", Guid.NewGuid().ToString("N")[..8]);
    private NetworkNamespace _ns = null!;
    private MasterServer _master = null!;
    private Bridge.Testing.ChildProcess _agent = null!;

    public async Task InitializeAsync()
    {
        _ns = NetworkNamespace.Create();
        _master = await MasterServer.StartAsync(new MasterOptions { PingInterval = TimeSpan.FromMilliseconds(500), MaxMissedPings = 3 },
            new IPEndPoint(_ns.HostAddress, 0));
        var dotnet = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        _agent = Bridge.Testing.ChildProcess.Start("ip",
        [
            "netns", "exec", _ns.Name, dotnet, BridgeProgram.Dll(), "agent", "--master", $"{_ns.HostAddress}:{_master.Address.Port}",
            "--hostname", "partitioned", "--resources", "cpus:2;mem:1024", "--work-dir", _workDir,
        ], environment: new Dictionary<string, string> { ["BRIDGE_LOG_LEVEL"] = "Information" });
    }

    public async Task DisposeAsync()
    {
        _ns.Heal(); // so the agent can be told to kill what is left
        _agent.Kill();
        _agent.Dispose();
        await _master.DisposeAsync();
        _ns.Dispose();
        // The agent was killed with its tasks still running: each container is a process group, recorded in containers/ID/pid.
        foreach (var pid in Directory.Exists(_workDir) ? Directory.GetFiles(_workDir, "pid", SearchOption.AllDirectories) : [])
            if (int.TryParse(File.ReadAllText(pid).Split(' ')[0], out var group)) Bridge.Kernel.Agent.Containers.Signals.SendToGroup(group, 9);
        if (Directory.Exists(_workDir)) Directory.Delete(_workDir, recursive: true);
    }

    [Fact]
    public async Task PartitionedAgent_IsUnreachable_ThenOnHealItsTasksAreReconciled()
    {
        var aware = await StartFrameworkAsync("aware", partitionAware: true);
        var unaware = await StartFrameworkAsync("unaware", partitionAware: false);
        try
        {
            await aware.Driver.LaunchAsync(await aware.Scheduler.NextOfferAsync(), [Framework.Command("kept", "sleep 600")], refuseSeconds: 0);
            await unaware.Driver.LaunchAsync(await unaware.Scheduler.NextOfferAsync(), [Framework.Command("given-up", "sleep 600")]);
            await aware.Scheduler.WaitForAsync("kept", TaskState.TaskRunning);
            await unaware.Scheduler.WaitForAsync("given-up", TaskState.TaskRunning);
            var agentId = Assert.Single((await _master.Master.SnapshotAsync()).State.GetAgents.Agents).AgentInfo.Id.Value;

            _ns.Partition();

            var unreachable = await aware.Scheduler.WaitForAsync("kept", TaskState.TaskUnreachable);
            var lost = await unaware.Scheduler.WaitForAsync("given-up", TaskState.TaskLost);
            Assert.Equal(Reason.AgentRemoved, unreachable.Reason);
            Assert.Equal(Reason.AgentRemoved, lost.Reason);
            Assert.Equal(agentId, (await aware.Scheduler.AgentFailures.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30))).Value);
            Assert.Equal(agentId, Assert.Single((await _master.Master.SnapshotAsync()).State.GetAgents.UnreachableAgents).Id.Value);

            _ns.Heal();

            await Wait.UntilAsync(async () => (await _master.Master.SnapshotAsync()).State.GetAgents.Agents.Any(a => a.AgentInfo.Id.Value == agentId && a.Active),
                "the agent re-registering after the heal", TimeSpan.FromSeconds(60));
            await aware.Driver.ReconcileAsync([(new TaskID { Value = "kept" }, new AgentID { Value = agentId })]);
            var running = await aware.Scheduler.WaitForAsync(s => s.TaskId.Value == "kept" && s.State == TaskState.TaskRunning && s.Reason == Reason.Reconciliation);
            Assert.Equal(agentId, running.AgentId.Value);
            var killed = await unaware.Scheduler.WaitForAsync("given-up", TaskState.TaskKilled);
            Assert.Equal(agentId, killed.AgentId.Value);
            var state = (await _master.Master.SnapshotAsync()).State;
            Assert.Empty(state.GetAgents.UnreachableAgents);
            Assert.Contains(state.GetTasks.Tasks, t => t.TaskId.Value == "kept" && t.State == TaskState.TaskRunning);
        }
        finally
        {
            await aware.DisposeAsync();
            await unaware.DisposeAsync();
        }
    }

    private async Task<RunningFramework> StartFrameworkAsync(string name, bool partitionAware)
    {
        var info = new FrameworkInfo { Name = name, User = "root", Checkpoint = true, FailoverTimeout = 0 };
        if (partitionAware) info.Capabilities.Add(new FrameworkInfo.Types.Capability { Type = FrameworkInfo.Types.Capability.Types.Type.PartitionAware });
        var scheduler = new RecordingScheduler();
        var driver = new SchedulerDriver(_master.Address, info, scheduler);
        var stop = new CancellationTokenSource();
        var run = driver.RunAsync(stop.Token);
        await scheduler.Subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return new RunningFramework(driver, scheduler, run, stop);
    }

    private sealed record RunningFramework(SchedulerDriver Driver, RecordingScheduler Scheduler, Task Run, CancellationTokenSource Stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await Driver.TeardownAsync();
            }
            catch (Exception e) when (e is Bridge.Rpc.RpcException or InvalidOperationException)
            {
            }
            await Stop.CancelAsync();
            await Run.ContinueWith(_ => { }, TaskScheduler.Default);
            await Driver.DisposeAsync();
            Stop.Dispose();
        }
    }
}

using Bridge.Kernel.V1;
using Bridge.Testing;
using Reason = Bridge.Kernel.V1.TaskStatus.Types.Reason;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>An agent that stops answering: the master's health checks on its own clock.</summary>
public class UnreachableAgentTests
{
    [Fact]
    public async Task AgentSilentForFivePings_PartitionAwareFrameworkGetsTaskUnreachableAndAgentFailure()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await Cluster.StartAsync(clock);
        var master = cluster.Master.Master.Options;
        var agent = cluster.Agents[0].Agent;
        var agentId = await agent.Registered;
        var info = new FrameworkInfo
        {
            Name = "partition-aware", User = "root", Checkpoint = true, // so a restarted agent takes the task back, to end it
            Capabilities = { new FrameworkInfo.Types.Capability { Type = FrameworkInfo.Types.Capability.Types.Type.PartitionAware } },
        };
        await using var framework = await Framework.StartAsync(cluster, info);
        clock.Advance(master.Allocator.AllocationInterval);
        await framework.Driver.LaunchAsync(await framework.Scheduler.NextOfferAsync(), [Framework.Command("stranded", "sleep 120")]);
        await framework.Scheduler.WaitForAsync("stranded", TaskState.TaskRunning);
        try
        {
            // The agent's link goes; its task keeps running, as on a machine cut off from the network.
            await agent.StopAsync(killTasks: false);

            // One tick may still ping the old stream; five missed pings after it make the agent unreachable.
            for (var i = 0; i <= master.MaxMissedPings + 1; i++) clock.Advance(master.PingInterval);
            var unreachable = await framework.Scheduler.WaitForAsync("stranded", TaskState.TaskUnreachable);
            var failed = await framework.Scheduler.AgentFailures.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(Reason.AgentRemoved, unreachable.Reason);
            Assert.Equal(agentId.Value, unreachable.AgentId.Value);
            Assert.Equal(agentId.Value, failed.Value);
            var state = (await cluster.Master.Master.SnapshotAsync()).State;
            Assert.Equal(agentId.Value, Assert.Single(state.GetAgents.UnreachableAgents).Id.Value);
            Assert.Equal("stranded", Assert.Single(state.GetTasks.UnreachableTasks).TaskId.Value);
        }
        finally
        {
            // The task is still running: a new agent process on the same work dir adopts it, and the cluster's disposal kills it.
            await cluster.RestartAgentAsync(0);
        }
    }
}

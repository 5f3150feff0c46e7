using Bridge.Kernel.V1;
using Bridge.Testing;
using Reason = Bridge.Kernel.V1.TaskStatus.Types.Reason;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>Framework failover at scale: a second scheduler instance takes over a framework id with 100 running tasks.</summary>
public class FrameworkFailoverTests
{
    private const int Tasks = 100;

    [Fact]
    public async Task SecondSchedulerInstance_TakesOverTheFrameworkId_AndAdoptsEveryTask()
    {
        await using var cluster = await Cluster.StartAsync("cpus:3;mem:2048", "cpus:3;mem:2048", "cpus:3;mem:2048", "cpus:3;mem:2048");
        var info = new FrameworkInfo { Name = "failover-at-scale", User = "root", FailoverTimeout = 300, Checkpoint = true };
        await using var first = await Framework.StartAsync(cluster, info);
        var launched = 0;
        while (launched < Tasks)
        {
            var offer = await first.Scheduler.NextOfferAsync();
            var batch = Enumerable.Range(launched, Math.Min(25, Tasks - launched)).Select(i => Framework.Command($"t{i:D3}", "sleep 600", cpus: 0.1, mem: 16)).ToList();
            await first.Driver.LaunchAsync(offer, batch, refuseSeconds: 0);
            launched += batch.Count;
        }
        for (var i = 0; i < Tasks; i++) await first.Scheduler.WaitForAsync($"t{i:D3}", TaskState.TaskRunning);

        // The new instance subscribes with the same id while the old one is still connected: the master hands the
        // framework over (the old stream gets an ERROR and ends), as Mesos does on a scheduler failover.
        info.Id = first.Driver.FrameworkId;
        await using var second = await Framework.StartAsync(cluster, info);
        await second.Driver.ReconcileAsync();

        var adopted = new HashSet<string>();
        await second.Scheduler.WaitForAsync(s =>
        {
            if (s.State == TaskState.TaskRunning && s.Reason == Reason.Reconciliation) adopted.Add(s.TaskId.Value);
            return adopted.Count == Tasks;
        });
        Assert.Equal(first.Driver.FrameworkId, second.Driver.FrameworkId);
        var state = (await cluster.Master.Master.SnapshotAsync()).State;
        var framework = Assert.Single(state.GetFrameworks.Frameworks);
        Assert.True(framework.Connected);
        Assert.Equal(Tasks, state.GetTasks.Tasks.Count(t => t.State == TaskState.TaskRunning && t.FrameworkId.Value == first.Driver.FrameworkId!.Value));
        Assert.Empty(state.GetTasks.CompletedTasks);

        // The new instance owns the tasks now: it can kill one.
        await second.Driver.KillAsync(new TaskID { Value = "t000" });
        await second.Scheduler.WaitForAsync("t000", TaskState.TaskKilled);
    }
}

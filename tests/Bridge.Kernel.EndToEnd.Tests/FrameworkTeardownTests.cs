using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>What TEARDOWN leaves in the master's state.</summary>
public class FrameworkTeardownTests
{
    [Fact]
    public async Task Teardown_TerminalUpdateNotYetAcknowledged_TaskIsCompletedWithItsOwnState()
    {
        // Regression: TEARDOWN right after a task ended (the scheduler had not acknowledged
        // TASK_FINISHED yet) dropped the task from the state instead of listing it as completed.
        await using var cluster = await Cluster.StartAsync();
        var scheduler = new RecordingScheduler();
        await using var driver = new SchedulerDriver(cluster.Master.Address, new FrameworkInfo { Name = "teardown", User = "root" }, scheduler,
            new SchedulerDriverOptions { AutoAcknowledge = false });
        using var stop = new CancellationTokenSource();
        var running = driver.RunAsync(stop.Token);
        await scheduler.Subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await driver.LaunchAsync(await scheduler.NextOfferAsync(), [Framework.Command("quick", "true"), Framework.Command("slow", "sleep 60")]);
        await driver.AcknowledgeAsync(await scheduler.WaitForAsync("quick", TaskState.TaskRunning)); // the agent sends the next update only after this
        await scheduler.WaitForAsync("quick", TaskState.TaskFinished);
        await scheduler.WaitForAsync("slow", TaskState.TaskRunning);

        await driver.TeardownAsync();
        stop.Cancel();
        await running;

        var state = (await cluster.Master.Master.SnapshotAsync()).State;
        Assert.Empty(state.GetTasks.Tasks);
        var completed = state.GetTasks.CompletedTasks.ToDictionary(t => t.TaskId.Value);
        Assert.Equal(TaskState.TaskFinished, completed["quick"].State);
        Assert.Equal(TaskState.TaskKilled, completed["slow"].State);
        Assert.Equal(V1.TaskStatus.Types.Reason.FrameworkRemoved, completed["slow"].StatusReason);
    }
}

using Bridge.Kernel.V1;
using Bridge.Testing;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>An agent process stopped (without killing anything) and started again with the same work
/// dir: its tasks and executors keep running and are recovered from its checkpoints.</summary>
public class AgentRecoveryTests
{
    private static FrameworkInfo Checkpointing(bool checkpoint = true) => new() { Name = "recovery", User = "root", Checkpoint = checkpoint };

    private static string Sandbox(Cluster cluster, Framework framework, string task) =>
        Path.Combine(cluster.Agents[0].Agent.WorkDir, "sandboxes", framework.Driver.FrameworkId!.Value, task);

    private static async Task<int> PidAsync(string file)
    {
        await Wait.UntilAsync(() => File.Exists(file) && File.ReadAllText(file).Trim().Length > 0);
        return int.Parse((await File.ReadAllTextAsync(file)).Trim());
    }

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}");

    [Fact]
    public async Task RunningCommandTask_SurvivesAnAgentRestart_AndTheNewAgentCanKillIt()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var framework = await Framework.StartAsync(cluster, Checkpointing());
        var offer = await framework.Scheduler.NextOfferAsync();
        await framework.Driver.LaunchAsync(offer, [Framework.Command("long", "echo $$ > pid; exec sleep 600")]);
        await framework.Scheduler.WaitForAsync("long", TaskState.TaskRunning);
        var pid = await PidAsync(Path.Combine(Sandbox(cluster, framework, "long"), "pid"));

        var agent = await cluster.RestartAgentAsync(0);

        Assert.True(Alive(pid), "the task's process must outlive the agent process");
        Assert.Contains(await agent.Agent.GetTasksAsync(), t => t.Task.Value == "long" && t.State == TaskState.TaskRunning);
        await framework.Driver.KillAsync(new TaskID { Value = "long" }, offer.AgentId);
        await framework.Scheduler.WaitForAsync("long", TaskState.TaskKilled);
        await Wait.UntilAsync(() => !Alive(pid));
    }

    [Fact]
    public async Task TaskThatEndsWhileTheAgentIsDown_IsReportedWithItsExitCode()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var framework = await Framework.StartAsync(cluster, Checkpointing());
        var offer = await framework.Scheduler.NextOfferAsync();
        await framework.Driver.LaunchAsync(offer, [Framework.Command("waits", "while [ ! -f go ]; do sleep 0.05; done; exit 3")]);
        await framework.Scheduler.WaitForAsync("waits", TaskState.TaskRunning);
        var workDir = cluster.Agents[0].Agent.WorkDir;

        await cluster.RestartAgentAsync(0, async () =>
        {
            await File.WriteAllTextAsync(Path.Combine(Sandbox(cluster, framework, "waits"), "go"), "");
            await Wait.UntilAsync(() => Directory.GetFiles(Path.Combine(workDir, "containers"), "exit_status", SearchOption.AllDirectories).Length > 0);
        });

        var failed = await framework.Scheduler.WaitForAsync("waits", TaskState.TaskFailed);
        Assert.Equal(3, failed.ExitCode);
    }

    [Fact]
    public async Task TaskOfAFrameworkThatDoesNotCheckpoint_IsKilledAndLostWhenTheAgentRestarts()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var framework = await Framework.StartAsync(cluster, Checkpointing(false));
        var offer = await framework.Scheduler.NextOfferAsync();
        await framework.Driver.LaunchAsync(offer, [Framework.Command("fragile", "echo $$ > pid; exec sleep 600")]);
        await framework.Scheduler.WaitForAsync("fragile", TaskState.TaskRunning);
        var pid = await PidAsync(Path.Combine(Sandbox(cluster, framework, "fragile"), "pid"));

        await cluster.RestartAgentAsync(0);

        var lost = await framework.Scheduler.WaitForAsync("fragile", TaskState.TaskLost);
        Assert.Equal(TaskStatus.Types.Reason.AgentRestarted, lost.Reason);
        await Wait.UntilAsync(() => !Alive(pid));
    }

    [Fact]
    public async Task CustomExecutor_ResubscribesAfterAnAgentRestart_AndStillRunsItsTask()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var framework = await Framework.StartAsync(cluster, Checkpointing());
        var executor = CustomExecutorTests.TestExecutor("exec-durable");
        var offer = await framework.Scheduler.NextOfferAsync();
        await framework.Driver.LaunchAsync(offer, [CustomExecutorTests.OnExecutor("served", executor, "run")]);
        await framework.Scheduler.WaitForAsync("served", TaskState.TaskRunning);
        var pid = await PidAsync(Path.Combine(Sandbox(cluster, framework, "executors"), "exec-durable", "executor.pid"));

        await cluster.RestartAgentAsync(0);

        Assert.True(Alive(pid), "the executor must outlive the agent process");
        await framework.Driver.KillAsync(new TaskID { Value = "served" }, offer.AgentId);
        var killed = await framework.Scheduler.WaitForAsync("served", TaskState.TaskKilled);
        Assert.Equal("killed by the test executor", killed.Message); // the same executor process answered
        Assert.True(Alive(pid));
    }

    [Fact]
    public async Task ExecutorThatDiesWhileTheAgentIsDown_HasItsTasksFailed()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var framework = await Framework.StartAsync(cluster, Checkpointing());
        var executor = CustomExecutorTests.TestExecutor("exec-doomed");
        var offer = await framework.Scheduler.NextOfferAsync();
        await framework.Driver.LaunchAsync(offer, [CustomExecutorTests.OnExecutor("orphan", executor, "run")]);
        await framework.Scheduler.WaitForAsync("orphan", TaskState.TaskRunning);
        var pid = await PidAsync(Path.Combine(Sandbox(cluster, framework, "executors"), "exec-doomed", "executor.pid"));

        await cluster.RestartAgentAsync(0, async () =>
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill();
            await Wait.UntilAsync(() => !Alive(pid));
        });

        var failed = await framework.Scheduler.WaitForAsync("orphan", TaskState.TaskFailed);
        Assert.Equal(TaskStatus.Types.Reason.ExecutorTerminated, failed.Reason);
    }

    [Fact]
    public async Task TaskTheRestartedAgentNoLongerKnows_IsReportedLostByTheMaster()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var framework = await Framework.StartAsync(cluster, Checkpointing());
        var offer = await framework.Scheduler.NextOfferAsync();
        await framework.Driver.LaunchAsync(offer, [Framework.Command("forgotten", "echo $$ > pid; exec sleep 600")]);
        await framework.Scheduler.WaitForAsync("forgotten", TaskState.TaskRunning);
        var pid = await PidAsync(Path.Combine(Sandbox(cluster, framework, "forgotten"), "pid"));
        var workDir = cluster.Agents[0].Agent.WorkDir;

        await cluster.RestartAgentAsync(0, async () =>
        {
            // The agent comes back with its id but without the task's checkpoints.
            Directory.Delete(Path.Combine(workDir, "meta", "frameworks"), recursive: true);
            System.Diagnostics.Process.GetProcessById(pid).Kill();
            await Wait.UntilAsync(() => !Alive(pid));
        });

        var lost = await framework.Scheduler.WaitForAsync("forgotten", TaskState.TaskLost);
        Assert.Equal(TaskStatus.Types.Reason.AgentRestarted, lost.Reason);
        Assert.Equal(TaskStatus.Types.Source.Master, lost.Source);
    }
}

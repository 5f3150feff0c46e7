using System.Text;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Bridge.Testing;
using Google.Protobuf;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>Custom executors: a real executor process (tests/Bridge.Kernel.TestExecutor, written with
/// the executor SDK) started by a real agent, speaking the executor API.</summary>
public class CustomExecutorTests
{
    /// <summary>The test executor, run with the dotnet host beside the test's own assemblies.</summary>
    internal static ExecutorInfo TestExecutor(string id) => new()
    {
        Type = ExecutorInfo.Types.Type.Custom,
        ExecutorId = new ExecutorID { Value = id },
        Name = "test executor",
        Command = new CommandInfo
        {
            Shell = false, Value = "/usr/bin/dotnet",
            Arguments = { "dotnet", Path.Combine(AppContext.BaseDirectory, "Bridge.Kernel.TestExecutor.dll") },
        },
        Resources =
        {
            new V1.Resource { Name = "cpus", Type = Value.Types.Type.Scalar, Scalar = new() { Value = 0.1 } },
            new V1.Resource { Name = "mem", Type = Value.Types.Type.Scalar, Scalar = new() { Value = 256 } },
        },
    };

    internal static TaskInfo OnExecutor(string id, ExecutorInfo executor, string behaviour)
    {
        var task = Framework.Command(id, "unused", cpus: 0.1, mem: 16);
        task.Command = null;
        task.Executor = executor;
        task.Data = ByteString.CopyFromUtf8(behaviour);
        return task;
    }

    [Fact]
    public async Task CustomExecutor_RunsTasks_KillsOne_EchoesMessages_AndEndsOnShutdown()
    {
        await using var cluster = await Cluster.StartAsync();
        var scheduler = new MessageRecordingScheduler();
        await using var framework = await Framework.StartAsync(cluster, scheduler: scheduler);
        var executor = TestExecutor("exec-1");
        var offer = await framework.Scheduler.NextOfferAsync();
        await framework.Driver.LaunchAsync(offer, [OnExecutor("finishes", executor, "finish"), OnExecutor("runs", executor, "run")]);

        var finished = await framework.Scheduler.WaitForAsync("finishes", TaskState.TaskFinished);
        Assert.Equal(TaskStatus.Types.Source.Executor, finished.Source);
        Assert.Equal("exec-1", finished.ExecutorId.Value);
        await framework.Scheduler.WaitForAsync("runs", TaskState.TaskRunning);

        // MESSAGE scheduler -> executor -> scheduler.
        await framework.Driver.MessageAsync(offer.AgentId, executor.ExecutorId, Encoding.UTF8.GetBytes("ping"));
        Assert.Equal("echo:ping", await scheduler.Messages.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        await framework.Driver.KillAsync(new TaskID { Value = "runs" }, offer.AgentId);
        var killed = await framework.Scheduler.WaitForAsync("runs", TaskState.TaskKilled);
        Assert.Equal("killed by the test executor", killed.Message);

        // TEARDOWN: the agent sends SHUTDOWN, the executor exits, the master hears EXITED_EXECUTOR.
        var sandbox = Path.Combine(cluster.Agents[0].Agent.WorkDir, "sandboxes", framework.Driver.FrameworkId!.Value, "executors", "exec-1");
        var pid = int.Parse(await File.ReadAllTextAsync(Path.Combine(sandbox, "executor.pid")));
        await framework.Driver.TeardownAsync();
        await Wait.UntilAsync(() => !Directory.Exists($"/proc/{pid}"));
        Assert.Contains("test executor: done", await File.ReadAllTextAsync(Path.Combine(sandbox, "stdout")));
    }

    [Fact]
    public async Task ExecutorThatDies_FailsItsTasksWithTheExecutorReason()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var framework = await Framework.StartAsync(cluster);
        var executor = TestExecutor("exec-dies");
        var offer = await framework.Scheduler.NextOfferAsync();
        await framework.Driver.LaunchAsync(offer, [OnExecutor("victim", executor, "run")]);
        await framework.Scheduler.WaitForAsync("victim", TaskState.TaskRunning);

        var sandbox = Path.Combine(cluster.Agents[0].Agent.WorkDir, "sandboxes", framework.Driver.FrameworkId!.Value, "executors", "exec-dies");
        System.Diagnostics.Process.GetProcessById(int.Parse(await File.ReadAllTextAsync(Path.Combine(sandbox, "executor.pid")))).Kill();

        var failed = await framework.Scheduler.WaitForAsync("victim", TaskState.TaskFailed);
        Assert.Equal(TaskStatus.Types.Reason.ExecutorTerminated, failed.Reason);
    }

    [Fact]
    public async Task ExecutorThatNeverSubscribes_IsKilledAtItsRegistrationTimeout()
    {
        var clock = new Bridge.Testing.ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await Cluster.StartWithAgentClockAsync(clock);
        await using var framework = await Framework.StartAsync(cluster);
        var executor = TestExecutor("exec-silent");
        executor.Command = new CommandInfo { Value = "echo started > started; exec sleep 600" }; // never speaks the executor API
        var offer = await framework.Scheduler.NextOfferAsync();
        await framework.Driver.LaunchAsync(offer, [OnExecutor("stuck", executor, "run")]);
        var sandbox = Path.Combine(cluster.Agents[0].Agent.WorkDir, "sandboxes", framework.Driver.FrameworkId!.Value, "executors", "exec-silent");
        await Wait.UntilAsync(() => File.Exists(Path.Combine(sandbox, "started")));

        clock.Advance(cluster.Agents[0].Agent.Options.ExecutorRegistrationTimeout);

        var failed = await framework.Scheduler.WaitForAsync("stuck", TaskState.TaskFailed);
        Assert.Equal(TaskStatus.Types.Reason.ExecutorRegistrationTimeout, failed.Reason);
    }

    private sealed class MessageRecordingScheduler : RecordingScheduler
    {
        public System.Threading.Channels.Channel<string> Messages { get; } = System.Threading.Channels.Channel.CreateUnbounded<string>();

        public override Task MessageAsync(SchedulerDriver driver, AgentID agentId, ExecutorID executorId, byte[] data)
        {
            Messages.Writer.TryWrite(Encoding.UTF8.GetString(data));
            return Task.CompletedTask;
        }
    }
}

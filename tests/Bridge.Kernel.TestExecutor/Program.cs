using System.Text;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;

// A custom executor for the kernel's end-to-end tests. Each task's data says what to do:
// "finish" reports RUNNING then FINISHED; "run" reports RUNNING and waits for KILL (then KILLED).
// A MESSAGE from the framework is echoed back prefixed with "echo:". The executor writes its pid to
// executor.pid in its sandbox, so tests can kill it, and exits after SHUTDOWN.
File.WriteAllText(Path.Combine(System.Environment.GetEnvironmentVariable("BRIDGE_SANDBOX") ?? ".", "executor.pid"), System.Environment.ProcessId.ToString());
await using var driver = ExecutorDriver.FromEnvironment(new TestExecutor());
await driver.RunAsync();
Console.WriteLine("test executor: done");

internal sealed class TestExecutor : Executor
{
    public override async Task LaunchAsync(ExecutorDriver driver, TaskInfo task)
    {
        await driver.SendStatusUpdateAsync(task.TaskId, TaskState.TaskRunning, "running in the test executor");
        if (task.Data.ToStringUtf8() == "finish") await driver.SendStatusUpdateAsync(task.TaskId, TaskState.TaskFinished, "done");
    }

    public override Task KillAsync(ExecutorDriver driver, TaskID taskId, KillPolicy? policy) =>
        driver.SendStatusUpdateAsync(taskId, TaskState.TaskKilled, "killed by the test executor");

    public override Task MessageAsync(ExecutorDriver driver, byte[] data) =>
        driver.SendMessageAsync(Encoding.UTF8.GetBytes("echo:" + Encoding.UTF8.GetString(data)));
}

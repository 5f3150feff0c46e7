using System.Diagnostics;
using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>examples/run-tasks (the under-50-lines framework of docs/kernel.md) run as a program against a cluster.</summary>
public class RunTasksExampleTests
{
    [Fact]
    public async Task RunTasks_ThreeTasks_ExitsZeroWithThreeFinishedTasksInTheMaster()
    {
        await using var cluster = await Cluster.StartAsync();

        var (exitCode, output) = await RunAsync("--master", $"127.0.0.1:{cluster.Master.Address.Port}", "--tasks", "3");

        Assert.True(exitCode == 0, $"RunTasks exited {exitCode}:\n{output}");
        var state = (await cluster.Master.Master.SnapshotAsync()).State;
        Assert.Empty(state.GetFrameworks.Frameworks);
        var framework = Assert.Single(state.GetFrameworks.CompletedFrameworks).FrameworkInfo;
        Assert.Equal("run-tasks", framework.Name);
        var tasks = state.GetTasks.CompletedTasks.Where(t => t.FrameworkId.Value == framework.Id.Value).OrderBy(t => t.TaskId.Value).ToList();
        Assert.Equal(["task-1", "task-2", "task-3"], tasks.Select(t => t.TaskId.Value));
        Assert.All(tasks, t => Assert.Equal(TaskState.TaskFinished, t.State));
        foreach (var i in new[] { 1, 2, 3 })
        {
            var stdout = Path.Combine(cluster.Agents[0].Agent.WorkDir, "sandboxes", framework.Id.Value, $"task-{i}", "stdout");
            Assert.Equal($"task {i}\n", await File.ReadAllTextAsync(stdout));
            Assert.Contains($"task-{i}: TASK_FINISHED", output);
        }
    }

    [Fact]
    public async Task RunTasks_ZeroTasks_ExitsWithAnError()
    {
        var (exitCode, output) = await RunAsync("--master", "127.0.0.1:1", "--tasks", "0");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--tasks must be at least 1", output);
    }

    /// <summary>Runs the example's app host (built with this project and copied next to it); its exit code and stdout+stderr.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "RunTasks")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"RunTasks did not exit within 60 s:\n{await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}

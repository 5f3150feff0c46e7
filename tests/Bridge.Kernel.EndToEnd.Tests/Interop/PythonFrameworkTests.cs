using System.Text.Json;
using Bridge.Testing;
using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.EndToEnd.Tests.Interop;

/// <summary>
/// A framework written with grpcio (tests/interop/kernel_framework.py, code generated at test time
/// from our .proto files by Debian's grpc_tools) against a real master and agent.
/// </summary>
[Trait("Category", "Interop")]
public class PythonFrameworkTests
{
    [Fact]
    public async Task GrpcioFramework_LaunchesEcho_TaskFinishesAndFrameworkIsTornDown()
    {
        await using var cluster = await Cluster.StartAsync();

        var result = await KernelFramework.RunAsync(cluster, "launch");

        var frameworkId = result.GetProperty("framework_id").GetString()!;
        var taskId = result.GetProperty("task_id").GetString()!;
        Assert.Equal(["TASK_RUNNING", "TASK_FINISHED"], result.GetProperty("states").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(2, result.GetProperty("acknowledged").GetInt32());
        Assert.True(result.GetProperty("torn_down").GetBoolean());
        var state = (await cluster.Master.Master.SnapshotAsync()).State;
        Assert.DoesNotContain(state.GetFrameworks.Frameworks, f => f.FrameworkInfo.Id.Value == frameworkId);
        Assert.Contains(state.GetFrameworks.CompletedFrameworks, f => f.FrameworkInfo.Id.Value == frameworkId);
        var task = Assert.Single(state.GetTasks.CompletedTasks, t => t.TaskId.Value == taskId);
        Assert.Equal(TaskState.TaskFinished, task.State);
        Assert.Equal(frameworkId, task.FrameworkId.Value);
        Assert.Empty(state.GetTasks.Tasks);
        var sandbox = Path.Combine(cluster.Agents[0].Agent.WorkDir, "sandboxes", frameworkId, taskId);
        Assert.Equal("interop-hello\n", await File.ReadAllTextAsync(Path.Combine(sandbox, "stdout")));
    }

    [Theory]
    [InlineData("unknown_offer", "TASK_DROPPED", "REASON_INVALID_OFFERS", "Offer no-such-offer is no longer valid")]
    [InlineData("no_resources", "TASK_ERROR", "REASON_TASK_INVALID", "resources: a task must use some resources")]
    public async Task GrpcioFramework_MalformedAccept_TaskUpdateFromTheMaster(string name, string state, string reason, string message)
    {
        await using var cluster = await Cluster.StartAsync();

        var result = await KernelFramework.RunAsync(cluster, name);

        Assert.Equal(state, result.GetProperty("state").GetString());
        Assert.Equal(reason, result.GetProperty("reason").GetString());
        Assert.Equal("SOURCE_MASTER", result.GetProperty("source").GetString());
        Assert.Equal(message, result.GetProperty("message").GetString());
        await AssertNothingRanAsync(cluster, result);
    }

    [Theory]
    [InlineData("bad_filters", "INVALID_ARGUMENT", "accept.filters.refuse_seconds: -1 is not a non-negative number of seconds")]
    [InlineData("no_stream_id", "FAILED_PRECONDITION", "The bridge-stream-id header ('') is not framework {0}'s current stream")]
    public async Task GrpcioFramework_MalformedAcceptCall_FailsWithThePreciseStatus(string name, string code, string details)
    {
        await using var cluster = await Cluster.StartAsync();

        var result = await KernelFramework.RunAsync(cluster, name);

        Assert.Equal(code, result.GetProperty("code").GetString());
        Assert.Equal(string.Format(details, result.GetProperty("framework_id").GetString()), result.GetProperty("details").GetString());
        await AssertNothingRanAsync(cluster, result);
    }

    /// <summary>The framework is gone, no task of it is known, and its agent made no sandbox.</summary>
    private static async Task AssertNothingRanAsync(Cluster cluster, JsonElement result)
    {
        var frameworkId = result.GetProperty("framework_id").GetString()!;
        Assert.True(result.GetProperty("torn_down").GetBoolean());
        var state = (await cluster.Master.Master.SnapshotAsync()).State;
        Assert.Contains(state.GetFrameworks.CompletedFrameworks, f => f.FrameworkInfo.Id.Value == frameworkId);
        Assert.Empty(state.GetTasks.Tasks);
        Assert.Empty(state.GetTasks.CompletedTasks);
        Assert.False(Directory.Exists(Path.Combine(cluster.Agents[0].Agent.WorkDir, "sandboxes", frameworkId)));
    }
}

internal static class KernelFramework
{
    /// <summary>Runs one case; asserts it passed and returns the JSON object of its "PASS case {...}" line.</summary>
    public static Task<JsonElement> RunAsync(Cluster cluster, string name) => InteropScript.RunCaseAsync("kernel_framework.py", name,
        ["--master", $"{cluster.Master.Address.Host}:{cluster.Master.Address.Port}", "--case", name,
            "--proto-root", Path.Combine(AppContext.BaseDirectory, "proto"), "--timeout", "60"]);
}

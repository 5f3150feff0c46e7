using Bridge.Kernel.Agent.Internal;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Kernel.Tests.Agent;

/// <summary>The agent's checkpoints under WORK_DIR/meta: what is written is read back, a torn last
/// update record is ignored, an unreadable file costs only its own task.</summary>
public class CheckpointsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bridge-checkpoints-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Checkpoints _checkpoints;

    public CheckpointsTests() => _checkpoints = new Checkpoints(_dir, NullLogger.Instance);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static readonly FrameworkId F = new("fw-1");

    private void WriteTask(string id, string container = "c1") =>
        _checkpoints.WriteTask(F, new TaskCheckpoint { Task = new TaskInfo { Name = id, TaskId = new TaskID { Value = id } }, ContainerId = container });

    [Fact]
    public void WhatIsWritten_IsReadBack()
    {
        Assert.Null(_checkpoints.ReadAgentId());
        _checkpoints.WriteAgentId(new AgentId("agent-7"));
        _checkpoints.WriteFramework(new FrameworkInfo { Id = new FrameworkID { Value = F.Value }, Name = "f", Checkpoint = true });
        WriteTask("t1");
        _checkpoints.WriteExecutor(F, new ExecutorCheckpoint { Executor = new ExecutorInfo { ExecutorId = new ExecutorID { Value = "e1" } }, ContainerId = "c2" });
        _checkpoints.AppendUpdate(F, new TaskId("t1"), new StatusUpdateRecord { Type = StatusUpdateRecord.Types.Type.Update, Status = new V1.TaskStatus { State = TaskState.TaskRunning } });
        _checkpoints.AppendUpdate(F, new TaskId("t1"), new StatusUpdateRecord { Type = StatusUpdateRecord.Types.Type.Ack, Uuid = ByteString.CopyFromUtf8("u") });

        Assert.Equal(new AgentId("agent-7"), _checkpoints.ReadAgentId());
        var framework = Assert.Single(_checkpoints.Read());
        Assert.True(framework.Info.Checkpoint);
        Assert.Equal("c2", Assert.Single(framework.Executors).ContainerId);
        var task = Assert.Single(framework.Tasks);
        Assert.Equal("c1", task.Checkpoint.ContainerId);
        Assert.Equal([StatusUpdateRecord.Types.Type.Update, StatusUpdateRecord.Types.Type.Ack], task.Updates.Select(u => u.Type));
    }

    [Fact]
    public void ATornLastRecord_IsIgnored()
    {
        _checkpoints.WriteFramework(new FrameworkInfo { Id = new FrameworkID { Value = F.Value } });
        WriteTask("t1");
        _checkpoints.AppendUpdate(F, new TaskId("t1"), new StatusUpdateRecord { Type = StatusUpdateRecord.Types.Type.Update, Status = new V1.TaskStatus { State = TaskState.TaskRunning, Message = "kept" } });
        var log = Path.Combine(_dir, "meta", "frameworks", F.Value, "tasks", "t1", "updates");
        var second = new StatusUpdateRecord { Type = StatusUpdateRecord.Types.Type.Update, Status = new V1.TaskStatus { State = TaskState.TaskFinished, Message = "torn" } };
        using (var stream = new MemoryStream())
        {
            second.WriteDelimitedTo(stream);
            using var file = new FileStream(log, FileMode.Append);
            file.Write(stream.ToArray(), 0, (int)stream.Length - 3); // the agent died mid-append
        }

        var updates = Assert.Single(Assert.Single(_checkpoints.Read()).Tasks).Updates;
        Assert.Equal("kept", Assert.Single(updates).Status.Message);
    }

    [Fact]
    public void AnUnreadableTask_IsSkipped_AndTheOthersRecovered()
    {
        _checkpoints.WriteFramework(new FrameworkInfo { Id = new FrameworkID { Value = F.Value } });
        WriteTask("good");
        WriteTask("bad");
        File.WriteAllBytes(Path.Combine(_dir, "meta", "frameworks", F.Value, "tasks", "bad", "task.pb"), [0xFF, 0xFF, 0xFF]);

        Assert.Equal("good", Assert.Single(Assert.Single(_checkpoints.Read()).Tasks).Checkpoint.Task.TaskId.Value);
    }

    [Fact]
    public void RemovingTheLastTask_AndTheFramework_LeavesNothingToRecover()
    {
        _checkpoints.WriteFramework(new FrameworkInfo { Id = new FrameworkID { Value = F.Value } });
        WriteTask("t1");
        _checkpoints.RemoveTask(F, new TaskId("t1"));
        Assert.Empty(Assert.Single(_checkpoints.Read()).Tasks);
        _checkpoints.RemoveFramework(F);
        Assert.Empty(_checkpoints.Read());
    }
}

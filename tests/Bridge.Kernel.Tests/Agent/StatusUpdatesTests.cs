using Bridge.Kernel.Agent;
using Bridge.Kernel.Agent.Internal;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Bridge.Testing;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Kernel.Tests.Agent;

/// <summary>The agent's status update streams: at-least-once delivery with retries on the injected
/// clock (10 s doubling to 10 min), in order per task, checkpointed, and recovered after a restart.</summary>
public class StatusUpdatesTests : IDisposable
{
    private static readonly FrameworkId F = new("fw");
    private static readonly TaskId T = new("t1");
    private readonly ManualTimeProvider _clock = new();
    private readonly List<TaskStatus> _sent = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bridge-updates-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Checkpoints _checkpoints;
    private readonly StatusUpdates _updates;

    public StatusUpdatesTests()
    {
        _checkpoints = new Checkpoints(_dir, NullLogger.Instance);
        _updates = NewUpdates();
    }

    private StatusUpdates NewUpdates() => new(
        new AgentOptions { Master = new Uri("http://127.0.0.1:1"), TimeProvider = _clock },
        m => _sent.Add(m.StatusUpdate.Status), work => work(), _checkpoints.AppendUpdate);

    private static TaskStatus Status(TaskState state) => new() { TaskId = new TaskID { Value = T.Value }, State = state };

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Update_IsResentAfter10s_ThenAfter20s_UntilAcknowledged()
    {
        _updates.Add(F, Status(TaskState.TaskRunning));
        Assert.Single(_sent);

        _clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Single(_sent);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(2, _sent.Count);
        _clock.Advance(TimeSpan.FromSeconds(19.9));
        Assert.Equal(2, _sent.Count);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(3, _sent.Count);
        Assert.All(_sent, s => Assert.Equal(_sent[0].Uuid, s.Uuid)); // the same update, not a new one

        Assert.False(_updates.Acknowledge(F, T, _sent[0].Uuid));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(3, _sent.Count);
    }

    [Fact]
    public void Retries_AreCappedAt10Minutes()
    {
        _updates.Add(F, Status(TaskState.TaskRunning));
        for (var i = 0; i < 12; i++) _clock.Advance(TimeSpan.FromMinutes(10));
        var sentBefore = _sent.Count;
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(sentBefore + 1, _sent.Count);
    }

    [Fact]
    public void Updates_GoOneAtATime_InOrder_AndTheLastTerminalAckLetsTheTaskGo()
    {
        _updates.Add(F, Status(TaskState.TaskRunning));
        _updates.Add(F, Status(TaskState.TaskFinished));
        Assert.Single(_sent);
        Assert.False(_updates.Acknowledge(F, T, ByteString.CopyFrom(new byte[16]))); // a stale uuid changes nothing
        Assert.Single(_sent);

        Assert.False(_updates.Acknowledge(F, T, _sent[0].Uuid));
        Assert.Equal(TaskState.TaskFinished, _sent[1].State);
        Assert.True(_updates.Acknowledge(F, T, _sent[1].Uuid));
        Assert.Equal(0, _updates.PendingCount);
    }

    [Fact]
    public void ExecutorUpdates_KeepTheirUuid()
    {
        var uuid = ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
        var status = Status(TaskState.TaskRunning);
        status.Uuid = uuid;
        _updates.Add(F, status, keepUuid: true);
        Assert.Equal(uuid, _sent[0].Uuid);
        Assert.True(_updates.IsPending(F, T, uuid));
    }

    [Fact]
    public void AfterARestart_OnlyUnacknowledgedUpdatesAreResent_InOrder()
    {
        _checkpoints.WriteFramework(new FrameworkInfo { Id = new FrameworkID { Value = F.Value } });
        _checkpoints.WriteTask(F, new TaskCheckpoint { Task = new TaskInfo { TaskId = new TaskID { Value = T.Value } } });
        _updates.Add(F, Status(TaskState.TaskRunning));
        _updates.Add(F, Status(TaskState.TaskFailed));
        _updates.Acknowledge(F, T, _sent[0].Uuid);
        var failedUuid = _sent[1].Uuid;

        var task = Assert.Single(Assert.Single(_checkpoints.Read()).Tasks);
        _sent.Clear();
        var restarted = NewUpdates();
        var latest = restarted.Recover(F, T, task.Updates);

        Assert.Equal(TaskState.TaskFailed, latest!.State);
        Assert.Empty(_sent); // nothing goes before the agent re-registered
        restarted.ResendAll();
        var resent = Assert.Single(_sent);
        Assert.Equal(failedUuid, resent.Uuid);
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using Bridge.Kernel;
using Bridge.Kernel.Master.Internal;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Google.Protobuf;
using MasterService = Bridge.Kernel.Master.Master;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Benchmarks.MasterSimulation;

/// <summary>
/// An agent with no process and no network: it talks to the <see cref="MasterService"/> through the
/// same calls the gRPC adapter (<c>AgentMasterService</c>) makes, and runs a fake command executor.
/// A RUN_TASK is answered with TASK_RUNNING; after the task's simulated run time TASK_FINISHED
/// follows, but only once TASK_RUNNING was acknowledged (the agent's status update stream keeps
/// one update in flight per task, as <c>StatusUpdates</c> does); pings are answered with pongs.
/// Receiving a RUN_TASK records the launch overhead: the framework put the Stopwatch timestamp of
/// its ACCEPT call in the task's <c>data</c>.
/// </summary>
internal sealed class SimulatedAgent(MasterService master, int index, Recorder recorder, TaskClock clock, TimeSpan meanTaskTime)
{
    private sealed class SimTask(FrameworkID framework, TaskID task)
    {
        public FrameworkID Framework { get; } = framework;
        public TaskID Task { get; } = task;
        public ByteString? InFlight { get; set; }
        public bool Finished { get; set; }
        public bool FinishQueued { get; set; }
    }

    private readonly object _lock = new();
    private readonly Dictionary<(string, string), SimTask> _tasks = new();
    private readonly Random _random = new(index);
    private readonly AgentConnection _connection = new();
    private AgentId _id;
    private AgentID? _wireId;

    /// <summary>The resources every simulated agent offers: room for two benchmark tasks, as in the Mesos paper's run.</summary>
    public static readonly string Resources = "cpus:2;mem:2048";

    /// <summary>REGISTER, the first message of the agent's stream.</summary>
    public async Task RegisterAsync()
    {
        var info = new AgentInfo { Hostname = $"sim-agent-{index}", Port = 5051 };
        info.Resources.AddRange(Kernel.Protocol.ResourceConversion.ToWire(Kernel.Resources.Parse(Resources)));
        _id = await master.AgentConnectedAsync(_connection, new AgentMessage { Register = new() { AgentInfo = info, Version = "bench" } });
        _wireId = new AgentID { Value = _id.Value };
    }

    /// <summary>Reads what the master sends until the master closes the stream.</summary>
    public async Task RunAsync()
    {
        await foreach (var message in _connection.Messages.ReadAllAsync())
        {
            switch (message.MessageCase)
            {
                case MasterMessage.MessageOneofCase.RunTask:
                    // Frameworks of the master benchmark put their ACCEPT's Stopwatch timestamp in the task's data; others do not.
                    if (message.RunTask.Task.Data.Length >= sizeof(long))
                        recorder.LaunchReceived(BinaryPrimitives.ReadInt64LittleEndian(message.RunTask.Task.Data.Span), Stopwatch.GetTimestamp());
                    Start(message.RunTask.Framework.Id, message.RunTask.Task.TaskId);
                    break;
                case MasterMessage.MessageOneofCase.Acknowledge:
                    Acknowledged(message.Acknowledge);
                    break;
                case MasterMessage.MessageOneofCase.Ping:
                    Send(new AgentMessage { Pong = new() { Sequence = message.Ping.Sequence } });
                    break;
                case MasterMessage.MessageOneofCase.ShutdownFramework:
                    lock (_lock)
                        foreach (var key in _tasks.Keys.Where(k => k.Item1 == message.ShutdownFramework.FrameworkId.Value).ToList()) _tasks.Remove(key);
                    break;
            }
        }
    }

    private void Start(FrameworkID framework, TaskID taskId)
    {
        var task = new SimTask(framework, taskId);
        TimeSpan runFor;
        lock (_lock)
        {
            if (!_tasks.TryAdd((framework.Value, taskId.Value), task)) return; // a duplicate delivery
            runFor = meanTaskTime * (0.5 + _random.NextDouble());
            SendUpdate(task, TaskState.TaskRunning);
        }
        clock.At(runFor, () => Finish(task));
    }

    private void Finish(SimTask task)
    {
        lock (_lock)
        {
            task.Finished = true;
            if (task.InFlight is null) SendUpdate(task, TaskState.TaskFinished);
            else task.FinishQueued = true; // sent when TASK_RUNNING is acknowledged
        }
    }

    private void Acknowledged(MasterMessage.Types.AcknowledgeStatusUpdate ack)
    {
        lock (_lock)
        {
            if (!_tasks.TryGetValue((ack.FrameworkId.Value, ack.TaskId.Value), out var task) || task.InFlight != ack.Uuid) return;
            task.InFlight = null;
            if (task.FinishQueued)
            {
                task.FinishQueued = false;
                SendUpdate(task, TaskState.TaskFinished);
            }
            else if (task.Finished) _tasks.Remove((ack.FrameworkId.Value, ack.TaskId.Value));
        }
    }

    private void SendUpdate(SimTask task, TaskState state)
    {
        var uuid = ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
        task.InFlight = uuid;
        Send(new AgentMessage
        {
            StatusUpdate = new()
            {
                FrameworkId = task.Framework,
                Status = new TaskStatus
                {
                    TaskId = task.Task, State = state, Source = TaskStatus.Types.Source.Executor, AgentId = _wireId, Uuid = uuid,
                    Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0,
                },
            },
        });
    }

    private void Send(AgentMessage message)
    {
        var sent = master.AgentMessageAsync(_id, _connection, message);
        if (!sent.IsCompletedSuccessfully) sent.ContinueWith(t => recorder.Error(t.Exception!), TaskContinuationOptions.OnlyOnFaulted);
    }
}

using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Google.Protobuf;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Kernel.Agent.Internal;

/// <summary>
/// The agent's status update manager (Mesos' <c>TaskStatusUpdateManager</c>): one stream per task,
/// in order; only the head of a stream is in flight. The head is resent after
/// <see cref="AgentOptions.StatusUpdateRetryInterval"/>, doubling up to
/// <see cref="AgentOptions.StatusUpdateRetryMax"/>, until the framework's acknowledgement (by uuid)
/// comes back through the master; then the next update goes. Delivery is at-least-once: every
/// update and acknowledgement is written to the task's checkpoint log (<paramref name="checkpoint"/>)
/// before anything is sent, so a restarted agent resends what was never acknowledged
/// (<see cref="Recover"/>). Owned by the agent's loop.
/// </summary>
internal sealed class StatusUpdates(AgentOptions options, Action<AgentMessage> send, Action<Action> post,
    Action<FrameworkId, TaskId, StatusUpdateRecord> checkpoint)
{
    private sealed class Stream
    {
        public Queue<AgentMessage.Types.StatusUpdate> Pending { get; } = new();
        public TimeSpan Backoff { get; set; }
        public ITimer? Retry { get; set; }
    }

    private readonly Dictionary<(FrameworkId, TaskId), Stream> _streams = new();

    /// <summary>Updates waiting for acknowledgement, for re-registration and tests.</summary>
    public int PendingCount => _streams.Values.Sum(s => s.Pending.Count);

    /// <summary>The unacknowledged updates of a task, oldest first.</summary>
    public IReadOnlyList<TaskStatus> Pending(FrameworkId framework, TaskId task) =>
        _streams.TryGetValue((framework, task), out var s) ? s.Pending.Select(u => u.Status).ToList() : [];

    /// <summary>Queues an update, checkpoints it, and sends it if the task has nothing else in flight.
    /// The agent's own updates get a fresh uuid here; an executor's keep the uuid it chose
    /// (<paramref name="keepUuid"/>), which its ACKNOWLEDGED event echoes.</summary>
    public void Add(FrameworkId framework, TaskStatus status, bool keepUuid = false)
    {
        if (!keepUuid || status.Uuid.Length == 0) status.Uuid = ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
        var key = (framework, new TaskId(status.TaskId.Value));
        checkpoint(framework, key.Item2, new StatusUpdateRecord { Type = StatusUpdateRecord.Types.Type.Update, Status = status });
        if (Enqueue(key, status) is { Pending.Count: 1 } stream) SendHead(key, stream, options.StatusUpdateRetryInterval);
    }

    /// <summary>Rebuilds a task's stream from its checkpoint log (agent recovery): updates without an
    /// acknowledgement, in order. Nothing is sent until <see cref="ResendAll"/> (after re-registering).
    /// Returns the latest status written, acknowledged or not (null for an empty log).</summary>
    public TaskStatus? Recover(FrameworkId framework, TaskId task, IReadOnlyList<StatusUpdateRecord> records)
    {
        TaskStatus? latest = null;
        var pending = new List<TaskStatus>();
        foreach (var record in records)
        {
            if (record.Type == StatusUpdateRecord.Types.Type.Update && record.Status is { } status)
            {
                pending.Add(status);
                latest = status;
            }
            else if (record.Type == StatusUpdateRecord.Types.Type.Ack)
                pending.RemoveAll(p => p.Uuid == record.Uuid);
        }
        foreach (var status in pending) Enqueue((framework, task), status);
        return latest;
    }

    /// <summary>True when an update with <paramref name="uuid"/> is waiting for acknowledgement.</summary>
    public bool IsPending(FrameworkId framework, TaskId task, ByteString uuid) =>
        _streams.TryGetValue((framework, task), out var s) && s.Pending.Any(u => u.Status.Uuid == uuid);

    private Stream Enqueue((FrameworkId, TaskId) key, TaskStatus status)
    {
        if (!_streams.TryGetValue(key, out var stream)) _streams[key] = stream = new Stream();
        stream.Pending.Enqueue(new AgentMessage.Types.StatusUpdate { FrameworkId = new FrameworkID { Value = key.Item1.Value }, Status = status });
        return stream;
    }

    /// <summary>An acknowledgement from the framework. Returns true when the task has nothing left pending
    /// and its last update was terminal (the agent may forget the task).</summary>
    public bool Acknowledge(FrameworkId framework, TaskId task, ByteString uuid)
    {
        if (!_streams.TryGetValue((framework, task), out var stream) || stream.Pending.Count == 0) return false;
        var head = stream.Pending.Peek();
        if (head.Status.Uuid != uuid) return false; // a duplicate or stale acknowledgement
        checkpoint(framework, task, new StatusUpdateRecord { Type = StatusUpdateRecord.Types.Type.Ack, Uuid = uuid });
        stream.Pending.Dequeue();
        stream.Retry?.Dispose();
        stream.Retry = null;
        if (stream.Pending.Count > 0)
        {
            SendHead((framework, task), stream, options.StatusUpdateRetryInterval);
            return false;
        }
        _streams.Remove((framework, task));
        return Protocol.TaskStates.IsTerminal(head.Status.State);
    }

    /// <summary>Resends every head at once (after (re-)registering with a master).</summary>
    public void ResendAll()
    {
        foreach (var (key, stream) in _streams)
            if (stream.Pending.Count > 0) SendHead(key, stream, options.StatusUpdateRetryInterval);
    }

    /// <summary>Drops a framework's streams (it was shut down).</summary>
    public void Forget(FrameworkId framework)
    {
        foreach (var key in _streams.Keys.Where(k => k.Item1 == framework).ToList())
        {
            _streams[key].Retry?.Dispose();
            _streams.Remove(key);
        }
    }

    private void SendHead((FrameworkId, TaskId) key, Stream stream, TimeSpan backoff)
    {
        var head = stream.Pending.Peek();
        send(new AgentMessage { StatusUpdate = head });
        stream.Backoff = backoff;
        stream.Retry?.Dispose();
        stream.Retry = options.TimeProvider.CreateTimer(_ => post(() =>
        {
            if (!_streams.TryGetValue(key, out var current) || current != stream || stream.Pending.Count == 0 || stream.Pending.Peek() != head) return;
            var next = stream.Backoff * 2;
            SendHead(key, stream, next < options.StatusUpdateRetryMax ? next : options.StatusUpdateRetryMax);
        }), null, backoff, Timeout.InfiniteTimeSpan);
    }
}

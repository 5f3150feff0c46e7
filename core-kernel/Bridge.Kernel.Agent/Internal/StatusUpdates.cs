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
/// comes back through the master; then the next update goes. Delivery is at-least-once.
/// Owned by the agent's loop.
/// </summary>
internal sealed class StatusUpdates(AgentOptions options, Action<AgentMessage> send, Action<Action> post)
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

    /// <summary>Queues an update (its uuid is set here) and sends it if the task has nothing else in flight.</summary>
    public void Add(FrameworkId framework, TaskStatus status)
    {
        status.Uuid = ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
        var key = (framework, new TaskId(status.TaskId.Value));
        if (!_streams.TryGetValue(key, out var stream)) _streams[key] = stream = new Stream();
        stream.Pending.Enqueue(new AgentMessage.Types.StatusUpdate { FrameworkId = new FrameworkID { Value = framework.Value }, Status = status });
        if (stream.Pending.Count == 1) SendHead(key, stream, options.StatusUpdateRetryInterval);
    }

    /// <summary>An acknowledgement from the framework. Returns true when the task has nothing left pending
    /// and its last update was terminal (the agent may forget the task).</summary>
    public bool Acknowledge(FrameworkId framework, TaskId task, ByteString uuid)
    {
        if (!_streams.TryGetValue((framework, task), out var stream) || stream.Pending.Count == 0) return false;
        var head = stream.Pending.Peek();
        if (head.Status.Uuid != uuid) return false; // a duplicate or stale acknowledgement
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

using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;

namespace Bridge.Kernel.Master.Internal;

/// <summary>What the master knows of a framework. Owned by the master's loop.</summary>
internal sealed class FrameworkRecord(FrameworkId id, FrameworkInfo info, DateTimeOffset registeredAt)
{
    public FrameworkId Id { get; } = id;
    public FrameworkInfo Info { get; set; } = info;
    public DateTimeOffset RegisteredAt { get; } = registeredAt;
    public FrameworkConnection? Connection { get; set; }
    public ITimer? FailoverTimer { get; set; }

    /// <summary>Known only from agents re-registering (after a master restart); no scheduler has subscribed yet.</summary>
    public bool Recovered { get; set; }

    /// <summary>Non-terminal tasks and terminal ones whose last update is not acknowledged yet.</summary>
    public Dictionary<TaskId, TaskRecord> Tasks { get; } = new();

    /// <summary>Terminal, acknowledged tasks, oldest first, bounded.</summary>
    public Queue<V1.Task> Completed { get; } = new();

    /// <summary>Tasks on unreachable agents (partition-aware frameworks only).</summary>
    public Dictionary<TaskId, TaskRecord> Unreachable { get; } = new();

    public bool Connected => Connection is { IsClosed: false };

    public IReadOnlyList<string> Roles => Info.Roles.Count == 0 ? [Kernel.Roles.Default] : Info.Roles;

    public bool PartitionAware => HasCapability(FrameworkInfo.Types.Capability.Types.Type.PartitionAware);

    public bool HasCapability(FrameworkInfo.Types.Capability.Types.Type type) =>
        Info.Capabilities.Any(c => c.Type == type);
}

/// <summary>A task as the master tracks it: its wire form (state and statuses kept current) and its resources.</summary>
internal sealed class TaskRecord(V1.Task task, Resources resources)
{
    public V1.Task Task { get; } = task;
    public Resources Resources { get; } = resources;
    public FrameworkId FrameworkId { get; } = new(task.FrameworkId.Value);
    public AgentId AgentId { get; } = new(task.AgentId.Value);
    public TaskId Id { get; } = new(task.TaskId.Value);
    public string Role => Task.Role;
    public TaskState State => Task.State;
    public bool IsTerminal => TaskStates.IsTerminal(Task.State);

    /// <summary>Set when the master killed the task to restore a quota guarantee: its TASK_KILLED is reported as preempted.</summary>
    public Allocation.Revocation? Revoked { get; set; }
}

/// <summary>A custom executor running on an agent: its resources are held while it lives.</summary>
internal sealed record ExecutorRecord(FrameworkId FrameworkId, ExecutorInfo Info, Resources Resources, string Role)
{
    /// <summary>The allocator knows executors as tasks with this id.</summary>
    public TaskId AllocationId => AllocationIdOf(new ExecutorId(Info.ExecutorId.Value));

    /// <summary>The allocator's task id for an executor's own resources.</summary>
    public static TaskId AllocationIdOf(ExecutorId executor) => new($"executor:{executor.Value}");
}

/// <summary>What the master knows of an agent.</summary>
internal sealed class AgentRecord(AgentId id, AgentInfo info, string version, DateTimeOffset registeredAt)
{
    public AgentId Id { get; } = id;
    public AgentInfo Info { get; set; } = info;
    public string Version { get; set; } = version;
    public DateTimeOffset RegisteredAt { get; set; } = registeredAt;
    public AgentConnection? Connection { get; set; }
    public bool Reachable { get; set; } = true;
    public int MissedPings { get; set; }
    public bool PongPending { get; set; }
    public ulong PingSequence { get; set; }
    public Dictionary<(FrameworkId, TaskId), TaskRecord> Tasks { get; } = new();
    public Dictionary<(FrameworkId, ExecutorId), ExecutorRecord> Executors { get; } = new();

    /// <summary>Its dynamic reservations and volumes, as last committed to the registry.</summary>
    public Resources Checkpointed { get; set; } = Resources.Empty;

    public string Hostname => Info.Hostname;

    /// <summary>What the registry keeps of it, with <paramref name="checkpointed"/> as its checkpointed resources.</summary>
    public Registry.RegisteredAgent ToRegistry(Resources checkpointed) => new(Id, Info.Hostname, Info.Address, checkpointed);
    public bool Connected => Connection is { IsClosed: false };
}

using System.Threading.Channels;
using Bridge.Kernel.Agent.Containers;
using Bridge.Kernel.V1;
using ExecutorEvent = Bridge.Kernel.V1.Executor.Event;

namespace Bridge.Kernel.Agent.Internal;

/// <summary>A task on this agent: its info, its container (command tasks) or executor (custom
/// executors), and its latest state.</summary>
internal sealed class AgentTask(FrameworkId frameworkId, TaskInfo info, Resources resources, string sandbox)
{
    public FrameworkId FrameworkId { get; } = frameworkId;
    public TaskInfo Info { get; } = info;
    public TaskId Id { get; } = new(info.TaskId.Value);
    public Resources Resources { get; } = resources;
    public string Sandbox { get; } = sandbox;
    public TaskState State { get; set; } = TaskState.TaskStaging;

    /// <summary>The custom executor that runs it; null for the agent's command executor.</summary>
    public ExecutorId? ExecutorId { get; init; }

    /// <summary>Part of a task group (delivered with LAUNCH_GROUP).</summary>
    public bool InGroup { get; init; }

    /// <summary>The command task's container id (empty for custom executors' tasks).</summary>
    public string ContainerId { get; init; } = "";

    public Container? Container { get; set; }

    /// <summary>A kill came before the container (or the executor) could act on it.</summary>
    public bool KillRequested { get; set; }

    /// <summary>The task was handed to its custom executor (LAUNCH or LAUNCH_GROUP).</summary>
    public bool Delivered { get; set; }

    /// <summary>The agent forgot the task (its framework was shut down): nothing more is reported.</summary>
    public bool Removed { get; set; }

    public static string NewContainerId() => Guid.NewGuid().ToString("N");
}

/// <summary>Where a custom executor is in its life (Mesos' <c>Executor::State</c>).</summary>
internal enum ExecutorPhase
{
    /// <summary>Its process is starting; tasks wait for it to SUBSCRIBE.</summary>
    Registering,

    /// <summary>Subscribed (or recovered after an agent restart and expected to re-subscribe).</summary>
    Running,

    /// <summary>Asked to shut down; killed when the grace period ends.</summary>
    Terminating,
}

/// <summary>A custom executor on this agent: a process of the framework's, in a container of its
/// own sized for the executor's resources plus its live tasks', speaking the executor API.</summary>
internal sealed class AgentExecutor(FrameworkId frameworkId, ExecutorInfo info, Resources resources, string sandbox, string containerId)
{
    public FrameworkId FrameworkId { get; } = frameworkId;
    public ExecutorId Id { get; } = new(info.ExecutorId.Value);
    public ExecutorInfo Info { get; } = info;
    public Resources Resources { get; } = resources;
    public string Sandbox { get; } = sandbox;
    public string ContainerId { get; } = containerId;
    public Container? Container { get; set; }
    public ExecutorPhase Phase { get; set; } = ExecutorPhase.Registering;
    public ExecutorConnection? Connection { get; set; }

    /// <summary>Its tasks the agent still tracks (live, or terminal with updates unacknowledged).</summary>
    public List<AgentTask> Tasks { get; } = new();

    /// <summary>Registration, re-registration or shutdown deadline.</summary>
    public ITimer? Deadline { get; set; }

    /// <summary>Why its tasks fail when it ends, if the agent ended it (a registration timeout, say).</summary>
    public V1.TaskStatus.Types.Reason? EndReason { get; set; }
}

/// <summary>An executor's open Subscribe stream: events queue here and the gRPC handler writes them out.</summary>
internal sealed class ExecutorConnection
{
    private readonly Channel<ExecutorEvent> _events = Channel.CreateUnbounded<ExecutorEvent>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<ExecutorEvent> Events => _events.Reader;

    public void Send(ExecutorEvent e) => _events.Writer.TryWrite(e);

    public void Close() => _events.Writer.TryComplete();
}

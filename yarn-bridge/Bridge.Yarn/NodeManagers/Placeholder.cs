using Bridge.Yarn.Protocol.Launching;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.NodeManagers;

/// <summary>A placeholder task's state.</summary>
public enum PlaceholderState
{
    /// <summary>Launched on its offer; no TASK_RUNNING yet.</summary>
    Launched,
    /// <summary>TASK_RUNNING: the kernel accounts for the container.</summary>
    Running,
    /// <summary>Its container is gone from YARN; the kill was sent and its last status is awaited.</summary>
    Killing,
}

/// <summary>
/// A kernel task that stands for one YARN container on a fine-grained NodeManager, launched on the NodeManager's
/// executor with the container's resources (its vcores as cpus, divided by <see cref="Scheduling.YarnBridgeOptions.VCoresPerCpu"/>, its MB as mem), so the kernel accounts for every YARN
/// container and DRF sees YARN's true share (Myriad's <c>yarn_</c> tasks). It ends when the container completes, is
/// released or is preempted. Changed only by <see cref="Scheduling.YarnBridgeScheduler"/>.
/// </summary>
public sealed class Placeholder
{
    internal Placeholder(ContainerId containerId, string nodeManagerTaskId, string agentId, string hostname, Resource resource, DateTimeOffset now)
    {
        ContainerId = containerId;
        NodeManagerTaskId = nodeManagerTaskId;
        AgentId = agentId;
        Hostname = hostname;
        Resource = resource;
        Since = now;
    }

    /// <summary>The kernel task id: <c>yarn_{containerId}</c>.</summary>
    public string TaskId => PlaceholderTaskIds.For(ContainerId);

    /// <summary>The YARN container it stands for.</summary>
    public ContainerId ContainerId { get; }

    /// <summary>The NodeManager task whose executor runs it.</summary>
    public string NodeManagerTaskId { get; }

    /// <summary>The agent.</summary>
    public string AgentId { get; }

    /// <summary>The agent's host name.</summary>
    public string Hostname { get; }

    /// <summary>The container's resource (MB, vcores), what the task took from its offer (vcores as cpus, divided by VCoresPerCpu).</summary>
    public Resource Resource { get; }

    /// <summary>Its state.</summary>
    public PlaceholderState State { get; internal set; }

    /// <summary>When it entered <see cref="State"/>.</summary>
    public DateTimeOffset Since { get; internal set; }
}

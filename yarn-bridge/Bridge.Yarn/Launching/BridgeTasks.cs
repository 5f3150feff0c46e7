using Bridge.Yarn.Protocol.Launching;
using System.Text;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.Offers;
using KernelResources = Bridge.Kernel.Resources;

namespace Bridge.Yarn.Launching;

/// <summary>
/// Builds the kernel tasks the bridge launches (Myriad's <c>NMTaskFactoryImpl</c> and
/// <c>YarnNodeCapacityManager.getTaskInfoForContainer</c>): a NodeManager task on a custom executor, and placeholder
/// tasks on that same executor. Pure.
/// </summary>
internal static class BridgeTasks
{
    /// <summary>The executor's name, as the agent shows it.</summary>
    public const string ExecutorName = "yarn-nodemanager-executor";

    /// <summary>
    /// The NodeManager task: cpus and mem of profile + NodeManager overhead and its four ports as
    /// <paramref name="taken"/> says, <see cref="NodeManagerLaunch"/> as data, and a custom executor
    /// (<c>nm-executor.{taskId}</c>, <paramref name="executorCommand"/>) with the executor's share.
    /// </summary>
    public static TaskInfo NodeManager(NodeManagerTask task, string agentId, NodeManagerResources taken, NodeManagerLaunch launch,
        CommandInfo executorCommand, string? frameworkId, TimeSpan killGracePeriod)
    {
        var executor = new ExecutorInfo
        {
            Type = ExecutorInfo.Types.Type.Custom,
            ExecutorId = new ExecutorID { Value = task.ExecutorId },
            Command = executorCommand.Clone(),
            Name = ExecutorName,
        };
        if (frameworkId is not null) executor.FrameworkId = new FrameworkID { Value = frameworkId };
        executor.Resources.AddRange(ResourceConversion.ToWire(taken.Executor));
        var info = new TaskInfo
        {
            Name = $"nodemanager.{task.Profile.Name}",
            TaskId = new TaskID { Value = task.TaskId },
            AgentId = new AgentID { Value = agentId },
            Executor = executor,
            Data = Google.Protobuf.ByteString.CopyFrom(launch.ToJson()),
            KillPolicy = new KillPolicy { GracePeriod = new DurationInfo { Nanoseconds = killGracePeriod.Ticks * 100 } },
        };
        info.Resources.AddRange(ResourceConversion.ToWire(taken.Task));
        return info;
    }

    /// <summary>
    /// A placeholder for one YARN container: named after the container, <c>yarn_{containerId}</c>, on the NodeManager's
    /// own executor (<paramref name="executor"/>, as launched), with <paramref name="resources"/> (the container's vcores in
    /// cpus and MB as mem, cut from the offer) and the container id as UTF-8 data.
    /// </summary>
    public static TaskInfo Placeholder(Placeholder placeholder, ExecutorInfo executor, KernelResources resources)
    {
        var info = new TaskInfo
        {
            Name = placeholder.ContainerId.ToString(),
            TaskId = new TaskID { Value = placeholder.TaskId },
            AgentId = new AgentID { Value = placeholder.AgentId },
            Executor = executor.Clone(),
            Data = Google.Protobuf.ByteString.CopyFrom(Encoding.UTF8.GetBytes(placeholder.ContainerId.ToString())),
        };
        info.Resources.AddRange(ResourceConversion.ToWire(resources));
        return info;
    }
}

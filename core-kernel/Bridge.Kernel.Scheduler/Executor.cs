using Bridge.Kernel.V1;
using Google.Protobuf;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.Scheduler;

/// <summary>
/// A framework's custom executor: override what it cares about. The <see cref="ExecutorDriver"/>
/// calls these one at a time, in the order the agent sent the events (Mesos' <c>Executor</c>
/// interface). Report each task's states with <c>ExecutorDriver.SendStatusUpdateAsync</c>.
/// </summary>
public abstract class Executor
{
    /// <summary>SUBSCRIBED: the agent accepted the executor (again, after an agent restart: <paramref name="reconnected"/>).</summary>
    public virtual Task SubscribedAsync(ExecutorDriver driver, ExecutorInfo executor, FrameworkInfo framework, AgentInfo agent, bool reconnected) =>
        Task.CompletedTask;

    /// <summary>LAUNCH: run <paramref name="task"/> and report TASK_RUNNING, then its end.</summary>
    public abstract Task LaunchAsync(ExecutorDriver driver, TaskInfo task);

    /// <summary>LAUNCH_GROUP: run the tasks of a group together (default: <see cref="LaunchAsync"/> for each).</summary>
    public virtual async Task LaunchGroupAsync(ExecutorDriver driver, TaskGroupInfo group)
    {
        foreach (var task in group.Tasks) await LaunchAsync(driver, task);
    }

    /// <summary>KILL: stop the task (within <paramref name="policy"/>'s grace period) and report TASK_KILLED.</summary>
    public abstract Task KillAsync(ExecutorDriver driver, TaskID taskId, KillPolicy? policy);

    /// <summary>ACKNOWLEDGED: the framework acknowledged the update with <paramref name="uuid"/>.</summary>
    public virtual Task AcknowledgedAsync(ExecutorDriver driver, TaskID taskId, ByteString uuid) => Task.CompletedTask;

    /// <summary>MESSAGE: data from the framework's scheduler.</summary>
    public virtual Task MessageAsync(ExecutorDriver driver, byte[] data) => Task.CompletedTask;

    /// <summary>SHUTDOWN: stop every task now; the agent kills the executor when its grace period ends.
    /// The driver stops after this returns.</summary>
    public virtual Task ShutdownAsync(ExecutorDriver driver) => Task.CompletedTask;

    /// <summary>ERROR: the agent reported an error; the driver stops.</summary>
    public virtual Task ErrorAsync(ExecutorDriver driver, string message) => Task.CompletedTask;
}

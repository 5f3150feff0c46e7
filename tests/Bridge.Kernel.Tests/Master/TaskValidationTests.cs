using Bridge.Kernel.Master.Internal;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;

namespace Bridge.Kernel.Tests.Master;

public class TaskValidationTests
{
    private static readonly AgentId Agent = new("agent-1");

    private static TaskInfo Task(string id) => new()
    {
        TaskId = new TaskID { Value = id },
        Command = new CommandInfo { Value = "true" },
        Resources = { ResourceConversion.ToWire(Resources.Parse("cpus:0.1;mem:32")) },
    };

    private static FrameworkRecord Framework(params (string Id, TaskState State)[] tasks)
    {
        var framework = new FrameworkRecord(new FrameworkId("fw"), new FrameworkInfo { Name = "f" }, DateTimeOffset.UnixEpoch);
        foreach (var (id, state) in tasks)
            framework.Tasks[new TaskId(id)] = new TaskRecord(new V1.Task
            {
                TaskId = new TaskID { Value = id }, FrameworkId = new FrameworkID { Value = "fw" }, AgentId = new AgentID { Value = Agent.Value }, State = state,
            }, Resources.Parse("cpus:0.1;mem:32"));
        return framework;
    }

    [Fact]
    public void ANewTaskId_IsAccepted()
    {
        var (resources, error) = TaskValidation.Validate(Task("t1"), Framework(), Agent, new Dictionary<(FrameworkId, ExecutorId), ExecutorRecord>());

        Assert.Null(error);
        Assert.Equal(Resources.Parse("cpus:0.1;mem:32"), resources);
    }

    [Fact]
    public void AnIdOfARunningTask_IsRefused()
    {
        var (_, error) = TaskValidation.Validate(Task("t1"), Framework(("t1", TaskState.TaskRunning)), Agent, new Dictionary<(FrameworkId, ExecutorId), ExecutorRecord>());

        Assert.Equal("task_id 't1' is already in use by a task of this framework", error);
    }

    [Fact]
    public void AnIdOfATaskWhoseEndIsNotAcknowledged_IsRefused_ItsAgentStillHoldsIt()
    {
        var (_, error) = TaskValidation.Validate(Task("t1"), Framework(("t1", TaskState.TaskFinished)), Agent, new Dictionary<(FrameworkId, ExecutorId), ExecutorRecord>());

        Assert.Equal("task_id 't1' belongs to a task whose end (TASK_FINISHED) is not acknowledged yet; reuse it after the acknowledgement", error);
    }
}

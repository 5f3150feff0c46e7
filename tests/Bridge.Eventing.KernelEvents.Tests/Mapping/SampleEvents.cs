using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Operator;
using Google.Protobuf;
using OperatorAgent = Bridge.Kernel.V1.Operator.Agent;
using OperatorFramework = Bridge.Kernel.V1.Operator.Framework;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;
using Type = Bridge.Kernel.V1.Operator.Event.Types.Type;
using V1Task = Bridge.Kernel.V1.Task;

namespace Bridge.Eventing.KernelEvents.Tests.Mapping;

/// <summary>Operator events as the master sends them, one of each type, with every field the mapper reads set.</summary>
internal static class SampleEvents
{
    // 2026-03-01T12:00:00.250Z, in the kernel's seconds.
    public const double Seconds = 1772366400.25;
    public static readonly DateTime Time = new(2026, 3, 1, 12, 0, 0, 250, DateTimeKind.Utc);
    public static readonly Guid Uuid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    public static Resource Scalar(string name, double value, string? reservedFor = null)
    {
        var r = new Resource { Name = name, Type = Value.Types.Type.Scalar, Scalar = new() { Value = value } };
        if (reservedFor is not null) r.Reservations.Add(new Resource.Types.ReservationInfo { Type = Resource.Types.ReservationInfo.Types.Type.Dynamic, Role = reservedFor });
        return r;
    }

    public static V1Task Task(string id = "t1") => new()
    {
        Name = "web-" + id,
        TaskId = new TaskID { Value = id },
        FrameworkId = new FrameworkID { Value = "m-0001" },
        AgentId = new AgentID { Value = "m-S1" },
        ExecutorId = new ExecutorID { Value = "exec-1" },
        State = TaskState.TaskStaging,
        Role = "web",
        Resources = { Scalar("cpus", 0.5), Scalar("mem", 128), Scalar("disk", 64), Scalar("cpus", 0.25, reservedFor: "web") },
    };

    public static TaskStatus Status(TaskState state = TaskState.TaskFailed) => new()
    {
        TaskId = new TaskID { Value = "t1" },
        State = state,
        Message = "Command exited with status 3",
        Source = TaskStatus.Types.Source.Executor,
        Reason = TaskStatus.Types.Reason.CommandExecutorFailed,
        AgentId = new AgentID { Value = "m-S1" },
        ExecutorId = new ExecutorID { Value = "exec-1" },
        Timestamp = Seconds,
        Uuid = ByteString.CopyFrom(Uuid.ToByteArray()),
        Healthy = false,
        ExitCode = 3,
    };

    public static AgentInfo AgentInfo() => new()
    {
        Id = new AgentID { Value = "m-S1" },
        Hostname = "agent-1",
        Address = "127.0.0.1:5051",
        Resources = { Scalar("cpus", 4), Scalar("mem", 4096), Scalar("disk", 10240) },
        Attributes =
        {
            new Kernel.V1.Attribute { Name = "rack", Type = Value.Types.Type.Text, Text = new() { Value = "r1" } },
            new Kernel.V1.Attribute { Name = "cores", Type = Value.Types.Type.Scalar, Scalar = new() { Value = 8 } },
            new Kernel.V1.Attribute { Name = "slots", Type = Value.Types.Type.Ranges, Ranges = new() { Range = { new Value.Types.Range { Begin = 1, End = 4 }, new Value.Types.Range { Begin = 8, End = 9 } } } },
            new Kernel.V1.Attribute { Name = "tags", Type = Value.Types.Type.Set, Set = new() { Item = { "ssd", "gpu" } } },
        },
    };

    public static OperatorAgent Agent() => new()
    {
        AgentInfo = AgentInfo(),
        Active = true,
        Version = "0.1.0",
        RegisteredTime = Seconds,
        TotalResources = { Scalar("cpus", 3), Scalar("cpus", 1, reservedFor: "web"), Scalar("mem", 4096), Scalar("disk", 10240), Scalar("gpus", 1) },
    };

    public static FrameworkInfo FrameworkInfo(params string[] roles) => new()
    {
        Id = new FrameworkID { Value = "m-0001" },
        Name = "marathon",
        User = "root",
        Principal = "ops",
        FailoverTimeout = 604800,
        Roles = { roles },
    };

    public static OperatorFramework Framework(bool connected = true) => new()
    {
        FrameworkInfo = FrameworkInfo("web", "batch"),
        Active = connected,
        Connected = connected,
        RegisteredTime = Seconds,
    };

    public static Event TaskAdded() => new() { Type = Type.TaskAdded, TaskAdded = new() { Task = Task() } };

    public static Event TaskUpdated(TaskState state = TaskState.TaskFailed) => new()
    {
        Type = Type.TaskUpdated,
        TaskUpdated = new() { FrameworkId = new FrameworkID { Value = "m-0001" }, Status = Status(state), State = state },
    };

    public static Event AgentAdded() => new() { Type = Type.AgentAdded, AgentAdded = new() { Agent = Agent() } };

    public static Event AgentRemoved() => new() { Type = Type.AgentRemoved, AgentRemoved = new() { AgentId = new AgentID { Value = "m-S1" } } };

    public static Event FrameworkAdded() => new() { Type = Type.FrameworkAdded, FrameworkAdded = new() { Framework = Framework() } };

    public static Event FrameworkUpdated(bool connected) => new() { Type = Type.FrameworkUpdated, FrameworkUpdated = new() { Framework = Framework(connected) } };

    public static Event FrameworkRemoved() => new() { Type = Type.FrameworkRemoved, FrameworkRemoved = new() { FrameworkInfo = FrameworkInfo() } };

    public static Event OffersSummary() => new()
    {
        Type = Type.OffersSummary,
        OffersSummary = new()
        {
            OffersMade = 12, OffersDeclined = 5, OffersRescinded = 1, FrameworksOffered = 3, AgentsOffered = 4,
            OffersOutstanding = 6, WindowSeconds = 1.5, Timestamp = Seconds,
        },
    };

    /// <summary>SUBSCRIBED with one of everything: an agent and an unreachable one, a connected and a
    /// completed framework, and a live, an unreachable and a completed task.</summary>
    public static Event Subscribed()
    {
        var running = Task("live");
        running.State = TaskState.TaskRunning;
        running.Statuses.Add(Status(TaskState.TaskRunning));
        var unreachable = Task("away");
        unreachable.State = TaskState.TaskUnreachable;
        var done = Task("done");
        done.State = TaskState.TaskFinished;
        done.Statuses.Add(Status(TaskState.TaskRunning));
        done.Statuses.Add(Status(TaskState.TaskFinished));
        var gone = AgentInfo();
        gone.Id = new AgentID { Value = "m-S2" };
        var completed = Framework(connected: false);
        completed.FrameworkInfo.Id = new FrameworkID { Value = "m-0000" };
        return new Event
        {
            Type = Type.Subscribed,
            Subscribed = new()
            {
                HeartbeatIntervalSeconds = 15,
                GetState = new()
                {
                    GetAgents = new() { Agents = { Agent() }, UnreachableAgents = { gone } },
                    GetFrameworks = new() { Frameworks = { Framework() }, CompletedFrameworks = { completed } },
                    GetTasks = new() { Tasks = { running }, UnreachableTasks = { unreachable }, CompletedTasks = { done } },
                },
            },
        };
    }
}

using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using static Bridge.Eventing.KernelEvents.Internal.WireValues;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;
using V1Task = Bridge.Kernel.V1.Task;

namespace Bridge.Eventing.KernelEvents.Internal;

/// <summary><c>bridge.events.v1.TaskEvent</c> records from the operator stream's tasks and status updates.</summary>
internal static class TaskRecords
{
    private static readonly RecordSchema Schema = KernelEventSchemas.TaskEvent;
    private static readonly AvroSchema EventType = Schema.GetField("event_type")!.Schema;
    private static readonly AvroSchema State = Schema.GetField("state")!.Schema;
    private static readonly AvroSchema Source = Schema.GetField("source")!.Schema;

    /// <summary>TASK_ADDED, or a task in a snapshot: what the master knows of the task, with its latest status if it has one.</summary>
    public static KernelEvent FromTask(V1Task task, string eventType)
    {
        var record = New(eventType, task.FrameworkId?.Value, task.TaskId?.Value, task.State);
        if (task.Statuses.Count > 0) SetStatus(record, task.Statuses[^1]);
        record["agent_id"] = Text(task.AgentId?.Value);
        record["executor_id"] = Text(task.ExecutorId?.Value);
        record["name"] = task.Name;
        record["role"] = Text(task.Role);
        SetResources(record, task.Resources);
        return Event(record);
    }

    /// <summary>TASK_UPDATED: one status update, as the framework received it.</summary>
    public static KernelEvent FromUpdate(FrameworkID? frameworkId, TaskStatus status)
    {
        var record = New("TASK_UPDATED", frameworkId?.Value, status.TaskId?.Value, status.State);
        SetStatus(record, status);
        return Event(record);
    }

    private static GenericRecord New(string eventType, string? frameworkId, string? taskId, TaskState state)
    {
        var record = new GenericRecord(Schema);
        record["event_type"] = Symbol(EventType, eventType, eventType);
        record["framework_id"] = frameworkId ?? "";
        record["task_id"] = taskId ?? "";
        record["state"] = Symbol(State, TaskStates.Name(state), "TASK_UNKNOWN");
        return record;
    }

    private static void SetStatus(GenericRecord record, TaskStatus status)
    {
        record["agent_id"] = Text(status.AgentId?.Value);
        record["executor_id"] = Text(status.ExecutorId?.Value);
        record["reason"] = status.HasReason ? ReasonName(status.Reason) : null;
        record["message"] = Text(status.Message);
        record["source"] = Symbol(Source, SourceName(status.Source), "SOURCE_MASTER");
        record["healthy"] = status.HasHealthy ? status.Healthy : null;
        record["exit_code"] = status.HasExitCode ? status.ExitCode : null;
        record["timestamp"] = Time(status.Timestamp);
        record["status_uuid"] = Uuid(status.Uuid);
    }

    private static string SourceName(TaskStatus.Types.Source source) => source switch
    {
        TaskStatus.Types.Source.Agent => "SOURCE_AGENT",
        TaskStatus.Types.Source.Executor => "SOURCE_EXECUTOR",
        _ => "SOURCE_MASTER",
    };

    private static KernelEvent Event(GenericRecord record) =>
        new(KernelEventTopics.Tasks, $"{record["framework_id"]}/{record["task_id"]}", Schema, record);
}

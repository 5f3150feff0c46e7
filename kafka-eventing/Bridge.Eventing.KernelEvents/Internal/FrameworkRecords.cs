using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Kernel.V1;
using static Bridge.Eventing.KernelEvents.Internal.WireValues;
using OperatorFramework = Bridge.Kernel.V1.Operator.Framework;

namespace Bridge.Eventing.KernelEvents.Internal;

/// <summary><c>bridge.events.v1.FrameworkEvent</c> records from the operator stream's frameworks.</summary>
internal static class FrameworkRecords
{
    private static readonly RecordSchema Schema = KernelEventSchemas.FrameworkEvent;
    private static readonly AvroSchema EventType = Schema.GetField("event_type")!.Schema;
    private static readonly AvroSchema State = Schema.GetField("state")!.Schema;

    /// <summary>FRAMEWORK_ADDED, FRAMEWORK_UPDATED, or a known framework in a snapshot: SUBSCRIBED
    /// while its scheduler's stream is open, DISCONNECTED otherwise.</summary>
    public static KernelEvent FromFramework(OperatorFramework framework, string eventType) =>
        FromFramework(framework, eventType, framework.Connected ? "SUBSCRIBED" : "DISCONNECTED");

    /// <summary>A completed framework in a snapshot: REMOVED.</summary>
    public static KernelEvent FromCompleted(OperatorFramework framework) => FromFramework(framework, "SNAPSHOT", "REMOVED");

    /// <summary>FRAMEWORK_REMOVED: the event carries only the FrameworkInfo (no registration time).</summary>
    public static KernelEvent Removed(FrameworkInfo? info) => Event(FromInfo(info ?? new FrameworkInfo(), "FRAMEWORK_REMOVED", "REMOVED"));

    private static KernelEvent FromFramework(OperatorFramework framework, string eventType, string state)
    {
        var record = FromInfo(framework.FrameworkInfo ?? new FrameworkInfo(), eventType, state);
        record["registered_time"] = Time(framework.RegisteredTime);
        return Event(record);
    }

    private static GenericRecord FromInfo(FrameworkInfo info, string eventType, string state)
    {
        var record = new GenericRecord(Schema);
        record["event_type"] = Symbol(EventType, eventType, eventType);
        record["framework_id"] = info.Id?.Value ?? "";
        record["name"] = info.Name;
        record["state"] = Symbol(State, state, state);
        record["roles"] = info.Roles.Count == 0 ? new List<object?> { "*" } : info.Roles.Cast<object?>().ToList();
        record["principal"] = Text(info.Principal);
        record["user"] = Text(info.User);
        record["failover_timeout_seconds"] = info.FailoverTimeout;
        return record;
    }

    private static KernelEvent Event(GenericRecord record) => new(KernelEventTopics.Frameworks, (string)record["framework_id"]!, Schema, record);
}

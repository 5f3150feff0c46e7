using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Kernel.V1;
using static Bridge.Eventing.KernelEvents.Internal.WireValues;
using OperatorAgent = Bridge.Kernel.V1.Operator.Agent;

namespace Bridge.Eventing.KernelEvents.Internal;

/// <summary><c>bridge.events.v1.AgentEvent</c> records from the operator stream's agents.</summary>
internal static class AgentRecords
{
    private static readonly RecordSchema Schema = KernelEventSchemas.AgentEvent;
    private static readonly AvroSchema EventType = Schema.GetField("event_type")!.Schema;
    private static readonly AvroSchema State = Schema.GetField("state")!.Schema;

    /// <summary>AGENT_ADDED, or a registered agent in a snapshot: ACTIVE, with its total resources
    /// (the master's account, reservations included; what it registered with when the master gives none).</summary>
    public static KernelEvent FromAgent(OperatorAgent agent, string eventType)
    {
        var info = agent.AgentInfo ?? new AgentInfo();
        var record = FromInfo(info, eventType, agent.Active ? "ACTIVE" : "UNREACHABLE");
        record["version"] = Text(agent.Version);
        if (agent.TotalResources.Count > 0) SetResources(record, agent.TotalResources);
        record["registered_time"] = Time(agent.RegisteredTime);
        return Event(record);
    }

    /// <summary>An unreachable agent in a snapshot: the master keeps only its AgentInfo.</summary>
    public static KernelEvent FromUnreachable(AgentInfo info) => Event(FromInfo(info, "SNAPSHOT", "UNREACHABLE"));

    /// <summary>AGENT_REMOVED: the event carries only the id, so everything else is null.</summary>
    public static KernelEvent Removed(AgentID? id)
    {
        var record = New("AGENT_REMOVED", id?.Value, "UNREACHABLE");
        return Event(record);
    }

    private static GenericRecord FromInfo(AgentInfo info, string eventType, string state)
    {
        var record = New(eventType, info.Id?.Value, state);
        record["hostname"] = info.Hostname;
        record["address"] = Text(info.Address);
        SetResources(record, info.Resources);
        record["attributes"] = Attributes(info.Attributes);
        return record;
    }

    private static GenericRecord New(string eventType, string? agentId, string state)
    {
        var record = new GenericRecord(Schema);
        record["event_type"] = Symbol(EventType, eventType, eventType);
        record["agent_id"] = agentId ?? "";
        record["state"] = Symbol(State, state, state);
        return record;
    }

    private static KernelEvent Event(GenericRecord record) => new(KernelEventTopics.Agents, (string)record["agent_id"]!, Schema, record);
}

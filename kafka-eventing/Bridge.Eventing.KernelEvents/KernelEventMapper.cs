using Bridge.Eventing.KernelEvents.Internal;
using Bridge.Kernel.V1.Operator;
using Type = Bridge.Kernel.V1.Operator.Event.Types.Type;

namespace Bridge.Eventing.KernelEvents;

/// <summary>
/// Turns the master's operator events (core-kernel/proto/bridge/v1/operator.proto, <c>Event</c>) into
/// Avro records for the bus. Pure: the same event gives equal records, nothing is remembered between
/// calls, no clock is read, and nothing throws on odd content (unknown enum numbers become the
/// schemas' unknown symbols or plain numbers, impossible times null).
/// <list type="table">
/// <item><term>TASK_ADDED, TASK_UPDATED</term><description>one <see cref="KernelEventTopics.Tasks"/> record</description></item>
/// <item><term>AGENT_ADDED, AGENT_REMOVED</term><description>one <see cref="KernelEventTopics.Agents"/> record</description></item>
/// <item><term>FRAMEWORK_ADDED, _UPDATED, _REMOVED</term><description>one <see cref="KernelEventTopics.Frameworks"/> record</description></item>
/// <item><term>OFFERS_SUMMARY</term><description>one <see cref="KernelEventTopics.Offers"/> record</description></item>
/// <item><term>SUBSCRIBED</term><description>nothing (it is a snapshot, not a change), unless asked for: then one SNAPSHOT record per agent, framework and task</description></item>
/// <item><term>HEARTBEAT, UNKNOWN, types this build does not know</term><description>nothing</description></item>
/// </list>
/// </summary>
public static class KernelEventMapper
{
    /// <summary>The records for <paramref name="e"/>, in the order to publish them.</summary>
    /// <param name="e">An operator event.</param>
    /// <param name="includeSnapshot">Map SUBSCRIBED to its state as SNAPSHOT records (default: false,
    /// SUBSCRIBED maps to nothing): agents first (registered ones ACTIVE, unreachable ones
    /// UNREACHABLE), then frameworks (SUBSCRIBED or DISCONNECTED, completed ones REMOVED), then tasks
    /// (live, unreachable, then the completed ones the master still keeps, at most 1,000 per
    /// framework by default). Agents known only from the registry after a master restart are left
    /// out: they are not registered until they re-register.</param>
    /// <returns>The records; empty for events that map to nothing.</returns>
    public static IReadOnlyList<KernelEvent> Map(Event e, bool includeSnapshot = false) => e.Type switch
    {
        Type.TaskAdded when e.TaskAdded?.Task is { } task => [TaskRecords.FromTask(task, "TASK_ADDED")],
        Type.TaskUpdated when e.TaskUpdated?.Status is { } status => [TaskRecords.FromUpdate(e.TaskUpdated.FrameworkId, status)],
        Type.AgentAdded when e.AgentAdded?.Agent is { } agent => [AgentRecords.FromAgent(agent, "AGENT_ADDED")],
        Type.AgentRemoved when e.AgentRemoved is { } removed => [AgentRecords.Removed(removed.AgentId)],
        Type.FrameworkAdded when e.FrameworkAdded?.Framework is { } framework => [FrameworkRecords.FromFramework(framework, "FRAMEWORK_ADDED")],
        Type.FrameworkUpdated when e.FrameworkUpdated?.Framework is { } framework => [FrameworkRecords.FromFramework(framework, "FRAMEWORK_UPDATED")],
        Type.FrameworkRemoved when e.FrameworkRemoved is { } removed => [FrameworkRecords.Removed(removed.FrameworkInfo)],
        Type.OffersSummary when e.OffersSummary is { } summary => [OffersRecords.FromSummary(summary)],
        Type.Subscribed when includeSnapshot && e.Subscribed?.GetState is { } state => Snapshot(state),
        _ => [],
    };

    private static List<KernelEvent> Snapshot(Response.Types.GetState state)
    {
        var records = new List<KernelEvent>();
        if (state.GetAgents is { } agents)
        {
            records.AddRange(agents.Agents.Select(a => AgentRecords.FromAgent(a, "SNAPSHOT")));
            records.AddRange(agents.UnreachableAgents.Select(AgentRecords.FromUnreachable));
        }
        if (state.GetFrameworks is { } frameworks)
        {
            records.AddRange(frameworks.Frameworks.Select(f => FrameworkRecords.FromFramework(f, "SNAPSHOT")));
            records.AddRange(frameworks.CompletedFrameworks.Select(FrameworkRecords.FromCompleted));
        }
        if (state.GetTasks is { } tasks)
            foreach (var task in tasks.Tasks.Concat(tasks.UnreachableTasks).Concat(tasks.CompletedTasks))
                records.Add(TaskRecords.FromTask(task, "SNAPSHOT"));
        return records;
    }
}

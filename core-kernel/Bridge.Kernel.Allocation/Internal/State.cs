using Bridge.Kernel.Allocation.Filtering;
using Bridge.Kernel.Allocation.Sorting;

namespace Bridge.Kernel.Allocation.Internal;

internal sealed class FrameworkState(FrameworkId id)
{
    public FrameworkId Id { get; } = id;
    public bool Active = true;
    public Dictionary<string, MembershipNode> Memberships { get; } = new(StringComparer.Ordinal);
    public HashSet<OfferId> Offers { get; } = [];
    public HashSet<TaskId> Tasks { get; } = [];
}

internal sealed class AgentState(int index, AgentId id, string hostname, Attributes attributes, Resources total)
{
    public int Index { get; } = index;
    public AgentId Id { get; } = id;
    public string Hostname { get; } = hostname;
    public Attributes Attributes { get; } = attributes;
    public Resources Total = total;

    /// <summary>Neither offered nor used.</summary>
    public Resources Available = total;
    public FilterTable Filters { get; } = new();
    public HashSet<OfferId> Offers { get; } = [];
    public HashSet<(FrameworkId, TaskId)> Tasks { get; } = [];

    /// <summary>Something about this agent changed since it was last found to have nothing to offer.</summary>
    public bool Dirty = true;

    /// <summary>The allocator epoch at which this agent was found to have nothing to offer anyone.</summary>
    public long ParkedEpoch = -1;
}

internal sealed class OfferState(OfferId id, MembershipNode membership, AgentState agent, Resources resources, DateTimeOffset createdAt, long cycle)
{
    public OfferId Id { get; } = id;
    public MembershipNode Membership { get; } = membership;
    public AgentState Agent { get; } = agent;
    public Resources Resources = resources;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public long Cycle { get; } = cycle;
}

internal sealed class TaskState(TaskId id, MembershipNode membership, AgentState agent, Resources resources, int priority, DateTimeOffset startedAt)
{
    public TaskId Id { get; } = id;
    public MembershipNode Membership { get; } = membership;
    public AgentState Agent { get; } = agent;
    public Resources Resources { get; } = resources;
    public int Priority { get; } = priority;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public bool Revoking;
}

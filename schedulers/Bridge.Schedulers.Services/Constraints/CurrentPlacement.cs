namespace Bridge.Schedulers.Services.Constraints;

/// <summary>
/// Where an app's tasks run now: the input that makes constraints stateful. Immutable, but it
/// caches per-field value counts on first use, so one instance serves many offers cheaply; not
/// thread-safe (use it from one loop).
/// </summary>
public sealed class CurrentPlacement
{
    private readonly Dictionary<string, FieldCounts> _counts = new(StringComparer.Ordinal);

    /// <summary>No tasks, nothing seen.</summary>
    public static CurrentPlacement None { get; } = new([]);

    /// <summary>Creates a placement.</summary>
    /// <param name="taskAgents">The agent of each of the app's current tasks, one entry per task (an agent
    /// running two appears twice), oldest task first (CLUSTER without a value follows the first). Marathon
    /// counts only tasks of the current configuration, so that new tasks may land next to old ones
    /// during an upgrade; the caller chooses which tasks to pass.</param>
    /// <param name="seenAgents">Agents known to exist (for example, those registered with the master).
    /// GROUP_BY counts their values as groups with no task yet, so it spreads over values it has seen
    /// rather than only over values that already have tasks. Empty (default): Marathon's behaviour
    /// exactly. Keep it to live agents: a value seen once and gone holds GROUP_BY back.</param>
    public CurrentPlacement(IReadOnlyList<AgentFacts> taskAgents, IReadOnlyCollection<AgentFacts>? seenAgents = null)
    {
        TaskAgents = taskAgents;
        SeenAgents = seenAgents ?? [];
    }

    /// <summary>The agent of each current task, oldest first.</summary>
    public IReadOnlyList<AgentFacts> TaskAgents { get; }

    /// <summary>Agents known to exist (GROUP_BY only).</summary>
    public IReadOnlyCollection<AgentFacts> SeenAgents { get; }

    /// <summary>The same placement with one more task, on <paramref name="agent"/> (to place several tasks
    /// from one round of offers).</summary>
    public CurrentPlacement With(AgentFacts agent) => new([.. TaskAgents, agent], SeenAgents);

    internal FieldCounts CountsFor(string field)
    {
        if (!_counts.TryGetValue(field, out var counts))
            _counts[field] = counts = FieldCounts.Of(field, TaskAgents, SeenAgents);
        return counts;
    }
}

/// <summary>How the current tasks spread over one field's values.</summary>
internal sealed class FieldCounts
{
    /// <summary>Tasks per value, for values some task's agent has.</summary>
    public Dictionary<string, int> ByValue { get; } = new(StringComparer.Ordinal);
    /// <summary>Tasks whose agent lacks the field (Marathon counts them as one more group).</summary>
    public int Missing { get; private set; }
    /// <summary>Values of seen agents that have no task.</summary>
    public HashSet<string> Unused { get; } = new(StringComparer.Ordinal);
    /// <summary>True when there is at least one task.</summary>
    public bool HasTasks { get; private set; }
    /// <summary>The first task's value (null when there are no tasks or its agent lacks the field).</summary>
    public string? First { get; private set; }

    public static FieldCounts Of(string field, IReadOnlyList<AgentFacts> tasks, IReadOnlyCollection<AgentFacts> seen)
    {
        var counts = new FieldCounts { HasTasks = tasks.Count > 0 };
        for (int i = 0; i < tasks.Count; i++)
        {
            var value = tasks[i].ValueOf(field);
            if (i == 0) counts.First = value;
            if (value is null) counts.Missing++;
            else counts.ByValue[value] = counts.ByValue.GetValueOrDefault(value) + 1;
        }
        foreach (var agent in seen)
            if (agent.ValueOf(field) is { } value && !counts.ByValue.ContainsKey(value))
                counts.Unused.Add(value);
        return counts;
    }

    /// <summary>Tasks with <paramref name="value"/>.</summary>
    public int Count(string value) => ByValue.GetValueOrDefault(value);
}

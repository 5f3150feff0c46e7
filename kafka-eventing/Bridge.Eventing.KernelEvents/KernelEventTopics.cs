namespace Bridge.Eventing.KernelEvents;

/// <summary>
/// The topics kernel events are published to, one per kind of entity, and their schema registry
/// subjects (Confluent's TopicNameStrategy: <c>&lt;topic&gt;-value</c>; keys are plain UTF-8 strings,
/// not Avro, so there is no key subject).
/// </summary>
public static class KernelEventTopics
{
    /// <summary>Task added and status updates (<see cref="KernelEventSchemas.TaskEvent"/>), keyed by <c>framework_id/task_id</c>.</summary>
    public const string Tasks = "bridge.tasks";

    /// <summary>Agents added and removed (<see cref="KernelEventSchemas.AgentEvent"/>), keyed by agent id.</summary>
    public const string Agents = "bridge.agents";

    /// <summary>Frameworks added, updated and removed (<see cref="KernelEventSchemas.FrameworkEvent"/>), keyed by framework id.</summary>
    public const string Frameworks = "bridge.frameworks";

    /// <summary>Offer summaries, at most one per allocation interval (<see cref="KernelEventSchemas.OffersSummary"/>), keyed <c>master</c>.</summary>
    public const string Offers = "bridge.offers";

    /// <summary>The four topics: tasks, agents, frameworks, offers.</summary>
    public static IReadOnlyList<string> All { get; } = [Tasks, Agents, Frameworks, Offers];

    /// <summary>The value subject of <paramref name="topic"/> under TopicNameStrategy: <c>bridge.tasks</c> → <c>bridge.tasks-value</c>.</summary>
    public static string Subject(string topic) => Publishing.RegisteredTopicPublisher.Subject(topic);
}

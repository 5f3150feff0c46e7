using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.KernelEvents;

/// <summary>
/// The Avro schemas of kernel events (namespace <c>bridge.events.v1</c>), parsed once from the
/// embedded <c>Schemas/*.avsc</c>. Flat records: ids as strings, what an event does not carry as
/// null, enums for states, times as <c>timestamp-millis</c>. Every field has a default, so the
/// schemas can gain and lose fields under BACKWARD (the registry's default), FORWARD or FULL
/// compatibility. docs/kernel-events.md has the field tables.
/// </summary>
public static class KernelEventSchemas
{
    /// <summary><c>bridge.events.v1.TaskEvent</c> (Schemas/task-event.avsc), on <see cref="KernelEventTopics.Tasks"/>.</summary>
    public static RecordSchema TaskEvent { get; } = Load("task-event.avsc");

    /// <summary><c>bridge.events.v1.AgentEvent</c> (Schemas/agent-event.avsc), on <see cref="KernelEventTopics.Agents"/>.</summary>
    public static RecordSchema AgentEvent { get; } = Load("agent-event.avsc");

    /// <summary><c>bridge.events.v1.FrameworkEvent</c> (Schemas/framework-event.avsc), on <see cref="KernelEventTopics.Frameworks"/>.</summary>
    public static RecordSchema FrameworkEvent { get; } = Load("framework-event.avsc");

    /// <summary><c>bridge.events.v1.OffersSummary</c> (Schemas/offers-summary.avsc), on <see cref="KernelEventTopics.Offers"/>.</summary>
    public static RecordSchema OffersSummary { get; } = Load("offers-summary.avsc");

    /// <summary>The value schema of <paramref name="topic"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="topic"/> is not one of <see cref="KernelEventTopics.All"/>.</exception>
    public static RecordSchema ForTopic(string topic) => topic switch
    {
        KernelEventTopics.Tasks => TaskEvent,
        KernelEventTopics.Agents => AgentEvent,
        KernelEventTopics.Frameworks => FrameworkEvent,
        KernelEventTopics.Offers => OffersSummary,
        _ => throw new ArgumentException($"'{topic}' is not a kernel event topic ({string.Join(", ", KernelEventTopics.All)})", nameof(topic)),
    };

    private static RecordSchema Load(string file)
    {
        var name = $"Bridge.Eventing.KernelEvents.Schemas.{file}";
        using var stream = typeof(KernelEventSchemas).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded schema {name} is missing from {typeof(KernelEventSchemas).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return (RecordSchema)AvroSchema.Parse(reader.ReadToEnd());
    }
}

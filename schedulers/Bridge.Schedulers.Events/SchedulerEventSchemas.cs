using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Schedulers.Events;

/// <summary>
/// The Avro schemas of the schedulers' events (namespace <c>bridge.events.v1</c>), parsed once from
/// the embedded <c>Schemas/*.avsc</c>. Flat records: the event type and time, the entity (app id or
/// job name), then the common fields as nullable columns, and the whole event as JSON text. Every
/// field has a default, so the schemas can gain and lose fields under BACKWARD (the registry's
/// default), FORWARD or FULL compatibility. docs/bus.md has the field tables.
/// </summary>
public static class SchedulerEventSchemas
{
    /// <summary><c>bridge.events.v1.ServiceEvent</c> (Schemas/service-event.avsc), on <see cref="SchedulerEventTopics.Services"/>.</summary>
    public static RecordSchema ServiceEvent { get; } = Load("service-event.avsc");

    /// <summary><c>bridge.events.v1.JobEvent</c> (Schemas/job-event.avsc), on <see cref="SchedulerEventTopics.Jobs"/>.</summary>
    public static RecordSchema JobEvent { get; } = Load("job-event.avsc");

    /// <summary><c>bridge.events.v1.YarnEvent</c> (Schemas/yarn-event.avsc), on <see cref="SchedulerEventTopics.Yarn"/>.</summary>
    public static RecordSchema YarnEvent { get; } = Load("yarn-event.avsc");

    private static RecordSchema Load(string file)
    {
        var name = $"Bridge.Schedulers.Events.Schemas.{file}";
        using var stream = typeof(SchedulerEventSchemas).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded schema {name} is missing from {typeof(SchedulerEventSchemas).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return (RecordSchema)AvroSchema.Parse(reader.ReadToEnd());
    }
}

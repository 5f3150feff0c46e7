using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Schedulers.Events.Internal;

/// <summary>How a column's value is taken from an event field.</summary>
internal enum ColumnKind
{
    /// <summary>A string, as is.</summary>
    Text,

    /// <summary>An integer, as a long.</summary>
    Long,

    /// <summary>An integer in int's range.</summary>
    Int,

    /// <summary>A boolean.</summary>
    Bool,

    /// <summary>An instant (DateTimeOffset, DateTime, or ISO 8601 text) as a UTC DateTime at millisecond precision.</summary>
    Instant,
}

/// <summary>A column of the record: its Avro field, the event field it comes from, and how.</summary>
internal sealed record Column(string Name, string Field, ColumnKind Kind);

/// <summary>
/// One scheduler's events on the bus: its topic and schema, the column holding the entity the
/// event is about (the Kafka key), and the columns taken from the event's fields.
/// </summary>
internal sealed record EventStream(string Topic, RecordSchema Schema, string EntityColumn, IReadOnlyList<Column> Columns)
{
    /// <summary>The services scheduler's: Marathon's field names.</summary>
    public static EventStream Services { get; } = new(SchedulerEventTopics.Services, SchedulerEventSchemas.ServiceEvent, "app_id",
    [
        new("app_id", "appId", ColumnKind.Text),
        new("task_id", "taskId", ColumnKind.Text),
        new("state", "taskStatus", ColumnKind.Text),
        new("agent_id", "slaveId", ColumnKind.Text),
        new("host", "host", ColumnKind.Text),
        new("version", "version", ColumnKind.Text),
        new("deployment_id", "id", ColumnKind.Text),
        new("healthy", "alive", ColumnKind.Bool),
        new("message", "message", ColumnKind.Text),
    ]);

    /// <summary>The YARN bridge's: a subject and a sentence.</summary>
    public static EventStream Yarn { get; } = new(SchedulerEventTopics.Yarn, SchedulerEventSchemas.YarnEvent, "subject",
    [
        new("subject", "subject", ColumnKind.Text),
        new("message", "message", ColumnKind.Text),
    ]);

    /// <summary>The jobs scheduler's: its event stream's field names.</summary>
    public static EventStream Jobs { get; } = new(SchedulerEventTopics.Jobs, SchedulerEventSchemas.JobEvent, "job_name",
    [
        new("job_name", "jobName", ColumnKind.Text),
        new("task_id", "taskId", ColumnKind.Text),
        new("state", "state", ColumnKind.Text),
        new("run", "run", ColumnKind.Long),
        new("attempt", "attempt", ColumnKind.Int),
        new("due_at", "dueAt", ColumnKind.Instant),
        new("agent_id", "agentId", ColumnKind.Text),
        new("host", "host", ColumnKind.Text),
        new("exit_code", "exitCode", ColumnKind.Int),
        new("message", "message", ColumnKind.Text),
    ]);
}

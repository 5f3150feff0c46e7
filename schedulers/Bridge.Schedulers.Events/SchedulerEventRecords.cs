using System.Text.Encodings.Web;
using System.Text.Json;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Publishing;
using Bridge.Schedulers.Events.Internal;
using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Jobs.Runs;
using Bridge.Schedulers.Services.Scheduling;
using Bridge.Yarn.Scheduling;

namespace Bridge.Schedulers.Events;

/// <summary>A scheduler event as a bus record, or why it cannot be one.</summary>
/// <param name="Record">The record: its topic, its key (the app id or job name, else the task id, else
/// empty) and its value, a <see cref="GenericRecord"/> of the topic's schema. Null when the event does not fit.</param>
/// <param name="Error">Why the event does not fit (a field of the wrong type, a value JSON cannot hold), or null.</param>
public readonly record struct SchedulerEventRecord(TopicRecord? Record, string? Error);

/// <summary>
/// The schedulers' events as Avro records (<see cref="SchedulerEventSchemas"/>): the event type and
/// time, the event's common fields as columns (null where the event has none), and the whole event
/// as the JSON its server-sent event stream shows (<see cref="ServerSentEvents.WriteJson"/>, instants
/// as ISO 8601 UTC with milliseconds). Pure; a field of another type than its column's (an
/// <c>appId</c> that is not text) makes the event not fit, never a guessed value.
/// </summary>
public static class SchedulerEventRecords
{
    /// <summary>A services scheduler event as a <c>bridge.events.v1.ServiceEvent</c> record on <see cref="SchedulerEventTopics.Services"/>.</summary>
    public static SchedulerEventRecord FromService(ServiceEvent e)
    {
        var result = Map(EventStream.Services, e.Type, e.At, e.Fields);
        // Marathon's api_post_event names its app only inside the definition it carries.
        if (result.Record is { Value: GenericRecord value } record && value["app_id"] is null
            && e.Fields.GetValueOrDefault("appDefinition") is JsonElement { ValueKind: JsonValueKind.Object } definition
            && definition.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
        {
            value["app_id"] = id.GetString();
            return result with { Record = record with { Key = id.GetString()! } };
        }
        return result;
    }

    /// <summary>A jobs scheduler event as a <c>bridge.events.v1.JobEvent</c> record on <see cref="SchedulerEventTopics.Jobs"/>.</summary>
    public static SchedulerEventRecord FromJob(JobEvent e) => Map(EventStream.Jobs, e.Type, e.At, e.Fields);

    /// <summary>A YARN bridge event as a <c>bridge.events.v1.YarnEvent</c> record on <see cref="SchedulerEventTopics.Yarn"/>,
    /// keyed by its subject (empty: no key).</summary>
    public static SchedulerEventRecord FromYarn(BridgeEvent e) => Map(EventStream.Yarn, e.Type, e.At,
        new Dictionary<string, object?> { ["subject"] = e.Subject.Length > 0 ? e.Subject : null, ["message"] = e.Message });

    private static SchedulerEventRecord Map(EventStream stream, string type, DateTimeOffset at, IReadOnlyDictionary<string, object?> fields)
    {
        var record = new GenericRecord(stream.Schema)
        {
            ["event_type"] = type,
            ["timestamp"] = ColumnValues.Millis(at),
        };
        foreach (var column in stream.Columns)
        {
            if (!ColumnValues.TryConvert(fields.GetValueOrDefault(column.Field), column.Kind, out var datum, out var error))
                return new SchedulerEventRecord(null, $"{type}: field {column.Field} is {error}");
            record[column.Name] = datum;
        }
        if (Json(type, at, fields) is not { } json) return new SchedulerEventRecord(null, $"{type}: its fields cannot be written as JSON");
        record["json"] = json;
        var key = record[stream.EntityColumn] as string ?? record["task_id"] as string ?? "";
        return new SchedulerEventRecord(new TopicRecord(stream.Topic, key, record), null);
    }

    private static string? Json(string type, DateTimeOffset at, IReadOnlyDictionary<string, object?> fields)
    {
        using var buffer = new MemoryStream();
        try
        {
            // Escaped as the event streams escape: a quote is \" and non-ASCII text stays as it is.
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                // Versions.Format is the jobs API's instant format too (ISO 8601 UTC with milliseconds).
                ServerSentEvents.WriteJson(w, type, at, fields, Versions.Format);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // NaN and infinities, which JSON has no numbers for; a JsonNode already in another tree.
            return null;
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

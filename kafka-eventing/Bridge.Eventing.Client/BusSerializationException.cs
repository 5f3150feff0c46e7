using Confluent.Kafka;

namespace Bridge.Eventing.Client;

/// <summary>
/// A typed publisher's serializer, or a typed consumer's deserializer, failed (for the registry's
/// Avro serdes: a value that does not fit its schema, an unknown schema id, a writer schema the
/// reader's cannot resolve, a malformed body, an unreachable registry). The serde's own exception is
/// the <see cref="Exception.InnerException"/>. When reading, <see cref="Record"/> is the raw record
/// (its partition, offset and bytes): the consumer stops there without acknowledging its batch, so
/// a consumer resumed from its last committed cursor meets the record again.
/// </summary>
public sealed class BusSerializationException : Exception
{
    internal BusSerializationException(string topic, MessageComponentType component, BusRecord? record, Exception inner)
        : base(Describe(topic, component, record, inner), inner)
    {
        Topic = topic;
        Component = component;
        Record = record;
    }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary>Whether the key or the value failed.</summary>
    public MessageComponentType Component { get; }

    /// <summary>The record that did not deserialize, or null when serializing.</summary>
    public BusRecord? Record { get; }

    private static string Describe(string topic, MessageComponentType component, BusRecord? record, Exception inner)
    {
        var what = component == MessageComponentType.Key ? "key" : "value";
        var where = record is null
            ? $"serializing the {what} of a record for {topic}"
            : $"deserializing the {what} of {topic} partition {record.Partition} offset {record.Offset} (schema id {record.SchemaId})";
        return $"{where}: {inner.GetType().Name}: {inner.Message}";
    }
}

using Confluent.Kafka;

namespace Bridge.Eventing.Client.Serdes;

/// <summary>
/// Typed messages to and from the bus's records through Confluent.Kafka serializers, called as a
/// Confluent producer and consumer call them: with a <see cref="SerializationContext"/> of the
/// component, the topic, and the record's headers (a serializer may add headers; they are sent).
/// </summary>
internal static class TypedRecords
{
    /// <summary>The record for <paramref name="message"/>; BusSerializationException when a serializer fails or the value serializes to null.</summary>
    public static async Task<OutgoingRecord> SerializeAsync<TKey, TValue>(string topic, Message<TKey, TValue> message,
        IAsyncSerializer<TKey> keySerializer, IAsyncSerializer<TValue> valueSerializer)
    {
        var timestamp = message.Timestamp.Type switch
        {
            TimestampType.NotAvailable => (DateTimeOffset?)null,
            TimestampType.CreateTime => DateTimeOffset.FromUnixTimeMilliseconds(message.Timestamp.UnixTimestampMs),
            _ => throw new ArgumentException("a message's timestamp is Timestamp.Default or a CreateTime, as with Confluent.Kafka's producer", nameof(message)),
        };
        var headers = message.Headers ?? new Headers();
        var key = await SerializeAsync(topic, MessageComponentType.Key, keySerializer, message.Key, headers);
        var value = await SerializeAsync(topic, MessageComponentType.Value, valueSerializer, message.Value, headers)
            ?? throw new BusSerializationException(topic, MessageComponentType.Value, null,
                new ArgumentException("the value serialized to null; every value on the bus is a framed Avro record"));
        return new OutgoingRecord(key, value)
        {
            Headers = headers.Select(h => KeyValuePair.Create(h.Key, h.GetValueBytes() ?? [])).ToList(),
            Timestamp = timestamp,
        };
    }

    /// <summary>The event for <paramref name="record"/>; BusSerializationException naming the record when a deserializer fails.</summary>
    public static async Task<BusEvent<TKey, TValue>> DeserializeAsync<TKey, TValue>(BusRecord record,
        IAsyncDeserializer<TKey> keyDeserializer, IAsyncDeserializer<TValue> valueDeserializer)
    {
        var headers = new Headers();
        foreach (var (name, bytes) in record.Headers) headers.Add(name, bytes);
        var key = await DeserializeAsync(record, MessageComponentType.Key, keyDeserializer, record.Key, headers);
        var value = await DeserializeAsync(record, MessageComponentType.Value, valueDeserializer, record.Value, headers);
        return new BusEvent<TKey, TValue>(record.Topic, record.Partition, record.Offset, key, value, record.SchemaId, record.Timestamp, record.Headers);
    }

    private static async Task<byte[]?> SerializeAsync<T>(string topic, MessageComponentType component, IAsyncSerializer<T> serializer, T data, Headers headers)
    {
        try
        {
            return await serializer.SerializeAsync(data, new SerializationContext(component, topic, headers));
        }
        catch (Exception e)
        {
            throw new BusSerializationException(topic, component, null, e);
        }
    }

    private static async Task<T> DeserializeAsync<T>(BusRecord record, MessageComponentType component, IAsyncDeserializer<T> deserializer, byte[]? data, Headers headers)
    {
        try
        {
            return await deserializer.DeserializeAsync(data ?? ReadOnlyMemory<byte>.Empty, data is null, new SerializationContext(component, record.Topic, headers));
        }
        catch (Exception e)
        {
            throw new BusSerializationException(record.Topic, component, record, e);
        }
    }
}

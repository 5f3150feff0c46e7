using Bridge.Eventing.Client.Serdes;
using Confluent.Kafka;

namespace Bridge.Eventing.Client.Publishing;

/// <summary>
/// Publishes typed messages to one topic, as a Confluent.Kafka <c>IProducer&lt;TKey, TValue&gt;</c> would:
/// each key and value goes through its serializer (for Avro on the bus, the registry's
/// <c>AvroSerializer&lt;T&gt;</c>, which registers the schema under <c>{topic}-value</c> and frames the
/// value with its id), called with a <see cref="SerializationContext"/> of the component, the topic
/// and the message's headers; the bytes then go through a <see cref="BusPublisher"/>, with its
/// batching, back-pressure, ordering and failure rules. Serializing runs in <see cref="SendAsync(Message{TKey, TValue}, CancellationToken)"/>,
/// on the caller, before the record is queued: a message that does not serialize throws
/// <see cref="BusSerializationException"/> to its caller, nothing of it is sent, and the publisher
/// goes on. Not thread-safe: one sender at a time (the order of the calls is the order on the bus).
/// </summary>
/// <typeparam name="TKey">The key type (<c>string</c>, <c>byte[]</c>, <c>Null</c> and other built-ins need no key serializer).</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class BusPublisher<TKey, TValue> : IAsyncDisposable
{
    private readonly BusPublisher _publisher;
    private readonly IAsyncSerializer<TKey> _keySerializer;
    private readonly IAsyncSerializer<TValue> _valueSerializer;

    internal BusPublisher(BusPublisher publisher, IAsyncSerializer<TKey> keySerializer, IAsyncSerializer<TValue> valueSerializer)
    {
        _publisher = publisher;
        _keySerializer = keySerializer;
        _valueSerializer = valueSerializer;
    }

    /// <summary>The topic.</summary>
    public string Topic => _publisher.Topic;

    /// <summary>The write session's cursor as of its last Ack.</summary>
    public byte[] Cursor => _publisher.Cursor;

    /// <summary>Publishes <paramref name="value"/> under <paramref name="key"/> (which chooses the partition) and waits until the bus acknowledged it.</summary>
    /// <exception cref="BusSerializationException">The key or value did not serialize (nothing was sent).</exception>
    /// <exception cref="BusException">The bus refused the batch, or retries ran out.</exception>
    public Task<PublishResult> PublishAsync(TKey key, TValue value, CancellationToken cancellationToken = default) =>
        PublishAsync(new Message<TKey, TValue> { Key = key, Value = value }, cancellationToken);

    /// <summary>Publishes <paramref name="message"/> (key, value, headers, and a CreateTime timestamp or <c>Timestamp.Default</c> for the publish time) and waits until the bus acknowledged it.</summary>
    /// <exception cref="BusSerializationException">The key or value did not serialize (nothing was sent).</exception>
    /// <exception cref="BusException">The bus refused the batch, or retries ran out.</exception>
    public async Task<PublishResult> PublishAsync(Message<TKey, TValue> message, CancellationToken cancellationToken = default) =>
        await await SendAsync(message, cancellationToken);

    /// <summary>Serializes and queues <paramref name="value"/> under <paramref name="key"/>; see <see cref="SendAsync(Message{TKey, TValue}, CancellationToken)"/>.</summary>
    public ValueTask<Task<PublishResult>> SendAsync(TKey key, TValue value, CancellationToken cancellationToken = default) =>
        SendAsync(new Message<TKey, TValue> { Key = key, Value = value }, cancellationToken);

    /// <summary>
    /// Serializes <paramref name="message"/> and queues it, waiting while the queue is full
    /// (back-pressure), and returns the task of its acknowledgement without waiting for it.
    /// </summary>
    /// <exception cref="BusSerializationException">The key or value did not serialize (nothing was queued).</exception>
    /// <exception cref="ArgumentException">The message's timestamp is a LogAppendTime (as Confluent.Kafka's producer refuses).</exception>
    /// <exception cref="BusException">The publisher stopped after an earlier failure.</exception>
    /// <exception cref="ObjectDisposedException">The publisher is disposed.</exception>
    public async ValueTask<Task<PublishResult>> SendAsync(Message<TKey, TValue> message, CancellationToken cancellationToken = default)
    {
        var record = await TypedRecords.SerializeAsync(Topic, message, _keySerializer, _valueSerializer);
        return await _publisher.SendAsync(record, cancellationToken);
    }

    /// <summary>Sends what is queued, waits for its acknowledgements, then disposes the write session.</summary>
    public ValueTask DisposeAsync() => _publisher.DisposeAsync();
}

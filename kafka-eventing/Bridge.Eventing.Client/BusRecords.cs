namespace Bridge.Eventing.Client;

/// <summary>A record read from the bus.</summary>
/// <param name="Topic">Its topic.</param>
/// <param name="Partition">Its partition.</param>
/// <param name="Offset">Its offset in the partition.</param>
/// <param name="Key">Its key, or null.</param>
/// <param name="Value">Its value: Avro in the Confluent wire format (decrypted by the bus when the topic is encrypted).</param>
/// <param name="SchemaId">The registry id of the value's schema (0 when the value is not framed).</param>
/// <param name="Timestamp">Its Kafka timestamp.</param>
/// <param name="Headers">Its headers, in order (the bus's <c>bridge-write-id</c> included).</param>
public sealed record BusRecord(string Topic, int Partition, long Offset, byte[]? Key, byte[] Value, int SchemaId,
    DateTimeOffset Timestamp, IReadOnlyList<KeyValuePair<string, byte[]>> Headers);

/// <summary>A record to publish.</summary>
/// <param name="Key">The key, or null; it chooses the partition (murmur2, as Kafka's Java client).</param>
/// <param name="Value">The value: Avro in the Confluent wire format, with a registered schema id.</param>
public sealed record OutgoingRecord(byte[]? Key, byte[] Value)
{
    /// <summary>A partition chosen by the publisher instead of by key (default: null, by key).</summary>
    public int? Partition { get; init; }

    /// <summary>Headers (default: none). Names starting <c>bridge-</c> that the bus uses are refused.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> Headers { get; init; } = [];

    /// <summary>The record's timestamp (default: null, the time the bus publishes it).</summary>
    public DateTimeOffset? Timestamp { get; init; }
}

/// <summary>Where a published record landed.</summary>
/// <param name="Partition">Its partition (-1 when spilled).</param>
/// <param name="Offset">Its offset (-1 when spilled).</param>
/// <param name="Spilled">The back-end node shut down before Kafka confirmed it: it is on the node's disk and
/// will be published, exactly once, when the node starts again (acknowledged all the same).</param>
public readonly record struct PublishResult(int Partition, long Offset, bool Spilled);

/// <summary>A record read from the bus with its key and value deserialized (<see cref="BusClient.ConsumeAsync{TKey, TValue}"/>).</summary>
/// <param name="Topic">Its topic.</param>
/// <param name="Partition">Its partition.</param>
/// <param name="Offset">Its offset in the partition.</param>
/// <param name="Key">Its key, from the key deserializer (which got null for a record without a key).</param>
/// <param name="Value">Its value, from the value deserializer.</param>
/// <param name="SchemaId">The registry id of the value's writer schema (from the Confluent framing; 0 when not framed).</param>
/// <param name="Timestamp">Its Kafka timestamp.</param>
/// <param name="Headers">Its headers, in order (the bus's <c>bridge-write-id</c> included).</param>
public sealed record BusEvent<TKey, TValue>(string Topic, int Partition, long Offset, TKey Key, TValue Value, int SchemaId,
    DateTimeOffset Timestamp, IReadOnlyList<KeyValuePair<string, byte[]>> Headers);

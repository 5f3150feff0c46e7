using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Mapping;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Schemas.Client;

namespace Bridge.Eventing.Schemas.Serdes;

/// <summary>
/// Serializers and deserializers for Confluent.Kafka producers and consumers, for generic records
/// or for C# types with an explicit <see cref="AvroMapping{T}"/>:
/// <code>
/// using var registry = new SchemaRegistryClient(new Uri("http://127.0.0.1:8081"));
/// var producer = new ProducerBuilder&lt;Null, Order&gt;(config).SetValueSerializer(AvroSerdes.Serializer(registry, orders)).Build();
/// var consumer = new ConsumerBuilder&lt;Ignore, Order&gt;(config).SetValueDeserializer(AvroSerdes.Deserializer(registry, orders)).Build();
/// </code>
/// </summary>
public static class AvroSerdes
{
    /// <summary>A serializer of generic datums (<see cref="DatumModel"/>) written with <paramref name="schema"/>.</summary>
    public static AvroSerializer<object?> GenericSerializer(SchemaRegistryClient registry, AvroSchema schema, AvroSerializerConfig? config = null) =>
        new(registry, schema, datum => datum, config);

    /// <summary>A deserializer of generic datums, read as <paramref name="readerSchema"/> (default: each record's writer schema).</summary>
    public static AvroDeserializer<object?> GenericDeserializer(SchemaRegistryClient registry, AvroSchema? readerSchema = null) =>
        new(registry, readerSchema, datum => datum);

    /// <summary>A serializer of <typeparamref name="T"/> through <paramref name="mapping"/>, written with its schema.</summary>
    public static AvroSerializer<T> Serializer<T>(SchemaRegistryClient registry, AvroMapping<T> mapping, AvroSerializerConfig? config = null) =>
        new(registry, mapping.Schema, value => mapping.ToRecord(value), config);

    /// <summary>
    /// A deserializer of <typeparamref name="T"/> through <paramref name="mapping"/>: records of any
    /// writer version are resolved to the mapping's schema first. InvalidCastException-free: a
    /// non-record datum is an AvroResolutionException when the reader is built.
    /// </summary>
    public static AvroDeserializer<T> Deserializer<T>(SchemaRegistryClient registry, AvroMapping<T> mapping) =>
        new(registry, mapping.Schema, datum => mapping.FromRecord((GenericRecord)datum!));
}

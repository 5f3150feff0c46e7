using Confluent.Kafka;

namespace Bridge.Eventing.Client.Serdes;

/// <summary>
/// The key serializers and deserializers a typed publisher or consumer uses when it is given none:
/// Confluent.Kafka's own built-in ones for the types its producer and consumer builders default
/// (<c>string</c> as UTF-8, <c>byte[]</c> as is, <c>Null</c>, <c>Ignore</c> when reading, and
/// <c>int</c>, <c>long</c>, <c>float</c>, <c>double</c> big-endian), so keys read by plain Kafka
/// clients look the same.
/// </summary>
internal static class KeySerdes
{
    private static readonly Dictionary<Type, object> Serializers = new()
    {
        [typeof(string)] = Confluent.Kafka.Serializers.Utf8,
        [typeof(byte[])] = Confluent.Kafka.Serializers.ByteArray,
        [typeof(Null)] = Confluent.Kafka.Serializers.Null,
        [typeof(int)] = Confluent.Kafka.Serializers.Int32,
        [typeof(long)] = Confluent.Kafka.Serializers.Int64,
        [typeof(float)] = Confluent.Kafka.Serializers.Single,
        [typeof(double)] = Confluent.Kafka.Serializers.Double,
    };

    private static readonly Dictionary<Type, object> Deserializers = new()
    {
        [typeof(string)] = Confluent.Kafka.Deserializers.Utf8,
        [typeof(byte[])] = Confluent.Kafka.Deserializers.ByteArray,
        [typeof(Null)] = Confluent.Kafka.Deserializers.Null,
        [typeof(Ignore)] = Confluent.Kafka.Deserializers.Ignore,
        [typeof(int)] = Confluent.Kafka.Deserializers.Int32,
        [typeof(long)] = Confluent.Kafka.Deserializers.Int64,
        [typeof(float)] = Confluent.Kafka.Deserializers.Single,
        [typeof(double)] = Confluent.Kafka.Deserializers.Double,
    };

    /// <summary>The built-in serializer of <typeparamref name="T"/>; ArgumentException when there is none.</summary>
    public static IAsyncSerializer<T> Serializer<T>() => Serializers.TryGetValue(typeof(T), out var serializer)
        ? new SyncSerializer<T>((ISerializer<T>)serializer)
        : throw new ArgumentException($"no built-in key serializer for {typeof(T).Name}: pass one (string, byte[], Null, int, long, float and double have one)");

    /// <summary>The built-in deserializer of <typeparamref name="T"/>; ArgumentException when there is none.</summary>
    public static IAsyncDeserializer<T> Deserializer<T>() => Deserializers.TryGetValue(typeof(T), out var deserializer)
        ? new SyncDeserializer<T>((IDeserializer<T>)deserializer)
        : throw new ArgumentException($"no built-in key deserializer for {typeof(T).Name}: pass one (string, byte[], Null, Ignore, int, long, float and double have one)");

    private sealed class SyncSerializer<T>(ISerializer<T> inner) : IAsyncSerializer<T>
    {
        public Task<byte[]> SerializeAsync(T data, SerializationContext context) => Task.FromResult(inner.Serialize(data, context));
    }

    private sealed class SyncDeserializer<T>(IDeserializer<T> inner) : IAsyncDeserializer<T>
    {
        public Task<T> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, SerializationContext context) =>
            Task.FromResult(inner.Deserialize(data.Span, isNull, context));
    }
}

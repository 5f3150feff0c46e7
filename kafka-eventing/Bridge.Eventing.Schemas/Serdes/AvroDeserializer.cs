using System.Collections.Concurrent;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Framing;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Schemas.Client;
using Confluent.Kafka;

namespace Bridge.Eventing.Schemas.Serdes;

/// <summary>
/// A Confluent.Kafka deserializer of the Confluent wire format (magic byte 0, 4-byte big-endian
/// schema id, Avro binary): it fetches the writer schema by id from the registry (once per id,
/// then cached) and resolves it against the reader schema (Avro 1.11 "Schema Resolution"), so a
/// consumer reads records of every compatible version as its own. A null message gives
/// <c>default(T)</c>. Blocks on the registry only the first time it meets an id. Thread-safe.
/// Errors (Confluent.Kafka wraps them in a ConsumeException): AvroFramingException when the bytes
/// are not in the wire format; SchemaRegistryException when the id is unknown (40403);
/// AvroResolutionException when the writer's schema cannot be read as the reader's;
/// AvroDecodeException when the body is malformed.
/// </summary>
public sealed class AvroDeserializer<T> : IDeserializer<T>, IAsyncDeserializer<T>
{
    /// <summary>Readers kept per writer id; past this many, the cache starts over (ids are few in practice).</summary>
    private const int MaxCachedReaders = 1_000;

    private readonly SchemaRegistryClient _registry;
    private readonly AvroSchema? _readerSchema;
    private readonly Func<object?, T> _fromDatum;
    private readonly ConcurrentDictionary<int, DatumReader> _readers = new();

    /// <summary>
    /// A deserializer returning <paramref name="fromDatum"/> of each decoded datum, read as
    /// <paramref name="readerSchema"/> (default: as each record's own writer schema).
    /// </summary>
    public AvroDeserializer(SchemaRegistryClient registry, AvroSchema? readerSchema, Func<object?, T> fromDatum)
    {
        _registry = registry;
        _readerSchema = readerSchema;
        _fromDatum = fromDatum;
    }

    /// <inheritdoc />
    public T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        if (isNull) return default!;
        var id = ConfluentFraming.ReadHeader(data, out var body);
        if (!_readers.TryGetValue(id, out var reader))
            reader = Task.Run(() => ReaderForAsync(id)).GetAwaiter().GetResult();
        return _fromDatum(reader.Read(body));
    }

    /// <inheritdoc />
    public async Task<T> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, SerializationContext context)
    {
        if (isNull) return default!;
        var id = ConfluentFraming.ReadHeader(data.Span, out _);
        var reader = _readers.TryGetValue(id, out var known) ? known : await ReaderForAsync(id);
        // A span cannot live across the await: the body is sliced after it.
        return _fromDatum(reader.Read(data.Span[ConfluentFraming.HeaderLength..]));
    }

    private async Task<DatumReader> ReaderForAsync(int id)
    {
        var writer = await _registry.GetSchemaAsync(id);
        var reader = new DatumReader(writer, _readerSchema);
        if (_readers.Count >= MaxCachedReaders) _readers.Clear();
        return _readers.GetOrAdd(id, reader);
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Framing;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Schemas.Client;
using Confluent.Kafka;

namespace Bridge.Eventing.Schemas.Serdes;

/// <summary>How a serializer names the registry subject a record's schema is registered under (Confluent's strategies).</summary>
public enum SubjectNameStrategy
{
    /// <summary><c>{topic}-value</c> or <c>{topic}-key</c>: one schema lineage per topic (Confluent's default).</summary>
    Topic,
    /// <summary>The record's full name: one lineage per record type, whatever the topic.</summary>
    Record,
    /// <summary><c>{topic}-{record full name}</c>.</summary>
    TopicRecord,
}

/// <summary>Options of an <see cref="AvroSerializer{T}"/>.</summary>
public sealed record AvroSerializerConfig
{
    /// <summary>Register the schema when the subject lacks it (default: true); when false, only look it up (SchemaRegistryException 40403 when missing).</summary>
    public bool AutoRegisterSchemas { get; init; } = true;

    /// <summary>How the subject is named (default: <see cref="SubjectNameStrategy.Topic"/>).</summary>
    public SubjectNameStrategy SubjectNameStrategy { get; init; } = SubjectNameStrategy.Topic;
}

/// <summary>
/// A Confluent.Kafka serializer that writes values (or keys) in the Confluent wire format: magic
/// byte 0, the schema's registry id as 4 big-endian bytes, then the Avro binary encoding
/// (docs.confluent.io, "Wire format"). The schema is registered (or looked up) once per subject
/// and the id cached. As an <see cref="ISerializer{T}"/> it blocks on that first registry call per
/// subject only; as an <see cref="IAsyncSerializer{T}"/> it does not block. Thread-safe.
/// Errors: AvroEncodeException when a value does not fit the schema; SchemaRegistryException
/// when the registry refuses the schema (e.g. 409 incompatible) or cannot be reached
/// (HttpRequestException); Confluent.Kafka wraps both in a ProduceException.
/// </summary>
public sealed class AvroSerializer<T> : ISerializer<T>, IAsyncSerializer<T>
{
    private readonly SchemaRegistryClient _registry;
    private readonly DatumWriter _writer;
    private readonly Func<T, object?> _toDatum;
    private readonly AvroSerializerConfig _config;
    private readonly ConcurrentDictionary<string, int> _idBySubject = new(StringComparer.Ordinal);

    /// <summary>
    /// A serializer of <typeparamref name="T"/> values written with <paramref name="schema"/>, each
    /// turned into a generic datum (<see cref="Avro.Generic.DatumModel"/>) by <paramref name="toDatum"/>.
    /// </summary>
    public AvroSerializer(SchemaRegistryClient registry, AvroSchema schema, Func<T, object?> toDatum, AvroSerializerConfig? config = null)
    {
        _registry = registry;
        _writer = new DatumWriter(schema);
        _toDatum = toDatum;
        _config = config ?? new AvroSerializerConfig();
    }

    /// <summary>The writer schema.</summary>
    public AvroSchema Schema => _writer.Schema;

    /// <inheritdoc />
    public async Task<byte[]> SerializeAsync(T data, SerializationContext context)
    {
        var subject = Subject(context);
        if (!_idBySubject.TryGetValue(subject, out var id)) id = await ResolveIdAsync(subject);
        return Frame(id, data);
    }

    /// <inheritdoc />
    public byte[] Serialize(T data, SerializationContext context)
    {
        var subject = Subject(context);
        if (!_idBySubject.TryGetValue(subject, out var id))
            id = Task.Run(() => ResolveIdAsync(subject)).GetAwaiter().GetResult();
        return Frame(id, data);
    }

    private async Task<int> ResolveIdAsync(string subject)
    {
        var id = _config.AutoRegisterSchemas
            ? await _registry.RegisterAsync(subject, Schema)
            : await _registry.LookupAsync(subject, Schema);
        _idBySubject[subject] = id;
        return id;
    }

    // One scratch buffer per thread (Frame runs synchronously start to end): a record costs one array, the result.
    [ThreadStatic] private static ArrayBufferWriter<byte>? _scratch;

    private byte[] Frame(int id, T data)
    {
        var buffer = _scratch ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        ConfluentFraming.WriteHeader(buffer, id);
        _writer.Write(_toDatum(data), buffer);
        var framed = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 1024 * 1024) _scratch = null; // one huge record does not pin a megabyte per thread
        return framed;
    }

    private string Subject(SerializationContext context)
    {
        var suffix = context.Component == MessageComponentType.Key ? "key" : "value";
        var recordName = Schema is NamedSchema named ? named.FullName : null;
        return _config.SubjectNameStrategy switch
        {
            SubjectNameStrategy.Record => recordName ?? throw new InvalidOperationException($"the Record subject strategy needs a named schema, not {Schema.Type}"),
            SubjectNameStrategy.TopicRecord => $"{context.Topic}-{recordName ?? throw new InvalidOperationException($"the TopicRecord subject strategy needs a named schema, not {Schema.Type}")}",
            _ => $"{context.Topic}-{suffix}",
        };
    }
}

using System.Collections.Concurrent;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.SingleObject;

/// <summary>Finds the writer schema of a single-object encoded message by its CRC-64-AVRO fingerprint.</summary>
public interface IWriterSchemas
{
    /// <summary>The schema whose <see cref="AvroSchema.Fingerprint64"/> is <paramref name="fingerprint"/>, or null when unknown.</summary>
    AvroSchema? Find(ulong fingerprint);
}

/// <summary>
/// An in-memory set of known writer schemas keyed by fingerprint (Java's <c>SchemaStore.Cache</c>
/// plays the same part). Thread-safe.
/// </summary>
public sealed class WriterSchemaStore : IWriterSchemas
{
    private readonly ConcurrentDictionary<ulong, AvroSchema> _schemas = new();

    /// <summary>A store holding <paramref name="schemas"/>.</summary>
    public WriterSchemaStore(params IEnumerable<AvroSchema> schemas)
    {
        foreach (var schema in schemas) Add(schema);
    }

    /// <summary>
    /// Adds <paramref name="schema"/> and returns its fingerprint. Adding a schema with the same
    /// canonical form again is a no-op; ArgumentException when another canonical form already
    /// holds the fingerprint (a CRC-64 collision: the two could not be told apart on the wire).
    /// </summary>
    public ulong Add(AvroSchema schema)
    {
        var fingerprint = schema.Fingerprint64();
        var held = _schemas.GetOrAdd(fingerprint, schema);
        if (!ReferenceEquals(held, schema) && held.ToCanonicalForm() != schema.ToCanonicalForm())
            throw new ArgumentException($"fingerprint {fingerprint:x16} already belongs to {held.ToCanonicalForm()}", nameof(schema));
        return fingerprint;
    }

    /// <inheritdoc />
    public AvroSchema? Find(ulong fingerprint) => _schemas.GetValueOrDefault(fingerprint);
}

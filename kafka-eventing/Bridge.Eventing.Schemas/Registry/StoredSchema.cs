using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Schemas.Registry;

/// <summary>
/// A registered schema under its global id: the parsed <see cref="Avro"/> schema and its
/// normalised text <see cref="Text"/> (<see cref="AvroSchema.ToJson"/>, the full form with
/// docs, defaults and other attributes, compact), which is what the registry stores, returns and
/// compares. Two schema documents are "the same schema" when their texts are equal. Immutable.
/// </summary>
public sealed class StoredSchema
{
    /// <summary>Wraps <paramref name="avro"/> under <paramref name="id"/>; computes <see cref="Text"/> once.</summary>
    /// <param name="id">The global schema id, 1 or more.</param>
    /// <param name="avro">The parsed schema.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is below 1.</exception>
    public StoredSchema(int id, AvroSchema avro)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(id, 1);
        ArgumentNullException.ThrowIfNull(avro);
        Id = id;
        Avro = avro;
        Text = avro.ToJson();
    }

    /// <summary>The global id (Confluent's wire format carries it in 4 bytes after the magic byte).</summary>
    public int Id { get; }

    /// <summary>The parsed schema.</summary>
    public AvroSchema Avro { get; }

    /// <summary>The normalised schema text (<see cref="AvroSchema.ToJson"/>).</summary>
    public string Text { get; }
}

/// <summary>
/// One version of a subject: its number (1, 2, ... in the subject), the schema, and whether it is
/// soft-deleted (hidden from reads unless asked for with <c>deleted=true</c>, still served by id).
/// </summary>
/// <param name="Subject">The subject, e.g. <c>orders-value</c>.</param>
/// <param name="Version">1 or more, unique in the subject.</param>
/// <param name="Schema">The schema and its global id.</param>
/// <param name="Deleted">Soft-deleted.</param>
public sealed record SubjectVersion(string Subject, int Version, StoredSchema Schema, bool Deleted)
{
    /// <summary>The schema's global id.</summary>
    public int Id => Schema.Id;
}

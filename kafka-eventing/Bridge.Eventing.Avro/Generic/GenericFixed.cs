using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Generic;

/// <summary>
/// A fixed value: exactly <see cref="FixedSchema.Size"/> bytes of <see cref="Schema"/>.
/// ArgumentException when the length differs. Equal when the full names and the bytes are.
/// </summary>
public sealed class GenericFixed : IEquatable<GenericFixed>
{
    /// <summary>The value <paramref name="value"/> (kept, not copied) of <paramref name="schema"/>.</summary>
    public GenericFixed(FixedSchema schema, byte[] value)
    {
        if (value.Length != schema.Size)
            throw new ArgumentException($"fixed {schema.FullName} holds {schema.Size} bytes, not {value.Length}", nameof(value));
        Schema = schema;
        Value = value;
    }

    /// <summary>The fixed type's schema.</summary>
    public FixedSchema Schema { get; }

    /// <summary>The bytes.</summary>
    public byte[] Value { get; }

    /// <inheritdoc />
    public bool Equals(GenericFixed? other) =>
        other is not null && other.Schema.FullName == Schema.FullName && other.Value.AsSpan().SequenceEqual(Value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GenericFixed other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Schema.FullName, Value.Length);

    /// <inheritdoc />
    public override string ToString() => Convert.ToHexString(Value);
}

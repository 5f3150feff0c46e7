using System.Text;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Generic;

/// <summary>
/// A record value without a C# class of its own: a <see cref="RecordSchema"/> and one value per
/// field, addressed by name or position. Field values use the generic datum model
/// (<see cref="DatumModel"/>); unset fields are null. Not thread-safe; equality is structural
/// (<see cref="DatumEquality"/>).
/// </summary>
public sealed class GenericRecord : IEquatable<GenericRecord>
{
    private readonly object?[] _values;

    /// <summary>An empty record of <paramref name="schema"/>: every field null until set.</summary>
    public GenericRecord(RecordSchema schema)
    {
        Schema = schema;
        _values = new object?[schema.Fields.Length];
    }

    /// <summary>The record's schema; field positions index into its <see cref="RecordSchema.Fields"/>.</summary>
    public RecordSchema Schema { get; }

    /// <summary>The value of the field at <paramref name="position"/> (0-based). IndexOutOfRangeException when out of range.</summary>
    public object? this[int position]
    {
        get => _values[position];
        set => _values[position] = value;
    }

    /// <summary>The value of field <paramref name="name"/>. KeyNotFoundException naming the record when it has no such field.</summary>
    public object? this[string name]
    {
        get => _values[PositionOf(name)];
        set => _values[PositionOf(name)] = value;
    }

    /// <summary>The value of field <paramref name="name"/>, or false when the record has no such field.</summary>
    public bool TryGet(string name, out object? value)
    {
        if (Schema.GetField(name) is { } field)
        {
            value = _values[field.Position];
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>The value of field <paramref name="name"/> as <typeparamref name="T"/>; InvalidCastException when it is another type.</summary>
    public T Get<T>(string name) => (T)this[name]!;

    private int PositionOf(string name) =>
        Schema.GetField(name)?.Position ?? throw new KeyNotFoundException($"record {Schema.FullName} has no field '{name}'");

    /// <inheritdoc />
    public bool Equals(GenericRecord? other) => DatumEquality.DatumEquals(this, other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GenericRecord other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Schema.FullName, _values.Length);

    /// <summary>The record as <c>{"field": value, ...}</c>, for messages and debugging.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("{");
        for (var i = 0; i < _values.Length; i++)
        {
            if (i > 0) text.Append(", ");
            text.Append('"').Append(Schema.Fields[i].Name).Append("\": ").Append(DatumModel.Describe(_values[i]));
        }
        return text.Append('}').ToString();
    }
}

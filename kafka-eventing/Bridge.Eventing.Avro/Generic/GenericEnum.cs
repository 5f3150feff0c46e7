using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Generic;

/// <summary>
/// An enum value: a symbol of <see cref="Schema"/>. ArgumentException when the symbol is not one
/// of the schema's. Equal when the enums' full names and the symbols are.
/// </summary>
public sealed class GenericEnum : IEquatable<GenericEnum>
{
    /// <summary>The value <paramref name="symbol"/> of <paramref name="schema"/>.</summary>
    public GenericEnum(EnumSchema schema, string symbol)
    {
        var index = schema.IndexOf(symbol);
        if (index < 0) throw new ArgumentException($"'{symbol}' is not a symbol of enum {schema.FullName}", nameof(symbol));
        Schema = schema;
        Symbol = symbol;
        Index = index;
    }

    /// <summary>The enum's schema.</summary>
    public EnumSchema Schema { get; }

    /// <summary>The symbol.</summary>
    public string Symbol { get; }

    /// <summary>The symbol's position in <see cref="EnumSchema.Symbols"/>, which is what the binary encoding writes.</summary>
    public int Index { get; }

    /// <inheritdoc />
    public bool Equals(GenericEnum? other) => other is not null && other.Symbol == Symbol && other.Schema.FullName == Schema.FullName;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GenericEnum other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Schema.FullName, Symbol);

    /// <inheritdoc />
    public override string ToString() => Symbol;
}

using System.Collections.Immutable;
using System.Text.Json;

namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// An <c>enum</c>: one of <see cref="Symbols"/>, written as its index. Symbols are distinct
/// valid names; <see cref="Default"/>, when present, is one of them.
/// </summary>
public sealed class EnumSchema : NamedSchema
{
    private readonly Dictionary<string, int> _index;

    internal EnumSchema(string name, string? space, ImmutableArray<string> aliases, string? doc,
        ImmutableArray<string> symbols, string? defaultSymbol,
        LogicalType? logicalType = null, IReadOnlyDictionary<string, JsonElement>? properties = null)
        : base(AvroType.Enum, name, space, aliases, doc, logicalType, properties)
    {
        Symbols = symbols;
        Default = defaultSymbol;
        _index = new Dictionary<string, int>(symbols.Length, StringComparer.Ordinal);
        for (var i = 0; i < symbols.Length; i++) _index.Add(symbols[i], i);
    }

    /// <summary>The symbols in declaration order (possibly none).</summary>
    public ImmutableArray<string> Symbols { get; }

    /// <summary>The enum's <c>default</c> symbol, used in schema resolution for unknown writer symbols; null if none.</summary>
    public string? Default { get; }

    /// <summary>The index of <paramref name="symbol"/> in <see cref="Symbols"/>, or -1. Constant time.</summary>
    public int IndexOf(string symbol) => _index.TryGetValue(symbol, out var i) ? i : -1;
}

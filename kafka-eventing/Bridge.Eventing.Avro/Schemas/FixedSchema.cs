using System.Collections.Immutable;
using System.Text.Json;

namespace Bridge.Eventing.Avro.Schemas;

/// <summary>A <c>fixed</c>: exactly <see cref="Size"/> bytes per value.</summary>
public sealed class FixedSchema : NamedSchema
{
    internal FixedSchema(string name, string? space, ImmutableArray<string> aliases, string? doc, int size,
        LogicalType? logicalType = null, IReadOnlyDictionary<string, JsonElement>? properties = null)
        : base(AvroType.Fixed, name, space, aliases, doc, logicalType, properties)
    {
        Size = size;
    }

    /// <summary>Bytes per value, 0 or more.</summary>
    public int Size { get; }
}

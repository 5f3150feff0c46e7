using System.Text.Json;

namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// A primitive schema: <c>null</c>, <c>boolean</c>, <c>int</c>, <c>long</c>, <c>float</c>,
/// <c>double</c>, <c>bytes</c> or <c>string</c>, possibly with a logical type or other attributes.
/// Without either it is one of the shared instances (<see cref="AvroSchema.Int"/> and so on).
/// </summary>
public sealed class PrimitiveSchema : AvroSchema
{
    internal PrimitiveSchema(AvroType type, LogicalType? logicalType = null, IReadOnlyDictionary<string, JsonElement>? properties = null)
        : base(type, logicalType, properties)
    {
    }

    /// <summary>The primitive's type name, e.g. <c>"int"</c>.</summary>
    public string Name => SchemaText.TypeName(Type);
}

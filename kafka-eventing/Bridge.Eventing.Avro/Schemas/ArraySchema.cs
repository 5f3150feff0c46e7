using System.Text.Json;

namespace Bridge.Eventing.Avro.Schemas;

/// <summary>An <c>array</c> schema: a sequence of values of one <see cref="Items"/> schema.</summary>
public sealed class ArraySchema : AvroSchema
{
    internal ArraySchema(AvroSchema items, LogicalType? logicalType = null, IReadOnlyDictionary<string, JsonElement>? properties = null)
        : base(AvroType.Array, logicalType, properties)
    {
        Items = items;
    }

    /// <summary>The schema of every item.</summary>
    public AvroSchema Items { get; }
}

using System.Text.Json;

namespace Bridge.Eventing.Avro.Schemas;

/// <summary>A <c>map</c> schema: string keys to values of one <see cref="Values"/> schema.</summary>
public sealed class MapSchema : AvroSchema
{
    internal MapSchema(AvroSchema values, LogicalType? logicalType = null, IReadOnlyDictionary<string, JsonElement>? properties = null)
        : base(AvroType.Map, logicalType, properties)
    {
        Values = values;
    }

    /// <summary>The schema of every value (keys are always strings).</summary>
    public AvroSchema Values { get; }
}

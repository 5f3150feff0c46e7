namespace Bridge.Eventing.Avro.Json;

/// <summary>Options of <see cref="AvroJsonWriter"/> and <see cref="AvroJsonReader"/>.</summary>
public sealed record AvroJsonOptions
{
    /// <summary>The defaults: tagged unions, depth 256.</summary>
    public static AvroJsonOptions Default { get; } = new();

    /// <summary>How unions are written and read (default: <see cref="JsonUnionMode.Tagged"/>, the specification's form).</summary>
    public JsonUnionMode UnionMode { get; init; } = JsonUnionMode.Tagged;

    /// <summary>
    /// How deeply records, arrays and maps may nest in one datum, as
    /// <see cref="Codec.DecodeLimits.MaxDepth"/> (default: 256; unions add no level, so a linked list
    /// of 256 nodes fits). Reading refuses deeper JSON; writing refuses deeper datums (a cycle).
    /// The JSON text itself may nest 2 × MaxDepth + 1 deep, since each union wrapper is an object.
    /// </summary>
    public int MaxDepth { get; init; } = 256;
}

namespace Bridge.Eventing.Avro.Codec;

/// <summary>
/// A datum does not fit the schema it is being encoded with: a value of the wrong type, a
/// missing record field, an unknown enum symbol, a fixed of the wrong size. <see cref="Path"/>
/// names where in the datum (e.g. <c>order.items[3].price</c>); nothing is written to the output
/// that the caller can mistake for a whole datum (callers encode into a buffer they discard on error).
/// </summary>
public sealed class AvroEncodeException : Exception
{
    /// <summary>An error at <paramref name="path"/> (empty at the top) with <paramref name="detail"/>.</summary>
    public AvroEncodeException(string path, string detail)
        : base(path.Length == 0 ? detail : $"{path}: {detail}")
    {
        Path = path;
        Detail = detail;
    }

    /// <summary>Where in the datum: field names joined by dots, array indexes and map keys in brackets; empty for the datum itself.</summary>
    public string Path { get; }

    /// <summary>What is wrong there.</summary>
    public string Detail { get; }

    /// <summary>This error one level down: under field or element <paramref name="segment"/> (e.g. <c>price</c>, <c>[3]</c>).</summary>
    internal AvroEncodeException Under(string segment) =>
        new(Path.Length == 0 ? segment : segment + (Path[0] == '[' ? "" : ".") + Path, Detail);
}

/// <summary>
/// A writer schema and a reader schema cannot be resolved (Avro 1.11 specification, "Schema
/// Resolution"): thrown when a <see cref="DatumReader"/> is built for a pair whose resolution fails
/// wherever data could reach (a mismatch that only a writer union branch can reach is instead a
/// decode error when such data arrives). <see cref="Path"/> names the place in the reader schema.
/// </summary>
public sealed class AvroResolutionException : Exception
{
    /// <summary>A failure at <paramref name="path"/> (e.g. <c>Order.items[].price</c>) with <paramref name="detail"/>.</summary>
    public AvroResolutionException(string path, string detail)
        : base(path.Length == 0 ? detail : $"{path}: {detail}")
    {
        Path = path;
        Detail = detail;
    }

    /// <summary>Where in the reader schema: record names and field names joined by dots, <c>[]</c> for array items and map values.</summary>
    public string Path { get; }

    /// <summary>Why the writer's data cannot be read there.</summary>
    public string Detail { get; }
}

namespace Bridge.Eventing.Avro.Codec;

/// <summary>
/// Bounds on what one datum may make the decoder build, so no input can exhaust memory or the
/// stack. Lengths of bytes and strings are already bounded by the input's size; these bound what
/// the input's size alone does not.
/// </summary>
public sealed record DecodeLimits
{
    /// <summary>The defaults: depth 256, 4,194,304 values.</summary>
    public static DecodeLimits Default { get; } = new();

    /// <summary>
    /// How deeply records, arrays and maps may nest in one datum (default: 256; unions add no
    /// level, so a linked list of 256 nodes fits). A recursive schema can otherwise nest as deep as
    /// its data, and each level is a few stack frames.
    /// </summary>
    public int MaxDepth { get; init; } = 256;

    /// <summary>
    /// How many values (record fields, array items, map entries) one datum may hold in total
    /// (default: 4,194,304, about 130 MB of boxed values at worst). Needed because items of a
    /// zero-byte type (null, fixed of size 0) cost no input at all, and a record of many fields can
    /// be a few bytes; a block count above what is left is refused before anything is allocated.
    /// </summary>
    public long MaxValues { get; init; } = 4L * 1024 * 1024;
}

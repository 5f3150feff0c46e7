using Bridge.Eventing.Avro.Binary;

namespace Bridge.Eventing.Avro.Codec;

/// <summary>The budget of one datum's decoding (<see cref="DecodeLimits"/>): nesting depth left and values left.</summary>
internal struct ReadState(DecodeLimits limits)
{
    private int _depth;
    private long _valuesLeft = limits.MaxValues;
    private readonly int _maxDepth = limits.MaxDepth;

    /// <summary>One level deeper; an error past the limit.</summary>
    public void Enter(ref AvroBinaryReader reader)
    {
        if (++_depth > _maxDepth) throw new AvroDecodeException(reader.Position, $"the datum nests deeper than {_maxDepth} levels");
    }

    /// <summary>One level back up.</summary>
    public void Leave() => _depth--;

    /// <summary>
    /// Charges <paramref name="count"/> values (fields, items, entries) before they are allocated:
    /// an error when the datum's budget would be exceeded, or when items of at least
    /// <paramref name="minBytesEach"/> bytes cannot fit in what is left of the input.
    /// </summary>
    public void Charge(long count, int minBytesEach, ref AvroBinaryReader reader, string what)
    {
        if (minBytesEach > 0 && count > reader.Remaining / minBytesEach)
            throw new AvroDecodeException(reader.Position, $"{what} of {count} items cannot fit in the {reader.Remaining} bytes left");
        if (count > _valuesLeft)
            throw new AvroDecodeException(reader.Position, $"{what} of {count} items exceeds the datum's limit of {limits.MaxValues} values");
        _valuesLeft -= count;
    }
}

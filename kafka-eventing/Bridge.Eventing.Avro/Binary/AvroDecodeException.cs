namespace Bridge.Eventing.Avro.Binary;

/// <summary>
/// Bytes that are not a valid Avro binary encoding of what was expected: truncated input, an
/// overlong varint, a negative or oversized length, a boolean other than 0 or 1, invalid UTF-8,
/// a union branch or enum symbol out of range, a collection over the decoder's limits.
/// </summary>
public sealed class AvroDecodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="offset">Byte offset in the input where the bad value starts.</param>
    /// <param name="detail">What is wrong there.</param>
    public AvroDecodeException(int offset, string detail)
        : base($"Invalid Avro data at byte {offset}: {detail}")
    {
        Offset = offset;
        Detail = detail;
    }

    /// <summary>Byte offset in the input where the bad value starts.</summary>
    public int Offset { get; }

    /// <summary>What is wrong, without the offset.</summary>
    public string Detail { get; }
}

namespace Bridge.Eventing.Avro.Containers;

/// <summary>
/// Bytes that are not a valid Avro object container file (Avro 1.11 specification, "Object
/// Container Files"), or one this reader refuses: a wrong magic, a malformed or oversized header,
/// a missing or invalid <c>avro.schema</c>, an unsupported codec, a block whose count or size is
/// negative or over the reader's limits, a block that inflates past its limit, a sync marker that
/// differs from the header's, a datum that does not decode (the <see cref="Exception.InnerException"/>
/// is then the <see cref="Binary.AvroDecodeException"/>), a truncated file.
/// </summary>
public sealed class AvroContainerException : Exception
{
    /// <summary>A failure at byte <paramref name="offset"/> of the file, with <paramref name="detail"/>.</summary>
    public AvroContainerException(long offset, string detail, Exception? inner = null)
        : base($"Invalid Avro container file at byte {offset}: {detail}", inner)
    {
        Offset = offset;
        Detail = detail;
    }

    /// <summary>Byte offset in the file (from its first byte, the magic) where the bad element starts.</summary>
    public long Offset { get; }

    /// <summary>What is wrong there, without the offset.</summary>
    public string Detail { get; }
}

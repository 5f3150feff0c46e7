namespace Bridge.Eventing.Avro.SingleObject;

/// <summary>
/// A single-object encoded message names, by fingerprint, a writer schema the decoder does not
/// know (Java's <c>MissingSchemaException</c>): add that schema to the store, or the message is
/// not for this reader.
/// </summary>
public sealed class UnknownWriterSchemaException : Exception
{
    /// <summary>The message's writer schema has fingerprint <paramref name="fingerprint"/>.</summary>
    public UnknownWriterSchemaException(ulong fingerprint)
        : base($"no known writer schema has the CRC-64-AVRO fingerprint {fingerprint:x16}")
    {
        Fingerprint = fingerprint;
    }

    /// <summary>The CRC-64-AVRO fingerprint the message carries.</summary>
    public ulong Fingerprint { get; }
}

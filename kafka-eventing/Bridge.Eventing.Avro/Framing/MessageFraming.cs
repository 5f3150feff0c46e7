using System.Buffers;
using System.Buffers.Binary;

namespace Bridge.Eventing.Avro.Framing;

/// <summary>
/// The Confluent wire format of a Kafka record value or key: magic byte 0, the schema's registry
/// id as a 4-byte big-endian int, then the Avro binary body (Confluent Schema Registry
/// documentation, "Wire format"). Every event on Bridge's bus is framed this way.
/// </summary>
public static class ConfluentFraming
{
    /// <summary>The magic byte of the format.</summary>
    public const byte MagicByte = 0;

    /// <summary>Header length: magic byte and schema id.</summary>
    public const int HeaderLength = 5;

    /// <summary>Writes the 5-byte header for <paramref name="schemaId"/>; the body follows.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="schemaId"/> is negative (registry ids are positive).</exception>
    public static void WriteHeader(IBufferWriter<byte> output, int schemaId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(schemaId);
        var span = output.GetSpan(HeaderLength);
        span[0] = MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(span[1..], schemaId);
        output.Advance(HeaderLength);
    }

    /// <summary>Splits a framed message into its schema id and Avro body.</summary>
    /// <exception cref="AvroFramingException">Shorter than the header, or the magic byte is not 0.</exception>
    public static int ReadHeader(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> body)
    {
        if (message.Length < HeaderLength)
            throw new AvroFramingException($"a Confluent-framed message has at least {HeaderLength} bytes, this one {message.Length}");
        if (message[0] != MagicByte)
            throw new AvroFramingException($"Confluent framing starts with magic byte 0, not {message[0]}");
        body = message[HeaderLength..];
        return BinaryPrimitives.ReadInt32BigEndian(message[1..]);
    }
}

/// <summary>
/// Avro single-object encoding (Avro 1.11 specification, "Single-object encoding"): the marker
/// <c>C3 01</c>, the writer schema's CRC-64-AVRO fingerprint as 8 little-endian bytes, then the
/// Avro binary body.
/// </summary>
public static class SingleObjectFraming
{
    /// <summary>Header length: 2-byte marker and 8-byte fingerprint.</summary>
    public const int HeaderLength = 10;

    /// <summary>Writes the header for a schema with <paramref name="fingerprint"/>; the body follows.</summary>
    public static void WriteHeader(IBufferWriter<byte> output, ulong fingerprint)
    {
        var span = output.GetSpan(HeaderLength);
        span[0] = 0xC3;
        span[1] = 0x01;
        BinaryPrimitives.WriteUInt64LittleEndian(span[2..], fingerprint);
        output.Advance(HeaderLength);
    }

    /// <summary>Splits a single-object encoded message into the writer schema's fingerprint and the body.</summary>
    /// <exception cref="AvroFramingException">Shorter than the header, or without the C3 01 marker.</exception>
    public static ulong ReadHeader(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> body)
    {
        if (message.Length < HeaderLength)
            throw new AvroFramingException($"a single-object encoded message has at least {HeaderLength} bytes, this one {message.Length}");
        if (message[0] != 0xC3 || message[1] != 0x01)
            throw new AvroFramingException($"single-object encoding starts with C3 01, not {message[0]:X2} {message[1]:X2}");
        body = message[HeaderLength..];
        return BinaryPrimitives.ReadUInt64LittleEndian(message[2..]);
    }
}

/// <summary>A message does not carry the framing its reader expects (wrong magic, too short).</summary>
/// <param name="message">What is wrong.</param>
public sealed class AvroFramingException(string message) : Exception(message);

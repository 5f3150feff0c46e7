using System.Buffers;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Framing;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.SingleObject;

/// <summary>
/// Encodes datums in Avro single-object encoding (Avro 1.11 specification, "Single-object
/// encoding"): <c>C3 01</c>, the schema's CRC-64-AVRO fingerprint as 8 little-endian bytes, then
/// the datum's binary encoding. Thread-safe.
/// </summary>
public sealed class SingleObjectEncoder
{
    private readonly DatumWriter _writer;

    /// <summary>An encoder of datums of <paramref name="schema"/>; its fingerprint is computed once, here.</summary>
    public SingleObjectEncoder(AvroSchema schema)
    {
        _writer = new DatumWriter(schema);
        Fingerprint = schema.Fingerprint64();
    }

    /// <summary>The schema datums are written with.</summary>
    public AvroSchema Schema => _writer.Schema;

    /// <summary>The schema's CRC-64-AVRO fingerprint, as every message's header carries it.</summary>
    public ulong Fingerprint { get; }

    /// <summary>
    /// Appends the message for <paramref name="datum"/> to <paramref name="output"/>.
    /// AvroEncodeException (naming the path) when the datum does not fit the schema; part of the
    /// message may then have been written, so encode into a buffer of your own.
    /// </summary>
    public void Write(object? datum, IBufferWriter<byte> output)
    {
        SingleObjectFraming.WriteHeader(output, Fingerprint);
        _writer.Write(datum, output);
    }

    /// <summary>The message for <paramref name="datum"/> as a new array. AvroEncodeException as <see cref="Write"/>.</summary>
    public byte[] Encode(object? datum)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(datum, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}

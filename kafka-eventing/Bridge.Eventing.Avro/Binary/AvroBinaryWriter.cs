using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Bridge.Eventing.Avro.Binary;

/// <summary>
/// Writes Avro's binary encoding of primitive values (Avro 1.11 specification, "Binary
/// Encoding") into an <see cref="IBufferWriter{T}"/>: zig-zag varints for int and long,
/// little-endian IEEE 754 for float and double, length-prefixed bytes and UTF-8 strings.
/// </summary>
public readonly ref struct AvroBinaryWriter
{
    private readonly IBufferWriter<byte> _output;

    /// <summary>Writes into <paramref name="output"/>.</summary>
    public AvroBinaryWriter(IBufferWriter<byte> output) => _output = output;

    /// <summary><c>boolean</c>: one byte, 0 or 1.</summary>
    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    /// <summary><c>int</c>: zig-zag varint (1–5 bytes).</summary>
    public void WriteInt(int value) => WriteLong(value);

    /// <summary><c>long</c>: zig-zag varint (1–10 bytes).</summary>
    public void WriteLong(long value)
    {
        var span = _output.GetSpan(10);
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        var i = 0;
        while (zigzag >= 0x80)
        {
            span[i++] = (byte)(zigzag | 0x80);
            zigzag >>= 7;
        }
        span[i++] = (byte)zigzag;
        _output.Advance(i);
    }

    /// <summary><c>float</c>: 4 bytes, little-endian IEEE 754.</summary>
    public void WriteFloat(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    /// <summary><c>double</c>: 8 bytes, little-endian IEEE 754.</summary>
    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    /// <summary><c>bytes</c>: the length as a long, then the bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteLong(value.Length);
        WriteFixed(value);
    }

    /// <summary><c>string</c>: the UTF-8 length as a long, then the UTF-8 bytes.</summary>
    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLong(length);
        var span = _output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        _output.Advance(length);
    }

    /// <summary><c>fixed</c> (or raw bytes): exactly the bytes given, no length.</summary>
    public void WriteFixed(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_output.GetSpan(value.Length));
        _output.Advance(value.Length);
    }

    private void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }
}

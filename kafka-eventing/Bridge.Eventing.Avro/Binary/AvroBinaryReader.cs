using System.Buffers.Binary;
using System.Text;

namespace Bridge.Eventing.Avro.Binary;

/// <summary>
/// Reads Avro's binary encoding of primitive values (Avro 1.11 specification, "Binary Encoding")
/// from a span. Every length is checked against the bytes remaining before anything is allocated,
/// so a hostile length prefix costs nothing; every failure is an <see cref="AvroDecodeException"/>
/// naming the byte offset.
/// </summary>
public ref struct AvroBinaryReader
{
    private readonly ReadOnlySpan<byte> _data;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads <paramref name="data"/> from its start.</summary>
    public AvroBinaryReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        Position = 0;
    }

    /// <summary>Bytes consumed so far.</summary>
    public int Position { get; private set; }

    /// <summary>Bytes not yet consumed.</summary>
    public readonly int Remaining => _data.Length - Position;

    /// <summary><c>boolean</c>: one byte, 0 or 1.</summary>
    public bool ReadBoolean()
    {
        var start = Position;
        return Take(1, "boolean")[0] switch
        {
            0 => false,
            1 => true,
            var b => throw new AvroDecodeException(start, $"boolean must be 0 or 1, not {b}"),
        };
    }

    /// <summary><c>int</c>: zig-zag varint of at most 5 bytes, within 32 bits.</summary>
    public int ReadInt()
    {
        var start = Position;
        var value = ReadVarLong(maxBytes: 5, "int");
        if (value is < int.MinValue or > int.MaxValue)
            throw new AvroDecodeException(start, $"int out of 32-bit range: {value}");
        return (int)value;
    }

    /// <summary><c>long</c>: zig-zag varint of at most 10 bytes.</summary>
    public long ReadLong() => ReadVarLong(maxBytes: 10, "long");

    /// <summary><c>float</c>: 4 bytes, little-endian IEEE 754.</summary>
    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(Take(4, "float"));

    /// <summary><c>double</c>: 8 bytes, little-endian IEEE 754.</summary>
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, "double"));

    /// <summary><c>bytes</c>: a long length, then that many bytes (a new array).</summary>
    public byte[] ReadBytes() => ReadLengthPrefixed("bytes").ToArray();

    /// <summary><c>bytes</c> without copying: a slice of the input, valid while the input is.</summary>
    public ReadOnlySpan<byte> ReadBytesSpan() => ReadLengthPrefixed("bytes");

    /// <summary><c>string</c>: a long length, then that many bytes of UTF-8 (invalid UTF-8 is an error).</summary>
    public string ReadString()
    {
        var start = Position;
        var bytes = ReadLengthPrefixed("string");
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new AvroDecodeException(start, "string is not valid UTF-8");
        }
    }

    /// <summary><c>fixed</c>: exactly <paramref name="size"/> bytes.</summary>
    public ReadOnlySpan<byte> ReadFixed(int size) => Take(size, $"fixed({size})");

    /// <summary>
    /// The count of the next block of an array or map: 0 ends the collection; a negative count
    /// is followed by the block's size in bytes (returned as <paramref name="blockBytes"/>, else -1)
    /// and means the absolute value. The count is not bounded here: the datum decoder bounds it.
    /// </summary>
    public long ReadBlockCount(out long blockBytes)
    {
        var start = Position;
        var count = ReadLong();
        blockBytes = -1;
        if (count >= 0) return count;
        if (count == long.MinValue) throw new AvroDecodeException(start, "block count out of range");
        blockBytes = ReadLong();
        if (blockBytes < 0 || blockBytes > Remaining)
            throw new AvroDecodeException(start, $"block size {blockBytes} with {Remaining} bytes left");
        return -count;
    }

    /// <summary>Skips <paramref name="count"/> bytes (a block of known size, a value not wanted).</summary>
    public void Skip(long count)
    {
        if (count < 0 || count > Remaining)
            throw new AvroDecodeException(Position, $"cannot skip {count} bytes with {Remaining} left");
        Position += (int)count;
    }

    private ReadOnlySpan<byte> ReadLengthPrefixed(string what)
    {
        var start = Position;
        var length = ReadLong();
        if (length < 0) throw new AvroDecodeException(start, $"{what} length is negative: {length}");
        if (length > Remaining) throw new AvroDecodeException(start, $"{what} length {length} but only {Remaining} bytes left");
        return Take((int)length, what);
    }

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count > Remaining)
            throw new AvroDecodeException(Position, $"{what} needs {count} bytes, {Remaining} left");
        var slice = _data.Slice(Position, count);
        Position += count;
        return slice;
    }

    private long ReadVarLong(int maxBytes, string what)
    {
        var start = Position;
        ulong raw = 0;
        for (var i = 0; i < maxBytes; i++)
        {
            if (Position >= _data.Length) throw new AvroDecodeException(start, $"{what} varint is truncated");
            var b = _data[Position++];
            // The 10th byte of a long carries only the top bit.
            if (i == 9 && b > 1) throw new AvroDecodeException(start, $"{what} varint overflows 64 bits");
            raw |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) return (long)(raw >> 1) ^ -(long)(raw & 1);
        }
        throw new AvroDecodeException(start, $"{what} varint is longer than {maxBytes} bytes");
    }
}

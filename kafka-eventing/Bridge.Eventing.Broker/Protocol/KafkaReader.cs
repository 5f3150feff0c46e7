using System.Buffers.Binary;
using System.Text;

namespace Bridge.Eventing.Broker.Protocol;

/// <summary>
/// Reads Kafka protocol primitives, big-endian, from one contiguous frame
/// (Kafka protocol guide, "Protocol Primitive Types"; KIP-482 for the compact and tagged forms).
/// </summary>
/// <remarks>
/// Every read names the field it reads (its name in Kafka's JSON message spec) so a failure is a
/// <see cref="KafkaProtocolException"/> saying what and where. Every length and element count is
/// checked against the bytes remaining before anything is allocated, so a declared length of
/// 2^31-1 in a 20-byte frame throws at once; allocation is bounded by a small multiple of the
/// frame size. Strings are UTF-8; invalid sequences become U+FFFD, as in Kafka's Java decoder.
/// <see cref="ReadRecords"/> returns a slice of the frame (no copy); every other read copies.
/// </remarks>
public ref struct KafkaReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private readonly int _baseOffset;
    private int _position;

    /// <summary>Reads <paramref name="buffer"/> from its start.</summary>
    /// <param name="buffer">The bytes to read; records read from it alias it.</param>
    /// <param name="baseOffset">Offset of <paramref name="buffer"/> within the frame, for error positions.</param>
    public KafkaReader(ReadOnlyMemory<byte> buffer, int baseOffset = 0)
    {
        _memory = buffer;
        _span = buffer.Span;
        _baseOffset = baseOffset;
        _position = 0;
    }

    /// <summary>Offset of the next byte from the start of the frame.</summary>
    public readonly int Position => _baseOffset + _position;

    /// <summary>Bytes not yet read.</summary>
    public readonly int Remaining => _span.Length - _position;

    /// <summary>Reads an int8.</summary>
    public sbyte ReadInt8(string field) => (sbyte)Take(1, field)[0];

    /// <summary>Reads a boolean (one byte, non-zero is true, as Kafka reads it).</summary>
    public bool ReadBoolean(string field) => Take(1, field)[0] != 0;

    /// <summary>Reads a big-endian int16.</summary>
    public short ReadInt16(string field) => BinaryPrimitives.ReadInt16BigEndian(Take(2, field));

    /// <summary>Reads a big-endian uint16.</summary>
    public ushort ReadUInt16(string field) => BinaryPrimitives.ReadUInt16BigEndian(Take(2, field));

    /// <summary>Reads a big-endian int32.</summary>
    public int ReadInt32(string field) => BinaryPrimitives.ReadInt32BigEndian(Take(4, field));

    /// <summary>Reads a big-endian uint32.</summary>
    public uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32BigEndian(Take(4, field));

    /// <summary>Reads a big-endian int64.</summary>
    public long ReadInt64(string field) => BinaryPrimitives.ReadInt64BigEndian(Take(8, field));

    /// <summary>Reads a UUID: 16 bytes, most significant first (Kafka's <c>Uuid</c>).</summary>
    public Guid ReadUuid(string field) => new(Take(16, field), bigEndian: true);

    /// <summary>Reads an unsigned varint (LEB128, at most 5 bytes, value below 2^32).</summary>
    /// <exception cref="KafkaProtocolException">Truncated, longer than 5 bytes, or over 32 bits.</exception>
    public uint ReadUnsignedVarInt(string field)
    {
        int start = Position;
        uint value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            byte b = Take(1, field)[0];
            if (shift == 28 && b > 0x0F)
                throw Error(field, start, $"unsigned varint exceeds 32 bits (fifth byte 0x{b:X2})");
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw Error(field, start, "unsigned varint longer than 5 bytes");
    }

    /// <summary>Reads a signed varint (zig-zag LEB128, at most 5 bytes), as in record batches.</summary>
    public int ReadVarInt(string field)
    {
        uint raw = ReadUnsignedVarInt(field);
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    /// <summary>Reads an unsigned varlong (LEB128, at most 10 bytes, value below 2^64).</summary>
    public ulong ReadUnsignedVarLong(string field)
    {
        int start = Position;
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = Take(1, field)[0];
            if (shift == 63 && b > 0x01)
                throw Error(field, start, $"varlong exceeds 64 bits (tenth byte 0x{b:X2})");
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw Error(field, start, "varlong longer than 10 bytes");
    }

    /// <summary>Reads a signed varlong (zig-zag LEB128, at most 10 bytes).</summary>
    public long ReadVarLong(string field)
    {
        ulong raw = ReadUnsignedVarLong(field);
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>Reads a STRING: int16 length, then UTF-8. Null (-1) is an error here.</summary>
    public string ReadString(string field) =>
        ReadNullableString(field) ?? throw Error(field, Position - 2, "null where the spec requires a string");

    /// <summary>Reads a NULLABLE_STRING: int16 length (-1 is null), then UTF-8.</summary>
    public string? ReadNullableString(string field)
    {
        int start = Position;
        short length = ReadInt16(field);
        if (length == -1) return null;
        if (length < -1) throw Error(field, start, $"string length {length} is negative");
        return Utf8(length, field, start);
    }

    /// <summary>Reads a COMPACT_STRING: unsigned varint length+1, then UTF-8. Null (0) is an error here.</summary>
    public string ReadCompactString(string field)
    {
        int start = Position;
        return ReadCompactNullableString(field) ?? throw Error(field, start, "null where the spec requires a compact string");
    }

    /// <summary>Reads a COMPACT_NULLABLE_STRING: unsigned varint length+1 (0 is null), then UTF-8.</summary>
    public string? ReadCompactNullableString(string field)
    {
        int start = Position;
        long length = (long)ReadUnsignedVarInt(field) - 1;
        if (length < 0) return null;
        if (length > short.MaxValue) throw Error(field, start, $"compact string length {length} exceeds 32767");
        return Utf8((int)length, field, start);
    }

    /// <summary>Reads BYTES: int32 length, then that many bytes (copied). Null (-1) is an error here.</summary>
    public byte[] ReadBytes(string field)
    {
        int start = Position;
        return ReadNullableBytes(field) ?? throw Error(field, start, "null where the spec requires bytes");
    }

    /// <summary>Reads NULLABLE_BYTES: int32 length (-1 is null), then that many bytes (copied).</summary>
    public byte[]? ReadNullableBytes(string field)
    {
        int start = Position;
        int length = ReadInt32(field);
        if (length == -1) return null;
        return TakeLength(length, field, start).ToArray();
    }

    /// <summary>Reads COMPACT_BYTES: unsigned varint length+1, then the bytes (copied). Null is an error here.</summary>
    public byte[] ReadCompactBytes(string field)
    {
        int start = Position;
        return ReadCompactNullableBytes(field) ?? throw Error(field, start, "null where the spec requires compact bytes");
    }

    /// <summary>Reads COMPACT_NULLABLE_BYTES: unsigned varint length+1 (0 is null), then the bytes (copied).</summary>
    public byte[]? ReadCompactNullableBytes(string field)
    {
        int start = Position;
        long length = (long)ReadUnsignedVarInt(field) - 1;
        if (length < 0) return null;
        return TakeLength(length, field, start).ToArray();
    }

    /// <summary>
    /// Reads RECORDS in a non-flexible version: int32 length (-1 is null), then the record batches
    /// as opaque bytes. The result is a slice of the frame, not a copy.
    /// </summary>
    public ReadOnlyMemory<byte>? ReadRecords(string field)
    {
        int start = Position;
        int length = ReadInt32(field);
        if (length == -1) return null;
        return TakeMemory(length, field, start);
    }

    /// <summary>Reads RECORDS in a flexible version (compact nullable bytes), as a slice of the frame.</summary>
    public ReadOnlyMemory<byte>? ReadCompactRecords(string field)
    {
        int start = Position;
        long length = (long)ReadUnsignedVarInt(field) - 1;
        if (length < 0) return null;
        return TakeMemory(length, field, start);
    }

    /// <summary>
    /// Reads a non-null ARRAY length (int32). The count is bounded by the bytes remaining, given
    /// that every element takes at least <paramref name="minElementBytes"/> bytes.
    /// </summary>
    /// <exception cref="KafkaProtocolException">Null (-1), negative, or more elements than could fit.</exception>
    public int ReadArrayLength(string field, int minElementBytes)
    {
        int start = Position;
        int count = ReadNullableArrayLength(field, minElementBytes);
        return count >= 0 ? count : throw Error(field, start, "null where the spec requires an array");
    }

    /// <summary>Reads a nullable ARRAY length (int32, -1 for null), bounded like <see cref="ReadArrayLength"/>.</summary>
    /// <returns>The element count, or -1 for a null array.</returns>
    public int ReadNullableArrayLength(string field, int minElementBytes)
    {
        int start = Position;
        int count = ReadInt32(field);
        if (count == -1) return -1;
        return CheckCount(count, minElementBytes, field, start);
    }

    /// <summary>Reads a non-null COMPACT_ARRAY length (unsigned varint count+1), bounded like <see cref="ReadArrayLength"/>.</summary>
    public int ReadCompactArrayLength(string field, int minElementBytes)
    {
        int start = Position;
        int count = ReadCompactNullableArrayLength(field, minElementBytes);
        return count >= 0 ? count : throw Error(field, start, "null where the spec requires an array");
    }

    /// <summary>Reads a nullable COMPACT_ARRAY length (unsigned varint count+1, 0 for null), bounded like <see cref="ReadArrayLength"/>.</summary>
    /// <returns>The element count, or -1 for a null array.</returns>
    public int ReadCompactNullableArrayLength(string field, int minElementBytes)
    {
        int start = Position;
        long count = (long)ReadUnsignedVarInt(field) - 1;
        if (count < 0) return -1;
        return CheckCount(count, minElementBytes, field, start);
    }

    /// <summary>Reads a non-null ARRAY of int32 (4 bytes each).</summary>
    public int[] ReadInt32Array(string field)
    {
        int count = ReadArrayLength(field, 4);
        var values = new int[count];
        for (int i = 0; i < count; i++) values[i] = ReadInt32(field);
        return values;
    }

    /// <summary>Reads a non-null ARRAY of int64 (8 bytes each).</summary>
    public long[] ReadInt64Array(string field)
    {
        int count = ReadArrayLength(field, 8);
        var values = new long[count];
        for (int i = 0; i < count; i++) values[i] = ReadInt64(field);
        return values;
    }

    /// <summary>Reads a non-null ARRAY of STRING (at least 2 bytes each).</summary>
    public string[] ReadStringArray(string field)
    {
        int count = ReadArrayLength(field, 2);
        var values = new string[count];
        for (int i = 0; i < count; i++) values[i] = ReadString(field);
        return values;
    }

    /// <summary>
    /// Reads a TAGGED_FIELDS section (KIP-482) and skips every field in it: none of the messages
    /// served here defines a tag the broker acts on, and unknown tags must be ignored.
    /// </summary>
    public void SkipTaggedFields(string field = "_tagged_fields")
    {
        int start = Position;
        uint count = ReadUnsignedVarInt(field);
        // Each tagged field takes at least two bytes (tag and size varints).
        if (count > (uint)Remaining / 2)
            throw Error(field, start, $"{count} tagged fields cannot fit in the {Remaining} bytes remaining");
        for (uint i = 0; i < count; i++)
        {
            ReadUnsignedVarInt(field);
            int sizeAt = Position;
            uint size = ReadUnsignedVarInt(field);
            TakeLength(size, field, sizeAt);
        }
    }

    /// <summary>Throws unless every byte has been read.</summary>
    /// <param name="what">What was read, for the message (for example <c>Produce v7 request body</c>).</param>
    public readonly void EnsureEnd(string what)
    {
        if (Remaining != 0)
            throw Error("(end)", Position, $"{Remaining} unexpected bytes after the {what}");
    }

    private ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count > Remaining)
            throw Error(field, Position, $"needs {count} bytes but only {Remaining} remain");
        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }

    private ReadOnlySpan<byte> TakeLength(long length, string field, int start)
    {
        if (length < 0) throw Error(field, start, $"length {length} is negative");
        if (length > Remaining)
            throw Error(field, start, $"length {length} exceeds the {Remaining} bytes remaining");
        return Take((int)length, field);
    }

    private ReadOnlyMemory<byte> TakeMemory(long length, string field, int start)
    {
        TakeLength(length, field, start);
        return _memory.Slice(_position - (int)length, (int)length);
    }

    private string Utf8(int length, string field, int start) =>
        length == 0 ? string.Empty : Encoding.UTF8.GetString(TakeLength(length, field, start));

    private readonly int CheckCount(long count, int minElementBytes, string field, int start)
    {
        if (count < 0) throw Error(field, start, $"array length {count} is negative");
        if (count * Math.Max(1, minElementBytes) > Remaining)
            throw Error(field, start,
                $"array of {count} elements needs at least {count * Math.Max(1, minElementBytes)} bytes but only {Remaining} remain");
        return (int)count;
    }

    private static KafkaProtocolException Error(string field, int offset, string detail) => new(field, offset, detail);
}

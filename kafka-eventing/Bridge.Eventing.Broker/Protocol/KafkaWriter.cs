using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Bridge.Eventing.Broker.Protocol;

/// <summary>
/// Writes Kafka protocol primitives, big-endian, into an <see cref="IBufferWriter{T}"/> (an
/// <see cref="ArrayBufferWriter{T}"/>, or a <c>PipeWriter</c> straight to the socket), or only
/// counts them (<see cref="CreateCounter"/>) so the frame size can be written before the frame.
/// </summary>
/// <remarks>
/// Small writes are batched into the span last obtained from the output; <see cref="Flush"/>
/// commits them and must be called once at the end. A string longer than 32,767 UTF-8 bytes
/// throws <see cref="ArgumentOutOfRangeException"/>: that is a bug in the caller, not bad input.
/// </remarks>
public ref struct KafkaWriter
{
    private const int MinimumChunk = 512;
    private readonly IBufferWriter<byte>? _output;
    private Span<byte> _span;
    private int _buffered;
    private long _committed;

    /// <summary>Writes into <paramref name="output"/>; call <see cref="Flush"/> when done.</summary>
    public KafkaWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _span = default;
        _buffered = 0;
        _committed = 0;
    }

    /// <summary>A writer that writes nothing and only counts bytes, for computing a frame size.</summary>
    public static KafkaWriter CreateCounter() => default;

    /// <summary>Bytes written (or counted) so far, including those not yet flushed.</summary>
    public readonly long BytesWritten => _committed + _buffered;

    /// <summary>Writes an int8.</summary>
    public void WriteInt8(sbyte value) => Reserve(1)[0] = (byte)value;

    /// <summary>Writes a boolean as one byte, 1 or 0.</summary>
    public void WriteBoolean(bool value) => Reserve(1)[0] = value ? (byte)1 : (byte)0;

    /// <summary>Writes a big-endian int16.</summary>
    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16BigEndian(Reserve(2), value);

    /// <summary>Writes a big-endian uint16.</summary>
    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);

    /// <summary>Writes a big-endian int32.</summary>
    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);

    /// <summary>Writes a big-endian uint32.</summary>
    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    /// <summary>Writes a big-endian int64.</summary>
    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);

    /// <summary>Writes a UUID as 16 bytes, most significant first (Kafka's <c>Uuid</c>).</summary>
    public void WriteUuid(Guid value) => value.TryWriteBytes(Reserve(16), bigEndian: true, out _);

    /// <summary>Writes an unsigned varint (LEB128, 1–5 bytes).</summary>
    public void WriteUnsignedVarInt(uint value)
    {
        var span = Reserve(UnsignedVarIntSize(value));
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i] = (byte)value;
    }

    /// <summary>Writes a signed varint (zig-zag LEB128, 1–5 bytes).</summary>
    public void WriteVarInt(int value) => WriteUnsignedVarInt((uint)((value << 1) ^ (value >> 31)));

    /// <summary>Writes an unsigned varlong (LEB128, 1–10 bytes).</summary>
    public void WriteUnsignedVarLong(ulong value)
    {
        int size = 1;
        for (ulong v = value; v >= 0x80; v >>= 7) size++;
        var span = Reserve(size);
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i] = (byte)value;
    }

    /// <summary>Writes a signed varlong (zig-zag LEB128, 1–10 bytes).</summary>
    public void WriteVarLong(long value) => WriteUnsignedVarLong((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Writes a STRING: int16 length, then UTF-8.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteNullableString(value);
    }

    /// <summary>Writes a NULLABLE_STRING: int16 length (-1 for null), then UTF-8.</summary>
    public void WriteNullableString(string? value)
    {
        if (value is null) { WriteInt16(-1); return; }
        int length = Utf8Length(value);
        WriteInt16((short)length);
        WriteUtf8(value, length);
    }

    /// <summary>Writes a COMPACT_STRING: unsigned varint length+1, then UTF-8.</summary>
    public void WriteCompactString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteCompactNullableString(value);
    }

    /// <summary>Writes a COMPACT_NULLABLE_STRING: unsigned varint length+1 (0 for null), then UTF-8.</summary>
    public void WriteCompactNullableString(string? value)
    {
        if (value is null) { WriteUnsignedVarInt(0); return; }
        int length = Utf8Length(value);
        WriteUnsignedVarInt((uint)length + 1);
        WriteUtf8(value, length);
    }

    /// <summary>Writes BYTES: int32 length, then the bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        WriteRaw(value);
    }

    /// <summary>Writes NULLABLE_BYTES: int32 length (-1 for null), then the bytes.</summary>
    public void WriteNullableBytes(ReadOnlyMemory<byte>? value)
    {
        if (value is null) { WriteInt32(-1); return; }
        WriteBytes(value.Value.Span);
    }

    /// <summary>Writes COMPACT_BYTES: unsigned varint length+1, then the bytes.</summary>
    public void WriteCompactBytes(ReadOnlySpan<byte> value)
    {
        WriteUnsignedVarInt((uint)value.Length + 1);
        WriteRaw(value);
    }

    /// <summary>Writes COMPACT_NULLABLE_BYTES: unsigned varint length+1 (0 for null), then the bytes.</summary>
    public void WriteCompactNullableBytes(ReadOnlyMemory<byte>? value)
    {
        if (value is null) { WriteUnsignedVarInt(0); return; }
        WriteCompactBytes(value.Value.Span);
    }

    /// <summary>Writes RECORDS in a non-flexible version: int32 length (-1 for null), then the batches as given.</summary>
    public void WriteRecords(ReadOnlyMemory<byte>? records) => WriteNullableBytes(records);

    /// <summary>Writes RECORDS in a flexible version (compact nullable bytes).</summary>
    public void WriteCompactRecords(ReadOnlyMemory<byte>? records) => WriteCompactNullableBytes(records);

    /// <summary>Writes an ARRAY length: int32 count, or -1 for a null array.</summary>
    public void WriteArrayLength(int? count) => WriteInt32(count ?? -1);

    /// <summary>Writes a COMPACT_ARRAY length: unsigned varint count+1, or 0 for a null array.</summary>
    public void WriteCompactArrayLength(int? count) =>
        WriteUnsignedVarInt(count is null ? 0u : (uint)count.Value + 1);

    /// <summary>Writes an ARRAY of int32.</summary>
    public void WriteInt32Array(IReadOnlyList<int> values)
    {
        WriteArrayLength(values.Count);
        foreach (var v in values) WriteInt32(v);
    }

    /// <summary>Writes an ARRAY of int64.</summary>
    public void WriteInt64Array(IReadOnlyList<long> values)
    {
        WriteArrayLength(values.Count);
        foreach (var v in values) WriteInt64(v);
    }

    /// <summary>Writes an ARRAY of STRING.</summary>
    public void WriteStringArray(IReadOnlyList<string> values)
    {
        WriteArrayLength(values.Count);
        foreach (var v in values) WriteString(v);
    }

    /// <summary>Writes an empty TAGGED_FIELDS section (one zero byte): no tagged field is ever sent.</summary>
    public void WriteEmptyTaggedFields() => WriteUnsignedVarInt(0);

    /// <summary>Writes bytes as they are, with no length prefix.</summary>
    public void WriteRaw(ReadOnlySpan<byte> value)
    {
        if (_output is null)
        {
            _committed += value.Length;
            return;
        }
        if (value.Length <= MinimumChunk)
        {
            value.CopyTo(Reserve(value.Length));
            return;
        }
        // Large blobs (record batches) go straight to the output rather than through a chunk.
        Flush();
        _output.Write(value);
        _committed += value.Length;
    }

    /// <summary>Commits the buffered bytes to the output. Call once after the last write.</summary>
    public void Flush()
    {
        if (_output is not null && _buffered > 0) _output.Advance(_buffered);
        _committed += _buffered;
        _buffered = 0;
        _span = default;
    }

    /// <summary>Size of <paramref name="value"/> as an unsigned varint, 1–5 bytes.</summary>
    public static int UnsignedVarIntSize(uint value) => value switch
    {
        < 1u << 7 => 1,
        < 1u << 14 => 2,
        < 1u << 21 => 3,
        < 1u << 28 => 4,
        _ => 5,
    };

    private Span<byte> Reserve(int count)
    {
        if (_output is null)
        {
            _committed += count;
            return CountingScratch.AsSpan(0, count);
        }
        if (_span.Length - _buffered < count)
        {
            Flush();
            _span = _output.GetSpan(Math.Max(count, MinimumChunk));
        }
        var slice = _span.Slice(_buffered, count);
        _buffered += count;
        return slice;
    }

    private void WriteUtf8(string value, int length)
    {
        if (_output is null) _committed += length;
        else Encoding.UTF8.GetBytes(value, Reserve(length));
    }

    private static int Utf8Length(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        if (length > short.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(value), length,
                "A Kafka string holds at most 32767 UTF-8 bytes.");
        return length;
    }

    // Counting mode still runs the fixed-size encoders (at most 16 bytes: a UUID), so they get
    // a scratch buffer whose contents are never read. Thread-static: writers run on any thread.
    [ThreadStatic] private static byte[]? _scratch;
    private static byte[] CountingScratch => _scratch ??= new byte[16];
}

using System.Buffers;
using System.Collections.Immutable;
using System.Text;

namespace Bridge.Eventing.Bus.Cursors;

/// <summary>
/// The payload of a cursor token, before it is sealed (<see cref="CursorTokens"/>). Layout, version 1:
/// <c>version:u8=1 mode:u8 (1 read, 2 write) topic:uvarint-length+UTF-8</c>, then for a read cursor
/// <c>count:uvarint (partition:uvarint offset:uvarint)*</c> and for a write cursor
/// <c>writer:16 bytes acked-sequence:uvarint count:uvarint (partition:uvarint scan-from:uvarint)*</c>,
/// partitions ascending. Decoding checks every length and bound and reports what is wrong, never
/// throws on garbage (the bytes come from clients, although a sealed token was made by the bus).
/// </summary>
public static class CursorCodec
{
    private const byte Version = 1;
    private const byte ReadMode = 1;
    private const byte WriteMode = 2;

    /// <summary>Kafka's longest topic name, 249 characters.</summary>
    public const int MaxTopicLength = 249;

    /// <summary>Most partitions a cursor may name (Kafka clusters stay far below; a bound for decoding).</summary>
    public const int MaxPartitions = 100_000;

    /// <summary>The payload of <paramref name="cursor"/>.</summary>
    public static byte[] Encode(ReadCursor cursor)
    {
        var buffer = new ArrayBufferWriter<byte>(32 + cursor.Topic.Length + cursor.NextOffsets.Count * 8);
        Header(buffer, ReadMode, cursor.Topic);
        Offsets(buffer, cursor.NextOffsets);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The payload of <paramref name="cursor"/>.</summary>
    public static byte[] Encode(WriteCursor cursor)
    {
        var buffer = new ArrayBufferWriter<byte>(48 + cursor.Topic.Length + cursor.ScanFrom.Count * 8);
        Header(buffer, WriteMode, cursor.Topic);
        cursor.WriterId.TryWriteBytes(buffer.GetSpan(16));
        buffer.Advance(16);
        UVarint(buffer, cursor.AckedSequence);
        Offsets(buffer, cursor.ScanFrom);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a read cursor's payload; false with <paramref name="error"/> when it is not one.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, out ReadCursor? cursor, out string error)
    {
        cursor = null;
        var reader = new Reader(payload);
        if (!TryHeader(ref reader, ReadMode, out var topic, out error) || !TryOffsets(ref reader, out var offsets, out error)) return false;
        if (!reader.AtEnd) return Fail("trailing bytes", out error);
        cursor = new ReadCursor(topic, offsets);
        return true;
    }

    /// <summary>Decodes a write cursor's payload; false with <paramref name="error"/> when it is not one.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, out WriteCursor? cursor, out string error)
    {
        cursor = null;
        var reader = new Reader(payload);
        if (!TryHeader(ref reader, WriteMode, out var topic, out error)) return false;
        if (!reader.TryBytes(16, out var writer) || !reader.TryUVarint(out var acked)) return Fail("truncated", out error);
        if (!TryOffsets(ref reader, out var scanFrom, out error)) return false;
        if (!reader.AtEnd) return Fail("trailing bytes", out error);
        cursor = new WriteCursor(topic, new Guid(writer), acked, scanFrom);
        return true;
    }

    private static void Header(ArrayBufferWriter<byte> buffer, byte mode, string topic)
    {
        var span = buffer.GetSpan(2);
        span[0] = Version;
        span[1] = mode;
        buffer.Advance(2);
        var bytes = Encoding.UTF8.GetBytes(topic);
        UVarint(buffer, (ulong)bytes.Length);
        buffer.Write(bytes);
    }

    private static void Offsets(ArrayBufferWriter<byte> buffer, ImmutableSortedDictionary<int, long> offsets)
    {
        UVarint(buffer, (ulong)offsets.Count);
        foreach (var (partition, offset) in offsets)
        {
            UVarint(buffer, (ulong)partition);
            UVarint(buffer, (ulong)offset);
        }
    }

    private static void UVarint(ArrayBufferWriter<byte> buffer, ulong value)
    {
        var span = buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        buffer.Advance(i);
    }

    private static bool TryHeader(ref Reader reader, byte mode, out string topic, out string error)
    {
        topic = "";
        if (!reader.TryBytes(2, out var head)) return Fail("truncated", out error);
        if (head[0] != Version) return Fail($"unknown cursor version {head[0]}", out error);
        if (head[1] != mode) return Fail(head[1] is ReadMode or WriteMode ? $"a {(head[1] == ReadMode ? "read" : "write")} cursor, not a {(mode == ReadMode ? "read" : "write")} one" : $"unknown cursor mode {head[1]}", out error);
        if (!reader.TryUVarint(out var length) || length == 0 || length > MaxTopicLength * 4 || !reader.TryBytes((int)length, out var name))
            return Fail("bad topic", out error);
        topic = Encoding.UTF8.GetString(name);
        error = "";
        return true;
    }

    private static bool TryOffsets(ref Reader reader, out ImmutableSortedDictionary<int, long> offsets, out string error)
    {
        offsets = ImmutableSortedDictionary<int, long>.Empty;
        if (!reader.TryUVarint(out var count) || count > MaxPartitions) return Fail("bad partition count", out error);
        var builder = ImmutableSortedDictionary.CreateBuilder<int, long>();
        var previous = -1L;
        for (var i = 0UL; i < count; i++)
        {
            if (!reader.TryUVarint(out var partition) || !reader.TryUVarint(out var offset)) return Fail("truncated", out error);
            if (partition > int.MaxValue || (long)partition <= previous) return Fail("partitions out of order", out error);
            if (offset > long.MaxValue) return Fail("offset out of range", out error);
            builder[(int)partition] = (long)offset;
            previous = (long)partition;
        }
        offsets = builder.ToImmutable();
        error = "";
        return true;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public readonly bool AtEnd => _rest.IsEmpty;

        public bool TryBytes(int count, out ReadOnlySpan<byte> bytes)
        {
            bytes = default;
            if (count < 0 || count > _rest.Length) return false;
            bytes = _rest[..count];
            _rest = _rest[count..];
            return true;
        }

        public bool TryUVarint(out ulong value)
        {
            value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_rest.IsEmpty) return false;
                var b = _rest[0];
                _rest = _rest[1..];
                if (shift == 63 && b > 1) return false;
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return true;
            }
            return false;
        }
    }
}

using System.Diagnostics;

namespace Bridge.Eventing.Avro.Containers;

/// <summary>
/// Reads a container file from a stream that need not be seekable, counting the bytes consumed
/// so every error names its file offset. Lengths are never trusted for allocation: a read of a
/// declared length grows its buffer only as the bytes actually arrive.
/// </summary>
internal sealed class ContainerInput(Stream stream)
{
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    /// <summary>Bytes consumed from the start of the file.</summary>
    public long Offset { get; private set; }

    /// <summary>Whether the file has no more bytes.</summary>
    public bool AtEnd() => !Fill();

    /// <summary>A zig-zag varint long (Avro binary encoding): at most 10 bytes, within 64 bits.</summary>
    public long ReadLong(string what)
    {
        var start = Offset;
        ulong raw = 0;
        for (var i = 0; i < 10; i++)
        {
            if (!Fill()) throw new AvroContainerException(start, $"the file ends inside {what}");
            var b = _buffer[_start++];
            Offset++;
            if (i == 9 && b > 1) throw new AvroContainerException(start, $"{what} overflows 64 bits");
            raw |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) return (long)(raw >> 1) ^ -(long)(raw & 1);
        }
        throw new UnreachableException("the 10th byte has no continuation bit");
    }

    /// <summary>Exactly <paramref name="destination"/>'s length in bytes; an error naming <paramref name="what"/> if the file ends first.</summary>
    public void ReadExactly(Span<byte> destination, string what)
    {
        var start = Offset;
        if (Read(destination) < destination.Length) throw new AvroContainerException(start, $"the file ends inside {what}");
    }

    /// <summary>
    /// <paramref name="length"/> bytes into <paramref name="buffer"/> (reused when large enough,
    /// else grown step by step as bytes arrive, so a false length costs only what the file holds).
    /// </summary>
    public void ReadInto(ref byte[] buffer, int length, string what)
    {
        var start = Offset;
        var read = 0;
        while (read < length)
        {
            if (read == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(length, Math.Max(64 * 1024L, 2L * buffer.Length)));
            var n = Read(buffer.AsSpan(read, Math.Min(buffer.Length, length) - read));
            if (n == 0) throw new AvroContainerException(start, $"the file ends inside {what} ({read} of {length} bytes)");
            read += n;
        }
    }

    private int Read(Span<byte> destination)
    {
        var total = 0;
        while (total < destination.Length)
        {
            if (_start == _end && destination.Length - total >= _buffer.Length)
            {
                // Large reads go straight to the destination.
                var direct = stream.Read(destination[total..]);
                if (direct == 0) break;
                total += direct;
                Offset += direct;
                continue;
            }
            if (!Fill()) break;
            var n = Math.Min(_end - _start, destination.Length - total);
            _buffer.AsSpan(_start, n).CopyTo(destination[total..]);
            _start += n;
            total += n;
            Offset += n;
        }
        return total;
    }

    private bool Fill()
    {
        if (_start < _end) return true;
        _start = 0;
        _end = stream.Read(_buffer);
        return _end > 0;
    }
}

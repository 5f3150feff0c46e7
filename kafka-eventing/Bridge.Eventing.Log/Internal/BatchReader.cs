using Bridge.Eventing.Log.Records;
using Microsoft.Win32.SafeHandles;

namespace Bridge.Eventing.Log.Internal;

/// <summary>
/// Walks the batches of a segment file from one position to an end position through a fixed
/// read-ahead buffer (positional reads, so many readers may share one file handle). With
/// <c>verifyCrc</c> each batch's CRC-32C is computed over the file in buffer-sized pieces (recovery,
/// index rebuilds), so memory stays bounded whatever a corrupt length field claims; without, only
/// headers are read (lookups). Stops at the end or at the first invalid batch, leaving
/// <see cref="Error"/> and <see cref="Position"/> where it stopped.
/// </summary>
internal sealed class BatchReader
{
    private readonly SafeFileHandle _file;
    private readonly long _end;
    private readonly bool _verifyCrc;
    private readonly byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;

    public BatchReader(SafeFileHandle file, long start, long end, bool verifyCrc, int bufferSize)
    {
        _file = file;
        Position = start;
        _end = end;
        _verifyCrc = verifyCrc;
        _buffer = new byte[Math.Max(bufferSize, RecordBatchHeader.Size)];
    }

    /// <summary>Position of the next batch to read (after the loop: where the valid batches end).</summary>
    public long Position { get; private set; }

    /// <summary>Why reading stopped before the end (None at a clean end).</summary>
    public RecordBatchError Error { get; private set; }

    /// <summary>Reads the next batch's header; false at the end or on an invalid batch (see <see cref="Error"/>).</summary>
    public bool TryNext(out RecordBatchHeader header, out long position)
    {
        position = Position;
        var remaining = _end - Position;
        if (remaining <= 0)
        {
            header = default;
            return false;
        }
        var error = RecordBatchHeader.TryReadHeader(Fill(Position, (int)Math.Min(RecordBatchHeader.Size, remaining)), out header);
        if (error == RecordBatchError.None && header.SizeInBytes > remaining)
            error = RecordBatchError.Incomplete;
        if (error == RecordBatchError.None && _verifyCrc && !CrcMatches(Position, header.SizeInBytes, header.Crc))
            error = RecordBatchError.CrcMismatch;
        if (error != RecordBatchError.None)
        {
            Error = error;
            return false;
        }
        Position += header.SizeInBytes;
        return true;
    }

    /// <summary>Whether the CRC-32C of bytes [21, size) of the batch at <paramref name="batchStart"/>, read piece by piece, is <paramref name="expected"/>.</summary>
    private bool CrcMatches(long batchStart, int size, uint expected)
    {
        var crc = 0xFFFFFFFFu;
        var from = batchStart + RecordBatchHeader.AttributesOffset;
        var end = batchStart + size;
        while (from < end)
        {
            var piece = Fill(from, (int)Math.Min(_buffer.Length, end - from));
            if (piece.IsEmpty)
                return false; // the file is shorter than it was a moment ago
            crc = Crc32C.Append(crc, piece);
            from += piece.Length;
        }
        return ~crc == expected;
    }

    /// <summary>Up to <paramref name="count"/> (≤ buffer size) bytes at <paramref name="position"/>, refilling the buffer when needed.</summary>
    private ReadOnlySpan<byte> Fill(long position, int count)
    {
        if (position < _bufferStart || position + count > _bufferStart + _bufferLength)
        {
            var want = (int)Math.Min(_buffer.Length, _end - position);
            _bufferStart = position;
            _bufferLength = ReadFully(_file, _buffer.AsSpan(0, want), position);
        }
        var offset = (int)(position - _bufferStart);
        return _buffer.AsSpan(offset, Math.Min(count, _bufferLength - offset));
    }

    /// <summary>Positional read that retries short reads; returns fewer bytes only at end of file.</summary>
    public static int ReadFully(SafeFileHandle file, Span<byte> buffer, long position)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = RandomAccess.Read(file, buffer[total..], position + total);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }
}

using Bridge.Eventing.Log.Records;
using Microsoft.Win32.SafeHandles;

namespace Bridge.Eventing.Log.Internal;

/// <summary>
/// Walks the batches of a segment file from one position to an end position through a read-ahead
/// buffer (positional reads, so many readers may share one file handle). With
/// <c>verifyCrc</c> every batch is read whole and checked with <see cref="RecordBatchHeader.TryParse"/>
/// (recovery, index rebuilds); without, only headers are read (lookups). Stops at the end or at the
/// first invalid batch, leaving <see cref="Error"/> and <see cref="Position"/> where it stopped.
/// </summary>
internal sealed class BatchReader
{
    private readonly SafeFileHandle _file;
    private readonly long _end;
    private readonly bool _verifyCrc;
    private byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;
    private long _currentPosition;
    private int _currentLength;

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

    /// <summary>The last batch returned by <see cref="TryNext"/>, whole when verifying CRCs (else its header bytes).</summary>
    public ReadOnlySpan<byte> Current => _buffer.AsSpan((int)(_currentPosition - _bufferStart), _currentLength);

    /// <summary>Reads the next batch; false at the end or on an invalid batch (see <see cref="Error"/>).</summary>
    public bool TryNext(out RecordBatchHeader header, out long position)
    {
        position = Position;
        header = default;
        var remaining = _end - Position;
        if (remaining <= 0)
            return false;
        var headerBytes = Fill(Position, (int)Math.Min(RecordBatchHeader.Size, remaining));
        var error = RecordBatchHeader.TryReadHeader(headerBytes, out header);
        if (error == RecordBatchError.None && header.SizeInBytes > remaining)
            error = RecordBatchError.Incomplete;
        if (error == RecordBatchError.None && _verifyCrc)
        {
            var whole = Fill(Position, header.SizeInBytes);
            error = RecordBatchHeader.TryParse(whole, out header);
            headerBytes = whole;
        }
        if (error != RecordBatchError.None)
        {
            Error = error;
            return false;
        }
        _currentPosition = Position;
        _currentLength = headerBytes.Length;
        Position += header.SizeInBytes;
        return true;
    }

    /// <summary>The bytes [position, position + count) from the buffer, refilling (and growing) it when needed.</summary>
    private ReadOnlySpan<byte> Fill(long position, int count)
    {
        if (position < _bufferStart || position + count > _bufferStart + _bufferLength)
        {
            if (count > _buffer.Length)
                _buffer = new byte[Math.Max(count, _buffer.Length * 2)];
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

using System.Buffers;

namespace Bridge.Eventing.Avro.Containers;

/// <summary>
/// A growable buffer for one block's datums that can be cut back to an earlier length, so a datum
/// that fails to encode half-way leaves nothing of itself in the block.
/// </summary>
internal sealed class BlockBuffer : IBufferWriter<byte>
{
    private byte[] _bytes = new byte[4096];

    /// <summary>Bytes written so far.</summary>
    public int Length { get; private set; }

    /// <summary>What has been written.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _bytes.AsSpan(0, Length);

    /// <summary>Forgets everything written after the first <paramref name="length"/> bytes.</summary>
    public void Truncate(int length) => Length = length;

    public void Advance(int count) => Length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        var start = Reserve(sizeHint); // before reading _bytes, which Reserve may replace
        return _bytes.AsMemory(start);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        var start = Reserve(sizeHint);
        return _bytes.AsSpan(start);
    }

    private int Reserve(int sizeHint)
    {
        var needed = (long)Length + Math.Max(sizeHint, 1);
        if (needed > _bytes.Length)
        {
            if (needed > Array.MaxLength) throw new InvalidOperationException($"a block cannot exceed {Array.MaxLength} bytes");
            Array.Resize(ref _bytes, (int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _bytes.Length)));
        }
        return Length;
    }
}

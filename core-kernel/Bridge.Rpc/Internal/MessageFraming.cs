using System.Buffers;
using System.Buffers.Binary;

namespace Bridge.Rpc.Internal;

/// <summary>What <see cref="MessageFraming.TryReadFrame"/> found at the head of a buffer.</summary>
internal enum FrameStatus
{
    /// <summary>A whole frame was read.</summary>
    Complete,
    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,
    /// <summary>The declared length exceeds the limit; refused before any allocation.</summary>
    TooLarge,
    /// <summary>The compressed-flag byte is neither 0 nor 1.</summary>
    Malformed,
}

/// <summary>One length-prefixed message as it sits in the receive buffer (not copied).</summary>
internal readonly record struct Frame(bool Compressed, int Length, ReadOnlySequence<byte> Payload);

/// <summary>
/// The gRPC message framing: <c>Compressed-Flag (1 byte, 0|1) Message-Length (4 bytes,
/// big-endian unsigned) Message</c>. Pure functions over buffers; no I/O.
/// Source: PROTOCOL-HTTP2.md, "Length-Prefixed-Message".
/// </summary>
internal static class MessageFraming
{
    /// <summary>
    /// Reads one frame from the start of <paramref name="buffer"/>. On <see cref="FrameStatus.Complete"/>
    /// <paramref name="buffer"/> is advanced past the frame; otherwise it is unchanged.
    /// <paramref name="declaredLength"/> carries the length prefix whenever 5 bytes were present,
    /// so a <see cref="FrameStatus.TooLarge"/> error can name it.
    /// </summary>
    public static FrameStatus TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxMessageSize,
        out Frame frame, out long declaredLength)
    {
        frame = default;
        declaredLength = -1;
        if (buffer.Length < GrpcProtocol.FrameHeaderSize) return FrameStatus.Incomplete;

        Span<byte> header = stackalloc byte[GrpcProtocol.FrameHeaderSize];
        buffer.Slice(0, GrpcProtocol.FrameHeaderSize).CopyTo(header);
        var flag = header[0];
        declaredLength = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (flag > 1) return FrameStatus.Malformed;
        // Check the declared length before waiting for (or allocating) the body: a peer that
        // declares 4 GiB gets RESOURCE_EXHAUSTED after 5 bytes, not an out-of-memory.
        if (declaredLength > maxMessageSize) return FrameStatus.TooLarge;
        if (buffer.Length - GrpcProtocol.FrameHeaderSize < declaredLength) return FrameStatus.Incomplete;

        var length = (int)declaredLength;
        frame = new Frame(flag == 1, length, buffer.Slice(GrpcProtocol.FrameHeaderSize, length));
        buffer = buffer.Slice(GrpcProtocol.FrameHeaderSize + length);
        return FrameStatus.Complete;
    }

    /// <summary>Writes the 5-byte prefix for a message of <paramref name="length"/> bytes.</summary>
    public static void WriteHeader(IBufferWriter<byte> output, bool compressed, int length)
    {
        var span = output.GetSpan(GrpcProtocol.FrameHeaderSize);
        span[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
        output.Advance(GrpcProtocol.FrameHeaderSize);
    }
}

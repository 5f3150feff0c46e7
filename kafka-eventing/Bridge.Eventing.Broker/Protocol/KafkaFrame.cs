using System.Buffers;
using System.Buffers.Binary;

namespace Bridge.Eventing.Broker.Protocol;

/// <summary>
/// Kafka framing: every request and response is a big-endian int32 size followed by that many
/// bytes (Kafka protocol guide, "Common Request and Response Structure").
/// </summary>
public static class KafkaFrame
{
    /// <summary>Bytes of the size prefix.</summary>
    public const int SizePrefixBytes = 4;

    /// <summary>Default frame limit, 100 MiB: Kafka's <c>socket.request.max.bytes</c> default (104,857,600).</summary>
    public const int DefaultMaxFrameBytes = 100 * 1024 * 1024;

    /// <summary>
    /// Takes one complete frame off the front of <paramref name="buffer"/> (the System.IO.Pipelines
    /// pattern): on success <paramref name="frame"/> is the frame body without its size prefix and
    /// <paramref name="buffer"/> starts after it; when the frame is not complete yet, returns false
    /// and leaves <paramref name="buffer"/> as it was. The size is checked as soon as its four
    /// bytes are there, before the body is awaited.
    /// </summary>
    /// <param name="buffer">Bytes received and not yet consumed.</param>
    /// <param name="maxFrameBytes">Largest body accepted, in bytes (see <see cref="DefaultMaxFrameBytes"/>).</param>
    /// <param name="frame">The frame body (a slice of <paramref name="buffer"/>; zero length is valid framing).</param>
    /// <exception cref="KafkaProtocolException">The size is negative or above <paramref name="maxFrameBytes"/>; the connection must be closed.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameBytes, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (buffer.Length < SizePrefixBytes) return false;
        Span<byte> prefix = stackalloc byte[SizePrefixBytes];
        buffer.Slice(0, SizePrefixBytes).CopyTo(prefix);
        int size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (size < 0)
            throw new KafkaProtocolException("Size", -1, $"frame size {size} is negative");
        if (size > maxFrameBytes)
            throw new KafkaProtocolException("Size", -1, $"frame size {size} exceeds the limit of {maxFrameBytes} bytes");
        if (buffer.Length - SizePrefixBytes < size) return false;
        frame = buffer.Slice(SizePrefixBytes, size);
        buffer = buffer.Slice(SizePrefixBytes + size);
        return true;
    }

    /// <summary>Writes size prefix, header and body: a counting pass sizes the frame, then it is written once.</summary>
    /// <returns>Bytes written, including the 4-byte prefix.</returns>
    internal static long Write<THeader>(IBufferWriter<byte> output, THeader header, short headerVersion, IKafkaMessage body, short version)
        where THeader : IKafkaHeader
    {
        var counter = KafkaWriter.CreateCounter();
        header.Write(ref counter, headerVersion);
        body.Write(ref counter, version);
        long size = counter.BytesWritten;
        if (size > int.MaxValue)
            throw new InvalidOperationException($"A {body.ApiKey} v{version} message of {size} bytes does not fit a Kafka frame.");

        var writer = new KafkaWriter(output);
        writer.WriteInt32((int)size);
        header.Write(ref writer, headerVersion);
        body.Write(ref writer, version);
        writer.Flush();
        return SizePrefixBytes + size;
    }
}

/// <summary>A request or response header, writable at a header version.</summary>
internal interface IKafkaHeader
{
    void Write(ref KafkaWriter writer, short headerVersion);
}

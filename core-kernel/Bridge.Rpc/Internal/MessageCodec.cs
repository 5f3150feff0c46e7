using System.Buffers;
using System.IO.Compression;
using Google.Protobuf;

namespace Bridge.Rpc.Internal;

/// <summary>
/// Turns frames into protobuf messages and back, with the message-size limits and the
/// <c>gzip</c> message encoding (RFC 1952 via <see cref="GZipStream"/>). Every failure is an
/// <see cref="RpcException"/> with the status the gRPC spec gives for it.
/// </summary>
internal static class MessageCodec
{
    /// <summary>True when <paramref name="encoding"/> (a <c>grpc-encoding</c> value) is one we can read.</summary>
    public static bool IsSupportedEncoding(string? encoding) =>
        string.IsNullOrEmpty(encoding) ||
        encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase) ||
        encoding.Equals(GrpcProtocol.GzipEncoding, StringComparison.OrdinalIgnoreCase);

    /// <summary>Decodes one frame into a message.</summary>
    /// <exception cref="RpcException">INTERNAL for a compressed frame without an encoding, bad gzip or bad
    /// protobuf; RESOURCE_EXHAUSTED when decompression exceeds <paramref name="maxMessageSize"/>.</exception>
    public static T Decode<T>(in Frame frame, MessageParser<T> parser, string? encoding, int maxMessageSize)
        where T : IMessage<T>
    {
        var payload = frame.Payload;
        if (frame.Compressed)
        {
            if (string.IsNullOrEmpty(encoding) || encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
                throw new RpcException(new Status(StatusCode.Internal,
                    "Compressed flag set with identity or empty encoding"));
            payload = new ReadOnlySequence<byte>(Gunzip(payload, maxMessageSize));
        }
        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Failed to deserialize message: {e.Message}"));
        }
    }

    /// <summary>Writes <paramref name="message"/> as one frame, gzip-compressed when <paramref name="gzip"/>.</summary>
    /// <exception cref="RpcException">RESOURCE_EXHAUSTED when the message exceeds <paramref name="maxMessageSize"/>.</exception>
    public static void Encode(IBufferWriter<byte> output, IMessage message, int maxMessageSize, bool gzip)
    {
        var size = message.CalculateSize();
        if (size > maxMessageSize)
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"Sending message larger than max ({size} vs. {maxMessageSize})"));
        if (!gzip)
        {
            MessageFraming.WriteHeader(output, compressed: false, size);
            message.WriteTo(output);
            return;
        }
        var compressed = new MemoryStream();
        using (var z = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            message.WriteTo(z);
        MessageFraming.WriteHeader(output, compressed: true, (int)compressed.Length);
        output.Write(compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
    }

    private static byte[] Gunzip(ReadOnlySequence<byte> payload, int maxMessageSize)
    {
        try
        {
            using var input = new GZipStream(new MemoryStream(payload.ToArray()), CompressionMode.Decompress);
            var output = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int n;
            // Bounded copy: a small "gzip bomb" stops at the limit instead of filling memory.
            while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + n > maxMessageSize)
                    throw new RpcException(new Status(StatusCode.ResourceExhausted,
                        $"Received message exceeds the maximum configured message size after decompression ({maxMessageSize})"));
                output.Write(buffer, 0, n);
            }
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Failed to decompress message: {e.Message}"));
        }
    }
}

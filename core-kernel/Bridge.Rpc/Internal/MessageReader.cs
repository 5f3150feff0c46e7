using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;

namespace Bridge.Rpc.Internal;

/// <summary>
/// Reads length-prefixed messages from a body (the request body on the server, the response
/// body on the client). One reader per stream; not thread-safe, as a gRPC stream has one reader.
/// </summary>
internal sealed class MessageReader
{
    private readonly PipeReader _reader;
    private readonly int _maxMessageSize;
    private readonly string? _encoding;

    public MessageReader(PipeReader reader, int maxMessageSize, string? encoding)
    {
        _reader = reader;
        _maxMessageSize = maxMessageSize;
        _encoding = encoding;
    }

    /// <summary>
    /// The next message, or <c>default</c> when the body ended cleanly between messages.
    /// </summary>
    /// <exception cref="RpcException">INTERNAL for a truncated or malformed frame or message;
    /// RESOURCE_EXHAUSTED for a message over the limit.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async ValueTask<T?> ReadAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = MessageFraming.TryReadFrame(ref buffer, _maxMessageSize, out var frame, out var declared);
            switch (status)
            {
                case FrameStatus.Complete:
                    try
                    {
                        return MessageCodec.Decode(frame, parser, _encoding, _maxMessageSize);
                    }
                    finally
                    {
                        _reader.AdvanceTo(buffer.Start);
                    }
                case FrameStatus.TooLarge:
                    _reader.AdvanceTo(result.Buffer.Start);
                    throw new RpcException(new Status(StatusCode.ResourceExhausted,
                        $"Received message larger than max ({declared} vs. {_maxMessageSize})"));
                case FrameStatus.Malformed:
                    _reader.AdvanceTo(result.Buffer.Start);
                    throw new RpcException(new Status(StatusCode.Internal,
                        "Malformed message frame: compressed flag must be 0 or 1"));
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                var leftover = buffer.Length;
                _reader.AdvanceTo(buffer.End);
                if (leftover == 0) return null;
                throw new RpcException(new Status(StatusCode.Internal,
                    $"Incomplete message: the stream ended {leftover} bytes into a frame"));
            }
            // Nothing consumed, everything examined: wake only when more bytes arrive.
            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads exactly one message and then the end of the body (unary and client-streaming responses,
    /// unary and server-streaming requests).</summary>
    /// <exception cref="RpcException">INTERNAL when there is no message or more than one.</exception>
    public async ValueTask<T> ReadSingleAsync<T>(MessageParser<T> parser, string what, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        var message = await ReadAsync(parser, cancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.Internal, $"No {what} message was received"));
        if (await ReadAsync(parser, cancellationToken).ConfigureAwait(false) is not null)
            throw new RpcException(new Status(StatusCode.Internal, $"More than one {what} message was received"));
        return message;
    }
}

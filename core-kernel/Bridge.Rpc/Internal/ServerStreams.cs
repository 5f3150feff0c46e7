using Google.Protobuf;

namespace Bridge.Rpc.Internal;

/// <summary>The request stream a server handler reads (client-streaming and duplex calls).</summary>
internal sealed class ServerRequestStream<T> : IAsyncStreamReader<T> where T : class, IMessage<T>
{
    private readonly ServerCall _call;
    private readonly MessageParser<T> _parser;
    private T? _current;

    public ServerRequestStream(ServerCall call, MessageParser<T> parser)
    {
        _call = call;
        _parser = parser;
    }

    public T Current => _current ?? throw new InvalidOperationException("No message has been read yet.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        using var linked = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _call.CancellationToken)
            : null;
        _current = await _call.Reader.ReadAsync(_parser, linked?.Token ?? _call.CancellationToken);
        return _current is not null;
    }
}

/// <summary>The response stream a server handler writes (server-streaming and duplex calls).</summary>
internal sealed class ServerResponseStream<T> : IServerStreamWriter<T> where T : class, IMessage<T>
{
    private readonly ServerCall _call;

    public ServerResponseStream(ServerCall call) => _call = call;

    public Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _call.WriteMessageAsync(message, cancellationToken);
    }
}

using Google.Protobuf;

namespace Bridge.Rpc.Internal;

/// <summary>The response stream of a server-streaming or duplex call, as the client reads it.</summary>
internal sealed class ClientResponseStream<TRequest, TResponse> : IAsyncStreamReader<TResponse>
    where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
{
    private readonly ClientCall<TRequest, TResponse> _call;
    private TResponse? _current;

    public ClientResponseStream(ClientCall<TRequest, TResponse> call) => _call = call;

    public TResponse Current => _current ?? throw new InvalidOperationException("No message has been read yet.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        _current = await _call.ReadMessageAsync(cancellationToken).ConfigureAwait(false);
        return _current is not null;
    }
}

/// <summary>The request stream of a client-streaming or duplex call, as the client writes it.</summary>
internal sealed class ClientRequestStream<TRequest, TResponse> : IClientStreamWriter<TRequest>
    where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
{
    private readonly ClientCall<TRequest, TResponse> _call;

    public ClientRequestStream(ClientCall<TRequest, TResponse> call) => _call = call;

    public Task WriteAsync(TRequest message, CancellationToken cancellationToken = default) =>
        _call.WriteMessageAsync(message, cancellationToken);

    public Task CompleteAsync() => _call.CompleteRequestAsync();
}

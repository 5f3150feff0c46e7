namespace Bridge.Rpc;

/// <summary>A stream of messages read one at a time (request stream on a server, response stream on a client).</summary>
/// <typeparam name="T">Message type.</typeparam>
public interface IAsyncStreamReader<out T>
{
    /// <summary>The message read by the last successful <see cref="MoveNext"/>.</summary>
    /// <exception cref="InvalidOperationException">No message has been read.</exception>
    T Current { get; }

    /// <summary>
    /// Advances to the next message. Returns false at the end of a stream that ended with OK.
    /// </summary>
    /// <exception cref="RpcException">The call ended with a non-OK status, or the stream is malformed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    Task<bool> MoveNext(CancellationToken cancellationToken);
}

/// <summary>A stream messages are written to; only one write may be pending at a time.</summary>
/// <typeparam name="T">Message type.</typeparam>
public interface IAsyncStreamWriter<in T>
{
    /// <summary>Writes and flushes one message.</summary>
    /// <exception cref="InvalidOperationException">A previous write is still pending, or the stream is complete.</exception>
    /// <exception cref="RpcException">The call already ended with this status, or the message is over the send limit (RESOURCE_EXHAUSTED).</exception>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}

/// <summary>The response stream of a server-streaming or duplex call, as the server handler sees it.</summary>
/// <typeparam name="T">Response message type.</typeparam>
public interface IServerStreamWriter<in T> : IAsyncStreamWriter<T>
{
}

/// <summary>The request stream of a client-streaming or duplex call, as the client sees it.</summary>
/// <typeparam name="T">Request message type.</typeparam>
public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
{
    /// <summary>Half-closes the request stream (HTTP/2 END_STREAM); no more writes are allowed.</summary>
    Task CompleteAsync();
}

/// <summary>Helpers over <see cref="IAsyncStreamReader{T}"/>.</summary>
public static class AsyncStreamReaderExtensions
{
    /// <summary>All remaining messages as an async sequence.</summary>
    /// <exception cref="RpcException">The call ended with a non-OK status.</exception>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(this IAsyncStreamReader<T> reader,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (await reader.MoveNext(cancellationToken).ConfigureAwait(false))
            yield return reader.Current;
    }
}

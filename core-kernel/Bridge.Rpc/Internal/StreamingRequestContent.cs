using System.Net;

namespace Bridge.Rpc.Internal;

/// <summary>
/// The request body of a client-streaming or duplex call: HttpClient hands us the HTTP/2
/// request stream when it starts sending, and we keep it open (no END_STREAM) until the
/// caller completes the request stream or the call ends.
/// </summary>
internal sealed class StreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamingRequestContent() => Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);

    /// <summary>The request stream, once HttpClient has started sending the body.</summary>
    public Task<Stream> StreamTask => _stream.Task;

    /// <summary>Half-closes: the body ends and HTTP/2 END_STREAM is sent.</summary>
    public void Complete() => _complete.TrySetResult();

    /// <summary>The call ended: stop holding the body open.</summary>
    public void Abort() => _complete.TrySetCanceled();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        await _complete.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}

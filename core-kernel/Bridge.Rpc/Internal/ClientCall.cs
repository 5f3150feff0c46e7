using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Bridge.Rpc.Internal;

/// <summary>
/// The client side of one call on one HTTP/2 stream: sends the request head and messages,
/// reads headers, messages and the final status (from trailers, a trailers-only response, an
/// HTTP status, or a stream reset), and enforces the deadline with the channel's clock.
/// Source: PROTOCOL-HTTP2.md and doc/http-grpc-status-mapping.md.
/// </summary>
internal sealed class ClientCall<TRequest, TResponse> : IDisposable
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private const string UserAgent = "grpc-dotnet-bridge/0.1.0";

    private enum CancelReason { None, User, Deadline, Disposed, LocalError }

    private readonly RpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _cts = new();
    private CancellationTokenRegistration _userRegistration;
    private ITimer? _deadlineTimer;
    private int _cancelReason;
    private Task<HttpResponseMessage> _sendTask = null!;
    private Task<Metadata> _headersTask = null!;
    private HttpResponseMessage? _response;
    private MessageReader? _reader;
    private StreamingRequestContent? _requestContent;
    private Status? _status;
    private Metadata? _trailers;
    private int _writePending;
    private bool _requestCompleted;

    public ClientCall(RpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
    }

    public Task<Metadata> ResponseHeadersTask => _headersTask;

    /// <summary>Starts the call: with <paramref name="request"/> for unary and server-streaming calls,
    /// with an open request stream when it is null.</summary>
    public void Start(TRequest? request)
    {
        HttpContent content;
        try
        {
            content = request is null ? _requestContent = new StreamingRequestContent() : SingleMessageContent(request);
        }
        catch (RpcException e)
        {
            _status = e.Status;
            _sendTask = Task.FromException<HttpResponseMessage>(e);
            _headersTask = Task.FromException<Metadata>(e);
            return;
        }

        TimeSpan? timeout = null;
        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            var remaining = deadline.ToUniversalTime() - _channel.Options.TimeProvider.GetUtcNow().UtcDateTime;
            if (remaining <= TimeSpan.Zero)
            {
                var e = new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
                _status = e.Status;
                _sendTask = Task.FromException<HttpResponseMessage>(e);
                _headersTask = Task.FromException<Metadata>(e);
                _requestContent?.Abort();
                return;
            }
            timeout = remaining;
            if (remaining <= GrpcTimeout.MaxTimerDueTime)
                _deadlineTimer = _channel.Options.TimeProvider.CreateTimer(
                static s => ((ClientCall<TRequest, TResponse>)s!).Cancel(CancelReason.Deadline), this, remaining, Timeout.InfiniteTimeSpan);
        }
        if (_options.CancellationToken.CanBeCanceled)
            _userRegistration = _options.CancellationToken.Register(static s => ((ClientCall<TRequest, TResponse>)s!).Cancel(CancelReason.User), this);

        _sendTask = SendAsync(BuildRequest(content, timeout));
        _headersTask = ReadHeadersAsync();
    }

    /// <summary>The next response message, or null after an OK status.</summary>
    /// <exception cref="RpcException">The call ended with a non-OK status.</exception>
    public async Task<TResponse?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        await _headersTask.ConfigureAwait(false);
        if (_status is { } done) return done.StatusCode == StatusCode.OK ? null : throw new RpcException(done, _trailers ?? new Metadata());

        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static s => ((ClientCall<TRequest, TResponse>)s!).Cancel(CancelReason.User), this)
            : default;
        TResponse? message;
        try
        {
            if (_reader is null)
            {
                var body = await _response!.Content.ReadAsStreamAsync(_cts.Token).ConfigureAwait(false);
                _reader = new MessageReader(PipeReader.Create(body), _channel.Options.MaxReceiveMessageSize,
                    HeaderValue(_response.Headers, GrpcProtocol.EncodingHeader));
            }
            message = await _reader.ReadAsync(_method.ResponseParser, _cts.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw Fail(e);
        }
        if (message is not null) return message;

        FinishFromTrailers(_response!.TrailingHeaders);
        return _status!.Value.StatusCode == StatusCode.OK ? null : throw new RpcException(_status.Value, _trailers!);
    }

    /// <summary>Exactly one response message, then an OK status (unary and client-streaming calls).</summary>
    public async Task<TResponse> ReadSingleResponseAsync()
    {
        var message = await ReadMessageAsync(default).ConfigureAwait(false)
            ?? throw Fail(new RpcException(new Status(StatusCode.Internal, "No response message was received")));
        if (await ReadMessageAsync(default).ConfigureAwait(false) is not null)
            throw Fail(new RpcException(new Status(StatusCode.Internal, "More than one response message was received")));
        return message;
    }

    /// <summary>Writes one request message to the open request stream.</summary>
    public async Task WriteMessageAsync(TRequest message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_requestCompleted) throw new InvalidOperationException("Request stream has already been completed.");
        if (_status is { } done)
        {
            if (done.StatusCode != StatusCode.OK) throw new RpcException(done, _trailers ?? new Metadata());
            throw new InvalidOperationException("Can't write the message because the call is complete.");
        }
        if (Interlocked.Exchange(ref _writePending, 1) == 1)
            throw new InvalidOperationException("Only one write can be pending at a time.");
        try
        {
            var buffer = new ArrayBufferWriter<byte>();
            MessageCodec.Encode(buffer, message, _channel.Options.MaxSendMessageSize, _channel.Options.CompressRequests);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token);
            var started = await Task.WhenAny(_requestContent!.StreamTask, _sendTask).ConfigureAwait(false);
            if (started != _requestContent.StreamTask)
            {
                await _headersTask.ConfigureAwait(false); // throws the call's failure, if any
                if (_status is { } ended && ended.StatusCode != StatusCode.OK) throw new RpcException(ended, _trailers ?? new Metadata());
            }
            var stream = await _requestContent.StreamTask.WaitAsync(linked.Token).ConfigureAwait(false);
            await stream.WriteAsync(buffer.WrittenMemory, linked.Token).ConfigureAwait(false);
            await stream.FlushAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw Fail(e);
        }
        finally
        {
            Volatile.Write(ref _writePending, 0);
        }
    }

    /// <summary>Half-closes the request stream.</summary>
    public Task CompleteRequestAsync()
    {
        _requestCompleted = true;
        _requestContent?.Complete();
        return Task.CompletedTask;
    }

    public Status GetStatus() => _status ?? throw new InvalidOperationException("Unable to get the status because the call is not complete.");

    public Metadata GetTrailers() => _trailers ?? throw new InvalidOperationException("Can't get the call trailers because the call has not completed successfully.");

    public void Dispose()
    {
        if (_status is null) Cancel(CancelReason.Disposed);
        Cleanup();
        _response?.Dispose();
        _cts.Dispose();
    }

    private HttpContent SingleMessageContent(TRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>();
        MessageCodec.Encode(buffer, request, _channel.Options.MaxSendMessageSize, _channel.Options.CompressRequests);
        var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
        content.Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
        return content;
    }

    private HttpRequestMessage BuildRequest(HttpContent content, TimeSpan? timeout)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_channel.Address, _method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        headers.TryAddWithoutValidation("User-Agent", UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        if (_channel.Options.CompressRequests) headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, GrpcProtocol.GzipEncoding);
        if (timeout is { } t) headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(t));
        if (_options.Headers is { } metadata)
            foreach (var entry in metadata)
                headers.TryAddWithoutValidation(entry.Key, MetadataCodec.EncodeValue(entry));
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        try
        {
            return _response = await _channel.Invoker.SendAsync(request, _cts.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw Fail(e);
        }
    }

    private async Task<Metadata> ReadHeadersAsync()
    {
        var response = await _sendTask.ConfigureAwait(false);
        var headers = new Metadata();
        foreach (var (name, values) in response.Headers)
            if (!MetadataCodec.TryAdd(headers, name, values))
                throw Fail(new RpcException(new Status(StatusCode.Internal, $"Response header '{name}' is not valid base64")));

        if (HeaderValue(response.Headers, GrpcProtocol.StatusHeader) is not null)
        {
            // Trailers-only response: the status (and any trailers) came in the headers.
            FinishFromTrailers(response.Headers);
            return headers;
        }
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var code = Http2ErrorCodes.FromHttpStatus((int)response.StatusCode);
            throw Fail(new RpcException(new Status(code, $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}")));
        }
        var contentType = response.Content.Headers.ContentType?.ToString();
        if (!GrpcProtocol.IsGrpcContentType(contentType))
            throw Fail(new RpcException(new Status(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: {contentType}")));
        var encoding = HeaderValue(response.Headers, GrpcProtocol.EncodingHeader);
        if (!MessageCodec.IsSupportedEncoding(encoding))
            throw Fail(new RpcException(new Status(StatusCode.Internal, $"Unsupported grpc-encoding in response: '{encoding}'")));
        return headers;
    }

    private void FinishFromTrailers(HttpHeaders trailers)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in trailers)
            MetadataCodec.TryAdd(metadata, name, values);
        Status status;
        var statusText = HeaderValue(trailers, GrpcProtocol.StatusHeader);
        if (statusText is null)
            status = new Status(StatusCode.Internal, "No grpc-status found on response.");
        else if (!int.TryParse(statusText, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            status = new Status(StatusCode.Unknown, $"Unexpected grpc-status value: '{statusText}'");
        else
            status = new Status(code is >= 0 and <= 16 ? (StatusCode)code : StatusCode.Unknown,
                PercentEncoding.Decode(HeaderValue(trailers, GrpcProtocol.MessageHeader)));
        Finish(status, metadata);
    }

    private void Finish(Status status, Metadata trailers)
    {
        if (_status is not null) return;
        _trailers = trailers;
        _status = status;
        Cleanup();
    }

    /// <summary>Records the failure as the call's status (first one wins), resets the stream, and returns what to throw.</summary>
    private RpcException Fail(Exception e)
    {
        if (_status is { } existing && existing.StatusCode != StatusCode.OK)
            return e as RpcException is { } same && same.Status == existing ? same : new RpcException(existing, _trailers ?? new Metadata());
        var status = StatusOf(e);
        Finish(status, (e as RpcException)?.Trailers ?? new Metadata());
        Cancel(CancelReason.LocalError);
        return e is RpcException rpc && rpc.Status == status ? rpc : new RpcException(status, _trailers!);
    }

    private Status StatusOf(Exception e)
    {
        switch ((CancelReason)Volatile.Read(ref _cancelReason))
        {
            case CancelReason.Deadline: return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
            case CancelReason.User: return new Status(StatusCode.Cancelled, "Call canceled by the client.");
            case CancelReason.Disposed: return new Status(StatusCode.Cancelled, "gRPC call disposed.");
        }
        if (e is RpcException rpc) return rpc.Status;
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is HttpProtocolException protocol)
                return new Status(Http2ErrorCodes.ToStatusCode(protocol.ErrorCode),
                    $"HTTP/2 stream reset by the server (error code {protocol.ErrorCode}): {protocol.Message}");
        return e switch
        {
            OperationCanceledException => new Status(StatusCode.Cancelled, "Call canceled."),
            HttpRequestException or IOException =>
                new Status(StatusCode.Unavailable, $"Error talking to {_channel.Address}. {e.GetType().Name}: {e.Message}"),
            _ => new Status(StatusCode.Unknown, $"{e.GetType().Name}: {e.Message}"),
        };
    }

    private void Cancel(CancelReason reason)
    {
        Interlocked.CompareExchange(ref _cancelReason, (int)reason, (int)CancelReason.None);
        _requestContent?.Abort();
        try { _cts.Cancel(); }
        catch (ObjectDisposedException) { /* already disposed: nothing left to cancel */ }
        // Once headers have arrived, SendAsync is done and its token no longer reaches the
        // stream; disposing the response is what resets it (RST_STREAM CANCEL) so the server knows.
        _response?.Dispose();
    }

    private void Cleanup()
    {
        _deadlineTimer?.Dispose();
        _userRegistration.Dispose();
        if (_status is { StatusCode: not StatusCode.OK }) _requestContent?.Abort();
    }

    private static string? HeaderValue(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

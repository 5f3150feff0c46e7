using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace Bridge.Rpc.Internal;

/// <summary>
/// The server side of one call on one HTTP/2 stream: validates the request head, owns the
/// deadline timer and cancellation, writes headers, messages and the final status (as
/// trailers, or as a trailers-only response when nothing was sent yet).
/// Source: PROTOCOL-HTTP2.md ("Requests", "Responses", "Timeout").
/// </summary>
internal sealed partial class ServerCall : IDisposable
{
    private readonly HttpContext _http;
    private readonly RpcServerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cts;
    private readonly ITimer? _deadlineTimer;
    private int _writePending;
    private volatile bool _deadlineExceeded;

    private ServerCall(HttpContext http, RpcServerOptions options, ILogger logger, string path,
        TimeSpan? timeout, Metadata requestHeaders)
    {
        _http = http;
        _options = options;
        _logger = logger;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var deadline = DateTime.MaxValue;
        if (timeout is { } t && t <= GrpcTimeout.MaxTimerDueTime)
        {
            deadline = options.TimeProvider.GetUtcNow().UtcDateTime + t;
            _deadlineTimer = options.TimeProvider.CreateTimer(static s => ((ServerCall)s!).OnDeadline(), this, t,
                Timeout.InfiniteTimeSpan);
        }
        Reader = new MessageReader(http.Request.BodyReader, options.MaxReceiveMessageSize,
            http.Request.Headers[GrpcProtocol.EncodingHeader].ToString());
        Context = new ServerCallContext(http, path, deadline, requestHeaders, _cts.Token, WriteHeadersAsync);
    }

    public ServerCallContext Context { get; }

    public MessageReader Reader { get; }

    public CancellationToken CancellationToken => _cts.Token;

    /// <summary>
    /// Checks the request head. Returns the call, or null after answering the request with the
    /// right error (wrong HTTP version, method or content type; unsupported encoding; bad timeout
    /// or metadata).
    /// </summary>
    public static async Task<ServerCall?> StartAsync(HttpContext http, RpcServerOptions options, ILogger logger, string path)
    {
        var request = http.Request;
        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            await WriteErrorAsync(http, StatusCodes.Status426UpgradeRequired,
                new Status(StatusCode.Internal, $"Request protocol '{request.Protocol}' is not supported; gRPC needs HTTP/2."));
            return null;
        }
        if (!HttpMethods.IsPost(request.Method))
        {
            await WriteErrorAsync(http, StatusCodes.Status405MethodNotAllowed,
                new Status(StatusCode.Internal, $"Request method '{request.Method}' is not supported; gRPC needs POST."));
            return null;
        }
        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            await WriteErrorAsync(http, StatusCodes.Status415UnsupportedMediaType,
                new Status(StatusCode.Internal, $"Content-Type '{request.ContentType}' is not supported."));
            return null;
        }
        var encoding = request.Headers[GrpcProtocol.EncodingHeader].ToString();
        if (!MessageCodec.IsSupportedEncoding(encoding))
        {
            http.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
            await WriteErrorAsync(http, StatusCodes.Status200OK,
                new Status(StatusCode.Unimplemented, $"Unsupported grpc-encoding value '{encoding}'. Supported encodings: {GrpcProtocol.SupportedEncodings}"));
            return null;
        }
        TimeSpan? timeout = null;
        var timeoutText = request.Headers[GrpcProtocol.TimeoutHeader].ToString();
        if (timeoutText.Length > 0)
        {
            if (!GrpcTimeout.TryParse(timeoutText, out var t))
            {
                await WriteErrorAsync(http, StatusCodes.Status200OK,
                    new Status(StatusCode.Internal, $"Malformed grpc-timeout '{timeoutText}'"));
                return null;
            }
            timeout = t;
        }
        var headers = new Metadata();
        foreach (var (name, values) in request.Headers)
        {
            if (!MetadataCodec.TryAdd(headers, name, values))
            {
                await WriteErrorAsync(http, StatusCodes.Status200OK,
                    new Status(StatusCode.Internal, $"Header '{name}' is not valid base64"));
                return null;
            }
        }
        // Streams may carry far more than Kestrel's 30 MB body default and may idle between
        // messages; per-message limits and deadlines bound them instead.
        var size = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (size is { IsReadOnly: false }) size.MaxRequestBodySize = null;
        var rate = http.Features.Get<IHttpMinRequestBodyDataRateFeature>();
        if (rate is not null) rate.MinDataRate = null;
        var responseRate = http.Features.Get<IHttpMinResponseDataRateFeature>();
        if (responseRate is not null) responseRate.MinDataRate = null;

        return new ServerCall(http, options, logger, path, timeout, headers);
    }

    /// <summary>Writes and flushes one response message, sending headers first if needed.</summary>
    public async Task WriteMessageAsync(IMessage message, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _writePending, 1) == 1)
            throw new InvalidOperationException("Only one write can be pending at a time.");
        try
        {
            _cts.Token.ThrowIfCancellationRequested();
            var response = _http.Response;
            if (!response.HasStarted) PrepareHeaders(Metadata.Empty);
            MessageCodec.Encode(response.BodyWriter, message, _options.MaxSendMessageSize, gzip: false);
            using var linked = cancellationToken.CanBeCanceled
                ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token)
                : null;
            await response.BodyWriter.FlushAsync(linked?.Token ?? _cts.Token);
        }
        finally
        {
            Volatile.Write(ref _writePending, 0);
        }
    }

    /// <summary>Ends the call with <paramref name="status"/>; the deadline, when it passed, wins over OK.</summary>
    public Task FinishAsync(Status status)
    {
        if (_http.RequestAborted.IsCancellationRequested) return Task.CompletedTask;
        if (_deadlineExceeded) status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        var response = _http.Response;
        if (!response.HasStarted)
        {
            PrepareHeaders(Context.ResponseTrailers);
            SetStatusHeaders(response.Headers, status);
            return Task.CompletedTask;
        }
        response.AppendTrailer(GrpcProtocol.StatusHeader, ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (status.Detail.Length > 0)
            response.AppendTrailer(GrpcProtocol.MessageHeader, PercentEncoding.Encode(status.Detail));
        foreach (var entry in Context.ResponseTrailers)
            response.AppendTrailer(entry.Key, MetadataCodec.EncodeValue(entry));
        return Task.CompletedTask;
    }

    /// <summary>Ends the call for a handler that threw: RpcException keeps its status, anything else is UNKNOWN.</summary>
    public Task FailAsync(Exception exception)
    {
        if (_http.RequestAborted.IsCancellationRequested) return Task.CompletedTask;
        Status status;
        switch (exception)
        {
            case RpcException rpc:
                foreach (var entry in rpc.Trailers) Context.ResponseTrailers.Add(entry);
                status = rpc.Status;
                break;
            case OperationCanceledException when _deadlineExceeded:
                status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
                break;
            default:
                LogHandlerFailed(_logger, Context.Method, exception);
                status = new Status(StatusCode.Unknown, _options.EnableDetailedErrors
                    ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
                    : "Exception was thrown by handler.");
                break;
        }
        return FinishAsync(status);
    }

    /// <summary>Answers a request that never reached a handler, as a trailers-only response.</summary>
    public static Task WriteErrorAsync(HttpContext http, int httpStatus, Status status)
    {
        var response = http.Response;
        response.StatusCode = httpStatus;
        response.ContentType = GrpcProtocol.ContentType;
        SetStatusHeaders(response.Headers, status);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _deadlineTimer?.Dispose();
        _cts.Dispose();
    }

    private Task WriteHeadersAsync(Metadata headers)
    {
        if (_http.Response.HasStarted)
            throw new InvalidOperationException("Response headers can only be sent once per call.");
        PrepareHeaders(headers);
        return _http.Response.BodyWriter.FlushAsync(_cts.Token).AsTask();
    }

    private void PrepareHeaders(Metadata custom)
    {
        var response = _http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
        foreach (var entry in custom)
            response.Headers.Append(entry.Key, MetadataCodec.EncodeValue(entry));
    }

    private static void SetStatusHeaders(IHeaderDictionary headers, Status status)
    {
        headers[GrpcProtocol.StatusHeader] = ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (status.Detail.Length > 0) headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(status.Detail);
    }

    private void OnDeadline()
    {
        _deadlineExceeded = true;
        try { _cts.Cancel(); }
        catch (ObjectDisposedException) { /* the call finished as the timer fired */ }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Handler of {Method} threw")]
    private static partial void LogHandlerFailed(ILogger logger, string method, Exception exception);
}

using Bridge.Rpc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Bridge.Rpc;

/// <summary>
/// What a server handler knows about its call: method, peer, deadline, request headers,
/// and what it may set (response headers, trailers, status). Mirrors grpc-dotnet's
/// <c>Grpc.Core.ServerCallContext</c>.
/// </summary>
public sealed class ServerCallContext
{
    private readonly HttpContext _httpContext;
    private readonly Func<Metadata, Task> _writeHeaders;

    internal ServerCallContext(HttpContext httpContext, string method, DateTime deadline, Metadata requestHeaders,
        CancellationToken cancellationToken, Func<Metadata, Task> writeHeaders)
    {
        _httpContext = httpContext;
        _writeHeaders = writeHeaders;
        Method = method;
        Deadline = deadline;
        RequestHeaders = requestHeaders;
        CancellationToken = cancellationToken;
    }

    /// <summary>The method's path, e.g. <c>/grpc.health.v1.Health/Check</c>.</summary>
    public string Method { get; }

    /// <summary>The <c>:authority</c> the client called.</summary>
    public string Host => _httpContext.Request.Host.Value ?? "";

    /// <summary>The peer in grpc's form: <c>ipv4:127.0.0.1:5000</c> or <c>ipv6:[::1]:5000</c>.</summary>
    public string Peer
    {
        get
        {
            var c = _httpContext.Connection;
            if (c.RemoteIpAddress is null) return "unknown";
            return c.RemoteIpAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                ? $"ipv6:[{c.RemoteIpAddress}]:{c.RemotePort}"
                : $"ipv4:{c.RemoteIpAddress}:{c.RemotePort}";
        }
    }

    /// <summary>The call's deadline in UTC, from the <c>grpc-timeout</c> header; <see cref="DateTime.MaxValue"/> when none.</summary>
    public DateTime Deadline { get; }

    /// <summary>Custom metadata the client sent (reserved and <c>grpc-*</c> headers excluded).</summary>
    public Metadata RequestHeaders { get; }

    /// <summary>Trailers to send with the final status. Handlers add to it; an <see cref="RpcException"/>'s trailers are added too.</summary>
    public Metadata ResponseTrailers { get; } = new();

    /// <summary>The status to end the call with when the handler returns normally (default OK).</summary>
    public Status Status { get; set; } = Status.DefaultSuccess;

    /// <summary>Fires when the client cancels, the connection drops, or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Sends the response headers now with <paramref name="responseHeaders"/>; otherwise they go with the first message.</summary>
    /// <exception cref="InvalidOperationException">Headers were already sent.</exception>
    public Task WriteResponseHeadersAsync(Metadata responseHeaders) => _writeHeaders(responseHeaders);

    /// <summary>
    /// Cancels the call from the server side: resets the HTTP/2 stream with <c>CANCEL</c> (0x8),
    /// which the client reports as CANCELLED. Nothing more is sent.
    /// </summary>
    public void Cancel()
    {
        var reset = _httpContext.Features.Get<IHttpResetFeature>();
        if (reset is not null) reset.Reset(Http2ErrorCodes.Cancel);
        else _httpContext.Abort();
    }

    /// <summary>The underlying ASP.NET Core context (as grpc-dotnet's <c>GetHttpContext()</c>).</summary>
    public HttpContext GetHttpContext() => _httpContext;
}

using System.Net.Security;

namespace Bridge.Rpc;

/// <summary>Settings of a client channel. Immutable; create with an object initializer.</summary>
public sealed record RpcChannelOptions
{
    /// <summary>Largest response message accepted, in bytes (default: 4 MiB); larger fails the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; init; } = Internal.GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>Largest request message sent, in bytes (default: 4 MiB); larger fails the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageSize { get; init; } = Internal.GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>Compress request messages with gzip (<c>grpc-encoding: gzip</c>) (default: false).</summary>
    public bool CompressRequests { get; init; }

    /// <summary>Clock for deadlines (default: <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>TLS settings for <c>https://</c> addresses (default: system validation).</summary>
    public SslClientAuthenticationOptions? SslOptions { get; init; }

    /// <summary>Replaces the HTTP handler (tests, proxies); the channel then does not own it (default: a SocketsHttpHandler).</summary>
    public HttpMessageHandler? HttpHandler { get; init; }
}

using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Rpc;

/// <summary>Settings of a gRPC server. Immutable; create with an object initializer.</summary>
public sealed record RpcServerOptions
{
    /// <summary>Largest request message accepted, in bytes (default: 4 MiB); larger gets RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; init; } = Internal.GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>Largest response message sent, in bytes (default: 4 MiB); larger fails the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageSize { get; init; } = Internal.GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>When true, a handler's unexpected exception type and message go to the client in the UNKNOWN status (default: false).</summary>
    public bool EnableDetailedErrors { get; init; }

    /// <summary>Clock for deadlines (default: <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where <see cref="RpcServer"/> listens (default: 127.0.0.1, an ephemeral port).</summary>
    public IPEndPoint Endpoint { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>Certificate for TLS (ALPN h2); null serves HTTP/2 cleartext with prior knowledge (default: null).</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Logs handler failures (default: no logging).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}

using System.Net;
using System.Security.Cryptography.X509Certificates;
using Bridge.Eventing.Bus.Policy;
using Bridge.Eventing.Security;
using Bridge.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Eventing.Bus.Api;

/// <summary>Settings of an API-tier server. Immutable; create with an object initializer.</summary>
public sealed record ApiOptions
{
    /// <summary>The back-end nodes sessions are spread over.</summary>
    public required IReadOnlyList<BackendEndpoint> Backends { get; init; }

    /// <summary>Seals session ids; every API-tier replica of a bus must share the keys.</summary>
    public required SessionIds SessionIds { get; init; }

    /// <summary>Per-topic policies: which topics need a token, a signature, TLS (default: none).</summary>
    public TopicPolicies Policies { get; init; } = TopicPolicies.None;

    /// <summary>Validates bearer tokens; required when a policy needs tokens (default: null, tokens refused).</summary>
    public BearerTokenValidator? Tokens { get; init; }

    /// <summary>Verifies request signatures; required when a policy needs signatures (default: null, signatures refused).</summary>
    public RequestVerifier? Signatures { get; init; }

    /// <summary>Where to listen (default: 127.0.0.1, a free port).</summary>
    public IPEndPoint Endpoint { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>Serve TLS with this certificate (default: h2c, cleartext HTTP/2).</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>How often the back-end nodes' health is checked (default: 1 s).</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How the tier reaches back-end nodes (TLS settings for https:// nodes) (default: plain).</summary>
    public RpcChannelOptions? BackendChannel { get; init; }

    /// <summary>Clock (default: <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the tier logs (default: nowhere).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}

using Bridge.Eventing.Security;
using Bridge.Rpc;

namespace Bridge.Eventing.Client;

/// <summary>Settings of a <see cref="BusClient"/>. Immutable; create with an object initializer.</summary>
public sealed record BusClientOptions
{
    /// <summary>Gives the OAuth2 bearer token (the JWT, without "Bearer ") for each call, or null for none
    /// (default: none). Called per call, so it may refresh tokens.</summary>
    public Func<CancellationToken, ValueTask<string?>>? BearerToken { get; init; }

    /// <summary>Signs every request (HMAC-SHA256 with a nonce) for topics whose policy needs it (default: null, unsigned).</summary>
    public RequestSigner? Signer { get; init; }

    /// <summary>Retries of a call that failed transiently (UNAVAILABLE, DEADLINE_EXCEEDED, a moved session),
    /// after the first attempt (default: 12: with the default backoff, about a minute in all).</summary>
    public int MaxRetries { get; init; } = 12;

    /// <summary>The first retry's delay; each next one doubles, with jitter (default: 100 ms).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest delay between retries (default: 5 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Deadline of each call, beyond the wait a Read asks for (default: 30 s).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>TLS and message-size settings of the channel to the API tier (default: plain).</summary>
    public RpcChannelOptions? Channel { get; init; }

    /// <summary>Clock for backoffs and deadlines (default: <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

using Bridge.Eventing.Protocol;
using Bridge.Eventing.Security;
using Bridge.Eventing.V1;
using Bridge.Rpc;
using Google.Protobuf;
using Polly;
using Polly.Retry;

namespace Bridge.Eventing.Client.Sessions;

/// <summary>
/// How the SDK makes a bus call: the per-call headers (bearer token, request signature over the
/// request's protobuf encoding), the deadline, and the retry pipeline (Polly: exponential backoff
/// with jitter, on the injected clock) that sessions run their steps through. A moved session
/// (NOT_FOUND, session-unknown) is retried at once, after the session re-allocates itself.
/// </summary>
internal sealed class SessionCalls
{
    private readonly BusClientOptions _options;

    public SessionCalls(EventBusClient client, BusClientOptions options)
    {
        Client = client;
        _options = options;
        Retry = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(IsTransient),
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                Delay = options.InitialBackoff,
                MaxDelay = options.MaxBackoff,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                DelayGenerator = args => new ValueTask<TimeSpan?>(
                    args.Outcome.Exception is RpcException e && IsMoved(e) && args.AttemptNumber == 0 ? TimeSpan.Zero : null),
            })
            .Build();
    }

    public EventBusClient Client { get; }

    /// <summary>The retry pipeline sessions run their steps through.</summary>
    public ResiliencePipeline Retry { get; }

    /// <summary>A session that the node serving it does not hold (moved, expired, disposed).</summary>
    public static bool IsMoved(RpcException e) => e.StatusCode == StatusCode.NotFound && BusReason.Of(e) == BusReason.SessionUnknown;

    /// <summary>Failures that a retry (after re-allocating, for a moved session) may mend.</summary>
    public static bool IsTransient(RpcException e) =>
        e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Aborted
        || IsMoved(e)
        || (e.StatusCode == StatusCode.ResourceExhausted && BusReason.Of(e) == BusReason.TooManySessions);

    /// <summary>Call options for <paramref name="method"/> with <paramref name="request"/>: headers, and a deadline
    /// <see cref="BusClientOptions.CallTimeout"/> plus <paramref name="extra"/> from now.</summary>
    public async ValueTask<CallOptions> OptionsAsync(string method, IMessage request, TimeSpan extra, CancellationToken cancellationToken)
    {
        var headers = new Metadata();
        if (_options.BearerToken is { } provider && await provider(cancellationToken) is { Length: > 0 } token)
            headers.Add("authorization", "Bearer " + token);
        if (_options.Signer is { } signer)
        {
            var signature = signer.Sign(method, request.ToByteArray());
            headers.Add(RequestSigner.SignatureHeader, signature.Signature);
            headers.Add(RequestSigner.TimestampHeader, signature.Timestamp);
            headers.Add(RequestSigner.NonceHeader, signature.Nonce);
        }
        var deadline = _options.TimeProvider.GetUtcNow().UtcDateTime + _options.CallTimeout + extra;
        return new CallOptions(headers, deadline, cancellationToken);
    }

    /// <summary>The gRPC method path of an rpc of the bus, which request signatures cover.</summary>
    public static string Method(string rpc) => $"/{EventBusClient.Service.FullName}/{rpc}";
}

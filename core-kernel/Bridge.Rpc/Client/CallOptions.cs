namespace Bridge.Rpc;

/// <summary>Per-call settings: metadata, deadline, cancellation. Mirrors grpc-dotnet's <c>Grpc.Core.CallOptions</c>.</summary>
/// <param name="Headers">Custom metadata sent as request headers (default: none).</param>
/// <param name="Deadline">When the call must end, in UTC (default: none). Sent as <c>grpc-timeout</c> and enforced locally with DEADLINE_EXCEEDED.</param>
/// <param name="CancellationToken">Cancels the call: the stream is reset with CANCEL and the caller sees CANCELLED.</param>
public readonly record struct CallOptions(Metadata? Headers = null, DateTime? Deadline = null,
    CancellationToken CancellationToken = default);

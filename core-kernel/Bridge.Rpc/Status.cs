namespace Bridge.Rpc;

/// <summary>
/// The outcome of a call: a <see cref="StatusCode"/> and a human-readable detail, sent as the
/// <c>grpc-status</c> and (percent-encoded) <c>grpc-message</c> trailers.
/// </summary>
/// <param name="StatusCode">The code.</param>
/// <param name="Detail">The message; empty when there is none.</param>
public readonly record struct Status(StatusCode StatusCode, string Detail)
{
    /// <summary>The success status (code 0, empty detail).</summary>
    public static readonly Status DefaultSuccess = new(StatusCode.OK, "");

    /// <summary>Cancelled with an empty detail.</summary>
    public static readonly Status DefaultCancelled = new(StatusCode.Cancelled, "");

    /// <inheritdoc />
    public override string ToString() => $"Status(StatusCode=\"{StatusCode}\", Detail=\"{Detail}\")";
}

namespace Bridge.Rpc.Internal;

/// <summary>
/// HTTP/2 error codes (RFC 9113 §7) and the gRPC status each maps to when a stream is reset
/// (PROTOCOL-HTTP2.md, "Errors").
/// </summary>
internal static class Http2ErrorCodes
{
    public const int NoError = 0x0;
    public const int RefusedStream = 0x7;
    public const int Cancel = 0x8;
    public const int EnhanceYourCalm = 0xb;
    public const int InadequateSecurity = 0xc;

    public static StatusCode ToStatusCode(long errorCode) => errorCode switch
    {
        RefusedStream => StatusCode.Unavailable,
        Cancel => StatusCode.Cancelled,
        EnhanceYourCalm => StatusCode.ResourceExhausted,
        InadequateSecurity => StatusCode.PermissionDenied,
        _ => StatusCode.Internal,
    };

    /// <summary>
    /// The status for a response without <c>grpc-status</c> and with a non-200 HTTP status
    /// (doc/http-grpc-status-mapping.md).
    /// </summary>
    public static StatusCode FromHttpStatus(int httpStatus) => httpStatus switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };
}

namespace Bridge.Rpc.Internal;

/// <summary>Names and constants of the gRPC over HTTP/2 protocol (PROTOCOL-HTTP2.md).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string ContentTypeProto = "application/grpc+proto";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string StatusDetailsHeader = "grpc-status-details-bin";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string TeHeader = "te";
    public const string IdentityEncoding = "identity";
    public const string GzipEncoding = "gzip";
    public const string SupportedEncodings = "identity,gzip";

    /// <summary>The 5-byte prefix: 1 byte compressed flag, 4 bytes big-endian length.</summary>
    public const int FrameHeaderSize = 5;

    /// <summary>Default limit on one message, both directions: 4 MiB, as in every gRPC implementation.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// True for <c>application/grpc</c> and its subtypes/parameters (<c>application/grpc+proto</c>,
    /// <c>application/grpc;charset=…</c>), the content types a gRPC server must accept.
    /// </summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
            return false;
        if (contentType.Length == ContentType.Length) return true;
        var next = contentType[ContentType.Length];
        if (next == ';') return true;
        // Subtype: only "+proto" is a protobuf message codec; others (e.g. +json) are not ours.
        return next == '+' && contentType.AsSpan(ContentType.Length + 1).TrimEnd().ToString()
            .Split(';')[0].Trim().Equals("proto", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// True for headers the protocol reserves (pseudo-headers, <c>grpc-*</c>, and HTTP
    /// headers the transport sets itself); they are never exposed as custom metadata.
    /// </summary>
    public static bool IsReservedHeader(string name) =>
        name.StartsWith(':') ||
        (name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase) &&
         !name.Equals(StatusDetailsHeader, StringComparison.OrdinalIgnoreCase)) ||
        name.Equals("content-type", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("te", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("host", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("content-length", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("connection", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("date", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("server", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("accept-encoding", StringComparison.OrdinalIgnoreCase);
}

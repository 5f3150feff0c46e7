namespace Bridge.Rpc;

/// <summary>
/// A call that ended with a non-OK status. Thrown to callers by the client; thrown by server
/// handlers to end a call with this status (and <see cref="Trailers"/>). Mirrors grpc-dotnet's
/// <c>Grpc.Core.RpcException</c>.
/// </summary>
public sealed class RpcException : Exception
{
    /// <summary>Creates the exception for <paramref name="status"/> with no trailers.</summary>
    public RpcException(Status status) : this(status, new Metadata()) { }

    /// <summary>Creates the exception for <paramref name="status"/> carrying <paramref name="trailers"/>.</summary>
    public RpcException(Status status, Metadata trailers)
        : base($"Status(StatusCode=\"{status.StatusCode}\", Detail=\"{status.Detail}\")")
    {
        Status = status;
        Trailers = trailers;
    }

    /// <summary>The call's status.</summary>
    public Status Status { get; }

    /// <summary>Shortcut for <c>Status.StatusCode</c>.</summary>
    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>Trailing metadata of the call (received by a client, or to send from a server).</summary>
    public Metadata Trailers { get; }
}

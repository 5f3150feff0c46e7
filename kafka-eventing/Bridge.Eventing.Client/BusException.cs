using Bridge.Eventing.Protocol;
using Bridge.Rpc;

namespace Bridge.Eventing.Client;

/// <summary>
/// A bus call failed in a way retrying does not mend: a malformed request, a refused token or
/// signature, a topic that does not exist, a record that does not decrypt, or retries exhausted.
/// </summary>
public sealed class BusException : Exception
{
    /// <summary>From the gRPC error that ended the call.</summary>
    public BusException(string operation, RpcException error)
        : base($"{operation}: {error.StatusCode}: {error.Status.Detail}", error)
    {
        StatusCode = error.StatusCode;
        Reason = BusReason.Of(error);
    }

    /// <summary>The gRPC status code.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The bus's reason (<see cref="BusReason"/>), or null.</summary>
    public string? Reason { get; }
}

using Bridge.Rpc;
using Bridge.Yarn.ResourceManager;

namespace Bridge.Yarn.Protocol;

/// <summary>How the ResourceManager's refusals (<see cref="RmStatus"/>) become gRPC statuses, with the core's message as the detail.</summary>
public static class YarnErrors
{
    /// <summary>
    /// The gRPC code of a refusal: unknown application, attempt, queue or node NOT_FOUND; an invalid field or a
    /// release of another attempt's container INVALID_ARGUMENT; allocate or finish before register, or a call that does
    /// not fit the attempt's state, FAILED_PRECONDITION; a second register ALREADY_EXISTS; an allocate out of sync
    /// ABORTED (the AM must register again).
    /// </summary>
    public static StatusCode ToStatusCode(RmStatusCode code) => code switch
    {
        RmStatusCode.Ok => StatusCode.OK,
        RmStatusCode.UnknownApplication or RmStatusCode.UnknownApplicationAttempt or RmStatusCode.UnknownQueue or RmStatusCode.UnknownNode => StatusCode.NotFound,
        RmStatusCode.InvalidRequest or RmStatusCode.InvalidContainerRelease => StatusCode.InvalidArgument,
        RmStatusCode.NotRegistered or RmStatusCode.InvalidState => StatusCode.FailedPrecondition,
        RmStatusCode.AlreadyRegistered => StatusCode.AlreadyExists,
        RmStatusCode.OutOfSync => StatusCode.Aborted,
        _ => StatusCode.Unknown,
    };

    /// <summary>The exception a server handler throws for a refusal.</summary>
    /// <exception cref="ArgumentException"><paramref name="status"/> is Ok.</exception>
    public static RpcException ToRpcException(RmStatus status)
    {
        if (status.IsOk) throw new ArgumentException("an Ok status is not an error", nameof(status));
        return new RpcException(new Status(ToStatusCode(status.Code), status.Message));
    }

    /// <summary>Throws <see cref="ToRpcException"/> unless <paramref name="status"/> is Ok.</summary>
    /// <exception cref="RpcException"><paramref name="status"/> is a refusal.</exception>
    public static void ThrowIfFailed(RmStatus status)
    {
        if (!status.IsOk) throw ToRpcException(status);
    }
}

using Bridge.Rpc;

namespace Bridge.Kernel.Protocol;

/// <summary>How the kernel servers' (master's, agent's) exceptions become gRPC statuses for callers.</summary>
public static class RpcErrors
{
    /// <summary>Runs <paramref name="call"/>, turning expected failures into precise statuses:
    /// a malformed message is INVALID_ARGUMENT (naming the field), an unknown framework, agent or executor
    /// NOT_FOUND, a call that does not fit the current state FAILED_PRECONDITION, a stopped server UNAVAILABLE.</summary>
    public static async Task<T> Map<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (InvalidMessageException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        catch (KeyNotFoundException e)
        {
            throw new RpcException(new Status(StatusCode.NotFound, e.Message));
        }
        catch (ObjectDisposedException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The server is shutting down"));
        }
        catch (InvalidOperationException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
    }
}

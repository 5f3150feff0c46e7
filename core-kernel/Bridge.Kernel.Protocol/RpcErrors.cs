using Bridge.Rpc;

namespace Bridge.Kernel.Protocol;

/// <summary>How the kernel servers' (master's, agent's) exceptions become gRPC statuses for callers.</summary>
public static class RpcErrors
{
    /// <summary>Runs <paramref name="call"/>, turning expected failures into precise statuses:
    /// a malformed message is INVALID_ARGUMENT (naming the field), an unknown framework, agent or executor
    /// NOT_FOUND, a call that does not fit the current state FAILED_PRECONDITION, a stopped server or
    /// a <see cref="ServiceUnavailableException"/> (e.g. the master's registry could not store a change) UNAVAILABLE.</summary>
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
        catch (ServiceUnavailableException e)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, e.Message));
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

/// <summary>The server could not do what was asked right now (its durable store failed, say); nothing
/// changed and the caller may try again. Callers see UNAVAILABLE with the message.</summary>
public class ServiceUnavailableException : Exception
{
    /// <summary>A failure described by <paramref name="message"/>, caused by <paramref name="inner"/>.</summary>
    public ServiceUnavailableException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

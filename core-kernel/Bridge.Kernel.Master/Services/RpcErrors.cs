using Bridge.Kernel.Protocol;
using Bridge.Rpc;

namespace Bridge.Kernel.Master;

/// <summary>How the master's exceptions become gRPC statuses for callers.</summary>
internal static class RpcErrors
{
    /// <summary>Runs <paramref name="call"/>, turning expected failures into precise statuses:
    /// a malformed message is INVALID_ARGUMENT (naming the field), an unknown framework or agent
    /// NOT_FOUND, a call that does not fit the current state FAILED_PRECONDITION, a change the registry could not store
    /// or a stopped master UNAVAILABLE.</summary>
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
        catch (Registry.RegistryException e)
        {
            // The change was not stored, so it was not made: the caller may try again.
            throw new RpcException(new Status(StatusCode.Unavailable, e.Message));
        }
        catch (ObjectDisposedException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The master is shutting down"));
        }
        catch (InvalidOperationException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
    }
}

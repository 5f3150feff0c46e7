using Bridge.Rpc;
using Bridge.Yarn.Protocol;

namespace Bridge.Yarn.ResourceManager.Server.Services;

/// <summary>How the services' expected failures become gRPC statuses.</summary>
internal static class RpcCalls
{
    /// <summary>Runs <paramref name="call"/>: a malformed message is INVALID_ARGUMENT naming the field; a stopped
    /// ResourceManager UNAVAILABLE. Refusals of the core are thrown by the services with <see cref="YarnErrors"/>.</summary>
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
        catch (ObjectDisposedException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The ResourceManager is shutting down"));
        }
    }
}

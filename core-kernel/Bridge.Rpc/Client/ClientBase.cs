namespace Bridge.Rpc;

/// <summary>
/// Base class of typed client stubs. A stub declares one static <see cref="Method{TRequest,TResponse}"/>
/// per rpc, built from the service's descriptor, and methods that call <see cref="CallInvoker"/>,
/// as grpc-dotnet's generated <c>ClientBase&lt;T&gt;</c> subclasses do.
/// </summary>
public abstract class ClientBase
{
    /// <summary>A stub that starts its calls on <paramref name="channel"/>.</summary>
    protected ClientBase(RpcChannel channel) : this((channel ?? throw new ArgumentNullException(nameof(channel))).CallInvoker) { }

    /// <summary>A stub that starts its calls on <paramref name="callInvoker"/>.</summary>
    protected ClientBase(CallInvoker callInvoker)
    {
        CallInvoker = callInvoker ?? throw new ArgumentNullException(nameof(callInvoker));
    }

    /// <summary>What starts this stub's calls.</summary>
    protected CallInvoker CallInvoker { get; }
}

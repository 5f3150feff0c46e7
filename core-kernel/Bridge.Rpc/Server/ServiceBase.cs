using System.Reflection;
using Bridge.Rpc.Internal;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Bridge.Rpc;

/// <summary>
/// Base class of a service implementation, bound to a protobuf <see cref="ServiceDescriptor"/>.
/// For each rpc of the service, the implementation declares a public instance method with the
/// rpc's name and the grpc-dotnet signature for its call type:
/// <list type="bullet">
/// <item>unary: <c>Task&lt;TRes&gt; Name(TReq request, ServerCallContext context)</c></item>
/// <item>client streaming: <c>Task&lt;TRes&gt; Name(IAsyncStreamReader&lt;TReq&gt; requests, ServerCallContext context)</c></item>
/// <item>server streaming: <c>Task Name(TReq request, IServerStreamWriter&lt;TRes&gt; responses, ServerCallContext context)</c></item>
/// <item>duplex: <c>Task Name(IAsyncStreamReader&lt;TReq&gt; requests, IServerStreamWriter&lt;TRes&gt; responses, ServerCallContext context)</c></item>
/// </list>
/// An rpc without such a method answers UNIMPLEMENTED, like grpc-dotnet's generated base
/// classes. Binding happens once, when the service is added to a server; calls then go through
/// typed delegates with no reflection.
/// </summary>
public abstract class ServiceBase
{
    /// <summary>Binds this implementation to <paramref name="descriptor"/>.</summary>
    protected ServiceBase(ServiceDescriptor descriptor)
    {
        Descriptor = descriptor ?? throw new ArgumentNullException(nameof(descriptor));
    }

    /// <summary>The protobuf service this implementation serves.</summary>
    public ServiceDescriptor Descriptor { get; }

    /// <summary>One handler per rpc of the descriptor.</summary>
    /// <exception cref="InvalidOperationException">A public method named after an rpc has the wrong signature.</exception>
    internal IReadOnlyList<ServerMethodHandler> Bind() =>
        Descriptor.Methods.Select(BindMethod).ToList();

    private ServerMethodHandler BindMethod(MethodDescriptor method)
    {
        var bind = typeof(ServiceBase).GetMethod(nameof(BindTyped), BindingFlags.NonPublic | BindingFlags.Instance)!
            .MakeGenericMethod(method.InputType.ClrType, method.OutputType.ClrType);
        try
        {
            return (ServerMethodHandler)bind.Invoke(this, [method])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    private ServerMethodHandler BindTyped<TRequest, TResponse>(MethodDescriptor descriptor)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var method = Method<TRequest, TResponse>.FromDescriptor(descriptor);
        var delegateType = method.Type switch
        {
            MethodType.Unary => typeof(UnaryServerMethod<TRequest, TResponse>),
            MethodType.ClientStreaming => typeof(ClientStreamingServerMethod<TRequest, TResponse>),
            MethodType.ServerStreaming => typeof(ServerStreamingServerMethod<TRequest, TResponse>),
            _ => typeof(DuplexStreamingServerMethod<TRequest, TResponse>),
        };
        var candidates = GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.Name == descriptor.Name).ToList();
        if (candidates.Count == 0) return new ServerMethodHandler<TRequest, TResponse>(method, null);

        var expected = delegateType.GetMethod("Invoke")!;
        var expectedParameters = expected.GetParameters().Select(p => p.ParameterType).ToArray();
        var match = candidates.FirstOrDefault(m =>
            m.ReturnType == expected.ReturnType &&
            m.GetParameters().Select(p => p.ParameterType).SequenceEqual(expectedParameters));
        if (match is null)
            throw new InvalidOperationException(
                $"{GetType().Name}.{descriptor.Name} does not match rpc {descriptor.FullName} ({method.Type}): expected " +
                $"{expected.ReturnType.Name} {descriptor.Name}({string.Join(", ", expectedParameters.Select(t => t.Name))}).");
        return new ServerMethodHandler<TRequest, TResponse>(method, match.CreateDelegate(delegateType, this));
    }
}

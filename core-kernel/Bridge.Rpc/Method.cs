using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Bridge.Rpc;

/// <summary>The four kinds of gRPC call.</summary>
public enum MethodType
{
    /// <summary>One request, one response.</summary>
    Unary,
    /// <summary>A stream of requests, one response.</summary>
    ClientStreaming,
    /// <summary>One request, a stream of responses.</summary>
    ServerStreaming,
    /// <summary>Independent request and response streams.</summary>
    DuplexStreaming,
}

/// <summary>
/// A method of a service, taken from its protobuf <see cref="MethodDescriptor"/>: its
/// HTTP/2 path (<c>/package.Service/Method</c>), call type and message parsers. Mirrors
/// grpc-dotnet's <c>Grpc.Core.Method&lt;TRequest, TResponse&gt;</c>, except that it is built from
/// the descriptor protoc generated instead of from hand-typed names.
/// </summary>
/// <typeparam name="TRequest">The request message type (the descriptor's input type).</typeparam>
/// <typeparam name="TResponse">The response message type (the descriptor's output type).</typeparam>
public sealed class Method<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private Method(MethodDescriptor descriptor)
    {
        Descriptor = descriptor;
        Type = TypeOf(descriptor);
        RequestParser = (MessageParser<TRequest>)descriptor.InputType.Parser;
        ResponseParser = (MessageParser<TResponse>)descriptor.OutputType.Parser;
    }

    /// <summary>
    /// The method described by <paramref name="descriptor"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The descriptor's input or output type is not
    /// <typeparamref name="TRequest"/>/<typeparamref name="TResponse"/>.</exception>
    public static Method<TRequest, TResponse> FromDescriptor(MethodDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (descriptor.InputType.ClrType != typeof(TRequest) || descriptor.OutputType.ClrType != typeof(TResponse))
            throw new ArgumentException(
                $"Method {descriptor.FullName} takes {descriptor.InputType.ClrType.Name} and returns " +
                $"{descriptor.OutputType.ClrType.Name}, not {typeof(TRequest).Name} and {typeof(TResponse).Name}.",
                nameof(descriptor));
        return new Method<TRequest, TResponse>(descriptor);
    }

    /// <summary>The protobuf descriptor this method was built from.</summary>
    public MethodDescriptor Descriptor { get; }

    /// <summary>Unary, client-, server- or duplex streaming, from the descriptor's <c>stream</c> markers.</summary>
    public MethodType Type { get; }

    /// <summary>Fully qualified service name, e.g. <c>grpc.health.v1.Health</c>.</summary>
    public string ServiceName => Descriptor.Service.FullName;

    /// <summary>Method name, e.g. <c>Check</c>.</summary>
    public string Name => Descriptor.Name;

    /// <summary>The HTTP/2 <c>:path</c>, e.g. <c>/grpc.health.v1.Health/Check</c>.</summary>
    public string FullName => "/" + ServiceName + "/" + Name;

    /// <summary>Parser of request messages.</summary>
    public MessageParser<TRequest> RequestParser { get; }

    /// <summary>Parser of response messages.</summary>
    public MessageParser<TResponse> ResponseParser { get; }

    internal static MethodType TypeOf(MethodDescriptor d) => (d.IsClientStreaming, d.IsServerStreaming) switch
    {
        (false, false) => MethodType.Unary,
        (true, false) => MethodType.ClientStreaming,
        (false, true) => MethodType.ServerStreaming,
        (true, true) => MethodType.DuplexStreaming,
    };

    /// <inheritdoc />
    public override string ToString() => $"{Type} {FullName}";
}

using Bridge.Rpc.Tests.Echo;
using Google.Protobuf.Reflection;

namespace Bridge.Rpc.Tests;

/// <summary>Typed client stub of bridge.testing.Echo, in the shape grpc-dotnet generates.</summary>
public sealed class EchoClient : ClientBase
{
    private static readonly ServiceDescriptor Service =
        EchoReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Echo");

    public static readonly Method<EchoRequest, EchoReply> UnaryMethod = Bind(nameof(Unary));
    public static readonly Method<EchoRequest, EchoReply> ServerStreamMethod = Bind(nameof(ServerStream));
    public static readonly Method<EchoRequest, EchoReply> ClientStreamMethod = Bind(nameof(ClientStream));
    public static readonly Method<EchoRequest, EchoReply> DuplexMethod = Bind(nameof(Duplex));
    public static readonly Method<EchoRequest, EchoReply> WaitForCancelMethod = Bind(nameof(WaitForCancel));
    public static readonly Method<EchoRequest, EchoReply> WasCancelledMethod = Bind(nameof(WasCancelled));
    public static readonly Method<EchoRequest, EchoReply> UnimplementedMethod = Bind(nameof(Unimplemented));

    public EchoClient(RpcChannel channel) : base(channel) { }

    public AsyncUnaryCall<EchoReply> Unary(EchoRequest request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(UnaryMethod, options, request);

    public AsyncServerStreamingCall<EchoReply> ServerStream(EchoRequest request, CallOptions options = default) =>
        CallInvoker.AsyncServerStreamingCall(ServerStreamMethod, options, request);

    public AsyncClientStreamingCall<EchoRequest, EchoReply> ClientStream(CallOptions options = default) =>
        CallInvoker.AsyncClientStreamingCall(ClientStreamMethod, options);

    public AsyncDuplexStreamingCall<EchoRequest, EchoReply> Duplex(CallOptions options = default) =>
        CallInvoker.AsyncDuplexStreamingCall(DuplexMethod, options);

    public AsyncUnaryCall<EchoReply> WaitForCancel(EchoRequest request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(WaitForCancelMethod, options, request);

    public AsyncUnaryCall<EchoReply> WasCancelled(EchoRequest request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(WasCancelledMethod, options, request);

    public AsyncUnaryCall<EchoReply> Unimplemented(EchoRequest request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(UnimplementedMethod, options, request);

    private static Method<EchoRequest, EchoReply> Bind(string name) =>
        Method<EchoRequest, EchoReply>.FromDescriptor(Service.FindMethodByName(name));
}

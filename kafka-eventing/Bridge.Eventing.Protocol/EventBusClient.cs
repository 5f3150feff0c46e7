using Bridge.Eventing.V1;
using Bridge.Rpc;
using Google.Protobuf.Reflection;

namespace Bridge.Eventing.Protocol;

/// <summary>
/// Typed client of <c>bridge.eventing.v1.EventBus</c> (kafka-eventing/proto/bridge/eventing/v1/bus.proto),
/// the session API served by the bus's API tier to clients and by each back-end node to the API tier.
/// One method per rpc, each a single unary call with no retry of its own: the session semantics
/// (what to retry, when to re-allocate) live in Bridge.Eventing.Client.
/// </summary>
public sealed class EventBusClient : ClientBase
{
    /// <summary>The service's descriptor.</summary>
    public static readonly ServiceDescriptor Service = BusReflection.Descriptor.FindTypeByName<ServiceDescriptor>("EventBus");

    private static readonly Method<AllocateSessionRequest, AllocateSessionResponse> AllocateMethod = Unary<AllocateSessionRequest, AllocateSessionResponse>("AllocateSession");
    private static readonly Method<ReadRequest, ReadResponse> ReadMethod = Unary<ReadRequest, ReadResponse>("Read");
    private static readonly Method<AckRequest, AckResponse> AckMethod = Unary<AckRequest, AckResponse>("Ack");
    private static readonly Method<WriteRequest, WriteResponse> WriteMethod = Unary<WriteRequest, WriteResponse>("Write");
    private static readonly Method<KeepAliveRequest, KeepAliveResponse> KeepAliveMethod = Unary<KeepAliveRequest, KeepAliveResponse>("KeepAlive");
    private static readonly Method<DisposeRequest, DisposeResponse> DisposeMethod = Unary<DisposeRequest, DisposeResponse>("Dispose");

    /// <summary>A client whose calls go over <paramref name="channel"/>.</summary>
    public EventBusClient(RpcChannel channel) : base(channel) { }

    /// <summary>A client whose calls go through <paramref name="invoker"/>.</summary>
    public EventBusClient(CallInvoker invoker) : base(invoker) { }

    /// <summary>rpc AllocateSession.</summary>
    public AsyncUnaryCall<AllocateSessionResponse> AllocateSessionAsync(AllocateSessionRequest request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(AllocateMethod, options, request);

    /// <summary>rpc Read.</summary>
    public AsyncUnaryCall<ReadResponse> ReadAsync(ReadRequest request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(ReadMethod, options, request);

    /// <summary>rpc Ack.</summary>
    public AsyncUnaryCall<AckResponse> AckAsync(AckRequest request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(AckMethod, options, request);

    /// <summary>rpc Write.</summary>
    public AsyncUnaryCall<WriteResponse> WriteAsync(WriteRequest request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(WriteMethod, options, request);

    /// <summary>rpc KeepAlive.</summary>
    public AsyncUnaryCall<KeepAliveResponse> KeepAliveAsync(KeepAliveRequest request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(KeepAliveMethod, options, request);

    /// <summary>rpc Dispose.</summary>
    public AsyncUnaryCall<DisposeResponse> DisposeAsync(DisposeRequest request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(DisposeMethod, options, request);

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string name)
        where TRequest : class, Google.Protobuf.IMessage<TRequest>
        where TResponse : class, Google.Protobuf.IMessage<TResponse> =>
        Method<TRequest, TResponse>.FromDescriptor(Service.FindMethodByName(name));
}

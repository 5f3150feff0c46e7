using Bridge.Rpc;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Bridge.Kernel.Protocol;

/// <summary>Typed client of <c>bridge.v1.scheduler.Scheduler</c> (core-kernel/proto/bridge/v1/scheduler.proto).</summary>
public sealed class SchedulerClient : ClientBase
{
    private static readonly ServiceDescriptor Service = V1.Scheduler.SchedulerReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Scheduler");
    private static readonly Method<V1.Scheduler.Call, V1.Scheduler.Event> SubscribeMethod = Methods.Of<V1.Scheduler.Call, V1.Scheduler.Event>(Service, "Subscribe");
    private static readonly Method<V1.Scheduler.Call, V1.Scheduler.Response> CallMethod = Methods.Of<V1.Scheduler.Call, V1.Scheduler.Response>(Service, "Call");

    /// <summary>A client on <paramref name="channel"/>.</summary>
    public SchedulerClient(RpcChannel channel) : base(channel) { }

    /// <summary>rpc Subscribe: SUBSCRIBED, then offers, updates and heartbeats until the call ends.</summary>
    public AsyncServerStreamingCall<V1.Scheduler.Event> Subscribe(V1.Scheduler.Call call, CallOptions options = default) =>
        CallInvoker.AsyncServerStreamingCall(SubscribeMethod, options, call);

    /// <summary>rpc Call: every call but SUBSCRIBE. Send the stream id as the <c>bridge-stream-id</c> header.</summary>
    public AsyncUnaryCall<V1.Scheduler.Response> Call(V1.Scheduler.Call call, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(CallMethod, options, call);
}

/// <summary>Typed client of <c>bridge.v1.executor.Executor</c>, served by each agent on loopback.</summary>
public sealed class ExecutorClient : ClientBase
{
    private static readonly ServiceDescriptor Service = V1.Executor.ExecutorReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Executor");
    private static readonly Method<V1.Executor.Call, V1.Executor.Event> SubscribeMethod = Methods.Of<V1.Executor.Call, V1.Executor.Event>(Service, "Subscribe");
    private static readonly Method<V1.Executor.Call, V1.Executor.Response> CallMethod = Methods.Of<V1.Executor.Call, V1.Executor.Response>(Service, "Call");

    /// <summary>A client on <paramref name="channel"/>.</summary>
    public ExecutorClient(RpcChannel channel) : base(channel) { }

    /// <summary>rpc Subscribe: SUBSCRIBED, then LAUNCH/KILL/ACKNOWLEDGED/MESSAGE/SHUTDOWN.</summary>
    public AsyncServerStreamingCall<V1.Executor.Event> Subscribe(V1.Executor.Call call, CallOptions options = default) =>
        CallInvoker.AsyncServerStreamingCall(SubscribeMethod, options, call);

    /// <summary>rpc Call: UPDATE and MESSAGE.</summary>
    public AsyncUnaryCall<V1.Executor.Response> Call(V1.Executor.Call call, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(CallMethod, options, call);
}

/// <summary>Typed client of <c>bridge.v1.agent.AgentMaster</c>: the agent's one stream to its master.</summary>
public sealed class AgentMasterClient : ClientBase
{
    private static readonly ServiceDescriptor Service = V1.Agent.AgentReflection.Descriptor.FindTypeByName<ServiceDescriptor>("AgentMaster");
    private static readonly Method<V1.Agent.AgentMessage, V1.Agent.MasterMessage> ConnectMethod = Methods.Of<V1.Agent.AgentMessage, V1.Agent.MasterMessage>(Service, "Connect");

    /// <summary>A client on <paramref name="channel"/>.</summary>
    public AgentMasterClient(RpcChannel channel) : base(channel) { }

    /// <summary>rpc Connect: send REGISTER or REREGISTER first.</summary>
    public AsyncDuplexStreamingCall<V1.Agent.AgentMessage, V1.Agent.MasterMessage> Connect(CallOptions options = default) =>
        CallInvoker.AsyncDuplexStreamingCall(ConnectMethod, options);
}

/// <summary>Typed client of <c>bridge.v1.operator.Operator</c>.</summary>
public sealed class OperatorClient : ClientBase
{
    private static readonly ServiceDescriptor Service = V1.Operator.OperatorReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Operator");
    private static readonly Method<V1.Operator.Call, V1.Operator.Response> CallMethod = Methods.Of<V1.Operator.Call, V1.Operator.Response>(Service, "Call");
    private static readonly Method<V1.Operator.Call, V1.Operator.Event> SubscribeMethod = Methods.Of<V1.Operator.Call, V1.Operator.Event>(Service, "Subscribe");

    /// <summary>A client on <paramref name="channel"/>.</summary>
    public OperatorClient(RpcChannel channel) : base(channel) { }

    /// <summary>rpc Call: state queries, quota, weights, reservations.</summary>
    public AsyncUnaryCall<V1.Operator.Response> Call(V1.Operator.Call call, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(CallMethod, options, call);

    /// <summary>rpc Subscribe: SUBSCRIBED with the whole state, then every change.</summary>
    public AsyncServerStreamingCall<V1.Operator.Event> Subscribe(V1.Operator.Call call, CallOptions options = default) =>
        CallInvoker.AsyncServerStreamingCall(SubscribeMethod, options, call);
}

internal static class Methods
{
    public static Method<TRequest, TResponse> Of<TRequest, TResponse>(ServiceDescriptor service, string name)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        Method<TRequest, TResponse>.FromDescriptor(service.FindMethodByName(name));
}

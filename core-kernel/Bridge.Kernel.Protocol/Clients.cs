using Bridge.Rpc;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Bridge.Kernel.Protocol;

/// <summary>
/// A client of the kernel's Mesos-style services, which all have the same two rpcs:
/// <c>Subscribe(Call) returns (stream Event)</c> and <c>Call(Call) returns (Response)</c>.
/// </summary>
/// <typeparam name="TCall">The service's Call message.</typeparam>
/// <typeparam name="TEvent">The service's Event message.</typeparam>
/// <typeparam name="TResponse">The service's Response message.</typeparam>
public abstract class CallAndSubscribeClient<TCall, TEvent, TResponse> : ClientBase
    where TCall : class, IMessage<TCall>
    where TEvent : class, IMessage<TEvent>
    where TResponse : class, IMessage<TResponse>
{
    private readonly Method<TCall, TEvent> _subscribe;
    private readonly Method<TCall, TResponse> _call;

    /// <summary>A client of <paramref name="service"/> on <paramref name="channel"/>.</summary>
    protected CallAndSubscribeClient(RpcChannel channel, ServiceDescriptor service) : base(channel)
    {
        _subscribe = Method<TCall, TEvent>.FromDescriptor(service.FindMethodByName("Subscribe"));
        _call = Method<TCall, TResponse>.FromDescriptor(service.FindMethodByName("Call"));
    }

    /// <summary>rpc Subscribe: events until the call ends.</summary>
    public AsyncServerStreamingCall<TEvent> Subscribe(TCall call, CallOptions options = default) =>
        CallInvoker.AsyncServerStreamingCall(_subscribe, options, call);

    /// <summary>rpc Call.</summary>
    public AsyncUnaryCall<TResponse> Call(TCall call, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(_call, options, call);
}

/// <summary>Typed client of <c>bridge.v1.scheduler.Scheduler</c> (core-kernel/proto/bridge/v1/scheduler.proto).
/// <c>Subscribe</c> takes SUBSCRIBE; <c>Call</c> every other call, with the stream id in the <c>bridge-stream-id</c> header.</summary>
public sealed class SchedulerClient(RpcChannel channel)
    : CallAndSubscribeClient<V1.Scheduler.Call, V1.Scheduler.Event, V1.Scheduler.Response>(
        channel, V1.Scheduler.SchedulerReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Scheduler"));

/// <summary>Typed client of <c>bridge.v1.executor.Executor</c>, served by each agent on loopback.
/// <c>Subscribe</c> takes SUBSCRIBE; <c>Call</c> UPDATE and MESSAGE.</summary>
public sealed class ExecutorClient(RpcChannel channel)
    : CallAndSubscribeClient<V1.Executor.Call, V1.Executor.Event, V1.Executor.Response>(
        channel, V1.Executor.ExecutorReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Executor"));

/// <summary>Typed client of <c>bridge.v1.operator.Operator</c>: <c>Call</c> for state, quota, weights and
/// reservations; <c>Subscribe</c> for SUBSCRIBED with the whole state, then every change.</summary>
public sealed class OperatorClient(RpcChannel channel)
    : CallAndSubscribeClient<V1.Operator.Call, V1.Operator.Event, V1.Operator.Response>(
        channel, V1.Operator.OperatorReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Operator"));

/// <summary>Typed client of <c>bridge.v1.agent.AgentMaster</c>: the agent's one stream to its master.</summary>
public sealed class AgentMasterClient(RpcChannel channel) : ClientBase(channel)
{
    private static readonly Method<V1.Agent.AgentMessage, V1.Agent.MasterMessage> ConnectMethod =
        Method<V1.Agent.AgentMessage, V1.Agent.MasterMessage>.FromDescriptor(
            V1.Agent.AgentReflection.Descriptor.FindTypeByName<ServiceDescriptor>("AgentMaster").FindMethodByName("Connect"));

    /// <summary>rpc Connect: send REGISTER or REREGISTER first.</summary>
    public AsyncDuplexStreamingCall<V1.Agent.AgentMessage, V1.Agent.MasterMessage> Connect(CallOptions options = default) =>
        CallInvoker.AsyncDuplexStreamingCall(ConnectMethod, options);
}

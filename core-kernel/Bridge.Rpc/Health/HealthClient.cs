using Google.Protobuf.Reflection;

namespace Bridge.Rpc.Health;

/// <summary>Typed client of <c>grpc.health.v1.Health</c>.</summary>
public sealed class HealthClient : ClientBase
{
    private static readonly ServiceDescriptor Service = HealthReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Health");
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> CheckMethod =
        Method<HealthCheckRequest, HealthCheckResponse>.FromDescriptor(Service.FindMethodByName("Check"));
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> WatchMethod =
        Method<HealthCheckRequest, HealthCheckResponse>.FromDescriptor(Service.FindMethodByName("Watch"));

    /// <summary>A client on <paramref name="channel"/>.</summary>
    public HealthClient(RpcChannel channel) : base(channel) { }

    /// <summary>rpc Check. Faults with <see cref="RpcException"/> (NOT_FOUND for an unknown service).</summary>
    public AsyncUnaryCall<HealthCheckResponse> Check(HealthCheckRequest request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(CheckMethod, options, request);

    /// <summary>rpc Watch: the status now and on every change.</summary>
    public AsyncServerStreamingCall<HealthCheckResponse> Watch(HealthCheckRequest request, CallOptions options = default) =>
        CallInvoker.AsyncServerStreamingCall(WatchMethod, options, request);
}

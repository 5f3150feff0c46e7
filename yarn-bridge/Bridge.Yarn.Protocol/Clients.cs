using Bridge.Rpc;
using Bridge.Yarn.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Bridge.Yarn.Protocol;

/// <summary>Builds the <see cref="Method{TRequest,TResponse}"/> of an rpc from its service's descriptor.</summary>
internal static class YarnMethods
{
    public static Method<TRequest, TResponse> Of<TRequest, TResponse>(ServiceDescriptor service, string name)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        Method<TRequest, TResponse>.FromDescriptor(service.FindMethodByName(name));
}

/// <summary>Typed client of <c>bridge.yarn.v1.ApplicationClientProtocol</c> (applicationclient_protocol.proto):
/// submit, watch and kill applications. The submitting user goes in the <c>yarn-user</c> header (see <see cref="ForUser"/>).</summary>
public sealed class ApplicationClientProtocolClient(RpcChannel channel) : ClientBase(channel)
{
    private static readonly ServiceDescriptor Service =
        ApplicationclientProtocolReflection.Descriptor.FindTypeByName<ServiceDescriptor>("ApplicationClientProtocol");
    private static readonly Method<GetNewApplicationRequestProto, GetNewApplicationResponseProto> GetNewApplicationMethod = YarnMethods.Of<GetNewApplicationRequestProto, GetNewApplicationResponseProto>(Service, "GetNewApplication");
    private static readonly Method<SubmitApplicationRequestProto, SubmitApplicationResponseProto> SubmitApplicationMethod = YarnMethods.Of<SubmitApplicationRequestProto, SubmitApplicationResponseProto>(Service, "SubmitApplication");
    private static readonly Method<KillApplicationRequestProto, KillApplicationResponseProto> ForceKillApplicationMethod = YarnMethods.Of<KillApplicationRequestProto, KillApplicationResponseProto>(Service, "ForceKillApplication");
    private static readonly Method<GetApplicationReportRequestProto, GetApplicationReportResponseProto> GetApplicationReportMethod = YarnMethods.Of<GetApplicationReportRequestProto, GetApplicationReportResponseProto>(Service, "GetApplicationReport");
    private static readonly Method<GetClusterMetricsRequestProto, GetClusterMetricsResponseProto> GetClusterMetricsMethod = YarnMethods.Of<GetClusterMetricsRequestProto, GetClusterMetricsResponseProto>(Service, "GetClusterMetrics");

    /// <summary>Call options carrying <paramref name="user"/> as the submitting user.</summary>
    public static CallOptions ForUser(string user) => new(Headers: new Metadata { { YarnEnvironment.UserHeader, user } });

    /// <summary>rpc GetNewApplication: a fresh application id and the largest container allowed.</summary>
    public AsyncUnaryCall<GetNewApplicationResponseProto> GetNewApplication(GetNewApplicationRequestProto request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(GetNewApplicationMethod, options, request);

    /// <summary>rpc SubmitApplication; the response lists fields not honoured.</summary>
    public AsyncUnaryCall<SubmitApplicationResponseProto> SubmitApplication(SubmitApplicationRequestProto request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(SubmitApplicationMethod, options, request);

    /// <summary>rpc ForceKillApplication.</summary>
    public AsyncUnaryCall<KillApplicationResponseProto> ForceKillApplication(KillApplicationRequestProto request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(ForceKillApplicationMethod, options, request);

    /// <summary>rpc GetApplicationReport.</summary>
    public AsyncUnaryCall<GetApplicationReportResponseProto> GetApplicationReport(GetApplicationReportRequestProto request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(GetApplicationReportMethod, options, request);

    /// <summary>rpc GetClusterMetrics.</summary>
    public AsyncUnaryCall<GetClusterMetricsResponseProto> GetClusterMetrics(GetClusterMetricsRequestProto request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(GetClusterMetricsMethod, options, request);
}

/// <summary>
/// Typed client of <c>bridge.yarn.v1.ApplicationMasterProtocol</c> (applicationmaster_protocol.proto) for one
/// attempt: every call carries <paramref name="amRmToken"/> (the AM container's <c>YARN_AMRM_TOKEN</c>) in the
/// <c>yarn-amrm-token</c> header, added to any headers the call's options have.
/// </summary>
public sealed class ApplicationMasterProtocolClient(RpcChannel channel, string amRmToken) : ClientBase(channel)
{
    private static readonly ServiceDescriptor Service =
        ApplicationmasterProtocolReflection.Descriptor.FindTypeByName<ServiceDescriptor>("ApplicationMasterProtocol");
    private static readonly Method<RegisterApplicationMasterRequestProto, RegisterApplicationMasterResponseProto> RegisterMethod = YarnMethods.Of<RegisterApplicationMasterRequestProto, RegisterApplicationMasterResponseProto>(Service, "RegisterApplicationMaster");
    private static readonly Method<AllocateRequestProto, AllocateResponseProto> AllocateMethod = YarnMethods.Of<AllocateRequestProto, AllocateResponseProto>(Service, "Allocate");
    private static readonly Method<FinishApplicationMasterRequestProto, FinishApplicationMasterResponseProto> FinishMethod = YarnMethods.Of<FinishApplicationMasterRequestProto, FinishApplicationMasterResponseProto>(Service, "FinishApplicationMaster");

    /// <summary>rpc RegisterApplicationMaster.</summary>
    public AsyncUnaryCall<RegisterApplicationMasterResponseProto> RegisterApplicationMaster(RegisterApplicationMasterRequestProto request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(RegisterMethod, WithToken(options), request);

    /// <summary>rpc Allocate: the AM's heartbeat (asks, releases, progress; allocated and completed containers back).</summary>
    public AsyncUnaryCall<AllocateResponseProto> Allocate(AllocateRequestProto request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(AllocateMethod, WithToken(options), request);

    /// <summary>rpc FinishApplicationMaster.</summary>
    public AsyncUnaryCall<FinishApplicationMasterResponseProto> FinishApplicationMaster(FinishApplicationMasterRequestProto request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(FinishMethod, WithToken(options), request);

    private CallOptions WithToken(CallOptions options)
    {
        var headers = new Metadata();
        foreach (var e in options.Headers ?? []) headers.Add(e);
        headers.Add(YarnEnvironment.AmRmTokenHeader, amRmToken);
        return options with { Headers = headers };
    }
}

/// <summary>Typed client of <c>bridge.yarn.v1.ResourceTracker</c> (ResourceTracker.proto): a NodeManager's registration and heartbeats.</summary>
public sealed class ResourceTrackerClient(RpcChannel channel) : ClientBase(channel)
{
    private static readonly ServiceDescriptor Service =
        ResourceTrackerReflection.Descriptor.FindTypeByName<ServiceDescriptor>("ResourceTracker");
    private static readonly Method<RegisterNodeManagerRequestProto, RegisterNodeManagerResponseProto> RegisterMethod = YarnMethods.Of<RegisterNodeManagerRequestProto, RegisterNodeManagerResponseProto>(Service, "RegisterNodeManager");
    private static readonly Method<NodeHeartbeatRequestProto, NodeHeartbeatResponseProto> HeartbeatMethod = YarnMethods.Of<NodeHeartbeatRequestProto, NodeHeartbeatResponseProto>(Service, "NodeHeartbeat");

    /// <summary>rpc RegisterNodeManager.</summary>
    public AsyncUnaryCall<RegisterNodeManagerResponseProto> RegisterNodeManager(RegisterNodeManagerRequestProto request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(RegisterMethod, options, request);

    /// <summary>rpc NodeHeartbeat: container statuses in; containers to launch and to clean up, and what to do, out.</summary>
    public AsyncUnaryCall<NodeHeartbeatResponseProto> NodeHeartbeat(NodeHeartbeatRequestProto request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(HeartbeatMethod, options, request);
}

/// <summary>Typed client of <c>bridge.yarn.v1.ContainerManagementProtocol</c> (containermanagement_protocol.proto),
/// served by each NodeManager at its NodeId.</summary>
public sealed class ContainerManagementProtocolClient(RpcChannel channel) : ClientBase(channel)
{
    private static readonly ServiceDescriptor Service =
        ContainermanagementProtocolReflection.Descriptor.FindTypeByName<ServiceDescriptor>("ContainerManagementProtocol");
    private static readonly Method<StartContainersRequestProto, StartContainersResponseProto> StartMethod = YarnMethods.Of<StartContainersRequestProto, StartContainersResponseProto>(Service, "StartContainers");
    private static readonly Method<StopContainersRequestProto, StopContainersResponseProto> StopMethod = YarnMethods.Of<StopContainersRequestProto, StopContainersResponseProto>(Service, "StopContainers");
    private static readonly Method<GetContainerStatusesRequestProto, GetContainerStatusesResponseProto> StatusesMethod = YarnMethods.Of<GetContainerStatusesRequestProto, GetContainerStatusesResponseProto>(Service, "GetContainerStatuses");

    /// <summary>rpc StartContainers: each container with its token and launch context; answered per container.</summary>
    public AsyncUnaryCall<StartContainersResponseProto> StartContainers(StartContainersRequestProto request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(StartMethod, options, request);

    /// <summary>rpc StopContainers; answered per container.</summary>
    public AsyncUnaryCall<StopContainersResponseProto> StopContainers(StopContainersRequestProto request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(StopMethod, options, request);

    /// <summary>rpc GetContainerStatuses; answered per container.</summary>
    public AsyncUnaryCall<GetContainerStatusesResponseProto> GetContainerStatuses(GetContainerStatusesRequestProto request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(StatusesMethod, options, request);
}

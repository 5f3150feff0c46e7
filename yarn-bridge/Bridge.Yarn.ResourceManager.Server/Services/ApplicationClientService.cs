using Bridge.Rpc;
using Bridge.Yarn.Protocol;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.V1;
using Google.Protobuf.Reflection;

namespace Bridge.Yarn.ResourceManager.Server.Services;

/// <summary>
/// <c>bridge.yarn.v1.ApplicationClientProtocol</c> (applicationclient_protocol.proto): clients get application ids,
/// submit, kill and watch applications. The submitting user is the <c>yarn-user</c> header (default <c>dr.who</c>).
/// INVALID_ARGUMENT for a malformed or refused submission (the message names the field), NOT_FOUND for an unknown
/// application.
/// </summary>
public sealed class ApplicationClientService(EmbeddedResourceManager rm)
    : ServiceBase(ApplicationclientProtocolReflection.Descriptor.FindTypeByName<ServiceDescriptor>("ApplicationClientProtocol"))
{
    /// <summary>rpc GetNewApplication.</summary>
    public Task<GetNewApplicationResponseProto> GetNewApplication(GetNewApplicationRequestProto request, ServerCallContext context) => RpcCalls.Map(async () =>
    {
        var (id, max) = await rm.NewApplicationAsync();
        return new GetNewApplicationResponseProto { ApplicationId = id.ToProto(), MaximumCapability = max.ToProto() };
    });

    /// <summary>rpc SubmitApplication; fields not honoured are listed in the response's unsupported_fields.</summary>
    public Task<SubmitApplicationResponseProto> SubmitApplication(SubmitApplicationRequestProto request, ServerCallContext context) => RpcCalls.Map(async () =>
    {
        var user = context.RequestHeaders.GetValue(YarnEnvironment.UserHeader) is { Length: > 0 } u ? u : YarnEnvironment.DefaultUser;
        var submission = request.ApplicationSubmissionContext.ToRecord(user, "application_submission_context");
        YarnErrors.ThrowIfFailed(await rm.SubmitAsync(submission));
        var response = new SubmitApplicationResponseProto();
        response.UnsupportedFields.AddRange(submission.Unsupported);
        return response;
    });

    /// <summary>rpc ForceKillApplication: is_kill_completed is true once the application is in a final state (at once here).</summary>
    public Task<KillApplicationResponseProto> ForceKillApplication(KillApplicationRequestProto request, ServerCallContext context) => RpcCalls.Map(async () =>
    {
        var id = request.ApplicationId.ToRecord("application_id");
        var (status, state) = await rm.KillAsync(id, request.HasDiagnostics ? request.Diagnostics : null);
        YarnErrors.ThrowIfFailed(status);
        return new KillApplicationResponseProto { IsKillCompleted = state is RmAppState.Finished or RmAppState.Failed or RmAppState.Killed };
    });

    /// <summary>rpc GetApplicationReport: NOT_FOUND with Hadoop's message for an unknown application.</summary>
    public Task<GetApplicationReportResponseProto> GetApplicationReport(GetApplicationReportRequestProto request, ServerCallContext context) => RpcCalls.Map(async () =>
    {
        var id = request.ApplicationId.ToRecord("application_id");
        var view = await rm.ApplicationAsync(id)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"Application with id '{id}' doesn't exist in RM."));
        var report = view.Report.ToProto(view.Tags, view.AmRpcPort);
        report.AppResourceUsage.MemorySeconds = view.MemorySeconds;
        report.AppResourceUsage.VcoreSeconds = view.VcoreSeconds;
        return new GetApplicationReportResponseProto { ApplicationReport = report };
    });

    /// <summary>rpc GetClusterMetrics: NodeManager counts.</summary>
    public Task<GetClusterMetricsResponseProto> GetClusterMetrics(GetClusterMetricsRequestProto request, ServerCallContext context) => RpcCalls.Map(async () =>
        new GetClusterMetricsResponseProto { ClusterMetrics = (await rm.MetricsAsync()).ToProto() });
}

using Bridge.Rpc;
using Bridge.Yarn.Protocol;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.Protocol.Security;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;
using Google.Protobuf.Reflection;

namespace Bridge.Yarn.ResourceManager.Server.Services;

/// <summary>
/// <c>bridge.yarn.v1.ApplicationMasterProtocol</c> (applicationmaster_protocol.proto). Every call names its attempt by
/// the AM token in the <c>yarn-amrm-token</c> header: missing, malformed or not signed by this ResourceManager is
/// UNAUTHENTICATED. Then: NOT_FOUND (not the application's current attempt), FAILED_PRECONDITION (allocate or finish
/// before register, or after the attempt ended), ALREADY_EXISTS (second register), ABORTED (allocate out of sync:
/// register again), INVALID_ARGUMENT (a malformed or refused ask or release, named).
/// </summary>
public sealed class ApplicationMasterService(EmbeddedResourceManager rm)
    : ServiceBase(ApplicationmasterProtocolReflection.Descriptor.FindTypeByName<ServiceDescriptor>("ApplicationMasterProtocol"))
{
    /// <summary>rpc RegisterApplicationMaster: rpc_port absent is -1 (none).</summary>
    public Task<RegisterApplicationMasterResponseProto> RegisterApplicationMaster(RegisterApplicationMasterRequestProto request, ServerCallContext context) => RpcCalls.Map(async () =>
    {
        var attempt = Authenticate(context);
        if (request.HasRpcPort && request.RpcPort is < -1 or > 65535)
            throw new InvalidMessageException("rpc_port", $"{request.RpcPort} is not a port (0 to 65535, or -1 for none)");
        var result = await rm.RegisterApplicationMasterAsync(attempt, request.Host, request.HasRpcPort ? request.RpcPort : -1, request.TrackingUrl);
        YarnErrors.ThrowIfFailed(result.Status);
        return result.ToProto();
    });

    /// <summary>rpc Allocate.</summary>
    public Task<AllocateResponseProto> Allocate(AllocateRequestProto request, ServerCallContext context) => RpcCalls.Map(async () =>
    {
        var attempt = Authenticate(context);
        var (status, response) = await rm.AllocateAsync(request.ToRecord(attempt));
        YarnErrors.ThrowIfFailed(status);
        return response!;
    });

    /// <summary>rpc FinishApplicationMaster: isUnregistered true once accepted.</summary>
    public Task<FinishApplicationMasterResponseProto> FinishApplicationMaster(FinishApplicationMasterRequestProto request, ServerCallContext context) => RpcCalls.Map(async () =>
    {
        var attempt = Authenticate(context);
        var final = request.FinalApplicationStatus.ToRecord("final_application_status");
        YarnErrors.ThrowIfFailed(await rm.FinishApplicationMasterAsync(attempt, final, request.Diagnostics, request.TrackingUrl));
        return new FinishApplicationMasterResponseProto { IsUnregistered = true };
    });

    private ApplicationAttemptId Authenticate(ServerCallContext context)
    {
        var token = context.RequestHeaders.GetValue(YarnEnvironment.AmRmTokenHeader);
        if (rm.VerifyAmToken(token, out var attempt, out var message) != TokenProblem.None)
            throw new RpcException(new Status(StatusCode.Unauthenticated, message));
        return attempt;
    }
}

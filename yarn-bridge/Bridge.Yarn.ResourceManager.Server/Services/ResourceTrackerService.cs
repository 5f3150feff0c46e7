using Bridge.Rpc;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.V1;
using Google.Protobuf.Reflection;

namespace Bridge.Yarn.ResourceManager.Server.Services;

/// <summary>
/// <c>bridge.yarn.v1.ResourceTracker</c> (ResourceTracker.proto): NodeManagers register and heartbeat. An unknown or
/// lost NodeManager's heartbeat is answered with nodeAction RESYNC (and a diagnostic), a decommissioned one's with
/// SHUTDOWN, as Hadoop does; a malformed request is INVALID_ARGUMENT naming the field.
/// </summary>
public sealed class ResourceTrackerService(EmbeddedResourceManager rm)
    : ServiceBase(ResourceTrackerReflection.Descriptor.FindTypeByName<ServiceDescriptor>("ResourceTracker"))
{
    /// <summary>rpc RegisterNodeManager.</summary>
    public Task<RegisterNodeManagerResponseProto> RegisterNodeManager(RegisterNodeManagerRequestProto request, ServerCallContext context) =>
        RpcCalls.Map(() => rm.RegisterNodeManagerAsync(request.ToRecord()));

    /// <summary>rpc NodeHeartbeat.</summary>
    public Task<NodeHeartbeatResponseProto> NodeHeartbeat(NodeHeartbeatRequestProto request, ServerCallContext context) =>
        RpcCalls.Map(() => rm.NodeHeartbeatAsync(request.ToRecord(), request.NodeStatus.ResponseId));
}

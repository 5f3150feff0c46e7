using Bridge.Rpc;
using Bridge.Yarn.NodeManager.Containers;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;
using Google.Protobuf.Reflection;

namespace Bridge.Yarn.NodeManager.Rpc;

/// <summary>
/// <c>bridge.yarn.v1.ContainerManagementProtocol</c> (containermanagement_protocol.proto) served by a NodeManager:
/// ApplicationMasters start, stop and query their containers. Bulk calls answer per container (succeeded_requests,
/// failed_requests with Hadoop's exception class and message), the call itself succeeding; a start request whose
/// token does not even name a container fails the whole call with INVALID_ARGUMENT naming the request; a malformed
/// container id likewise.
/// </summary>
public sealed class ContainerManagementService(NodeManagerService nodeManager)
    : ServiceBase(ContainermanagementProtocolReflection.Descriptor.FindTypeByName<ServiceDescriptor>("ContainerManagementProtocol"))
{
    /// <summary>rpc StartContainers.</summary>
    public Task<StartContainersResponseProto> StartContainers(StartContainersRequestProto request, ServerCallContext context)
    {
        var outcomes = nodeManager.StartContainers(request.StartContainerRequest);
        var response = new StartContainersResponseProto();
        for (var i = 0; i < outcomes.Count; i++)
        {
            var o = outcomes[i];
            if (o.ContainerId is not { } id)
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"start_container_request[{i}].container_token: {o.Message}"));
            if (o.Succeeded) response.SucceededRequests.Add(id.ToProto());
            else response.FailedRequests.Add(Failure(id, o));
        }
        return Task.FromResult(response);
    }

    /// <summary>rpc StopContainers: the ApplicationMaster's stop (exit status KILLED_BY_APPMASTER, -105).</summary>
    public Task<StopContainersResponseProto> StopContainers(StopContainersRequestProto request, ServerCallContext context)
    {
        var ids = Ids(request.ContainerId, "container_id");
        var response = new StopContainersResponseProto();
        foreach (var o in nodeManager.StopContainers(ids, StopRequester.ApplicationMaster))
        {
            if (o.Succeeded) response.SucceededRequests.Add(o.ContainerId!.Value.ToProto());
            else response.FailedRequests.Add(Failure(o.ContainerId!.Value, o));
        }
        return Task.FromResult(response);
    }

    /// <summary>rpc GetContainerStatuses: a container this node does not know is a failed request.</summary>
    public Task<GetContainerStatusesResponseProto> GetContainerStatuses(GetContainerStatusesRequestProto request, ServerCallContext context)
    {
        var response = new GetContainerStatusesResponseProto();
        foreach (var (id, status) in nodeManager.GetContainerStatuses(Ids(request.ContainerId, "container_id")))
        {
            if (status is { } s) response.Status.Add(s.ToProto(nodeManager.Containers.FirstOrDefault(c => c.Id == id)?.Resource));
            else response.FailedRequests.Add(Failure(id, new ContainerRequestOutcome(id, false,
                $"Container {id} is not handled by this NodeManager", ContainerRequestOutcome.YarnException)));
        }
        return Task.FromResult(response);
    }

    private static List<ContainerId> Ids(IList<ContainerIdProto> protos, string field)
    {
        try
        {
            return protos.Select((p, i) => p.ToRecord($"{field}[{i}]")).ToList();
        }
        catch (Protocol.InvalidMessageException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
    }

    private static ContainerExceptionMapProto Failure(ContainerId id, ContainerRequestOutcome outcome) => new()
    {
        ContainerId = id.ToProto(),
        Exception = new SerializedExceptionProto { Message = outcome.Message, ClassName = outcome.ExceptionClass },
    };
}

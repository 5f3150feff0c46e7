using System.Collections.Concurrent;
using Bridge.Rpc;
using Bridge.Yarn.Protocol;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.Client;

/// <summary>
/// An ApplicationMaster's client of the NodeManagers' <c>ContainerManagementProtocol</c> (Hadoop's NMClient): starts and
/// stops containers on the node each was allocated on, dialling the container's NodeId (<c>http://host:port</c>), with
/// the container token the ResourceManager issued. One channel per node, kept.
/// </summary>
public sealed class NmClient : IDisposable
{
    // Lazy: concurrent starts on a new node make one channel, not one each.
    private readonly ConcurrentDictionary<NodeId, Lazy<(RpcChannel Channel, ContainerManagementProtocolClient Client)>> _nodes = new();

    /// <summary>Starts <paramref name="container"/> with <paramref name="context"/>.</summary>
    /// <returns>Null when started, else why not (the NodeManager's failed_requests message, or an RPC failure).</returns>
    public async Task<string?> StartAsync(ContainerProto container, ContainerLaunchContext context, CancellationToken cancellationToken = default)
    {
        var id = container.Id.ToRecord("id");
        var request = new StartContainersRequestProto();
        request.StartContainerRequest.Add(new StartContainerRequestProto { ContainerToken = container.ContainerToken, ContainerLaunchContext = context.ToProto() });
        try
        {
            var response = await Node(container.NodeId.ToRecord("nodeId")).StartContainers(request, new CallOptions(CancellationToken: cancellationToken));
            if (response.SucceededRequests.Any(s => s.ToRecord("succeeded_requests") == id)) return null;
            var failure = response.FailedRequests.FirstOrDefault();
            return failure is null ? $"NodeManager did not answer for {id}" : $"{failure.Exception.ClassName}: {failure.Exception.Message}";
        }
        catch (RpcException e)
        {
            return $"NodeManager {container.NodeId.Host}:{container.NodeId.Port} failed the call: {e.StatusCode} {e.Status.Detail}";
        }
    }

    /// <summary>Stops <paramref name="container"/> (exit status KILLED_BY_APPMASTER).</summary>
    /// <returns>Null when the stop was sent, else why not.</returns>
    public async Task<string?> StopAsync(ContainerId container, NodeId node, CancellationToken cancellationToken = default)
    {
        var request = new StopContainersRequestProto();
        request.ContainerId.Add(container.ToProto());
        try
        {
            var response = await Node(node).StopContainers(request, new CallOptions(CancellationToken: cancellationToken));
            return response.FailedRequests.FirstOrDefault() is { } f ? f.Exception.Message : null;
        }
        catch (RpcException e)
        {
            return $"NodeManager {node} failed the call: {e.StatusCode} {e.Status.Detail}";
        }
    }

    private ContainerManagementProtocolClient Node(NodeId node) =>
        _nodes.GetOrAdd(node, n => new Lazy<(RpcChannel, ContainerManagementProtocolClient)>(() =>
        {
            var channel = RpcChannel.ForAddress(new Uri($"http://{n.Host}:{n.Port}"));
            return (channel, new ContainerManagementProtocolClient(channel));
        })).Value.Client;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var node in _nodes.Values.Where(n => n.IsValueCreated)) node.Value.Channel.Dispose();
        _nodes.Clear();
    }
}

using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.ResourceManager.Server;

public sealed partial class EmbeddedResourceManager
{
    /// <summary>The version string NodeManagers are told (<c>rm_version</c>) and the REST API shows.</summary>
    public const string Version = "0.1.0-bridge";

    /// <summary>
    /// A NodeManager registers (Hadoop's <c>registerNodeManager</c>): the answer carries the container token key, the
    /// RM's identifier (cluster timestamp) and the capability taken. AM containers that were waiting for a
    /// re-registering NodeManager are dropped (the core ends the containers it no longer runs as ABORTED and the
    /// attempt starts again).
    /// </summary>
    public Task<RegisterNodeManagerResponseProto> RegisterNodeManagerAsync(NodeRegistration registration) => _loop.Run(() =>
    {
        var status = _core.RegisterNode(registration, _clock.GetUtcNow());
        var response = new RegisterNodeManagerResponseProto { RmIdentifier = ClusterTimestamp, RmVersion = Version };
        if (!status.IsOk)
        {
            response.NodeAction = NodeActionProto.Shutdown;
            response.DiagnosticsMessage = status.Message;
            return response;
        }
        _nodes[registration.NodeId] = new NodeShell(registration.HttpAddress);
        LogNodeRegistered(registration.NodeId, registration.Capability);
        response.NodeAction = NodeActionProto.Normal;
        response.ContainerTokenMasterKey = ContainerKey.ToProto();
        response.Resource = registration.Capability.ToProto();
        return response;
    });

    /// <summary>
    /// A NodeManager's heartbeat (Hadoop's <c>nodeHeartbeat</c>): the core takes its container statuses and allocates on
    /// it; the answer carries the containers to clean up, the AM containers to launch (each with its launch context and
    /// token; none that is also being cleaned up), what to do next, and the next heartbeat interval.
    /// </summary>
    /// <param name="heartbeat">The statuses.</param>
    /// <param name="lastResponseId">The node's last response_id; the answer's is one more (not checked: the core keeps no NodeManager response ids).</param>
    public Task<NodeHeartbeatResponseProto> NodeHeartbeatAsync(NodeHeartbeat heartbeat, int lastResponseId) => _loop.Run(() =>
    {
        var now = _clock.GetUtcNow();
        var result = _core.NodeHeartbeat(heartbeat, now);
        var response = new NodeHeartbeatResponseProto
        {
            ResponseId = lastResponseId + 1,
            NodeAction = result.Action.ToProto(),
            NextHeartBeatInterval = (long)_options.NodeHeartbeatInterval.TotalMilliseconds,
        };
        if (!result.Status.IsOk) response.DiagnosticsMessage = result.Status.Message;
        response.ContainersToCleanup.AddRange(result.ContainersToCleanup.Select(c => c.ToProto()));
        QueueAmLaunches(result.Allocated, now);
        if (_nodes.TryGetValue(heartbeat.NodeId, out var node))
        {
            var cleanup = result.ContainersToCleanup.ToHashSet();
            if (result.Action == NodeAction.Normal)
                response.ContainersToLaunch.AddRange(node.ToLaunch.Where(l => !cleanup.Contains(l.Id)).Select(l => l.Request));
            node.ToLaunch.Clear();
        }
        return response;
    });
}

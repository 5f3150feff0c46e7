using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.Protocol.Conversion;

/// <summary>Converts ResourceTracker's messages (registration, heartbeat) between the wire and the core's records.</summary>
public static class NodeManagerConversion
{
    /// <summary>
    /// A registration from the wire: node_id and resource valid; http_port (0 to 65535) makes the web address
    /// <c>host:http_port</c> (absent: none); rack_name absent means the ResourceManager's default rack; containers the
    /// NodeManager lists as not C_COMPLETE are the ones it still runs (others the RM knew there end ABORTED).
    /// </summary>
    /// <exception cref="InvalidMessageException">A field is missing or invalid.</exception>
    public static NodeRegistration ToRecord(this RegisterNodeManagerRequestProto proto)
    {
        var node = proto.NodeId.ToRecord("node_id");
        var capability = proto.Resource.ToRecord("resource");
        if (proto.HasHttpPort && proto.HttpPort is < 0 or > 65535)
            throw new InvalidMessageException("http_port", $"{proto.HttpPort} is not a port (0 to 65535)");
        if (proto.HasRackName && !proto.RackName.StartsWith('/'))
            throw new InvalidMessageException("rack_name", $"'{proto.RackName}' is not a rack path (it starts with '/', e.g. /default-rack)");
        var running = new List<ContainerId>();
        for (var i = 0; i < proto.ContainerStatuses.Count; i++)
        {
            var s = proto.ContainerStatuses[i];
            var id = s.ContainerId.ToRecord($"container_statuses[{i}].container_id");
            if (s.ContainerState != ContainerStateProto.CComplete) running.Add(id);
        }
        var http = proto.HasHttpPort ? $"{node.Host}:{proto.HttpPort}" : "";
        return new NodeRegistration(node, capability, http, proto.HasRackName ? proto.RackName : null, running);
    }

    /// <summary>A registration on the wire (the web port taken from <see cref="NodeRegistration.HttpAddress"/> when it ends in <c>:port</c>).</summary>
    public static RegisterNodeManagerRequestProto ToProto(this NodeRegistration registration)
    {
        var proto = new RegisterNodeManagerRequestProto { NodeId = registration.NodeId.ToProto(), Resource = registration.Capability.ToProto() };
        if (NodeId.TryParse(registration.HttpAddress, out var http)) proto.HttpPort = http.Port;
        if (registration.Rack is not null) proto.RackName = registration.Rack;
        foreach (var c in registration.RunningContainers ?? [])
            proto.ContainerStatuses.Add(new NMContainerStatusProto { ContainerId = c.ToProto(), ContainerState = ContainerStateProto.CRunning });
        return proto;
    }

    /// <summary>A heartbeat from the wire: node_status.node_id valid and every container status valid.</summary>
    /// <exception cref="InvalidMessageException">A field is missing or invalid (<c>node_status.containersStatuses[3].state</c>).</exception>
    public static NodeHeartbeat ToRecord(this NodeHeartbeatRequestProto proto)
    {
        var status = RecordConversion.Require(proto.NodeStatus, "node_status");
        var node = status.NodeId.ToRecord("node_status.node_id");
        var statuses = status.ContainersStatuses.Select((s, i) => s.ToRecord($"node_status.containersStatuses[{i}]")).ToList();
        return new NodeHeartbeat(node, statuses);
    }

    /// <summary>A heartbeat on the wire, answering <paramref name="lastResponseId"/> (the last response's response_id).</summary>
    public static NodeHeartbeatRequestProto ToProto(this NodeHeartbeat heartbeat, int lastResponseId)
    {
        var status = new NodeStatusProto { NodeId = heartbeat.NodeId.ToProto(), ResponseId = lastResponseId };
        status.ContainersStatuses.AddRange(heartbeat.ContainerStatuses.Select(s => s.ToProto()));
        return new NodeHeartbeatRequestProto { NodeStatus = status };
    }
}

using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.Protocol.Conversion;

/// <summary>
/// Converts YARN's records (ids, resources, priorities, asks, containers, container statuses) between the wire
/// (<c>bridge.yarn.v1</c>, Hadoop's yarn_protos.proto shapes) and the ResourceManager's record types. <c>ToProto</c>
/// always succeeds; <c>ToRecord</c> validates and throws <see cref="InvalidMessageException"/> naming the field by
/// the path given (<c>field</c>) plus the wire field names below it.
/// </summary>
public static class RecordConversion
{
    /// <summary>Largest port number.</summary>
    private const int MaxPort = 65535;

    /// <summary>An application id on the wire.</summary>
    public static ApplicationIdProto ToProto(this ApplicationId id) => new() { Id = id.Id, ClusterTimestamp = id.ClusterTimestamp };

    /// <summary>An application id from the wire: both fields present, id at least 1, cluster_timestamp not negative.</summary>
    /// <exception cref="InvalidMessageException">Missing or out of range.</exception>
    public static ApplicationId ToRecord(this ApplicationIdProto? proto, string field)
    {
        var p = Require(proto, field);
        if (!p.HasId) throw new InvalidMessageException($"{field}.id", "is missing");
        if (p.Id < 1) throw new InvalidMessageException($"{field}.id", $"{p.Id} is not a sequence number (1 or more)");
        if (!p.HasClusterTimestamp) throw new InvalidMessageException($"{field}.cluster_timestamp", "is missing");
        if (p.ClusterTimestamp < 0) throw new InvalidMessageException($"{field}.cluster_timestamp", $"{p.ClusterTimestamp} is negative");
        return new ApplicationId(p.ClusterTimestamp, p.Id);
    }

    /// <summary>An attempt id on the wire.</summary>
    public static ApplicationAttemptIdProto ToProto(this ApplicationAttemptId id) =>
        new() { ApplicationId = id.ApplicationId.ToProto(), AttemptId = id.AttemptId };

    /// <summary>An attempt id from the wire: application_id valid, attemptId at least 1.</summary>
    /// <exception cref="InvalidMessageException">Missing or out of range.</exception>
    public static ApplicationAttemptId ToRecord(this ApplicationAttemptIdProto? proto, string field)
    {
        var p = Require(proto, field);
        var app = p.ApplicationId.ToRecord($"{field}.application_id");
        if (!p.HasAttemptId) throw new InvalidMessageException($"{field}.attemptId", "is missing");
        if (p.AttemptId < 1) throw new InvalidMessageException($"{field}.attemptId", $"{p.AttemptId} is not an attempt number (1 or more)");
        return new ApplicationAttemptId(app, p.AttemptId);
    }

    /// <summary>A container id on the wire: app_id, app_attempt_id, and id = epoch &lt;&lt; 40 | sequence number.</summary>
    public static ContainerIdProto ToProto(this ContainerId id) => new()
    {
        AppId = id.ApplicationAttemptId.ApplicationId.ToProto(),
        AppAttemptId = id.ApplicationAttemptId.ToProto(),
        Id = id.ContainerIdLong,
    };

    /// <summary>A container id from the wire: app_attempt_id valid, app_id (when sent) the same application, id not negative.</summary>
    /// <exception cref="InvalidMessageException">Missing, inconsistent or out of range.</exception>
    public static ContainerId ToRecord(this ContainerIdProto? proto, string field)
    {
        var p = Require(proto, field);
        var attempt = p.AppAttemptId.ToRecord($"{field}.app_attempt_id");
        if (p.AppId is not null && p.AppId.ToRecord($"{field}.app_id") != attempt.ApplicationId)
            throw new InvalidMessageException($"{field}.app_id", $"{p.AppId.ToRecord($"{field}.app_id")} is not the application of {attempt}");
        if (!p.HasId) throw new InvalidMessageException($"{field}.id", "is missing");
        if (p.Id < 0) throw new InvalidMessageException($"{field}.id", $"{p.Id} is negative");
        const long sequenceMask = (1L << 40) - 1;
        return new ContainerId(attempt, (int)(p.Id >> 40), p.Id & sequenceMask);
    }

    /// <summary>A node id on the wire.</summary>
    public static NodeIdProto ToProto(this NodeId id) => new() { Host = id.Host, Port = id.Port };

    /// <summary>A node id from the wire: host non-empty, port 0 to 65535.</summary>
    /// <exception cref="InvalidMessageException">Missing or out of range.</exception>
    public static NodeId ToRecord(this NodeIdProto? proto, string field)
    {
        var p = Require(proto, field);
        if (string.IsNullOrWhiteSpace(p.Host)) throw new InvalidMessageException($"{field}.host", "is empty");
        if (!p.HasPort) throw new InvalidMessageException($"{field}.port", "is missing");
        if (p.Port is < 0 or > MaxPort) throw new InvalidMessageException($"{field}.port", $"{p.Port} is not a port (0 to {MaxPort})");
        return new NodeId(p.Host, p.Port);
    }

    /// <summary>A resource on the wire: memory in MB, virtual_cores.</summary>
    public static ResourceProto ToProto(this Resource r) => new() { Memory = r.MemoryMb, VirtualCores = r.VCores };

    /// <summary>A resource from the wire: both fields present (a missing one is not taken as 0) and not negative.</summary>
    /// <exception cref="InvalidMessageException">Missing or negative.</exception>
    public static Resource ToRecord(this ResourceProto? proto, string field)
    {
        var p = Require(proto, field);
        if (!p.HasMemory) throw new InvalidMessageException($"{field}.memory", "is missing");
        if (p.Memory < 0) throw new InvalidMessageException($"{field}.memory", $"{p.Memory} MB is negative");
        if (!p.HasVirtualCores) throw new InvalidMessageException($"{field}.virtual_cores", "is missing");
        if (p.VirtualCores < 0) throw new InvalidMessageException($"{field}.virtual_cores", $"{p.VirtualCores} vcores is negative");
        return new Resource(p.Memory, p.VirtualCores);
    }

    /// <summary>A priority on the wire.</summary>
    public static PriorityProto ToProto(this Priority p) => new() { Priority = p.Value };

    /// <summary>A priority from the wire (any integer; lower is more important).</summary>
    /// <exception cref="InvalidMessageException">Missing.</exception>
    public static Priority ToRecord(this PriorityProto? proto, string field)
    {
        var p = Require(proto, field);
        if (!p.HasPriority) throw new InvalidMessageException($"{field}.priority", "is missing");
        return new Priority(p.Priority);
    }

    /// <summary>An ask on the wire.</summary>
    public static ResourceRequestProto ToProto(this ResourceRequest r) => new()
    {
        Priority = r.Priority.ToProto(),
        ResourceName = r.ResourceName,
        Capability = r.Capability.ToProto(),
        NumContainers = r.NumContainers,
        RelaxLocality = r.RelaxLocality,
    };

    /// <summary>
    /// An ask from the wire: priority, resource_name (a host, a rack or <c>*</c>) and capability present;
    /// num_containers not negative (absent: 0, which withdraws the ask); relax_locality absent: true (Hadoop's default).
    /// </summary>
    /// <exception cref="InvalidMessageException">Missing or out of range, or node_label_expression set (node labels are not modelled).</exception>
    public static ResourceRequest ToRecord(this ResourceRequestProto? proto, string field)
    {
        var p = Require(proto, field);
        var priority = p.Priority.ToRecord($"{field}.priority");
        if (string.IsNullOrWhiteSpace(p.ResourceName)) throw new InvalidMessageException($"{field}.resource_name", "is empty (a host, a rack or *)");
        var capability = p.Capability.ToRecord($"{field}.capability");
        if (p.NumContainers < 0) throw new InvalidMessageException($"{field}.num_containers", $"{p.NumContainers} is negative");
        if (!string.IsNullOrEmpty(p.NodeLabelExpression))
            throw new InvalidMessageException($"{field}.node_label_expression", $"'{p.NodeLabelExpression}': node labels are not supported");
        return new ResourceRequest(priority, p.ResourceName, capability, p.NumContainers, p.RelaxLocality);
    }

    /// <summary>A container on the wire, with its NodeManager's web address and its token when it has them.</summary>
    public static ContainerProto ToProto(this Container c, string nodeHttpAddress = "", TokenProto? containerToken = null)
    {
        var proto = new ContainerProto
        {
            Id = c.Id.ToProto(),
            NodeId = c.NodeId.ToProto(),
            NodeHttpAddress = nodeHttpAddress,
            Resource = c.Resource.ToProto(),
            Priority = c.Priority.ToProto(),
        };
        if (containerToken is not null) proto.ContainerToken = containerToken;
        return proto;
    }

    /// <summary>A container from the wire: id, nodeId, resource and priority valid (its web address and token are read off the message).</summary>
    /// <exception cref="InvalidMessageException">A field is missing or invalid.</exception>
    public static Container ToRecord(this ContainerProto? proto, string field)
    {
        var p = Require(proto, field);
        return new Container(p.Id.ToRecord($"{field}.id"), p.NodeId.ToRecord($"{field}.nodeId"),
            p.Resource.ToRecord($"{field}.resource"), p.Priority.ToRecord($"{field}.priority"));
    }

    /// <summary>A container status on the wire (capability when known).</summary>
    public static ContainerStatusProto ToProto(this ContainerStatus s, Resource? capability = null)
    {
        var proto = new ContainerStatusProto
        {
            ContainerId = s.ContainerId.ToProto(),
            State = s.State.ToProto(),
            Diagnostics = s.Diagnostics,
            ExitStatus = s.ExitStatus,
        };
        if (capability is { } c) proto.Capability = c.ToProto();
        return proto;
    }

    /// <summary>
    /// A container status from the wire: container_id valid, state present; exit_status is kept for C_COMPLETE
    /// (absent: -1000, INVALID) and is -1000 for any other state; C_SCHEDULED (queued on the NodeManager) reads as New.
    /// </summary>
    /// <exception cref="InvalidMessageException">A field is missing or invalid.</exception>
    public static ContainerStatus ToRecord(this ContainerStatusProto? proto, string field)
    {
        var p = Require(proto, field);
        var id = p.ContainerId.ToRecord($"{field}.container_id");
        if (!p.HasState) throw new InvalidMessageException($"{field}.state", "is missing");
        var state = p.State.ToRecord($"{field}.state");
        var exit = state == ContainerState.Complete ? p.ExitStatus : ContainerExitStatus.Invalid;
        return new ContainerStatus(id, state, exit, p.HasDiagnostics ? p.Diagnostics : "");
    }

    /// <summary>A container state on the wire.</summary>
    public static ContainerStateProto ToProto(this ContainerState s) => s switch
    {
        ContainerState.New => ContainerStateProto.CNew,
        ContainerState.Running => ContainerStateProto.CRunning,
        _ => ContainerStateProto.CComplete,
    };

    /// <summary>A container state from the wire (C_SCHEDULED reads as New).</summary>
    /// <exception cref="InvalidMessageException">Not a known value.</exception>
    public static ContainerState ToRecord(this ContainerStateProto s, string field) => s switch
    {
        ContainerStateProto.CNew or ContainerStateProto.CScheduled => ContainerState.New,
        ContainerStateProto.CRunning => ContainerState.Running,
        ContainerStateProto.CComplete => ContainerState.Complete,
        _ => throw new InvalidMessageException(field, $"{(int)s} is not a container state (C_NEW, C_RUNNING, C_COMPLETE, C_SCHEDULED)"),
    };

    /// <summary>Milliseconds since the Unix epoch, YARN's time unit on the wire.</summary>
    public static long ToEpochMs(this DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    /// <summary>Throws when a required sub-message is absent.</summary>
    /// <exception cref="InvalidMessageException"><paramref name="message"/> is null.</exception>
    internal static T Require<T>(T? message, string field) where T : class =>
        message ?? throw new InvalidMessageException(field, "is missing");
}

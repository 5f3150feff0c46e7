using Bridge.Yarn.Protocol.Security;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.NodeManager;

/// <summary>The ResourceManager's answer to a registration (Hadoop's <c>RegisterNodeManagerResponse</c>).</summary>
/// <param name="Action">NORMAL when registered; SHUTDOWN when the RM refuses the node (e.g. decommissioned).</param>
/// <param name="Diagnostics">Why it was refused, or empty.</param>
/// <param name="ContainerTokenKey">The key container tokens are signed with (Hadoop's container_token_master_key).</param>
public sealed record RegistrationAnswer(NodeAction Action, string Diagnostics, MasterKey? ContainerTokenKey);

/// <summary>The ResourceManager's answer to a heartbeat (Hadoop's <c>NodeHeartbeatResponse</c>).</summary>
/// <param name="Action">NORMAL, RESYNC (register again) or SHUTDOWN.</param>
/// <param name="ContainersToCleanup">Containers to kill (released, or of a finished or failed attempt).</param>
/// <param name="ApplicationsToCleanup">Finished applications: their containers are killed and their appcache removed.</param>
/// <param name="ContainersToLaunch">Containers the ResourceManager launches itself on this node (an ApplicationMaster's
/// container, with its token and launch context; Hadoop's AMLauncher calls <c>startContainers</c> for this).</param>
/// <param name="Diagnostics">Why a RESYNC or SHUTDOWN, or empty.</param>
/// <param name="ContainerTokenKey">A new container-token key when the ResourceManager rolled it, else null.</param>
public sealed record HeartbeatAnswer(
    NodeAction Action,
    IReadOnlyList<ContainerId> ContainersToCleanup,
    IReadOnlyList<ApplicationId> ApplicationsToCleanup,
    IReadOnlyList<StartContainerRequestProto> ContainersToLaunch,
    string Diagnostics = "",
    MasterKey? ContainerTokenKey = null);

/// <summary>
/// How a NodeManager reaches its ResourceManager (Hadoop's <c>ResourceTracker</c> protocol: registerNodeManager,
/// nodeHeartbeat). Implemented over gRPC against Bridge's embedded ResourceManager; tests use an in-process one.
/// </summary>
public interface IResourceTracker
{
    /// <summary>Registers the node (again, after a RESYNC: <see cref="NodeRegistration.RunningContainers"/> lists what still runs).</summary>
    /// <exception cref="IOException">The ResourceManager could not be reached (the NodeManager retries).</exception>
    Task<RegistrationAnswer> RegisterAsync(NodeRegistration registration, CancellationToken cancellationToken);

    /// <summary>Sends one heartbeat with every container's status.</summary>
    /// <exception cref="IOException">The ResourceManager could not be reached (the statuses ride on the next heartbeat).</exception>
    Task<HeartbeatAnswer> HeartbeatAsync(NodeHeartbeat heartbeat, CancellationToken cancellationToken);
}

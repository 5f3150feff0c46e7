using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.Protocol.Security;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.ResourceManager.Server.Tests;

/// <summary>
/// A NodeManager that runs nothing: it registers, heartbeats the statuses the test gives it, keeps what the
/// ResourceManager asks it to launch and clean up, and checks container tokens with the key it got at registration.
/// </summary>
internal sealed class SimulatedNodeManager(RmHarness rm, string host, Resource capability, int port = 8041, int httpPort = 8042, string? rack = null)
{
    private int _responseId;

    public NodeId Id { get; } = new(host, port);
    public MasterKey? ContainerKey { get; private set; }
    public List<StartContainerRequestProto> Launches { get; } = [];
    public List<ContainerId> Cleanups { get; } = [];

    public async Task<RegisterNodeManagerResponseProto> RegisterAsync()
    {
        var response = await rm.Tracker.RegisterNodeManager(new NodeRegistration(Id, capability, $"{host}:{httpPort}", rack).ToProto());
        ContainerKey = MasterKey.FromProto(response.ContainerTokenMasterKey, "container_token_master_key");
        _responseId = 0;
        return response;
    }

    /// <summary>One heartbeat with <paramref name="statuses"/>; the launches and clean-ups answered are added to the lists.</summary>
    public async Task<NodeHeartbeatResponseProto> HeartbeatAsync(params ContainerStatus[] statuses)
    {
        var response = await rm.Tracker.NodeHeartbeat(new NodeHeartbeat(Id, statuses).ToProto(_responseId));
        _responseId = response.ResponseId;
        Launches.AddRange(response.ContainersToLaunch);
        Cleanups.AddRange(response.ContainersToCleanup.Select(c => c.ToRecord("c")));
        return response;
    }

    /// <summary>Checks a container token as a real NodeManager must, and returns what it grants.</summary>
    public ContainerTokenIdentifier Verify(TokenProto token)
    {
        var problem = ContainerTokens.Verify(ContainerKey!, token, Id, rm.Clock.GetUtcNow(), out var identifier, out var message);
        Assert.True(problem == TokenProblem.None, message);
        return identifier!;
    }

    public static ContainerStatus Running(ContainerId id) => new(id, ContainerState.Running, ContainerExitStatus.Invalid, "");

    public static ContainerStatus Exited(ContainerId id, int code, string diagnostics = "") => new(id, ContainerState.Complete, code, diagnostics);
}

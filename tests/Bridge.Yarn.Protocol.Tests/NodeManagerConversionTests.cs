using Bridge.Rpc;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.ResourceManager;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.Protocol.Tests;

public class NodeManagerConversionTests
{
    private static readonly ApplicationAttemptId Attempt = new(new ApplicationId(5, 1), 1);

    [Fact]
    public void Registration_RoundTrips()
    {
        var r = new NodeRegistration(new NodeId("h1", 8041), new Resource(4096, 4), "h1:8042", "/rack-a", [new ContainerId(Attempt, 0, 1)]);

        var back = r.ToProto().ToRecord();

        Assert.Equal((r.NodeId, r.Capability, r.HttpAddress, r.Rack), (back.NodeId, back.Capability, back.HttpAddress, back.Rack));
        Assert.Equal(r.RunningContainers, back.RunningContainers);
    }

    [Fact]
    public void Registration_CompletedContainers_AreNotRunning()
    {
        var proto = new RegisterNodeManagerRequestProto { NodeId = new NodeId("h", 1).ToProto(), Resource = Resource.None.ToProto() };
        proto.ContainerStatuses.Add(new NMContainerStatusProto { ContainerId = new ContainerId(Attempt, 0, 1).ToProto(), ContainerState = ContainerStateProto.CComplete });

        var r = proto.ToRecord();

        Assert.Empty(r.RunningContainers!);
        Assert.Null(r.Rack);
        Assert.Equal("", r.HttpAddress);
        Assert.Equal(Resource.None, r.Capability);
    }

    [Theory]
    [InlineData("node", "node_id: is missing")]
    [InlineData("port", "http_port: 70000 is not a port (0 to 65535)")]
    [InlineData("rack", "rack_name: 'rack-a' is not a rack path (it starts with '/', e.g. /default-rack)")]
    [InlineData("resource", "resource: is missing")]
    public void Registration_Invalid_NamesTheField(string what, string message)
    {
        var proto = new RegisterNodeManagerRequestProto { NodeId = new NodeId("h", 1).ToProto(), Resource = Resource.None.ToProto() };
        switch (what)
        {
            case "node": proto.NodeId = null; break;
            case "port": proto.HttpPort = 70000; break;
            case "rack": proto.RackName = "rack-a"; break;
            default: proto.Resource = null; break;
        }

        var e = Assert.Throws<InvalidMessageException>(() => proto.ToRecord());

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Heartbeat_RoundTrips()
    {
        var h = new NodeHeartbeat(new NodeId("h1", 8041), [
            new ContainerStatus(new ContainerId(Attempt, 0, 1), ContainerState.Running, ContainerExitStatus.Invalid, ""),
            new ContainerStatus(new ContainerId(Attempt, 0, 2), ContainerState.Complete, 0, "done"),
        ]);

        var proto = h.ToProto(lastResponseId: 4);
        var back = proto.ToRecord();

        Assert.Equal(4, proto.NodeStatus.ResponseId);
        Assert.Equal(h.NodeId, back.NodeId);
        Assert.Equal(h.ContainerStatuses, back.ContainerStatuses);
    }

    [Fact]
    public void Heartbeat_WithoutNodeStatus_NamesTheField()
    {
        var e = Assert.Throws<InvalidMessageException>(() => new NodeHeartbeatRequestProto().ToRecord());

        Assert.Equal("node_status: is missing", e.Message);
    }

    [Fact]
    public void Allocate_RoundTrips_AndNamesBadAsksByIndex()
    {
        var request = new AllocateRequest(Attempt, 3, 0.5f,
            [new ResourceRequest(new Priority(1), "*", new Resource(1024, 1), 2)], [new ContainerId(Attempt, 0, 4)]);

        var back = request.ToProto().ToRecord(Attempt);

        Assert.Equal((request.ResponseId, request.Progress), (back.ResponseId, back.Progress));
        Assert.Equal(request.Asks, back.Asks);
        Assert.Equal(request.Releases, back.Releases);

        var bad = request.ToProto();
        bad.Ask.Add(new ResourceRequestProto { Priority = new PriorityProto { Priority = 1 }, ResourceName = "*" });
        Assert.Equal("ask[1].capability: is missing", Assert.Throws<InvalidMessageException>(() => bad.ToRecord(Attempt)).Message);
    }

    [Theory]
    [InlineData(RmStatusCode.UnknownApplication, StatusCode.NotFound)]
    [InlineData(RmStatusCode.UnknownApplicationAttempt, StatusCode.NotFound)]
    [InlineData(RmStatusCode.InvalidRequest, StatusCode.InvalidArgument)]
    [InlineData(RmStatusCode.InvalidContainerRelease, StatusCode.InvalidArgument)]
    [InlineData(RmStatusCode.NotRegistered, StatusCode.FailedPrecondition)]
    [InlineData(RmStatusCode.InvalidState, StatusCode.FailedPrecondition)]
    [InlineData(RmStatusCode.AlreadyRegistered, StatusCode.AlreadyExists)]
    [InlineData(RmStatusCode.OutOfSync, StatusCode.Aborted)]
    public void Refusals_MapToGrpcCodes(RmStatusCode code, StatusCode expected)
    {
        var e = YarnErrors.ToRpcException(RmStatus.Fail(code, "why"));

        Assert.Equal(expected, e.StatusCode);
        Assert.Equal("why", e.Status.Detail);
    }

    [Fact]
    public void States_UseHadoopsNames()
    {
        Assert.Equal(YarnApplicationStateProto.Running, RmAppState.Running.ToProto());
        Assert.Equal("ACCEPTED", RmAppState.Accepted.ToYarnName());
        Assert.Equal(FinalApplicationStatusProto.AppSucceeded, FinalApplicationStatus.Succeeded.ToProto());
        Assert.Equal(NodeStateProto.NsDecommissioning, RmNodeState.Decommissioning.ToProto());
        Assert.Equal(YarnApplicationAttemptStateProto.AppAttemptLaunched, RmAppAttemptState.Launched.ToProto());
        Assert.True(StateConversion.TryParseAppState("running", out var s, out _));
        Assert.Equal(RmAppState.Running, s);
        Assert.True(StateConversion.TryParseAppState("NEW_SAVING", out var saving, out _));
        Assert.Null(saving);
        Assert.False(StateConversion.TryParseAppState("BOGUS", out _, out var known));
        Assert.False(known);
    }

    [Fact]
    public void Clients_BindEveryRpc()
    {
        using var channel = RpcChannel.ForAddress("http://127.0.0.1:1");

        _ = new ApplicationClientProtocolClient(channel);
        _ = new ApplicationMasterProtocolClient(channel, "token");
        _ = new ResourceTrackerClient(channel);
        _ = new ContainerManagementProtocolClient(channel);
    }
}

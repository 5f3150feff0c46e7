using Bridge.Yarn.Protocol;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;
using Google.Protobuf;

namespace Bridge.Yarn.Protocol.Tests;

public class RecordConversionTests
{
    private static readonly ApplicationId App = new(1410901177871, 7);
    private static readonly ApplicationAttemptId Attempt = new(App, 2);

    [Fact]
    public void Ids_RoundTrip()
    {
        Assert.Equal(App, App.ToProto().ToRecord("id"));
        Assert.Equal(Attempt, Attempt.ToProto().ToRecord("id"));
        var container = new ContainerId(Attempt, 17, 5);
        Assert.Equal(container, container.ToProto().ToRecord("id"));
        Assert.Equal(new NodeId("host-1", 8041), new NodeId("host-1", 8041).ToProto().ToRecord("id"));
    }

    [Fact]
    public void ContainerId_PacksEpochAndSequenceAsHadoop()
    {
        var proto = new ContainerId(Attempt, 17, 5).ToProto();

        Assert.Equal((17L << 40) | 5, proto.Id);
        Assert.Equal(App.ToProto(), proto.AppId);
    }

    [Fact]
    public void ContainerId_AppIdOfAnotherApplication_NamesTheField()
    {
        var proto = new ContainerId(Attempt, 0, 5).ToProto();
        proto.AppId = new ApplicationId(1410901177871, 8).ToProto();

        var e = Assert.Throws<InvalidMessageException>(() => proto.ToRecord("release[0]"));

        Assert.Equal("release[0].app_id", e.Field);
    }

    [Theory]
    [InlineData("id", "application_id.id: is missing")]
    [InlineData("zero", "application_id.id: 0 is not a sequence number (1 or more)")]
    [InlineData("ts", "application_id.cluster_timestamp: is missing")]
    [InlineData("null", "application_id: is missing")]
    public void ApplicationId_Invalid_NamesTheField(string what, string message)
    {
        ApplicationIdProto? proto = what switch
        {
            "id" => new ApplicationIdProto { ClusterTimestamp = 1 },
            "zero" => new ApplicationIdProto { ClusterTimestamp = 1, Id = 0 },
            "ts" => new ApplicationIdProto { Id = 1 },
            _ => null,
        };

        var e = Assert.Throws<InvalidMessageException>(() => proto.ToRecord("application_id"));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Resource_MissingComponent_IsNotTakenAsZero()
    {
        var e = Assert.Throws<InvalidMessageException>(() => new ResourceProto { Memory = 1024 }.ToRecord("ask[0].capability"));

        Assert.Equal("ask[0].capability.virtual_cores: is missing", e.Message);
    }

    [Fact]
    public void Resource_Negative_NamesTheField()
    {
        var e = Assert.Throws<InvalidMessageException>(() => new ResourceProto { Memory = -1, VirtualCores = 1 }.ToRecord("resource"));

        Assert.Equal("resource.memory: -1 MB is negative", e.Message);
    }

    [Fact]
    public void ResourceRequest_RelaxLocalityAbsent_IsTrueAsHadoopsDefault()
    {
        var proto = new ResourceRequestProto
        {
            Priority = new PriorityProto { Priority = 1 },
            ResourceName = "*",
            Capability = new ResourceProto { Memory = 512, VirtualCores = 1 },
            NumContainers = 3,
        };
        var parsed = ResourceRequestProto.Parser.ParseFrom(proto.ToByteArray());

        var ask = parsed.ToRecord("ask[0]");

        Assert.Equal(new ResourceRequest(new Priority(1), "*", new Resource(512, 1), 3, RelaxLocality: true), ask);
    }

    [Fact]
    public void ResourceRequest_RoundTrips()
    {
        var ask = new ResourceRequest(new Priority(2), "/rack-a", new Resource(2048, 2), 4, RelaxLocality: false);

        Assert.Equal(ask, ask.ToProto().ToRecord("ask"));
    }

    [Theory]
    [InlineData("name", "ask[1].resource_name: is empty (a host, a rack or *)")]
    [InlineData("count", "ask[1].num_containers: -2 is negative")]
    [InlineData("label", "ask[1].node_label_expression: 'gpu': node labels are not supported")]
    [InlineData("capability", "ask[1].capability: is missing")]
    public void ResourceRequest_Invalid_NamesTheField(string what, string message)
    {
        var proto = new ResourceRequestProto
        {
            Priority = new PriorityProto { Priority = 1 },
            ResourceName = "*",
            Capability = new ResourceProto { Memory = 512, VirtualCores = 1 },
            NumContainers = 1,
        };
        switch (what)
        {
            case "name": proto.ResourceName = ""; break;
            case "count": proto.NumContainers = -2; break;
            case "label": proto.NodeLabelExpression = "gpu"; break;
            default: proto.Capability = null; break;
        }

        var e = Assert.Throws<InvalidMessageException>(() => proto.ToRecord("ask[1]"));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Container_CarriesHttpAddressAndToken()
    {
        var c = new Container(new ContainerId(Attempt, 0, 2), new NodeId("h", 8041), new Resource(1024, 1), new Priority(1));
        var token = new TokenProto { Kind = "ContainerToken" };

        var proto = c.ToProto("h:8042", token);

        Assert.Equal("h:8042", proto.NodeHttpAddress);
        Assert.Equal("ContainerToken", proto.ContainerToken.Kind);
        Assert.Equal(c, proto.ToRecord("container"));
    }

    [Fact]
    public void ContainerStatus_ExitStatusAbsent_IsInvalidAsHadoopsDefault()
    {
        var proto = new ContainerStatusProto { ContainerId = new ContainerId(Attempt, 0, 2).ToProto(), State = ContainerStateProto.CComplete };

        var status = proto.ToRecord("s");

        Assert.Equal(ContainerExitStatus.Invalid, status.ExitStatus);
        Assert.Equal(ContainerState.Complete, status.State);
    }

    [Fact]
    public void ContainerStatus_NotComplete_IgnoresExitStatus()
    {
        var proto = new ContainerStatusProto { ContainerId = new ContainerId(Attempt, 0, 2).ToProto(), State = ContainerStateProto.CRunning, ExitStatus = 0 };

        Assert.Equal(ContainerExitStatus.Invalid, proto.ToRecord("s").ExitStatus);
    }

    [Fact]
    public void ContainerStatus_RoundTrips()
    {
        var s = new ContainerStatus(new ContainerId(Attempt, 0, 3), ContainerState.Complete, 137, "Killed");

        Assert.Equal(s, s.ToProto().ToRecord("s"));
    }

    [Fact]
    public void ContainerStatus_MissingState_NamesTheField()
    {
        var proto = new ContainerStatusProto { ContainerId = new ContainerId(Attempt, 0, 2).ToProto() };

        var e = Assert.Throws<InvalidMessageException>(() => proto.ToRecord("node_status.containersStatuses[4]"));

        Assert.Equal("node_status.containersStatuses[4].state", e.Field);
    }
}

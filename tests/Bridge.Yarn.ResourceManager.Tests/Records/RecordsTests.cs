using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.ResourceManager.Tests.Records;

public class RecordsTests
{
    // Examples from Hadoop's javadoc and the YARN REST API documentation.
    [Theory]
    [InlineData("application_1410901177871_0001", 1410901177871L, 1)]
    [InlineData("application_1326815542473_0002", 1326815542473L, 2)]
    [InlineData("application_1326815542473_12345", 1326815542473L, 12345)]
    public void ApplicationId_RoundTrips(string text, long ts, int id)
    {
        var parsed = ApplicationId.Parse(text);
        Assert.Equal(new ApplicationId(ts, id), parsed);
        Assert.Equal(text, parsed.ToString());
    }

    [Theory]
    [InlineData("application_1410901177871")]
    [InlineData("app_1410901177871_0001")]
    [InlineData("application_x_0001")]
    [InlineData("application_1410901177871_-1")]
    [InlineData("")]
    public void ApplicationId_TryParse_Malformed_False(string text) => Assert.False(ApplicationId.TryParse(text, out _));

    [Fact]
    public void ApplicationAttemptId_HadoopExample_RoundTrips()
    {
        var id = ApplicationAttemptId.Parse("appattempt_1410901177871_0001_000001");
        Assert.Equal(new ApplicationAttemptId(new ApplicationId(1410901177871, 1), 1), id);
        Assert.Equal("appattempt_1410901177871_0001_000001", id.ToString());
        Assert.Throws<FormatException>(() => ApplicationAttemptId.Parse("appattempt_1410901177871_0001"));
    }

    [Fact]
    public void ContainerId_PlainForm_RoundTrips()
    {
        var id = ContainerId.Parse("container_1410901177871_0001_01_000005");
        Assert.Equal(0, id.Epoch);
        Assert.Equal(5, id.SequenceNumber);
        Assert.Equal(1, id.ApplicationAttemptId.AttemptId);
        Assert.Equal("container_1410901177871_0001_01_000005", id.ToString());
    }

    [Fact]
    public void ContainerId_EpochForm_RoundTripsAndPacksTheLong()
    {
        var id = ContainerId.Parse("container_e17_1410901177871_0001_01_000005");
        Assert.Equal(17, id.Epoch);
        Assert.Equal((17L << 40) | 5, id.ContainerIdLong);
        Assert.Equal("container_e17_1410901177871_0001_01_000005", id.ToString());
        Assert.Equal("container_e01_1_0001_01_000001", new ContainerId(new ApplicationAttemptId(new ApplicationId(1, 1), 1), 1, 1).ToString());
    }

    [Theory]
    [InlineData("container_1410901177871_0001_01")]
    [InlineData("container_x17_1410901177871_0001_01_000005")]
    [InlineData("contain_1410901177871_0001_01_000005")]
    public void ContainerId_TryParse_Malformed_False(string text) => Assert.False(ContainerId.TryParse(text, out _));

    [Fact]
    public void NodeId_SplitsAtTheLastColon()
    {
        Assert.Equal(new NodeId("host1.example.com", 45454), NodeId.Parse("host1.example.com:45454"));
        Assert.Equal("h:8041", new NodeId("h", 8041).ToString());
        Assert.False(NodeId.TryParse("host", out _));
        Assert.False(NodeId.TryParse(":1", out _));
        Assert.False(NodeId.TryParse("h:70000", out _));
    }

    [Fact]
    public void Resource_Arithmetic_FitsIn_DominantShare()
    {
        var a = new Resource(2048, 1);
        var b = new Resource(1024, 3);
        Assert.Equal(new Resource(3072, 4), a + b);
        Assert.Equal(new Resource(1024, -2), a - b);
        Assert.True(a.FitsIn(new Resource(2048, 1)));
        Assert.False(a.FitsIn(new Resource(4096, 0)));
        // Dominant share: vcores 3/4 beat memory 1024/8192.
        Assert.Equal(0.75, b.DominantShare(new Resource(8192, 4)));
        Assert.Equal(double.PositiveInfinity, b.DominantShare(new Resource(8192, 0)));
        Assert.Equal(0, Resource.None.DominantShare(Resource.None));
        Assert.Equal("<memory:2048, vCores:1>", a.ToString());
        Assert.Equal(a, Resource.Parse("<memory:2048, vCores:1>"));
        Assert.False(Resource.TryParse("<memory:2048>", out _));
    }

    [Fact]
    public void Priority_LowerNumberSortsFirst()
    {
        var list = new List<Priority> { new(5), new(0), new(2) };
        list.Sort();
        Assert.Equal([new Priority(0), new Priority(2), new Priority(5)], list);
        Assert.Equal(new Priority(-1), Priority.Parse("-1"));
    }

    [Fact]
    public void ResourceRequest_Hadoop2Form_RoundTrips()
    {
        var r = new ResourceRequest(new Priority(1), "/default-rack", new Resource(1024, 1), 2, false);
        const string text = "{Priority: 1, Capability: <memory:1024, vCores:1>, # Containers: 2, Location: /default-rack, Relax Locality: false}";
        Assert.Equal(text, r.ToString());
        Assert.Equal(r, ResourceRequest.Parse(text));
        Assert.False(ResourceRequest.TryParse("{Priority: 1}", out _));
        Assert.True(new ResourceRequest(new Priority(0), "*", new Resource(1, 1), 1).IsAny);
    }
}

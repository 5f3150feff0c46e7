using Bridge.Schedulers.Services.Constraints;
using Bridge.Schedulers.Services.Definitions;
using static Bridge.Schedulers.Services.Tests.Definitions.Samples;

namespace Bridge.Schedulers.Services.Tests.Definitions;

public class AppJsonRoundTripTests
{
    private static readonly AppDefinition Full = new()
    {
        Id = AppId.Parse("/prod/web"),
        Args = ["python3", "-m", "http.server", "8080"],
        User = "nobody",
        Env = ValueMap.Of(("A", "1"), ("B", "x && y <z>")),
        Instances = 3,
        Cpus = 0.25,
        MemMb = 64.5,
        DiskMb = 10,
        Gpus = 1,
        Constraints = [Constraint.Create("hostname", ConstraintOperator.Unique), Constraint.Create("rack", ConstraintOperator.GroupBy, "3"),
            Constraint.Create("rack", ConstraintOperator.Like, "r[0-9]+")],
        Fetch = [new FetchUri { Uri = "https://example.com/a.tgz", Extract = false, Executable = true, Cache = true, DestPath = "a" }],
        PortDefinitions = [new PortDefinition { Port = 8080, Name = "http", Labels = ValueMap.Of(("vip", "1.2.3.4:80")) },
            new PortDefinition { Protocol = PortProtocol.UdpTcp }],
        RequirePorts = true,
        HealthChecks =
        [
            new HealthCheck { Protocol = HealthCheckProtocol.Https, Path = "/health", PortIndex = 0, IgnoreHttp1xx = true, Interval = TimeSpan.FromSeconds(5) },
        ],
        UpgradeStrategy = new UpgradeStrategy(0.5, 0),
        Backoff = TimeSpan.FromSeconds(2),
        BackoffFactor = 2,
        MaxLaunchDelay = TimeSpan.FromSeconds(3600),
        KillSelection = KillSelection.OldestFirst,
        TaskKillGracePeriod = TimeSpan.FromSeconds(30),
        Labels = ValueMap.Of(("owner", "zeus")),
        Role = "web",
        AcceptedResourceRoles = ["web"],
    };

    [Fact]
    public void WriteThenParse_EveryField_GivesTheSameDefinition() => Assert.Equal(Full, Valid(AppJson.Write(Full)));

    [Fact]
    public void Write_DefaultApp_IsMarathonsShape()
    {
        var app = Valid("{\"id\": \"/web\", \"cmd\": \"sleep 10\"}") with { Version = new DateTimeOffset(2016, 2, 28, 16, 41, 41, 90, TimeSpan.Zero) };
        Assert.Equal(
            "{\"id\":\"/web\",\"cmd\":\"sleep 10\",\"instances\":1,\"cpus\":1,\"mem\":128,\"disk\":0,\"gpus\":0,"
            + "\"portDefinitions\":[{\"port\":0,\"protocol\":\"tcp\",\"name\":\"default\"}],\"requirePorts\":false,"
            + "\"upgradeStrategy\":{\"minimumHealthCapacity\":1,\"maximumOverCapacity\":1},\"backoffSeconds\":1,\"backoffFactor\":1.15,"
            + "\"maxLaunchDelaySeconds\":300,\"killSelection\":\"YOUNGEST_FIRST\",\"labels\":{},\"role\":\"*\","
            + "\"version\":\"2016-02-28T16:41:41.090Z\"}",
            AppJson.Write(app));
    }

    [Fact]
    public void Write_KeepsShellCharactersReadable() => Assert.Contains("\"B\":\"x && y <z>\"", AppJson.Write(Full));

    [Fact]
    public void Definitions_CompareByValue()
    {
        var a = Valid(App("\"env\": {\"A\": \"1\", \"B\": \"2\"}, \"constraints\": [[\"hostname\", \"UNIQUE\"]]"));
        var b = Valid(App("\"env\": {\"B\": \"2\", \"A\": \"1\"}, \"constraints\": [[\"hostname\", \"unique\"]]"));
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, a with { Instances = 2 });
    }

    [Fact]
    public void Merge_ReplacesGivenFields_AndKeepsTheRest()
    {
        var result = AppJson.Merge(Full, "{\"instances\": 5, \"env\": {\"C\": \"3\"}, \"labels\": null}");
        Assert.True(result.IsValid, result.Failure?.ToJson());
        Assert.Equal(Full with { Instances = 5, Env = ValueMap.Of(("C", "3")) }, result.App);
    }

    [Fact]
    public void Merge_Cmd_ReplacesArgs_AndPortsReplacePortDefinitions()
    {
        var result = AppJson.Merge(Full, "{\"cmd\": \"sleep 1\", \"ports\": [0]}");
        Assert.True(result.IsValid, result.Failure?.ToJson());
        Assert.Equal("sleep 1", result.App.Cmd);
        Assert.Empty(result.App.Args);
        Assert.Equal([new PortDefinition()], result.App.PortDefinitions);
    }

    [Fact]
    public void Merge_UpgradeStrategy_IsReplacedWhole()
    {
        var result = AppJson.Merge(Full, "{\"upgradeStrategy\": {\"maximumOverCapacity\": 0.2}}");
        Assert.Equal(new UpgradeStrategy(1, 0.2), result.App!.UpgradeStrategy);
    }

    [Fact]
    public void Merge_IgnoresThePatchsId() => Assert.Equal(Full.Id, AppJson.Merge(Full, "{\"id\": \"/elsewhere\", \"instances\": 1}").App!.Id);

    [Theory]
    [InlineData("{\"instances\": -2}", 422, "/instances")]
    [InlineData("{\"nope\": 1}", 422, "/nope")]
    [InlineData("{\"instances\": 1, \"instances\": 2}", 422, "/instances")]
    [InlineData("[1]", 422, "/")]
    [InlineData("{", 400, "/")]
    public void Merge_BadPatch_IsRefusedAtItsPath(string patch, int status, string path)
    {
        var result = AppJson.Merge(Full, patch);
        Assert.False(result.IsValid);
        Assert.Equal(status, result.Failure.Status);
        Assert.Contains(result.Failure.Details, d => d.Path == path);
    }

    [Fact]
    public void Merge_UnsupportedField_IsReported()
    {
        var result = AppJson.Merge(Full, "{\"dependencies\": [\"/db\"]}");
        Assert.True(result.IsValid);
        Assert.Equal("/dependencies", Assert.Single(result.Unsupported).Path);
    }
}

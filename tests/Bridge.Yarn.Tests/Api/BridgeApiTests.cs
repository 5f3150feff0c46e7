using Bridge.Yarn.Protocol.Launching;
using System.Text;
using System.Text.Json;
using Bridge.Yarn.Api;
using Bridge.Yarn.Launching;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.Scheduling;

namespace Bridge.Yarn.Tests.Api;

/// <summary>Myriad's REST shapes: flexup/flexdown validation and answers, <c>/api/state</c>, <c>/api/config</c>.</summary>
public class BridgeApiTests
{
    private const string Format = "'<mesos_slave_attribute|hostname> LIKE <value_regex>'";

    private static ApiResponse Put(BridgeHarness h, string path, string body) => path == "flexup"
        ? BridgeApi.FlexUp(h.Bridge, Encoding.UTF8.GetBytes(body), h.Now, new Decisions())
        : BridgeApi.FlexDown(h.Bridge, Encoding.UTF8.GetBytes(body), h.Now, new Decisions());

    [Theory]
    [InlineData("", "request object cannot be null or empty")]
    [InlineData("null", "request object cannot be null or empty")]
    [InlineData("{", "request body is not JSON: ")]
    [InlineData("[1]", "request body must be a JSON object, not a list")]
    [InlineData("""{"instances":1}""", "'profile' is null or empty")]
    [InlineData("""{"instances":1,"profile":""}""", "'profile' is null or empty")]
    [InlineData("""{"instances":1,"profile":null}""", "'profile' is null or empty")]
    [InlineData("""{"instances":1,"profile":4}""", "'profile' must be a string, not a number")]
    [InlineData("""{"instances":1,"profile":"huge"}""", "Profile does not exist: 'huge'")]
    [InlineData("""{"profile":"small"}""", "'instances' is null")]
    [InlineData("""{"profile":"small","instances":null}""", "'instances' is null")]
    [InlineData("""{"profile":"small","instances":0}""", "Invalid instance size: 0")]
    [InlineData("""{"profile":"small","instances":-3}""", "Invalid instance size: -3")]
    [InlineData("""{"profile":"small","instances":1.5}""", "'instances' must be a 32-bit integer, not 1.5")]
    [InlineData("""{"profile":"small","instances":"2"}""", "'instances' must be a 32-bit integer, not a string")]
    [InlineData("""{"profile":"small","instances":1,"constraints":"hostname LIKE h1"}""", "'constraints' must be a list of strings, not a string")]
    [InlineData("""{"profile":"small","instances":1,"constraints":[3]}""", "'constraints' must be a list of strings")]
    [InlineData("""{"profile":"small","instances":1,"constraints":["hostname LIKE a","rack LIKE b"]}""", "Only 1 constraint is currently supported. Received: [hostname LIKE a, rack LIKE b]")]
    [InlineData("""{"profile":"small","instances":1,"constraints":[""]}""", "The value provided for 'constraints' is empty. Format: " + Format)]
    [InlineData("""{"profile":"small","instances":1,"constraints":["hostname = h1"]}""", "Invalid format for LIKE operator in constraint: hostname = h1. Format: " + Format)]
    [InlineData("""{"profile":"small","instances":1,"constraints":["hostname LIKE ("]}""", "Invalid regex for LIKE operator in constraint: hostname LIKE (")]
    [InlineData("""{"profile":"small","instances":1,"instance":2}""", "unknown field 'instance' (a flex request has instances, profile, constraints)")]
    public void BadRequest_Is400WithTheReason_AndChangesNothing(string body, string reason)
    {
        foreach (var path in new[] { "flexup", "flexdown" })
        {
            var h = new BridgeHarness();

            var response = Put(h, path, body);

            Assert.Equal(400, response.StatusCode);
            Assert.Equal(ApiResponse.Text, response.ContentType);
            Assert.StartsWith(reason, response.Body);
            Assert.Empty(h.Bridge.NodeManagers);
        }
    }

    [Fact]
    public void FlexUp_Is202_AndThePendingNodeManagersCarryTheConstraint()
    {
        var h = new BridgeHarness();

        var response = Put(h, "flexup", """{"instances": 2, "profile": "medium", "constraints": ["hostname LIKE h[0-9]"]}""");

        Assert.Equal((202, ""), (response.StatusCode, response.Body));
        Assert.Equal(2, h.Bridge.InState(NodeManagerTaskState.Pending).Count(t => t.Constraint?.ToString() == "hostname LIKE h[0-9]"));
        Assert.Equal(202, Put(h, "flexup", """{"instances": 1, "profile": "zero", "constraints": []}""").StatusCode);
        Assert.Equal(202, Put(h, "flexup", """{"instances": 1, "profile": "zero", "constraints": null}""").StatusCode);
    }

    [Fact]
    public void FlexDown_MoreThanFlexedUp_Is202WithMyriadsWarning_AndFlexesDownWhatThereIs()
    {
        var h = new BridgeHarness();
        Put(h, "flexup", """{"instances": 2, "profile": "small"}""");

        var response = Put(h, "flexdown", """{"instances": 3, "profile": "small"}""");

        Assert.Equal(202, response.StatusCode);
        Assert.Equal("Number of requested instances for flexdown is greater than the number of Node Managers previously flexed up for profile 'small'. " +
            "Requested: 3, Previously flexed Up: 2. Only 2 Node Managers will be flexed down.", response.Body);
        Assert.Empty(h.Bridge.NodeManagers);
    }

    [Fact]
    public void State_HasMyriadsFourLists_AndOneLinePerNodeManager()
    {
        var h = new BridgeHarness();
        h.Subscribe("fw-9");
        var active = h.StartNodeManager("zero", 1);
        h.FlexUp("medium", 1, "rack LIKE r1");
        h.FlexUp("small", 1);
        var staging = Assert.Single(Assert.Single(h.Offers(h.OfferOn(2)).Launches).Tasks).TaskId.Value;
        var killable = h.StartNodeManager("small", 3).TaskId;
        h.FlexDown("small", 1, "hostname LIKE h3");
        h.Submit();
        var placeholder = Assert.Single(Assert.Single(h.Offers(h.OfferOn(1, "cpus:1;mem:1024")).Launches).Tasks).TaskId.Value;

        var response = BridgeApi.State(h.Bridge);

        Assert.Equal((200, ApiResponse.Json), (response.StatusCode, response.ContentType));
        using var doc = JsonDocument.Parse(response.Body);
        var root = doc.RootElement;
        string[] Ids(string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal([h.Bridge.InState(NodeManagerTaskState.Pending).Single().TaskId], Ids("pendingTasks"));
        Assert.Equal([staging], Ids("stagingTasks"));
        Assert.Equal([active.TaskId], Ids("activeTasks"));
        Assert.Equal([killable], Ids("killableTasks"));
        Assert.Equal([placeholder], Ids("placeholderTasks"));
        Assert.Equal("fw-9", root.GetProperty("frameworkId").GetString());
        var line = root.GetProperty("nodeManagers").EnumerateArray().Single(n => n.GetProperty("taskId").GetString() == active.TaskId);
        Assert.Equal("zero", line.GetProperty("profile").GetString());
        Assert.Equal("ACTIVE", line.GetProperty("state").GetString());
        Assert.Equal("h1:31000", line.GetProperty("nodeId").GetString());
        Assert.Equal(31003, line.GetProperty("ports").GetProperty("shuffle").GetInt32());
        Assert.Equal(1, line.GetProperty("placeholders").GetInt32());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("constraint").ValueKind);
        var waiting = root.GetProperty("nodeManagers").EnumerateArray().Single(n => n.GetProperty("state").GetString() == "PENDING");
        Assert.Equal("rack LIKE r1", waiting.GetProperty("constraint").GetString());
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("ports").ValueKind);
    }

    [Fact]
    public void State_OfAnEmptyBridge_HasEmptyLists()
    {
        var body = BridgeApi.State(new BridgeHarness().Bridge).Body;

        Assert.Equal("""{"pendingTasks":[],"stagingTasks":[],"activeTasks":[],"killableTasks":[],"frameworkId":null,"placeholderTasks":[],"nodeManagers":[]}""", body);
    }

    [Fact]
    public void Config_UsesMyriadsNames_ProfileFiguresAsStrings()
    {
        var options = BridgeHarness.Options() with { InitialInstances = new Dictionary<string, int> { ["medium"] = 1 } };

        var response = ConfigJson.Response(options, new FrameworkSettings("127.0.0.1:5050", "yarn", "*", TimeSpan.FromDays(1)));

        using var doc = JsonDocument.Parse(response.Body);
        var root = doc.RootElement;
        Assert.Equal("127.0.0.1:5050", root.GetProperty("mesosMaster").GetString());
        Assert.Equal("yarn", root.GetProperty("frameworkName").GetString());
        Assert.Equal(86_400_000, root.GetProperty("frameworkFailoverTimeout").GetInt64());
        Assert.Equal(8192, root.GetProperty("restApiPort").GetInt32());
        Assert.Equal("""{"cpu":"10","mem":"12288"}""", root.GetProperty("profiles").GetProperty("large").GetRawText());
        Assert.Equal("""{"cpu":"0","mem":"0"}""", root.GetProperty("profiles").GetProperty("zero").GetRawText());
        Assert.Equal(["large", "medium", "small", "zero"], root.GetProperty("profiles").EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, root.GetProperty("nmInstances").GetProperty("medium").GetInt32());
        Assert.Equal("""{"jvmMaxMemoryMB":256,"cpus":0.2}""", root.GetProperty("nodemanager").GetRawText());
        Assert.Equal(128, root.GetProperty("executor").GetProperty("jvmMaxMemoryMB").GetInt64());
        Assert.Equal(3600, root.GetProperty("decommissionTimeoutSeconds").GetDouble());
        Assert.False(root.GetProperty("autoscaling").GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public void NodeManagerLaunch_RoundTrips_AndBadDataNamesTheField()
    {
        var launch = new NodeManagerLaunch("nm.small.1", "small", "h1", new Resource(2048, 2), new NodeManagerPorts(31000, 31001, 31002, 31003), "10.0.0.1:8031");

        Assert.True(NodeManagerLaunch.TryParse(launch.ToJson(), out var read, out _));
        Assert.Equal(launch, read);
        Assert.False(NodeManagerLaunch.TryParse("""{"taskId":"x"}"""u8, out _, out var missing));
        Assert.Equal("NodeManager launch data: 'capability' is missing", missing);
        var badPort = Encoding.UTF8.GetBytes(launch.ToString().Replace("31003", "70000"));
        Assert.False(NodeManagerLaunch.TryParse(badPort, out _, out var port));
        Assert.Equal("NodeManager launch data: ports.shuffle=70000 is not a port", port);
        Assert.False(NodeManagerLaunch.TryParse("not json"u8, out _, out _));
    }
}

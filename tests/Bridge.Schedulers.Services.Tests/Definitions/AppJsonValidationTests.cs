using Bridge.Schedulers.Services.Definitions;
using static Bridge.Schedulers.Services.Tests.Definitions.Samples;

namespace Bridge.Schedulers.Services.Tests.Definitions;

/// <summary>One test (or theory case) per validation rule: the error's path and words.</summary>
public class AppJsonValidationTests
{
    [Fact]
    public void Parse_NotJson_Is400InvalidJson()
    {
        var result = AppJson.Parse("{\"id\": \"/web\",");
        Assert.False(result.IsValid);
        Assert.Equal(400, result.Failure.Status);
        Assert.Equal("Invalid JSON", result.Failure.Message);
        Assert.Equal("/", Assert.Single(result.Failure.Details).Path);
    }

    [Theory]
    [InlineData("[]", "expected an app definition (an object), got an array")]
    [InlineData("\"web\"", "expected an app definition (an object), got a string")]
    public void Parse_NotAnObject_IsRefusedAtTheRoot(string json, string error)
    {
        var failure = Invalid(json, "/", error);
        Assert.Equal(422, failure.Status);
        Assert.Equal("Object is not valid", failure.Message);
    }

    [Fact]
    public void Parse_Failure_HasMarathonsShape()
    {
        var result = AppJson.Parse(App("\"cpus\": -1, \"upgradeStrategy\": {\"minimumHealthCapacity\": 2}"));
        Assert.Equal(
            "{\"message\":\"Object is not valid\",\"details\":[{\"path\":\"/cpus\",\"errors\":[\"is less than 0.001\"]},"
            + "{\"path\":\"/upgradeStrategy/minimumHealthCapacity\",\"errors\":[\"is greater than 1\"]}]}",
            result.Failure!.ToJson());
    }

    [Theory]
    [InlineData("\"image\": \"nginx\"", "/image", "unknown field 'image'")]
    [InlineData("\"healthChecks\": [{\"protocol\": \"TCP\", \"initialDelaySeconds\": 5}]", "/healthChecks(0)/initialDelaySeconds", "unknown field 'initialDelaySeconds'")]
    [InlineData("\"portDefinitions\": [{\"port\": 0, \"hostPort\": 80}]", "/portDefinitions(0)/hostPort", "unknown field 'hostPort'")]
    [InlineData("\"fetch\": [{\"uri\": \"http://a/b\", \"outputFile\": \"x\"}]", "/fetch(0)/outputFile", "unknown field 'outputFile'")]
    [InlineData("\"upgradeStrategy\": {\"minimumHealthCapacity\": 1, \"max\": 1}", "/upgradeStrategy/max", "unknown field 'max'")]
    [InlineData("\"healthChecks\": [{\"protocol\": \"COMMAND\", \"command\": {\"value\": \"true\", \"shell\": true}}]", "/healthChecks(0)/command/shell", "unknown field 'shell'")]
    public void Parse_UnknownField_IsNamed(string fields, string path, string error) => Invalid(App(fields), path, error);

    [Fact]
    public void Parse_FieldGivenTwice_IsRefused() => Invalid("{\"id\": \"/a\", \"cmd\": \"x\", \"cmd\": \"y\"}", "/cmd", "is given more than once");

    [Theory]
    [InlineData("{\"cmd\": \"x\"}", "/id", "is required")]
    [InlineData("{\"id\": \"/Web\", \"cmd\": \"x\"}", "/id", "path segment 'Web' must be")]
    [InlineData("{\"id\": \"/a/../b\", \"cmd\": \"x\"}", "/id", "'..' path segments are not supported")]
    [InlineData("{\"id\": \"/a/tasks\", \"cmd\": \"x\"}", "/id", "must not end with any of the following reserved keywords")]
    [InlineData("{\"id\": \"/\", \"cmd\": \"x\"}", "/id", "Path must contain at least one path element")]
    [InlineData("{\"id\": 7, \"cmd\": \"x\"}", "/id", "expected a string, got a number")]
    public void Parse_BadId_IsRefused(string json, string path, string error) => Invalid(json, path, error);

    [Fact]
    public void Parse_RelativeId_IsMadeAbsolute() => Assert.Equal("/prod/web", Valid("{\"id\": \"prod//web/\", \"cmd\": \"x\"}").Id.Value);

    [Fact]
    public void Parse_IdFromOptions_ReplacesTheBodysId()
    {
        var options = new AppJsonOptions { Id = AppId.Parse("/from/path") };
        Assert.Equal("/from/path", Valid("{\"cmd\": \"x\"}", options).Id.Value);
        Assert.Equal("/from/path", Valid("{\"id\": \"/other\", \"cmd\": \"x\"}", options).Id.Value);
        Assert.Equal("/from/path", Valid("{\"id\": 7, \"cmd\": \"x\"}", options).Id.Value);
    }

    [Theory]
    [InlineData("{\"id\": \"/a\"}")]
    [InlineData("{\"id\": \"/a\", \"cmd\": \"x\", \"args\": [\"y\"]}")]
    [InlineData("{\"id\": \"/a\", \"args\": []}")]
    public void Parse_NotExactlyOneOfCmdAndArgs_IsRefused(string json) => Invalid(json, "/", "exactly one of 'cmd' or 'args'");

    [Fact]
    public void Parse_EmptyCmd_IsRefused() => Invalid("{\"id\": \"/a\", \"cmd\": \"\"}", "/cmd", "must not be empty");

    [Fact]
    public void Parse_Args_AreKept()
    {
        var app = Valid("{\"id\": \"/a\", \"args\": [\"sleep\", \"10\"]}");
        Assert.Null(app.Cmd);
        Assert.Equal(["sleep", "10"], app.Args);
    }

    [Theory]
    [InlineData("\"args\": [\"a\", 1]", "/args(1)", "expected a string, got a number")]
    [InlineData("\"cpus\": \"1\"", "/cpus", "expected a number, got a string")]
    [InlineData("\"cpus\": 0", "/cpus", "is less than 0.001")]
    [InlineData("\"mem\": -1", "/mem", "is less than 0")]
    [InlineData("\"mem\": 1e300", "/mem", "is greater than 1000000000000000")]
    [InlineData("\"disk\": -0.5", "/disk", "is less than 0")]
    [InlineData("\"gpus\": 1.5", "/gpus", "expected a 32-bit integer, got 1.5")]
    [InlineData("\"gpus\": -1", "/gpus", "is less than 0")]
    [InlineData("\"instances\": -1", "/instances", "is less than 0")]
    [InlineData("\"instances\": 3000000000", "/instances", "expected a 32-bit integer")]
    [InlineData("\"instances\": true", "/instances", "expected an integer, got a boolean")]
    [InlineData("\"user\": 0", "/user", "expected a string, got a number")]
    [InlineData("\"requirePorts\": \"yes\"", "/requirePorts", "expected true or false, got a string")]
    [InlineData("\"backoffSeconds\": -1", "/backoffSeconds", "is less than 0")]
    [InlineData("\"backoffFactor\": 0.5", "/backoffFactor", "is less than 1")]
    [InlineData("\"maxLaunchDelaySeconds\": -1", "/maxLaunchDelaySeconds", "is less than 0")]
    [InlineData("\"taskKillGracePeriodSeconds\": -5", "/taskKillGracePeriodSeconds", "is less than 0")]
    [InlineData("\"killSelection\": \"RANDOM\"", "/killSelection", "got RANDOM, expected one of: [YOUNGEST_FIRST, OLDEST_FIRST]")]
    [InlineData("\"upgradeStrategy\": {\"minimumHealthCapacity\": 1.5}", "/upgradeStrategy/minimumHealthCapacity", "is greater than 1")]
    [InlineData("\"upgradeStrategy\": {\"maximumOverCapacity\": -0.1}", "/upgradeStrategy/maximumOverCapacity", "is less than 0")]
    [InlineData("\"upgradeStrategy\": 1", "/upgradeStrategy", "expected an object, got a number")]
    [InlineData("\"labels\": {\"tier\": 1}", "/labels/tier", "expected a string, got a number")]
    [InlineData("\"env\": {\"PORT\": 8080}", "/env/PORT", "expected a string or {\"secret\": name}, got a number")]
    [InlineData("\"env\": [\"A=1\"]", "/env", "expected an object, got an array")]
    public void Parse_FieldOfWrongTypeOrRange_IsRefusedAtItsPath(string fields, string path, string error) => Invalid(App(fields), path, error);

    [Fact]
    public void Parse_IntegralNumberWithFraction_IsAnInteger() => Assert.Equal(3, Valid(App("\"instances\": 3.0")).Instances);

    [Fact]
    public void Parse_Null_MeansNotGiven()
    {
        var app = Valid(App("\"cpus\": null, \"env\": null, \"healthChecks\": null, \"user\": null"));
        Assert.Equal(1, app.Cpus);
        Assert.Empty(app.Env);
    }

    [Fact]
    public void Parse_ReadOnlyFieldsOfMarathonsGet_AreIgnored()
    {
        var app = Valid(App("\"version\": \"2015-09-25T15:13:48.343Z\", \"versionInfo\": {}, \"tasksStaged\": 0, \"tasksRunning\": 2, "
            + "\"tasksHealthy\": 2, \"tasksUnhealthy\": 0, \"deployments\": [{\"id\": \"x\"}], \"tasks\": []"));
        Assert.Null(app.Version);
    }

    [Fact]
    public void Parse_SeveralProblems_AreAllReportedInOrder()
    {
        var failure = AppJson.Parse("{\"id\": \"/A\", \"cpus\": -1, \"mem\": \"x\", \"what\": 1}").Failure!;
        Assert.Equal(["/id", "/cpus", "/mem", "/what", "/"], failure.Details.Select(d => d.Path));
    }

    [Theory]
    [InlineData("\"portDefinitions\": [{\"port\": 70000}]", "/portDefinitions(0)/port", "is greater than 65535")]
    [InlineData("\"portDefinitions\": [{\"port\": 0, \"protocol\": \"sctp\"}]", "/portDefinitions(0)/protocol", "got sctp, expected one of: [tcp, udp, udp,tcp]")]
    [InlineData("\"portDefinitions\": [{\"port\": 0, \"name\": \"Http\"}]", "/portDefinitions(0)/name", "must match")]
    [InlineData("\"portDefinitions\": [{\"name\": \"web\"}, {\"name\": \"web\"}]", "/portDefinitions", "Port names must be unique.")]
    [InlineData("\"portDefinitions\": [{\"port\": 8080}, {\"port\": 8080}]", "/portDefinitions", "Ports must be unique.")]
    [InlineData("\"ports\": [8080, 8080]", "/ports", "ports must be unique")]
    [InlineData("\"ports\": [-1]", "/ports(0)", "is less than 0")]
    [InlineData("\"ports\": [8080], \"portDefinitions\": [{\"port\": 9090}]", "/", "cannot specify both ports and port definitions")]
    public void Parse_BadPorts_AreRefused(string fields, string path, string error) => Invalid(App(fields), path, error);

    [Fact]
    public void Parse_Ports_BecomePortDefinitions_AndZerosMayRepeat()
    {
        var app = Valid(App("\"ports\": [0, 0, 8080], \"portDefinitions\": [{\"port\": 0}, {\"port\": 0}, {\"port\": 8080}]"));
        Assert.Equal([0, 0, 8080], app.PortDefinitions.Select(p => p.Port));
        Assert.Equal([0, 0], Valid(App("\"ports\": [0, 0]")).PortDefinitions.Select(p => p.Port));
    }

    [Fact]
    public void Parse_EmptyPortDefinitions_MeanNoPorts() => Assert.Empty(Valid(App("\"portDefinitions\": []")).PortDefinitions);

    [Theory]
    [InlineData("\"constraints\": [\"hostname:UNIQUE\"]", "/constraints(0)", "expected an array [field, operator] or [field, operator, value], got a string")]
    [InlineData("\"constraints\": [[\"hostname\"]]", "/constraints(0)", "Each constraint must have either 2 or 3 fields")]
    [InlineData("\"constraints\": [[\"hostname\", \"UNIQUE\", \"a\", \"b\"]]", "/constraints(0)", "Each constraint must have either 2 or 3 fields")]
    [InlineData("\"constraints\": [[\"hostname\", 1]]", "/constraints(0)(1)", "expected a string, got a number")]
    [InlineData("\"constraints\": [[\"hostname\", \"EQUALS\"]]", "/constraints(0)", "operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS")]
    [InlineData("\"constraints\": [[\"\", \"UNIQUE\"]]", "/constraints(0)", "missing field for constraint declaration")]
    [InlineData("\"constraints\": [[\"hostname\", \"UNIQUE\", \"x\"]]", "/constraints(0)", "UNIQUE does not accept a value")]
    [InlineData("\"constraints\": [[\"rack\", \"GROUP_BY\", \"three\"]]", "/constraints(0)", "GROUP BY must define an integer value or else no value at all")]
    [InlineData("\"constraints\": [[\"rack\", \"MAX_PER\"]]", "/constraints(0)", "MAX_PER requires an integer value")]
    [InlineData("\"constraints\": [[\"rack\", \"LIKE\"]]", "/constraints(0)", "LIKE and UNLIKE require a non-empty, regular expression value")]
    [InlineData("\"constraints\": [[\"rack\", \"LIKE\", \"rack-[1-3\"]]", "/constraints(0)", "is not a valid regular expression")]
    [InlineData("\"constraints\": [[\"rack\", \"UNLIKE\", \"(a)\\\\1\"]]", "/constraints(0)", "Bridge does not support")]
    [InlineData("\"constraints\": [[\"rack\", \"IS\", \"{a,b}\"]]", "/constraints(0)", "IS only supports Mesos text and float values")]
    [InlineData("\"constraints\": [[\"@zone\", \"GROUP_BY\"]]", "/constraints(0)", "@zone is not supported")]
    public void Parse_BadConstraint_IsRefused(string fields, string path, string error) => Invalid(App(fields), path, error);

    [Theory]
    [InlineData("\"healthChecks\": [{\"protocol\": \"UDP\"}]", "/healthChecks(0)/protocol", "got UDP, expected one of: [HTTP, HTTPS, TCP, COMMAND, MESOS_HTTP, MESOS_HTTPS, MESOS_TCP]")]
    [InlineData("\"healthChecks\": [{\"protocol\": \"COMMAND\"}]", "/healthChecks(0)/command", "is required for a COMMAND health check")]
    [InlineData("\"healthChecks\": [{\"command\": {\"value\": \"true\"}}]", "/healthChecks(0)/protocol", "must be COMMAND when a command is given")]
    [InlineData("\"healthChecks\": [{\"protocol\": \"COMMAND\", \"command\": {\"value\": \"true\"}, \"port\": 80}]", "/healthChecks(0)", "a COMMAND health check takes no path or port")]
    [InlineData("\"healthChecks\": [{\"protocol\": \"COMMAND\", \"command\": {}}]", "/healthChecks(0)/command/value", "is required")]
    [InlineData("\"healthChecks\": [{\"protocol\": \"TCP\", \"portIndex\": 1}]", "/healthChecks(0)", "Health check port indices must address an element of the ports array")]
    [InlineData("\"portDefinitions\": [], \"healthChecks\": [{\"protocol\": \"MESOS_HTTP\"}]", "/healthChecks(0)", "Health check port indices must address an element of the ports array")]
    [InlineData("\"healthChecks\": [{\"intervalSeconds\": -1}]", "/healthChecks(0)/intervalSeconds", "is less than 0")]
    [InlineData("\"healthChecks\": [{\"gracePeriodSeconds\": \"300\"}]", "/healthChecks(0)/gracePeriodSeconds", "expected an integer, got a string")]
    [InlineData("\"healthChecks\": [{\"port\": 65536}]", "/healthChecks(0)/port", "is greater than 65535")]
    [InlineData("\"healthChecks\": [{\"protocol\": \"MESOS_HTTP\", \"ipProtocol\": \"IPv6\"}]", "/healthChecks(0)/ipProtocol", "IPv6 can only be used")]
    [InlineData("\"healthChecks\": [{\"protocol\": \"MESOS_TCP\"}, {\"protocol\": \"COMMAND\", \"command\": {\"value\": \"true\"}}]", "/healthChecks", "at most one health check")]
    [InlineData("\"healthChecks\": [{\"protocol\": \"HTTP\"}, {\"protocol\": \"TCP\"}]", "/healthChecks", "at most one health check")]
    public void Parse_BadHealthCheck_IsRefused(string fields, string path, string error) => Invalid(App(fields), path, error);

    [Fact]
    public void Parse_HealthCheckWithoutPortOrIndex_ChecksPortIndexZero_AndTcpDropsPath()
    {
        var tcp = Assert.Single(Valid(App("\"healthChecks\": [{\"protocol\": \"TCP\", \"path\": \"/ignored\"}]")).HealthChecks);
        Assert.Equal(0, tcp.PortIndex);
        Assert.Null(tcp.Path);
        var http = Assert.Single(Valid(App("\"healthChecks\": [{\"port\": 9000}]")).HealthChecks);
        Assert.Null(http.PortIndex);
        Assert.Equal(9000, http.Port);
        Assert.Equal(HealthCheckProtocol.Http, http.Protocol);
    }

    [Theory]
    [InlineData("\"fetch\": [{\"executable\": true}]", "/fetch(0)/uri", "is required")]
    [InlineData("\"fetch\": [{\"uri\": \"http://a/b c\"}]", "/fetch(0)/uri", "URI has invalid syntax.")]
    [InlineData("\"fetch\": [{\"uri\": \"\"}]", "/fetch(0)/uri", "must be 1 to 1024 characters long")]
    [InlineData("\"fetch\": [{\"uri\": \"http://a/b\", \"cache\": \"no\"}]", "/fetch(0)/cache", "expected true or false, got a string")]
    [InlineData("\"fetch\": [{\"uri\": \"http://a/b\"}], \"uris\": [\"http://a/c\"]", "/uris", "may not be set in conjunction with fetch")]
    public void Parse_BadFetch_IsRefused(string fields, string path, string error) => Invalid(App(fields), path, error);

    [Fact]
    public void Parse_Uris_BecomeFetch_ExtractingArchivesOnly()
    {
        var fetch = Valid(App("\"uris\": [\"https://example.com/app.tar.gz\", \"https://example.com/run.sh\"]")).Fetch;
        Assert.Equal([true, false], fetch.Select(f => f.Extract));
        Assert.All(fetch, f => Assert.False(f.Executable));
    }

    [Theory]
    [InlineData("\"role\": \"a b\"", "/role", "contains an invalid character")]
    [InlineData("\"role\": \"\"", "/role", "role name is empty")]
    [InlineData("\"acceptedResourceRoles\": []", "/acceptedResourceRoles", "must not be empty")]
    [InlineData("\"acceptedResourceRoles\": [\"slave_public\"]", "/acceptedResourceRoles", "acceptedResourceRoles can only contain *")]
    [InlineData("\"role\": \"web\", \"acceptedResourceRoles\": [\"*\", \"db\"]", "/acceptedResourceRoles", "acceptedResourceRoles can only contain * and web")]
    public void Parse_BadRoles_AreRefused(string fields, string path, string error) => Invalid(App(fields), path, error);

    [Fact]
    public void Parse_RoleNotAllowed_IsRefusedAsMarathonDoes()
    {
        var options = new AppJsonOptions { DefaultRole = "dev", AllowedRoles = new HashSet<string> { "dev" } };
        var result = AppJson.Parse(App("\"role\": \"slave_public\""), options);
        Assert.Equal("{\"message\":\"Object is not valid\",\"details\":[{\"path\":\"/role\",\"errors\":[\"got slave_public, expected one of: [dev]\"]}]}",
            result.Failure!.ToJson());
        Assert.Equal("dev", Valid(App(), options).Role);
    }

    [Fact]
    public void Parse_RoleAndAcceptedRoles_AreKept()
    {
        var app = Valid(App("\"role\": \"web\", \"acceptedResourceRoles\": [\"web\"]"));
        Assert.Equal("web", app.Role);
        Assert.Equal(["web"], app.AcceptedResourceRoles);
    }

    [Theory]
    [InlineData("\"container\": {\"type\": \"DOCKER\", \"docker\": {\"image\": \"nginx\"}}", "/container")]
    [InlineData("\"networks\": [{\"mode\": \"container/bridge\"}]", "/networks")]
    [InlineData("\"ipAddress\": {\"networkName\": \"dev\"}", "/ipAddress")]
    [InlineData("\"secrets\": {\"s\": {\"source\": \"/db\"}}", "/secrets")]
    [InlineData("\"residency\": {}", "/residency")]
    [InlineData("\"readinessChecks\": [{\"name\": \"ready\"}]", "/readinessChecks")]
    [InlineData("\"dependencies\": [\"/db\"]", "/dependencies")]
    [InlineData("\"executor\": \"/opt/exec\"", "/executor")]
    [InlineData("\"executorResources\": {\"cpus\": 0.1}", "/executorResources")]
    [InlineData("\"storeUrls\": [\"http://a\"]", "/storeUrls")]
    [InlineData("\"unreachableStrategy\": \"disabled\"", "/unreachableStrategy")]
    [InlineData("\"check\": {\"tcp\": {\"portIndex\": 0}}", "/check")]
    [InlineData("\"tty\": true", "/tty")]
    [InlineData("\"resourceLimits\": {\"cpus\": \"unlimited\"}", "/resourceLimits")]
    [InlineData("\"env\": {\"DB_PASSWORD\": {\"secret\": \"db\"}}", "/env/DB_PASSWORD")]
    public void Parse_FieldMarathonHasButBridgeCannotHonour_IsAcceptedAndReported(string fields, string path)
    {
        var result = AppJson.Parse(App(fields));
        Assert.True(result.IsValid, result.Failure?.ToJson());
        var unsupported = Assert.Single(result.Unsupported);
        Assert.Equal(path, unsupported.Path);
        Assert.False(string.IsNullOrWhiteSpace(unsupported.Reason));
    }

    [Theory]
    [InlineData("\"networks\": [{\"mode\": \"host\"}]")]
    [InlineData("\"executor\": \"//cmd\"")]
    [InlineData("\"tty\": false")]
    [InlineData("\"secrets\": {}")]
    [InlineData("\"readinessChecks\": [], \"dependencies\": [], \"storeUrls\": []")]
    public void Parse_UnsupportedFieldHoldingItsDefault_IsNotReported(string fields) => Assert.Empty(AppJson.Parse(App(fields)).Unsupported);
}

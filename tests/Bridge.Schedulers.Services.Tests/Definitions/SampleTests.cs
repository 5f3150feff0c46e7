using Bridge.Schedulers.Services.Constraints;
using Bridge.Schedulers.Services.Definitions;

namespace Bridge.Schedulers.Services.Tests.Definitions;

/// <summary>App definitions written the way Marathon's documentation writes them are accepted unchanged
/// (Samples/SOURCES.md says where each comes from).</summary>
public class SampleTests
{
    public static IEnumerable<object[]> AllApps() =>
        new[] { "application-basics", "constraints", "health-checks", "event-bus", "rest-api" }.SelectMany(Samples.Names).Select(f => new object[] { f });

    public static IEnumerable<object[]> HealthChecks() => Samples.Names("health-check-").Select(f => new object[] { f });

    [Theory]
    [MemberData(nameof(AllApps))]
    public void DocumentationSample_IsAccepted_AndSurvivesWriteThenParse(string file)
    {
        var app = Samples.Valid(Samples.Text(file));
        Assert.Equal(app, Samples.Valid(AppJson.Write(app)));
    }

    [Fact]
    public void BasicCmdApp_HasMarathonDefaults()
    {
        var app = Samples.Valid(Samples.Text("application-basics-basic-0.json"));
        Assert.Equal(AppId.Parse("/basic-0"), app.Id);
        Assert.Equal("while [ true ] ; do echo 'Hello Marathon' ; sleep 5 ; done", app.Cmd);
        Assert.Equal(0.1, app.Cpus);
        Assert.Equal(10.0, app.MemMb);
        Assert.Equal(1, app.Instances);
        Assert.Equal(0, app.DiskMb);
        Assert.Equal(0, app.Gpus);
        Assert.Equal(AppDefinition.DefaultPortDefinitions, app.PortDefinitions);
        Assert.Equal(UpgradeStrategy.Default, app.UpgradeStrategy);
        Assert.Equal(TimeSpan.FromSeconds(1), app.Backoff);
        Assert.Equal(1.15, app.BackoffFactor);
        Assert.Equal(TimeSpan.FromSeconds(300), app.MaxLaunchDelay);
        Assert.Equal(KillSelection.YoungestFirst, app.KillSelection);
        Assert.Null(app.TaskKillGracePeriod);
        Assert.Equal("*", app.Role);
    }

    [Fact]
    public void FetchSamples_KeepExecutableDestPathAndCache()
    {
        var script = Assert.Single(Samples.Valid(Samples.Text("application-basics-basic-1.json")).Fetch);
        Assert.True(script.Executable);
        Assert.True(script.Extract); // Marathon's default for fetch entries
        var renamed = Assert.Single(Samples.Valid(Samples.Text("application-basics-basic-4.json")).Fetch);
        Assert.Equal("cool-script.sh", renamed.DestPath);
        Assert.True(Assert.Single(Samples.Valid(Samples.Text("application-basics-basic-3.json")).Fetch).Cache);
    }

    [Fact]
    public void RestApiSample_WithHealthChecksAndConstraints_ReportsItsDockerContainer()
    {
        var result = AppJson.Parse(Samples.Text("rest-api-v1.3-post-apps-my-app.json"));
        Assert.True(result.IsValid, result.Failure?.ToJson());
        var app = result.App;
        Assert.Equal(AppId.Parse("/my-app"), app.Id);
        Assert.Equal(Constraint.Create("hostname", ConstraintOperator.Unique), Assert.Single(app.Constraints));
        var check = Assert.Single(app.HealthChecks);
        Assert.Equal(HealthCheckProtocol.Http, check.Protocol);
        Assert.Equal("/", check.Path);
        Assert.Equal(0, check.PortIndex);
        Assert.Equal(TimeSpan.FromSeconds(3), check.GracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(10), check.Interval);
        Assert.Equal(TimeSpan.FromSeconds(5), check.Timeout);
        Assert.Equal(new UpgradeStrategy(0.5, 0.5), app.UpgradeStrategy);
        Assert.Equal([new PortDefinition { Port = 0 }], app.PortDefinitions); // from the deprecated "ports"
        Assert.Equal("/container", Assert.Single(result.Unsupported).Path);
    }

    [Fact]
    public void PythonHttpServerSample_HasItsNamedPort_AndReportsItsMesosCheck()
    {
        var result = AppJson.Parse(Samples.Text("rest-api-app-check-http-example.json"));
        Assert.True(result.IsValid, result.Failure?.ToJson());
        Assert.Equal("python3 -m http.server $PORT0", result.App.Cmd);
        Assert.Equal([new PortDefinition { Port = 0, Protocol = PortProtocol.Tcp, Name = "http" }], result.App.PortDefinitions);
        Assert.False(result.App.RequirePorts);
        Assert.Equal("/check", Assert.Single(result.Unsupported).Path);
    }

    [Fact]
    public void EventBusSample_TreatsNullsAndEmptyListsAsNotGiven_AndIgnoresVersion()
    {
        var result = AppJson.Parse(Samples.Text("event-bus-api-post-event-app.json"));
        Assert.True(result.IsValid, result.Failure?.ToJson());
        Assert.Empty(result.Unsupported); // "container": null, "dependencies": [], "executor": "" change nothing
        Assert.Equal("sleep 30", result.App.Cmd);
        Assert.Null(result.App.User);
        Assert.Null(result.App.Version);
        Assert.Equal(10001, Assert.Single(result.App.PortDefinitions).Port);
        Assert.Equal(new UpgradeStrategy(1.0, 1.0), result.App.UpgradeStrategy);
    }

    [Fact]
    public void ConstraintSamples_ParseToOneConstraintEach()
    {
        var expected = new Dictionary<string, Constraint>
        {
            ["constraints-cluster-value.json"] = Constraint.Create("rack_id", ConstraintOperator.Cluster, "rack-1"),
            ["constraints-cluster-novalue.json"] = Constraint.Create("rack_id", ConstraintOperator.Cluster),
            ["constraints-cluster-hostname-value.json"] = Constraint.Create("hostname", ConstraintOperator.Cluster, "a.specific.node.com"),
            ["constraints-cluster-hostname-novalue.json"] = Constraint.Create("hostname", ConstraintOperator.Cluster),
            ["constraints-like.json"] = Constraint.Create("rack_id", ConstraintOperator.Like, "rack-[1-3]"),
            ["constraints-unlike.json"] = Constraint.Create("rack_id", ConstraintOperator.Unlike, "rack-[7-9]"),
            ["constraints-max-per.json"] = Constraint.Create("rack_id", ConstraintOperator.MaxPer, "2"),
            ["constraints-unique.json"] = Constraint.Create("hostname", ConstraintOperator.Unique),
            ["constraints-group-by.json"] = Constraint.Create("rack_id", ConstraintOperator.GroupBy, "3"),
            ["constraints-is.json"] = Constraint.Create("rack_id", ConstraintOperator.Is, "rack-1"),
        };
        foreach (var (file, constraint) in expected)
            Assert.Equal(constraint, Assert.Single(Samples.Valid(Samples.Text(file)).Constraints));
    }

    [Fact]
    public void TaskKillGracePeriodSample_IsThirtySeconds()
    {
        var app = Samples.Valid(Samples.Text("health-checks-task-kill-grace-period.json"));
        Assert.Equal(TimeSpan.FromSeconds(30), app.TaskKillGracePeriod);
        Assert.Equal(ValueMap.Of(("note", "Away from olympus"), ("owner", "zeus")), app.Labels);
    }

    [Theory]
    [MemberData(nameof(HealthChecks))]
    public void HealthCheckSample_IsAcceptedInAnApp(string file)
    {
        var app = Samples.Valid(Samples.App("\"healthChecks\": [" + Samples.Text(file) + "]"));
        var check = Assert.Single(app.HealthChecks);
        Assert.Equal(app, Samples.Valid(AppJson.Write(app)));
        if (check.Protocol == HealthCheckProtocol.Command) Assert.NotNull(check.Command);
        else Assert.Equal(0, check.PortIndex);
    }
}

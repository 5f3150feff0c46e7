using Bridge.Yarn.NodeManager.Containers;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.NodeManager.Tests;

public sealed class LaunchPlanTests
{
    private static readonly ContainerId C5 = ContainerId.Parse("container_1410901177871_0001_01_000005");
    private static readonly NodeLayout Node = new(new NodeId("agent-1", 31000), 31001, "/nm/local", "/nm/logs",
        new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["SECRET"] = "not passed on", ["LANG"] = "C.UTF-8" });

    private static ContainerLaunch Launch(IReadOnlyList<string>? commands = null, Dictionary<string, string>? env = null,
        Dictionary<string, LocalResource>? resources = null) =>
        new(C5, new Resource(1024, 1), "hadoop", new ContainerLaunchContext(commands ?? ["echo", "hi"], env ?? [], resources ?? []));

    [Fact]
    public void Directories_follow_Hadoops_usercache_and_log_layout()
    {
        var plan = LaunchPlan.For(Launch(), Node);
        Assert.Equal("/nm/local/usercache/hadoop/appcache/application_1410901177871_0001/container_1410901177871_0001_01_000005", plan.WorkDir);
        Assert.Equal("/nm/logs/application_1410901177871_0001/container_1410901177871_0001_01_000005", plan.LogDir);
    }

    [Fact]
    public void The_NodeManagers_variables_are_set_and_win_over_the_containers()
    {
        var plan = LaunchPlan.For(Launch(env: new() { ["CONTAINER_ID"] = "forged", ["APP_VAR"] = "x" }), Node);
        var env = plan.Environment;
        Assert.Equal(C5.ToString(), env["CONTAINER_ID"]);
        Assert.Equal("agent-1", env["NM_HOST"]);
        Assert.Equal("31000", env["NM_PORT"]);
        Assert.Equal("31001", env["NM_HTTP_PORT"]);
        Assert.Equal("hadoop", env["USER"]);
        Assert.Equal(plan.WorkDir, env["PWD"]);
        Assert.Equal(plan.LogDir, env["LOG_DIRS"]);
        Assert.Equal("/nm/local/usercache/hadoop/appcache/application_1410901177871_0001", env["LOCAL_DIRS"]);
        Assert.Equal("x", env["APP_VAR"]);
    }

    [Fact]
    public void Only_whitelisted_variables_of_the_NodeManager_are_inherited_and_the_container_may_override_them()
    {
        var plan = LaunchPlan.For(Launch(env: new() { ["LANG"] = "en_GB.UTF-8" }), Node);
        Assert.Equal("/usr/bin:/bin", plan.Environment["PATH"]);
        Assert.Equal("en_GB.UTF-8", plan.Environment["LANG"]);
        Assert.False(plan.Environment.ContainsKey("SECRET"));
    }

    [Fact]
    public void Commands_are_joined_and_run_by_bash_with_the_cross_platform_forms_expanded()
    {
        var plan = LaunchPlan.For(Launch(["{{JAVA_HOME}}/bin/java", "-cp", "a<CPS>b", "1><LOG_DIR>/stdout", "2><LOG_DIR>/stderr"],
            new() { ["CLASSPATH"] = "{{PWD}}<CPS>./*" }), Node);
        Assert.Equal(["/bin/bash", "-c", $"$JAVA_HOME/bin/java -cp a:b 1>{plan.LogDir}/stdout 2>{plan.LogDir}/stderr"], plan.Argv);
        Assert.Equal("$PWD:./*", plan.Environment["CLASSPATH"]);
    }

    [Theory]
    [InlineData("commands", null, null)]
    [InlineData("scheme 'hdfs' is not supported", "hdfs", null)]
    [InlineData("commands[1] is blank", "blank", null)]
    [InlineData("'1BAD' is not a variable name", "env", null)]
    [InlineData("local-resources: '../x'", null, "../x")]
    [InlineData("local-resources: '/etc/x'", null, "/etc/x")]
    public void Bad_launch_contexts_are_refused_naming_the_field(string message, string? what, string? resourceName)
    {
        var launch = what switch
        {
            "blank" => Launch(["echo", "  "]),
            "hdfs" => Launch(resources: new() { ["a.jar"] = new LocalResource(new Uri("hdfs://nn:9000/a.jar"), LocalResourceType.File, LocalResourceVisibility.Application, -1, -1) }),
            "env" => Launch(env: new() { ["1BAD"] = "x" }),
            _ when resourceName is not null => Launch(resources: new() { [resourceName] = new LocalResource(new Uri("file:///etc/hostname"), LocalResourceType.File, LocalResourceVisibility.Application, -1, -1) }),
            _ => Launch([]),
        };
        var e = Assert.Throws<ArgumentException>(() => LaunchPlan.For(launch, Node));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void PATTERN_resources_are_refused_not_ignored()
    {
        var e = Assert.Throws<ArgumentException>(() => LaunchPlan.For(
            Launch(resources: new() { ["job.jar"] = new LocalResource(new Uri("file:///tmp/job.jar"), LocalResourceType.Pattern, LocalResourceVisibility.Application, -1, -1, "classes/.*") }), Node));
        Assert.Contains("PATTERN is not supported", e.Message);
    }
}

using Bridge.Kernel;
using Bridge.Yarn.Profiles;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.Scheduling;

namespace Bridge.Yarn.Tests.Profiles;

public class ProfileTests
{
    [Fact]
    public void Default_HasMyriadsFourProfiles()
    {
        var all = NodeManagerProfiles.Default.All.ToDictionary(p => p.Name, p => (p.Cpus, p.MemoryMb));

        Assert.Equal(new Dictionary<string, (int, long)>
        {
            ["large"] = (10, 12288), ["medium"] = (4, 4096), ["small"] = (2, 2048), ["zero"] = (0, 0),
        }, all);
        Assert.True(NodeManagerProfiles.Default["zero"].IsZero);
        Assert.False(NodeManagerProfiles.Default["small"].IsZero);
        Assert.Equal(new Resource(4096, 4), NodeManagerProfiles.Default["medium"].Capability);
    }

    [Fact]
    public void With_AddsACustomProfile_AndReplacesOneOfTheSameName()
    {
        var profiles = NodeManagerProfiles.Default.With(new NodeManagerProfile("huge", 32, 65536), new NodeManagerProfile("small", 1, 1024));

        Assert.Equal(new Resource(65536, 32), profiles["huge"].Capability);
        Assert.Equal(new Resource(1024, 1), profiles["small"].Capability);
        Assert.Equal(5, profiles.All.Count);
        Assert.False(profiles.Exists("Huge")); // names are case-sensitive, as Myriad's
        Assert.Null(profiles.Find(null));
    }

    [Theory]
    [InlineData("", 1, 1024, "profile name '' must be 1 to 64 letters, digits, '_' or '-'")]
    [InlineData("has space", 1, 1024, "profile name 'has space' must be 1 to 64 letters, digits, '_' or '-'")]
    [InlineData("neg", -1, 1024, "profile 'neg': cpu=-1 and mem=1024 must not be negative")]
    [InlineData("half", 0, 1024, "profile 'half': cpu=0, mem=1024: both must be 0 (a zero profile, fine-grained scaling) or both positive")]
    [InlineData("half", 2, 0, "profile 'half': cpu=2, mem=0: both must be 0 (a zero profile, fine-grained scaling) or both positive")]
    public void TryCreate_InvalidProfile_SaysWhy(string name, int cpus, long mb, string expected)
    {
        Assert.False(NodeManagerProfiles.TryCreate([new NodeManagerProfile(name, cpus, mb)], out _, out var error));
        Assert.Equal(expected, error);
        Assert.Throws<ArgumentException>(() => NodeManagerProfiles.Default.With(new NodeManagerProfile(name, cpus, mb)));
    }

    [Fact]
    public void TryCreate_NoProfiles_IsRefused()
    {
        Assert.False(NodeManagerProfiles.TryCreate([], out _, out var error));
        Assert.Equal("no NodeManager profiles are configured", error);
    }

    [Fact]
    public void Overhead_AddsTheNodeManagerAndExecutorShares_ToTheProfile()
    {
        var overhead = new NodeManagerOverhead { NodeManagerCpus = 1, NodeManagerMemoryMb = 2048, ExecutorCpus = 0.2, ExecutorMemoryMb = 256 };
        var medium = NodeManagerProfiles.Default["medium"];

        Assert.Equal(Scalar.FromDouble(5), overhead.TaskCpus(medium));
        Assert.Equal(Scalar.FromUnits(6144), overhead.TaskMemoryMb(medium));
        Assert.Equal((Scalar.FromDouble(5.2), Scalar.FromUnits(6400), 4), overhead.Total(medium));
        // A zero profile still needs the NodeManager and its executor.
        Assert.Equal((Scalar.FromDouble(1.2), Scalar.FromUnits(2304), 4), overhead.Total(NodeManagerProfiles.Default["zero"]));
    }

    [Fact]
    public void Overhead_Defaults_AreSmallAndValid()
    {
        var o = new NodeManagerOverhead();

        Assert.Null(o.Validate());
        Assert.Equal((0.2, 256L, 0.1, 128L), (o.NodeManagerCpus, o.NodeManagerMemoryMb, o.ExecutorCpus, o.ExecutorMemoryMb));
    }

    [Theory]
    [InlineData(-1, 256, 0.1, 128, "nodemanager.cpus=-1 must be a finite amount >= 0")]
    [InlineData(0.2, -5, 0.1, 128, "nodemanager.jvmMaxMemoryMB=-5 must be >= 0")]
    [InlineData(0.2, 256, double.NaN, 128, "executor.cpus=NaN must be a finite amount >= 0")]
    [InlineData(0.2, 256, 0, 0, "executor.cpus and executor.jvmMaxMemoryMB are both 0: the kernel needs an executor to use some cpus or mem")]
    public void Overhead_Invalid_SaysWhich(double nmCpus, long nmMb, double exCpus, long exMb, string expected)
    {
        var o = new NodeManagerOverhead { NodeManagerCpus = nmCpus, NodeManagerMemoryMb = nmMb, ExecutorCpus = exCpus, ExecutorMemoryMb = exMb };

        Assert.Equal(expected, o.Validate());
        Assert.Throws<ArgumentException>(() => new YarnBridgeScheduler(BridgeHarness.Options() with { Overhead = o }, new BridgeHarness().Yarn));
    }

    [Fact]
    public void Options_Invalid_AreRefusedWithTheSetting()
    {
        var options = BridgeHarness.Options();

        Assert.Null(options.Validate());
        Assert.Equal("nmInstances: profile 'tiny' does not exist", (options with { InitialInstances = new Dictionary<string, int> { ["tiny"] = 1 } }).Validate());
        Assert.Equal("autoscaling.profile 'tiny' does not exist", (options with { Autoscaling = new AutoscalingOptions { Enabled = true, Profile = "tiny" } }).Validate());
        Assert.Equal("autoscaling: minInstances=3, maxInstances=2: need 0 <= min <= max",
            (options with { Autoscaling = new AutoscalingOptions { MinInstances = 3, MaxInstances = 2 } }).Validate());
        Assert.Equal("executorCommand.value is empty", (options with { ExecutorCommand = new Kernel.V1.CommandInfo() }).Validate());
    }
}

public class ProfileConfigurationTests
{
    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Config(params (string Name, (string Key, string Value)[] Figures)[] profiles) =>
        profiles.ToDictionary(p => p.Name, p => (IReadOnlyDictionary<string, string>)p.Figures.ToDictionary(f => f.Key, f => f.Value));

    [Fact]
    public void TryFromConfiguration_ReadsMyriadsShape()
    {
        Assert.True(NodeManagerProfiles.TryFromConfiguration(
            Config(("zero", [("cpu", "0"), ("mem", "0")]), ("gpu-box", [("cpu", "16"), ("mem", "65536")])), out var profiles, out _));

        Assert.Equal(new NodeManagerProfile("gpu-box", 16, 65536), profiles["gpu-box"]);
        Assert.True(profiles["zero"].IsZero);
        Assert.Equal(2, profiles.All.Count);
    }

    [Theory]
    [InlineData("two", "2048", "profiles.p.cpu='two' is not a whole number")]
    [InlineData("2", "2.5", "profiles.p.mem='2.5' is not a whole number")]
    [InlineData("0", "2048", "profile 'p': cpu=0, mem=2048: both must be 0 (a zero profile, fine-grained scaling) or both positive")]
    [InlineData("99999999999", "1", "profiles.p.cpu=99999999999 is too large")]
    public void TryFromConfiguration_BadFigure_IsNamed(string cpu, string mem, string expected)
    {
        Assert.False(NodeManagerProfiles.TryFromConfiguration(Config(("p", [("cpu", cpu), ("mem", mem)])), out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryFromConfiguration_MissingOrUnknownKey_IsNamed()
    {
        Assert.False(NodeManagerProfiles.TryFromConfiguration(Config(("p", [("cpu", "2")])), out _, out var missing));
        Assert.Equal("profiles.p.mem is missing", missing);
        Assert.False(NodeManagerProfiles.TryFromConfiguration(Config(("p", [("cpu", "2"), ("mem", "1"), ("disk", "5")])), out _, out var unknown));
        Assert.Equal("profiles.p.disk is not a profile setting (cpu, mem)", unknown);
    }
}

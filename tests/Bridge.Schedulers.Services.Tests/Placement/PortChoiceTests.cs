using Bridge.Kernel;
using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Services.Constraints;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Placement;
using Res = Bridge.Kernel.Resources;
using static Bridge.Schedulers.Services.Tests.Placement.OfferMatcherTests;

namespace Bridge.Schedulers.Services.Tests.Placement;

public class PortChoiceTests
{
    private static AppDefinition Ports(bool requirePorts, params int[] ports) =>
        App() with { RequirePorts = requirePorts, PortDefinitions = ValueList.From(ports.Select(p => new PortDefinition { Port = p })) };

    private static OfferMatched Match(string offer, AppDefinition app, Random? random = null)
    {
        var result = new OfferMatcher(random).Match(Offer(offer), app, CurrentPlacement.None);
        return Assert.IsType<OfferMatched>(result);
    }

    private static OfferRejected Refuse(string offer, AppDefinition app)
    {
        var result = new OfferMatcher().Match(Offer(offer), app, CurrentPlacement.None);
        var rejected = Assert.IsType<OfferRejected>(result);
        Assert.Equal([RejectReason.InsufficientPorts], rejected.Reasons);
        return rejected;
    }

    [Fact]
    public void Fixed_RequirePortsTakesThePortNumbers_AndDynamicOnesAvoidThem()
    {
        var matched = Match("cpus:1;mem:128;ports:[8000-8100]", Ports(true, 8000, 0, 8050));
        Assert.Equal([8000, 8001, 8050], matched.HostPorts);
        Assert.Equal(ValueRanges.Of([new ValueRange(8000, 8001), new ValueRange(8050, 8050)]), matched.Resources.GetRanges("ports"));
    }

    [Fact]
    public void Fixed_PortNotOffered_IsInsufficientPorts() =>
        Assert.Equal("host port 8080 (requirePorts) is not offered", Assert.Single(Refuse("cpus:1;mem:128;ports:[31000-32000]", Ports(true, 8080)).Details));

    [Fact]
    public void Dynamic_WithoutRequirePorts_NonZeroNumbersAreServicePortsOnly()
    {
        var matched = Match("cpus:1;mem:128;ports:[31000-31010]", Ports(false, 10001, 10002));
        Assert.Equal([31000, 31001], matched.HostPorts);
    }

    [Fact]
    public void Dynamic_NotEnoughPorts_IsInsufficientPorts() =>
        Assert.Equal("3 dynamic host ports needed, 2 offered", Assert.Single(Refuse("cpus:1;mem:128;ports:[31000-31001]", Ports(false, 0, 0, 0)).Details));

    [Fact]
    public void Dynamic_NoPortsOffered_IsInsufficientPorts() =>
        Assert.Equal("1 dynamic host port needed, 0 offered", Assert.Single(Refuse("cpus:1;mem:128", Ports(false, 0)).Details));

    [Fact]
    public void Dynamic_SpanSplitRanges()
    {
        var matched = Match("cpus:1;mem:128;ports:[31000-31001,32000-32005]", Ports(false, 0, 0, 0, 0));
        Assert.Equal([31000, 31001, 32000, 32001], matched.HostPorts);
        Assert.Equal(ValueRanges.Of([new ValueRange(31000, 31001), new ValueRange(32000, 32001)]), matched.Resources.GetRanges("ports"));
    }

    [Fact]
    public void Dynamic_ReservedPortsComeFirst_KeepingTheirReservation()
    {
        var app = Ports(false, 0, 0) with { Role = "web" };
        var matched = Match("cpus:1;mem:128;ports(web):[5000-5000];ports:[31000-31010]", app);
        Assert.Equal([5000, 31000], matched.HostPorts);
        Assert.Equal(Res.Parse("cpus:1;mem:128;ports(web):[5000-5000];ports:[31000-31000]"), matched.Resources);
    }

    [Fact]
    public void Dynamic_PortZeroAndNumbersPast65535_AreNeverChosen()
    {
        var matched = Match("cpus:1;mem:128;ports:[0-1,65535-70000]", Ports(false, 0, 0));
        Assert.Equal([1, 65535], matched.HostPorts);
        Refuse("cpus:1;mem:128;ports:[0-0,65536-70000]", Ports(false, 0));
    }

    [Fact]
    public void NoPortDefinitions_TakeNoPorts() =>
        Assert.Equal(Res.Parse("cpus:1;mem:128"), Match("cpus:1;mem:128;ports:[31000-32000]", Ports(false)).Resources);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(4711)]
    public void Dynamic_WithRandomStart_ChoosesDistinctOfferedConsecutivePortsWithWrapAround(int seed)
    {
        var random = new Random(seed);
        var offered = ValueRanges.Of([new ValueRange(31000, 31004), new ValueRange(32000, 32002)]);
        var all = offered.SelectMany(r => Enumerable.Range((int)r.Begin, (int)r.Count)).ToList(); // 8 ports in order
        var starts = new HashSet<int>();
        for (int trial = 0; trial < 50; trial++)
        {
            var matched = Match("cpus:1;mem:128;ports:[31000-31004,32000-32002]", Ports(false, 0, 0, 0), random);
            var ports = matched.HostPorts;
            Assert.Equal(3, ports.Distinct().Count());
            int first = all.IndexOf(ports[0]);
            Assert.Equal([all[first], all[(first + 1) % all.Count], all[(first + 2) % all.Count]], ports);
            Assert.True(Res.Parse("ports:[31000-31004,32000-32002]").Contains(Res.Of(matched.Resources.Where(r => r.Name == "ports"))));
            starts.Add(first);
        }
        Assert.True(starts.Count > 3, "the start should vary with the random source");
    }

    [Fact]
    public void Dynamic_WithRandomStart_ExcludesFixedPorts()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 30; trial++)
        {
            var matched = Match("cpus:1;mem:128;ports:[31000-31003]", Ports(true, 31001, 0, 0), random);
            Assert.Equal(31001, matched.HostPorts[0]);
            Assert.DoesNotContain(31001, matched.HostPorts.Skip(1));
            Assert.Equal(3, matched.HostPorts.Distinct().Count());
        }
    }
}

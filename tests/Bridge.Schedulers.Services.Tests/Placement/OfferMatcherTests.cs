using Bridge.Kernel;
using Bridge.Schedulers.Services.Constraints;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Placement;
using Res = Bridge.Kernel.Resources;
using static Bridge.Schedulers.Services.Tests.Constraints.Agents;

namespace Bridge.Schedulers.Services.Tests.Placement;

public class OfferMatcherTests
{
    private static readonly AgentFacts A1 = Agent("a1", "rack:r1");

    internal static AppDefinition App(double cpus = 1, double mem = 128, double disk = 0, int gpus = 0) => new()
    {
        Id = AppId.Parse("/web"),
        Cmd = "sleep 10",
        Cpus = cpus,
        MemMb = mem,
        DiskMb = disk,
        Gpus = gpus,
        PortDefinitions = [],
    };

    internal static OfferFacts Offer(string resources, AgentFacts? agent = null) => new(agent ?? A1, Res.Parse(resources));

    private static OfferMatched Matched(OfferMatchResult result) =>
        Assert.IsType<OfferMatched>(result);

    private static OfferRejected Rejected(OfferMatchResult result) => Assert.IsType<OfferRejected>(result);

    private readonly OfferMatcher _matcher = new();

    [Fact]
    public void Match_FittingOffer_TakesExactlyTheAppsScalars()
    {
        var result = Matched(_matcher.Match(Offer("cpus:4;mem:4096;disk:1000;gpus:1"), App(cpus: 0.5, mem: 256, disk: 10), CurrentPlacement.None));
        Assert.Equal(Res.Parse("cpus:0.5;mem:256;disk:10"), result.Resources);
        Assert.Empty(result.HostPorts);
    }

    [Fact]
    public void Match_ReservedForTheRole_IsTakenFirst_ThenUnreserved()
    {
        var app = App(cpus: 1, mem: 100) with { Role = "web" };
        var result = Matched(_matcher.Match(Offer("cpus(web):0.25;cpus:4;mem(web):512;mem:512"), app, CurrentPlacement.None));
        Assert.Equal(Res.Parse("cpus(web):0.25;cpus:0.75;mem(web):100"), result.Resources);
    }

    [Fact]
    public void Match_ReservationOfAnAncestorRole_Counts() =>
        Assert.Equal(Res.Parse("cpus(eng):1;mem(eng):128"),
            Matched(_matcher.Match(Offer("cpus(eng):2;mem(eng):512"), App() with { Role = "eng/web" }, CurrentPlacement.None)).Resources);

    [Fact]
    public void Match_NothingOfAnAcceptedRole_IsUnfulfilledRole()
    {
        var onlyReserved = App() with { Role = "web", AcceptedResourceRoles = ["web"] };
        var rejected = Rejected(_matcher.Match(Offer("cpus:4;mem:4096"), onlyReserved, CurrentPlacement.None));
        Assert.Equal(RejectReason.UnfulfilledRole, rejected.Reason);
        Assert.Contains("roles the app accepts (web)", rejected.Details[0]);
        Assert.Equal(RejectReason.UnfulfilledRole, Rejected(_matcher.Match(Offer("cpus(db):4;mem(db):4096"), App(), CurrentPlacement.None)).Reason);
    }

    [Fact]
    public void Match_AcceptingOnlyUnreserved_IgnoresTheRolesReservations()
    {
        var app = App(cpus: 2) with { Role = "web", AcceptedResourceRoles = ["*"] };
        var rejected = Rejected(_matcher.Match(Offer("cpus(web):4;cpus:1;mem:1024"), app, CurrentPlacement.None));
        Assert.Equal([RejectReason.InsufficientCpus], rejected.Reasons);
        Assert.Equal(new ResourceShortfall("cpus", Scalar.FromUnits(2), Scalar.FromUnits(1)), Assert.Single(rejected.Shortfalls));
    }

    [Fact]
    public void Match_PersistentVolumes_AreNeverTaken() =>
        Assert.Equal(RejectReason.InsufficientDisk,
            Rejected(_matcher.Match(Offer("cpus(web):1;mem(web):128;disk(web)[v1:data]:100"), App(disk: 50) with { Role = "web" }, CurrentPlacement.None)).Reason);

    [Fact]
    public void Match_ConstraintRulingTheAgentOut_IsUnfulfilledConstraint()
    {
        var app = App() with { Constraints = [Constraint.Create("hostname", ConstraintOperator.Unique)] };
        var rejected = Rejected(_matcher.Match(Offer("cpus:4;mem:4096"), app, Tasks(A1)));
        Assert.Equal(RejectReason.UnfulfilledConstraint, rejected.Reason);
        Assert.Equal("hostname:UNIQUE: hostname 'a1.example' already has a task of this app", Assert.Single(rejected.Details));
        Assert.Equal(app.Constraints[0], Assert.Single(rejected.Constraints).Constraint);
    }

    [Theory]
    [InlineData("cpus:0.5;mem:4096;disk:100;gpus:1", RejectReason.InsufficientCpus, "cpus: 1 requested, 0.5 offered")]
    [InlineData("cpus:4;mem:64;disk:100;gpus:1", RejectReason.InsufficientMemory, "mem: 128 requested, 64 offered")]
    [InlineData("cpus:4;mem:4096;disk:5;gpus:1", RejectReason.InsufficientDisk, "disk: 10 requested, 5 offered")]
    [InlineData("cpus:4;mem:4096;disk:100", RejectReason.InsufficientGpus, "gpus: 1 requested, 0 offered")]
    public void Match_TooLittleOfAScalar_NamesIt(string offer, RejectReason reason, string detail)
    {
        var rejected = Rejected(_matcher.Match(Offer(offer), App(disk: 10, gpus: 1), CurrentPlacement.None));
        Assert.Equal([reason], rejected.Reasons);
        Assert.Equal(detail, Assert.Single(rejected.Details));
    }

    [Fact]
    public void Match_SeveralProblems_AreAllReportedInFunnelOrder_AndTheFirstCounts()
    {
        var app = App(cpus: 8, mem: 8192) with { Constraints = [Constraint.Create("rack", ConstraintOperator.Is, "r9")] };
        var rejected = Rejected(_matcher.Match(Offer("cpus:1;mem:128"), app, CurrentPlacement.None));
        Assert.Equal([RejectReason.UnfulfilledConstraint, RejectReason.InsufficientCpus, RejectReason.InsufficientMemory], rejected.Reasons);
        Assert.Equal(RejectReason.UnfulfilledConstraint, rejected.Reason);
        Assert.Equal(3, rejected.Details.Count);
    }

    [Fact]
    public void Match_ZeroRequirements_AreNotChecked() =>
        Matched(_matcher.Match(Offer("cpus:1;mem:128"), App(disk: 0, gpus: 0), CurrentPlacement.None));

    [Fact]
    public void Match_PortsAreCheckedOnlyWhenEverythingElseFits()
    {
        var app = App(cpus: 8) with { PortDefinitions = [new PortDefinition()] };
        Assert.Equal([RejectReason.InsufficientCpus], Rejected(_matcher.Match(Offer("cpus:1;mem:128"), app, CurrentPlacement.None)).Reasons);
        Assert.Equal([RejectReason.InsufficientPorts], Rejected(_matcher.Match(Offer("cpus:8;mem:128"), app, CurrentPlacement.None)).Reasons);
    }
}

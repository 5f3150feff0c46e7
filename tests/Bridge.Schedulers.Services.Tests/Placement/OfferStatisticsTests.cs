using Bridge.Kernel;
using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Services.Constraints;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Placement;
using static Bridge.Schedulers.Services.Tests.Placement.OfferMatcherTests;

namespace Bridge.Schedulers.Services.Tests.Placement;

public class OfferStatisticsTests
{
    private static readonly AppId Web = AppId.Parse("/web");
    private static readonly DateTimeOffset T0 = new(2016, 2, 28, 16, 41, 41, 90, TimeSpan.Zero);

    private static OfferRejected Rejected(params RejectReason[] reasons) => new(ValueList.From(reasons), [], [], ["x"]);

    private static readonly OfferMatched Used = new(Bridge.Kernel.Resources.Parse("cpus:1"), []);

    [Fact]
    public void Summary_CountsEachRejectedOfferUnderItsFirstReason()
    {
        var stats = new OfferStatistics();
        stats.Record(Web, new AgentId("a1"), Rejected(RejectReason.InsufficientCpus, RejectReason.InsufficientMemory), T0);
        stats.Record(Web, new AgentId("a2"), Rejected(RejectReason.InsufficientMemory), T0.AddSeconds(1));
        stats.Record(Web, new AgentId("a3"), Used, T0.AddSeconds(2));
        var summary = stats.Summary(Web);
        Assert.Equal(3, summary.ProcessedOffersCount);
        Assert.Equal(2, summary.UnusedOffersCount);
        Assert.Equal(T0.AddSeconds(1), summary.LastUnusedOfferAt);
        Assert.Equal(T0.AddSeconds(2), summary.LastUsedOfferAt);
        var funnel = summary.RejectSummaryLaunchAttempt;
        Assert.Equal(Enum.GetValues<RejectReason>(), funnel.Select(s => s.Reason));
        Assert.Equal(new DeclinedOfferStep(RejectReason.InsufficientCpus, 1, 3), funnel.Single(s => s.Reason == RejectReason.InsufficientCpus));
        Assert.Equal(new DeclinedOfferStep(RejectReason.InsufficientMemory, 1, 2), funnel.Single(s => s.Reason == RejectReason.InsufficientMemory));
        Assert.Equal(new DeclinedOfferStep(RejectReason.InsufficientPorts, 0, 1), funnel[^1]);
    }

    [Fact]
    public void Summary_LastOffers_KeepsOnlyEachAgentsLatestUnusedOffer()
    {
        var stats = new OfferStatistics();
        var a1 = new AgentId("a1");
        stats.Record(Web, a1, Rejected(RejectReason.InsufficientCpus), T0);
        stats.Record(Web, a1, Rejected(RejectReason.UnfulfilledConstraint), T0.AddSeconds(5));
        stats.Record(Web, new AgentId("a2"), Rejected(RejectReason.InsufficientCpus), T0.AddSeconds(1));
        var last = stats.Summary(Web).RejectSummaryLastOffers;
        Assert.Equal(2, last[0].Processed);
        Assert.Equal(new DeclinedOfferStep(RejectReason.UnfulfilledConstraint, 1, 2), last[1]);
        Assert.Equal(new DeclinedOfferStep(RejectReason.InsufficientCpus, 1, 1), last[2]);
        Assert.Equal([a1, new AgentId("a2")], stats.LastUnusedOffers(Web).Select(u => u.AgentId));
        Assert.Equal(3, stats.Summary(Web).RejectSummaryLaunchAttempt[0].Processed);
    }

    [Fact]
    public void LaunchFinished_ForgetsTheApp()
    {
        var stats = new OfferStatistics();
        stats.Record(Web, new AgentId("a1"), Rejected(RejectReason.InsufficientCpus), T0);
        stats.LaunchFinished(Web);
        Assert.Equal(0, stats.Summary(Web).ProcessedOffersCount);
        Assert.Empty(stats.LastUnusedOffers(Web));
    }

    [Fact]
    public void ToJson_IsMarathonsProcessedOffersSummary()
    {
        var stats = new OfferStatistics();
        stats.Record(Web, new AgentId("a1"), Rejected(RejectReason.UnfulfilledRole), T0);
        Assert.Equal(
            "{\"processedOffersCount\":1,\"unusedOffersCount\":1,\"lastUnusedOfferAt\":\"2016-02-28T16:41:41.090Z\","
            + "\"rejectSummaryLastOffers\":[{\"reason\":\"UnfulfilledRole\",\"declined\":1,\"processed\":1},"
            + "{\"reason\":\"UnfulfilledConstraint\",\"declined\":0,\"processed\":0},{\"reason\":\"InsufficientCpus\",\"declined\":0,\"processed\":0},"
            + "{\"reason\":\"InsufficientMemory\",\"declined\":0,\"processed\":0},{\"reason\":\"InsufficientDisk\",\"declined\":0,\"processed\":0},"
            + "{\"reason\":\"InsufficientGpus\",\"declined\":0,\"processed\":0},{\"reason\":\"InsufficientPorts\",\"declined\":0,\"processed\":0}],"
            + "\"rejectSummaryLaunchAttempt\":[{\"reason\":\"UnfulfilledRole\",\"declined\":1,\"processed\":1},"
            + "{\"reason\":\"UnfulfilledConstraint\",\"declined\":0,\"processed\":0},{\"reason\":\"InsufficientCpus\",\"declined\":0,\"processed\":0},"
            + "{\"reason\":\"InsufficientMemory\",\"declined\":0,\"processed\":0},{\"reason\":\"InsufficientDisk\",\"declined\":0,\"processed\":0},"
            + "{\"reason\":\"InsufficientGpus\",\"declined\":0,\"processed\":0},{\"reason\":\"InsufficientPorts\",\"declined\":0,\"processed\":0}]}",
            stats.Summary(Web).ToJson());
    }

    [Fact]
    public void MatcherAndStatistics_ExplainAnUnmeetableConstraint()
    {
        // The scenario: a constraint that cannot be met shows up with its reason.
        var app = App() with { Constraints = [Constraint.Create("rack", ConstraintOperator.Is, "r9")] };
        var matcher = new OfferMatcher();
        var stats = new OfferStatistics();
        for (int i = 0; i < 3; i++)
        {
            var agent = Bridge.Schedulers.Services.Tests.Constraints.Agents.Agent($"a{i}", $"rack:r{i}");
            stats.Record(app.Id, agent.Id, matcher.Match(Offer("cpus:4;mem:4096", agent), app, CurrentPlacement.None), T0.AddSeconds(i));
        }
        var summary = stats.Summary(app.Id);
        Assert.Equal(3, summary.UnusedOffersCount);
        Assert.Equal(new DeclinedOfferStep(RejectReason.UnfulfilledConstraint, 3, 3), summary.RejectSummaryLastOffers[1]);
    }
}

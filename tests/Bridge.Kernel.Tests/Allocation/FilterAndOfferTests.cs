using Bridge.Kernel.Allocation;
using static Bridge.Kernel.Tests.Allocation.Harness;

namespace Bridge.Kernel.Tests.Allocation;

public class FilterAndOfferTests
{
    [Fact]
    public void Decline_FiltersForRefuseSeconds_OnVirtualTime()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:2;mem:2048");
        h.Framework("f");
        var offer = Assert.Single(h.Allocator.Allocate().Offers);
        h.Allocator.Decline(offer.Id, new Filters(RefuseSeconds: 10));
        Assert.Empty(h.Allocator.Allocate().Offers);
        h.Clock.Advance(TimeSpan.FromSeconds(9.999));
        Assert.Empty(h.Allocator.Allocate().Offers);
        h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Single(h.Allocator.Allocate().Offers);
    }

    [Fact]
    public void Decline_WithoutFilters_UsesFiveSeconds()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:2;mem:2048");
        h.Framework("f");
        h.Allocator.Decline(Assert.Single(h.Allocator.Allocate().Offers).Id);
        h.Clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Empty(h.Allocator.Allocate().Offers);
        h.Clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Single(h.Allocator.Allocate().Offers);
    }

    [Fact]
    public void Decline_RefuseZero_ReoffersAtOnce()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:2;mem:2048");
        h.Framework("f");
        h.Allocator.Decline(Assert.Single(h.Allocator.Allocate().Offers).Id, new Filters(0));
        Assert.Single(h.Allocator.Allocate().Offers);
    }

    [Fact]
    public void Filter_DoesNotHide_MoreResourcesThanWereRefused()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:4;mem:4096");
        var f1 = h.Framework("f1");
        var f2 = h.Framework("f2");
        var first = Assert.Single(h.Allocator.Allocate().Offers);
        Assert.Equal(f1, first.FrameworkId);
        var task = h.Launch(first, refuseSeconds: 0, "cpus:3;mem:3072").Single();
        var small = Assert.Single(h.Allocator.Allocate().Offers);
        Assert.Equal(f2, small.FrameworkId); // f1 holds more, f2 goes first
        h.Allocator.Decline(small.Id, new Filters(3600)); // f2 refuses <1 cpu, 1 GB>
        h.Allocator.Decline(Assert.Single(h.Allocator.Allocate().Offers).Id, new Filters(3600)); // so does f1
        Assert.Empty(h.Allocator.Allocate().Offers);

        // The task ends: 4 cpus are more than either refused, so the agent is offered again.
        Assert.True(h.Allocator.RemoveTask(f1, task));
        var again = Assert.Single(h.Allocator.Allocate().Offers);
        Assert.Equal(R("cpus:4;mem:4096"), again.Resources);
    }

    [Fact]
    public void SuppressAndRevive_StopAndResumeOffers_ReviveClearsFilters()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:2;mem:2048");
        var f = h.Framework("f");
        h.Allocator.Suppress(f);
        Assert.Empty(h.Allocator.Allocate().Offers);
        h.Allocator.Revive(f);
        var offer = Assert.Single(h.Allocator.Allocate().Offers);
        h.Allocator.Decline(offer.Id, new Filters(3600));
        Assert.Equal(1, h.Allocator.CountFilters(A("agent-1")));
        Assert.Empty(h.Allocator.Allocate().Offers);
        h.Allocator.Revive(f);
        Assert.Equal(0, h.Allocator.CountFilters(A("agent-1")));
        Assert.Single(h.Allocator.Allocate().Offers);
    }

    [Fact]
    public void Suppress_IsPerRole()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:2;mem:2048");
        var f = h.Framework("f", "a", "b");
        h.Allocator.Suppress(f, ["a"]);
        var offer = Assert.Single(h.Allocator.Allocate().Offers);
        Assert.Equal("b", offer.Role);
    }

    [Fact]
    public void DeactivatedFramework_GetsNoOffers()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:2;mem:2048");
        var f = h.Framework("f");
        h.Allocator.DeactivateFramework(f);
        Assert.Empty(h.Allocator.Allocate().Offers);
        h.Allocator.ActivateFramework(f);
        Assert.Single(h.Allocator.Allocate().Offers);
    }

    [Fact]
    public void OfferTimeout_ReportsOffersOldEnough_OldestFirst()
    {
        var h = new Harness(new AllocatorOptions { OfferTimeout = TimeSpan.FromSeconds(30) });
        h.Agent("agent-1", "cpus:2;mem:2048");
        h.Framework("f");
        var first = Assert.Single(h.Allocator.Allocate().Offers);
        h.Clock.Advance(TimeSpan.FromSeconds(10));
        h.Agent("agent-2", "cpus:2;mem:2048");
        var second = Assert.Single(h.Allocator.Allocate().Offers);
        h.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal([first.Id], h.Allocator.ExpiredOffers());
        h.Allocator.Rescind(first.Id);
        h.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([second.Id], h.Allocator.ExpiredOffers());
        // A rescinded offer's resources come back without a filter.
        Assert.Contains(h.Allocator.Allocate().Offers, o => o.AgentId == A("agent-1"));
    }

    [Fact]
    public void MinAllocatable_NoSlivers()
    {
        var h = new Harness();
        h.Agent("tiny", "cpus:0.005;mem:16;disk:100");
        h.Agent("ok", "cpus:0.01;mem:16");
        h.Framework("f");
        var offer = Assert.Single(h.Allocator.Allocate().Offers);
        Assert.Equal(A("ok"), offer.AgentId);
    }

    [Fact]
    public void AgentWithNothingToOffer_IsParkedUntilSomethingChanges()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:2;mem:2048");
        h.Agent("agent-2", "cpus:2;mem:2048");
        var f = h.Framework("f");
        foreach (var o in h.Allocator.Allocate().Offers) h.Allocator.Decline(o.Id, new Filters(3600));
        Assert.Equal(2, h.Allocator.Allocate().AgentsConsidered); // declines touched both
        Assert.Equal(0, h.Allocator.Allocate().AgentsConsidered); // nothing changed since
        h.Allocator.Revive(f);
        var result = h.Allocator.Allocate();
        Assert.Equal(2, result.AgentsConsidered);
        Assert.Equal(2, result.Offers.Count);
    }

    [Fact]
    public void Tick_BatchEveryInterval_TargetedInBetween()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:2;mem:2048");
        h.Framework("f");
        Assert.Single(h.Allocator.Tick().Offers); // first batch is due at once
        Assert.Equal(h.Clock.GetUtcNow() + TimeSpan.FromSeconds(1), h.Allocator.NextBatchAt);
        h.Agent("agent-2", "cpus:2;mem:2048");
        var targeted = h.Allocator.Tick();
        Assert.Equal(1, targeted.AgentsConsidered);
        Assert.Equal(A("agent-2"), Assert.Single(targeted.Offers).AgentId);
        Assert.Empty(h.Allocator.Tick().Offers);
    }

    [Fact]
    public void Tick_AfterRevive_RunsTheBatchCycleAtOnce()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:2;mem:2048");
        h.Agent("agent-2", "cpus:2;mem:2048");
        var f = h.Framework("f");
        h.Allocator.Suppress(f);
        Assert.Empty(h.Allocator.Tick().Offers); // the first batch, suppressed
        Assert.Equal(0, h.Allocator.Tick().AgentsConsidered); // the next is a second away
        h.Allocator.Revive(f);
        Assert.Equal(h.Clock.GetUtcNow(), h.Allocator.NextBatchAt);
        var revived = h.Allocator.Tick();
        Assert.Equal(2, revived.Offers.Count);
        Assert.Equal(h.Clock.GetUtcNow() + TimeSpan.FromSeconds(1), h.Allocator.NextBatchAt);
    }

    [Fact]
    public void RemoveAgent_DropsItsOffersAndTasks()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:2;mem:2048");
        var f = h.Framework("f");
        var offer = Assert.Single(h.Allocator.Allocate().Offers);
        Assert.Equal([offer.Id], h.Allocator.RemoveAgent(A("agent-1")));
        Assert.Equal(0, h.Share(f));
        Assert.Null(h.Allocator.GetOffer(offer.Id));
    }

    [Fact]
    public void UnknownIds_AreRejected()
    {
        var h = new Harness();
        Assert.Throws<ArgumentException>(() => h.Allocator.Decline(new OfferId("nope")));
        Assert.Throws<ArgumentException>(() => h.Allocator.Revive(F("nope")));
        Assert.Throws<ArgumentException>(() => h.Allocator.AddFramework(F("x"), ["bad role"]));
        Assert.False(h.Allocator.RemoveTask(F("x"), new TaskId("t")));
    }
}

public class MultiOfferAcceptTests
{
    [Fact]
    public void Accept_TwoOffersOfOneAgent_LaunchesATaskNeedingBoth()
    {
        var h = new Harness();
        var agent = h.Agent("a1", "cpus:4;mem:4096");
        var f = h.Framework("f1");
        var first = h.Allocator.Allocate().Offers.Single();
        var held = h.Launch(first, 0, "cpus:2;mem:2048").Single();
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = h.Allocator.Allocate().Offers.Single();
        Assert.True(h.Allocator.RemoveTask(f, held));
        var third = h.Allocator.Allocate().Offers.Single();

        var result = h.Allocator.Accept([second.Id, third.Id], [new LaunchOperation(new TaskId("big"), Harness.R("cpus:4;mem:4096"))]);

        Assert.True(result.Succeeded, result.Error);
        Assert.Empty(h.Allocator.GetOffers());
        Assert.True(h.Allocator.GetAvailable(agent).IsEmpty);
    }

    [Fact]
    public void Accept_OffersOfTwoAgents_IsRefusedAndLeavesThemOutstanding()
    {
        var h = new Harness();
        h.Agent("a1", "cpus:1;mem:512");
        h.Agent("a2", "cpus:1;mem:512");
        h.Framework("f1");
        var offers = h.Allocator.Allocate().Offers;
        Assert.Equal(2, offers.Count);

        Assert.Throws<ArgumentException>(() => h.Allocator.Accept(offers.Select(o => o.Id).ToList(), []));
        Assert.Equal(2, h.Allocator.GetOffers().Count);
    }
}

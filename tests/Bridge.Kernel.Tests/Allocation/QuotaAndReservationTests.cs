using Bridge.Kernel.Allocation;
using static Bridge.Kernel.Tests.Allocation.Harness;

namespace Bridge.Kernel.Tests.Allocation;

public class QuotaAndReservationTests
{
    private static Quota Guarantee(string q, string? limit = null) =>
        new(ResourceQuantities.Parse(q), limit is null ? null : ResourceQuantities.Parse(limit));

    private static Harness FourAgents(AllocatorOptions? options = null)
    {
        var h = new Harness(options);
        for (int i = 1; i <= 4; i++) h.Agent($"agent-{i}", "cpus:2;mem:2048");
        return h;
    }

    [Fact]
    public void Guarantee_HeadroomIsHeldBack_EvenBeforeTheRoleHasFrameworks()
    {
        var h = FourAgents();
        h.Allocator.UpdateQuota("prod", Guarantee("cpus:4;mem:4096"));
        h.Framework("batch", "batch");
        var offered = h.Allocator.Allocate().Offers.Aggregate(Resources.Empty, (s, o) => s + o.Resources);
        // 8 cpus, 8 GB in all; 4 cpus and 4 GB stay free for prod's guarantee.
        Assert.Equal(Scalar.FromUnits(4), offered.GetScalar("cpus"));
        Assert.Equal(Scalar.FromUnits(4096), offered.GetScalar("mem"));
    }

    [Fact]
    public void Guarantee_IsServedFirst_UpToTheGuarantee()
    {
        var h = FourAgents();
        h.Allocator.UpdateQuota("prod", Guarantee("cpus:3"));
        h.Framework("batch", "batch");
        var prod = h.Framework("prod", "prod");
        var offers = h.Allocator.Allocate().Offers;
        var toProd = offers.Where(o => o.FrameworkId == prod).Aggregate(Resources.Empty, (s, o) => s + o.Resources);
        Assert.True(toProd.GetScalar("cpus") >= Scalar.FromUnits(3), $"prod got {toProd}");
        Assert.Equal(Scalar.FromUnits(8), offers.Aggregate(Resources.Empty, (s, o) => s + o.Resources).GetScalar("cpus"));
    }

    [Fact]
    public void Limit_IsNeverExceeded_AndOffersAreShrunkToFit()
    {
        var h = FourAgents();
        h.Allocator.UpdateQuota("batch", new Quota(ResourceQuantities.Empty, ResourceQuantities.Parse("cpus:3")));
        var batch = h.Framework("batch", "batch");
        var offers = h.Allocator.Allocate().Offers;
        var total = offers.Aggregate(Resources.Empty, (s, o) => s + o.Resources);
        Assert.Equal(Scalar.FromUnits(3), total.GetScalar("cpus"));
        Assert.All(offers, o => Assert.Equal(batch, o.FrameworkId));
        // Accept everything; later cycles offer no more cpus.
        foreach (var o in offers) h.Launch(o, 0, o.Resources.ToString());
        var more = h.Allocator.Allocate().Offers;
        Assert.All(more, o => Assert.True(o.Resources.GetScalar("cpus").IsZero));
        Assert.Equal(Scalar.FromUnits(3), h.Allocator.GetRole("batch")!.Consumed["cpus"]);
    }

    [Fact]
    public void UpdateQuota_Invalid_IsRejectedWithReason()
    {
        var h = FourAgents();
        var e = Assert.Throws<ArgumentException>(() => h.Allocator.UpdateQuota("a", Guarantee("cpus:4", "cpus:2")));
        Assert.Contains("above its limit", e.Message);
        h.Allocator.UpdateQuota("eng", Guarantee("cpus:4"));
        h.Allocator.UpdateQuota("eng/hadoop", Guarantee("cpus:3"));
        e = Assert.Throws<ArgumentException>(() => h.Allocator.UpdateQuota("eng/services", Guarantee("cpus:2")));
        Assert.Contains("above its guarantee", e.Message);
        Assert.Throws<ArgumentException>(() => h.Allocator.UpdateQuota("*", Guarantee("cpus:1")));
    }

    [Fact]
    public void StaticReservation_IsOfferedOnlyToItsRoleAndDescendants()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:2;mem:2048;cpus(eng):2;mem(eng):2048");
        var ops = h.Framework("ops", "ops");
        var offer = Assert.Single(h.Allocator.Allocate().Offers);
        Assert.Equal(ops, offer.FrameworkId);
        Assert.Equal(R("cpus:2;mem:2048"), offer.Resources);

        var hadoop = h.Framework("hadoop", "eng/hadoop");
        var second = Assert.Single(h.Allocator.Allocate().Offers);
        Assert.Equal(hadoop, second.FrameworkId);
        Assert.Equal(R("cpus(eng):2;mem(eng):2048"), second.Resources);
        Assert.Equal("eng/hadoop", second.Role);
    }

    [Fact]
    public void Reservations_CountTowardQuotaConsumption_EvenUnallocated()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:2;cpus(eng):3;mem:1024");
        Assert.Equal(Scalar.FromUnits(3), h.Allocator.GetRole("eng")!.Consumed["cpus"]);
    }

    [Fact]
    public void DynamicReservation_ThroughAccept_IsReofferedToTheRoleOnly()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:4;mem:4096");
        var db = h.Framework("db", "db");
        var offer = Assert.Single(h.Allocator.Allocate().Offers);
        var reserved = R("cpus:2;mem:2048").PushReservation(Reservation.Dynamic("db", "alice"));
        var result = h.Allocator.Accept(offer.Id, [new ReserveOperation(reserved)], new Filters(0));
        Assert.True(result.Succeeded, result.Error);

        h.Allocator.Suppress(db);
        var other = h.Framework("web", "web");
        var webOffer = Assert.Single(h.Allocator.Allocate().Offers);
        Assert.Equal(other, webOffer.FrameworkId);
        Assert.Equal(R("cpus:2;mem:2048"), webOffer.Resources);
        h.Allocator.Decline(webOffer.Id, new Filters(3600));

        h.Allocator.Revive(db);
        var dbOffer = Assert.Single(h.Allocator.Allocate().Offers);
        Assert.Equal(db, dbOffer.FrameworkId);
        Assert.Equal(R("cpus:2;mem:2048;cpus(db,alice):2;mem(db,alice):2048"), dbOffer.Resources);
        Assert.Equal(Scalar.FromUnits(4), h.Allocator.GetRole("db")!.Consumed["cpus"]); // 2 reserved + 2 unreserved offered
    }

    [Fact]
    public void PersistentVolume_CreateThenDestroy()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:1;mem:1024;disk(db):1000");
        var db = h.Framework("db", "db");
        var offer = Assert.Single(h.Allocator.Allocate().Offers);
        var volume = R("disk(db)[vol-1:data]:1000");
        Assert.True(h.Allocator.Accept(offer.Id, [new CreateVolumesOperation(volume)], new Filters(0)).Succeeded);
        var again = Assert.Single(h.Allocator.Allocate().Offers);
        Assert.Equal(R("cpus:1;mem:1024;disk(db)[vol-1:data]:1000"), again.Resources);
        var twice = h.Allocator.Accept(again.Id, [new CreateVolumesOperation(volume)]);
        Assert.False(twice.Succeeded);
        Assert.Contains("already exists", twice.Error);
        Assert.True(h.Allocator.Accept(again.Id, [new DestroyVolumesOperation(volume)], new Filters(0)).Succeeded);
        Assert.Equal(R("cpus:1;mem:1024;disk(db):1000"), h.Allocator.GetAvailable(A("agent-1")));
        _ = db;
    }

    [Fact]
    public void Accept_InvalidOperation_NamesItAndChangesNothing()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:2;mem:2048");
        h.Framework("f", "web");
        var offer = Assert.Single(h.Allocator.Allocate().Offers);
        var result = h.Allocator.Accept(offer.Id, [
            new LaunchOperation(new TaskId("t1"), R("cpus:1;mem:1024")),
            new LaunchOperation(new TaskId("t2"), R("cpus:2;mem:1024")),
        ]);
        Assert.False(result.Succeeded);
        Assert.Equal(1, result.OperationIndex);
        Assert.Contains("task t2 needs 'cpus:2;mem:1024' but the offer has 'cpus:1;mem:1024' left", result.Error);
        Assert.NotNull(h.Allocator.GetOffer(offer.Id));

        var wrongRole = h.Allocator.Accept(offer.Id, [new ReserveOperation(R("cpus:1").PushReservation(Reservation.Dynamic("other")))]);
        Assert.Contains("reserved for other, but the offer was made to role web", wrongRole.Error);
    }
}

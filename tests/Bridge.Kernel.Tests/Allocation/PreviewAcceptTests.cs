using Bridge.Kernel.Allocation;
using static Bridge.Kernel.Tests.Allocation.Harness;

namespace Bridge.Kernel.Tests.Allocation;

public class PreviewAcceptTests
{
    [Fact]
    public void PreviewAccept_ReserveAndCreate_TellsTheTotalAcceptWillLeaveAndChangesNothing()
    {
        var h = new Harness();
        var agent = h.Agent("agent-1", "cpus:4;mem:4096;disk:1000");
        h.Framework("db", "db");
        var offer = Assert.Single(h.Allocator.Allocate().Offers);
        var reserved = R("cpus:1;disk:500").PushReservation(Reservation.Dynamic("db", "alice"));
        var volume = R("disk:500").PushReservation(Reservation.Dynamic("db", "alice")).Select(r => r.WithDisk(new DiskInfo("vol-1", "data")));
        OfferOperation[] ops = [new ReserveOperation(reserved), new CreateVolumesOperation(Resources.Of(volume))];

        var preview = h.Allocator.PreviewAccept([offer.Id], ops);

        Assert.True(preview.Result.Succeeded, preview.Result.Error);
        Assert.Equal(R("cpus:4;mem:4096;disk:1000"), h.Allocator.GetTotal(agent));
        Assert.NotNull(h.Allocator.GetOffer(offer.Id));
        Assert.True(h.Allocator.Accept([offer.Id], ops, new Filters(0)).Succeeded);
        Assert.Equal(h.Allocator.GetTotal(agent), preview.AgentTotal);
        Assert.Equal(Resources.Of(volume), preview.AgentTotal.Filter(r => r.IsPersistentVolume));
    }

    [Fact]
    public void PreviewAccept_FailingOperation_SaysWhyAndKeepsTheTotal()
    {
        var h = new Harness();
        var agent = h.Agent("agent-1", "cpus:2;mem:1024");
        h.Framework("db", "db");
        var offer = Assert.Single(h.Allocator.Allocate().Offers);

        var preview = h.Allocator.PreviewAccept([offer.Id], [new ReserveOperation(R("cpus:3").PushReservation(Reservation.Dynamic("db")))]);

        Assert.False(preview.Result.Succeeded);
        Assert.Contains("operation 0", preview.Result.Error);
        Assert.Equal(h.Allocator.GetTotal(agent), preview.AgentTotal);
    }
}

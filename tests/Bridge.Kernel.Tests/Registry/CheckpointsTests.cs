using Bridge.Kernel.Master.Internal;

namespace Bridge.Kernel.Tests.Registry;

public class CheckpointsTests
{
    private static Resources Dynamic(string text) => Resources.Parse(text).PushReservation(Reservation.Dynamic("db", "alice"));

    [Fact]
    public void Of_Total_KeepsDynamicReservationsAndVolumesNotStaticOnes()
    {
        var volume = Resources.Of(Resources.Parse("disk(db):100").Select(r => r.WithDisk(new DiskInfo("v1", "data"))));
        var total = Resources.Parse("cpus:2;mem(web):512").Plus(Dynamic("cpus:1")).Plus(volume);

        Assert.Equal(Dynamic("cpus:1").Plus(volume), Checkpoints.Of(total));
    }

    [Fact]
    public void TryApply_ReservationAndVolume_ReplaceWhatTheyWereMadeFrom()
    {
        var volume = Resources.Of(Dynamic("disk:100").Select(r => r.WithDisk(new DiskInfo("v1", "data"))));
        var checkpointed = Dynamic("cpus:1;mem:512").Plus(volume);

        Assert.True(Checkpoints.TryApply(Resources.Parse("cpus:4;mem:1024;disk:1000"), checkpointed, out var applied));

        Assert.Equal(Resources.Parse("cpus:3;mem:512;disk:900").Plus(checkpointed), applied);
    }

    [Fact]
    public void TryApply_AgentWithoutTheResources_IsRefused()
    {
        Assert.False(Checkpoints.TryApply(Resources.Parse("cpus:1;mem:1024"), Dynamic("cpus:2"), out var applied));
        Assert.Equal(Resources.Parse("cpus:1;mem:1024"), applied);
    }
}

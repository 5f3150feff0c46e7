using Bridge.Kernel;
using Res = Bridge.Kernel.Resources;

namespace Bridge.Kernel.Tests.ResourceModel;

public class ResourcesTests
{
    private static Res P(string text) => Res.Parse(text);

    [Fact]
    public void Parse_MesosAgentString_RoundTrips()
    {
        var r = P("cpus:4;mem:4096;disk:10000;ports:[31000-32000]");
        Assert.Equal(Scalar.FromUnits(4), r.GetScalar("cpus"));
        Assert.Equal(Scalar.FromUnits(4096), r.GetScalar("mem"));
        Assert.Equal(ValueRanges.Of(31000, 32000), r.GetRanges("ports"));
        Assert.Equal("cpus:4;disk:10000;mem:4096;ports:[31000-32000]", r.ToString());
        Assert.Equal(r, P(r.ToString()));
    }

    [Fact]
    public void Parse_RoleQualified_IsStaticallyReserved()
    {
        var r = P("cpus(analytics):2;cpus:1");
        Assert.Equal(Scalar.FromUnits(3), r.GetScalar("cpus"));
        var reserved = Assert.Single(r.Reserved);
        Assert.Equal("analytics", reserved.Role);
        Assert.Equal(ReservationType.Static, reserved.Reservation!.Type);
        Assert.Equal("cpus:1;cpus(analytics):2", r.ToString());
    }

    [Fact]
    public void Parse_PrincipalAndVolume_AreDynamicReservationAndDiskInfo()
    {
        var r = P("disk(db,alice)[vol1:data]:1024;cpus(eng/hadoop,):1");
        var disk = r.Single(x => x.Name == "disk");
        Assert.Equal(ReservationType.Dynamic, disk.Reservation!.Type);
        Assert.Equal("alice", disk.Reservation.Principal);
        Assert.Equal(new DiskInfo("vol1", "data"), disk.Disk);
        var cpus = r.Single(x => x.Name == "cpus");
        Assert.Equal("eng/hadoop", cpus.Role);
        Assert.Null(cpus.Reservation!.Principal);
        Assert.Equal(r, P(r.ToString()));
    }

    [Fact]
    public void Parse_DefaultRole_ReservesUnqualifiedEntries()
    {
        var r = Res.Parse("cpus:2;mem(other):5", "eng");
        Assert.Equal("eng", r.Single(x => x.Name == "cpus").Role);
        Assert.Equal("other", r.Single(x => x.Name == "mem").Role);
    }

    [Theory]
    [InlineData("cpus:4;mem:x", "mem:x", 7, "'x' is not a non-negative number")]
    [InlineData("cpus", "cpus", 0, "expected 'name:value'")]
    [InlineData("cpus:1; :2", ":2", 8, "name is missing")]
    [InlineData("cpus:-1", "cpus:-1", 0, "not a non-negative number")]
    [InlineData("ports:[5-3]", "ports:[5-3]", 0, "begin > end")]
    [InlineData("ports:[1-2", "ports:[1-2", 0, "ranges are written")]
    [InlineData("ports:[a-b]", "ports:[a-b]", 0, "'a-b' is not a range")]
    [InlineData("cpus(eng:1", "cpus(eng:1", 0, "'(' is not closed")]
    [InlineData("cpus(a b):1", "cpus(a b):1", 0, "invalid character")]
    [InlineData("cpus(*):1", "cpus(*):1", 0, "without '(*)'")]
    [InlineData("cpus:1;cpus:[1-2]", "cpus:[1-2]", 7, "was a scalar in 'cpus:1' but is ranges")]
    [InlineData("mem:", "mem:", 0, "value is missing")]
    [InlineData("cpu$:1", "cpu$:1", 0, "may only contain")]
    [InlineData("cpus[v:p]:1", "cpus[v:p]:1", 0, "only 'disk' can be a persistent volume")]
    [InlineData("disk[v:p]:1", "disk[v:p]:1", 0, "must be reserved")]
    public void Parse_BadString_NamesTokenAndPosition(string text, string token, int position, string why)
    {
        var e = Assert.Throws<ResourceParseException>(() => Res.Parse(text));
        Assert.Equal(token, e.Token);
        Assert.Equal(position, e.Position);
        Assert.Contains(why, e.Message);
        Assert.Contains($"'{token}'", e.Message);
    }

    [Fact]
    public void Parse_SkipsEmptyEntriesAndWhitespace()
    {
        Assert.Equal(P("cpus:1;mem:2"), P("  cpus:1 ;; mem : 2 ; "));
        Assert.True(P("").IsEmpty);
    }

    [Fact]
    public void PlusMinus_AreInverse_AndExact()
    {
        var total = P("cpus:4;mem:4096;ports:[31000-32000]");
        var task1 = P("cpus:0.1;mem:100;ports:[31000-31001]");
        var task2 = P("cpus:0.2;mem:100;ports:[31002-31002]");
        var rest = total - task1 - task2;
        Assert.Equal("cpus:3.7;mem:3896;ports:[31003-32000]", rest.ToString());
        Assert.Equal(total, rest + task1 + task2);
    }

    [Fact]
    public void Minus_NotContained_Throws_AndTryMinusFails()
    {
        var a = P("cpus:1;mem:10");
        Assert.Throws<InvalidOperationException>(() => a - P("cpus:2"));
        Assert.False(a.TryMinus(P("gpus:1"), out var same));
        Assert.Same(a, same);
        // A reserved resource is not the unreserved one.
        Assert.False(P("cpus(eng):2").Contains(P("cpus:1")));
    }

    [Fact]
    public void Minus_ToZero_DropsTheEntry()
    {
        Assert.True((P("cpus:1;mem:1") - P("cpus:1;mem:1")).IsEmpty);
        Assert.Equal("mem:1", (P("cpus:1;mem:1") - P("cpus:1")).ToString());
    }

    [Fact]
    public void Contains_ChecksEveryKind()
    {
        var agent = P("cpus:4;mem:4096;ports:[31000-32000];disks:{a,b}");
        Assert.True(agent.Contains(P("cpus:2;ports:[31000-31010];disks:{a}")));
        Assert.False(agent.Contains(P("ports:[30000-30001]")));
        Assert.False(agent.Contains(P("disks:{c}")));
        Assert.True(agent.Contains(Res.Empty));
    }

    [Fact]
    public void SplitAndFlatten_ReservedVsUnreserved()
    {
        var r = P("cpus:4;cpus(eng):2;cpus(eng/hadoop):1;mem(ops):10");
        Assert.Equal("cpus:4", r.Unreserved.ToString());
        Assert.Equal(Scalar.FromUnits(3), r.Reserved.GetScalar("cpus"));
        Assert.Equal("cpus(eng):2", r.ReservedFor("eng").ToString());
        Assert.Equal("cpus:4;cpus(eng):2;cpus(eng/hadoop):1", r.AllocatableTo("eng/hadoop").ToString());
        Assert.Equal("cpus:4;cpus(eng):2", r.AllocatableTo("eng").ToString());
        Assert.Equal("cpus:7;mem:10", r.ToUnreserved().ToString());
        Assert.Equal("cpus(x):7;mem(x):10", r.Flatten("x").ToString());
        Assert.Equal(2, r.ReservationsByRole()["eng"].GetScalar("cpus").Millis / 1000);
    }

    [Fact]
    public void PushReservation_ReservesEverything_OnceOnly()
    {
        var r = P("cpus:1;mem:2").PushReservation(Reservation.Dynamic("eng", "alice"));
        Assert.Equal("cpus(eng,alice):1;mem(eng,alice):2", r.ToString());
        Assert.Throws<InvalidOperationException>(() => r.PushReservation(Reservation.Dynamic("eng")));
    }

    [Fact]
    public void PersistentVolumes_StayDistinctAndIndivisible()
    {
        var vols = P("disk(db)[v1:data]:100;disk(db)[v2:data]:100;disk(db):50");
        Assert.Equal(3, vols.Count);
        Assert.Equal(Scalar.FromUnits(250), vols.GetScalar("disk"));
        Assert.Throws<InvalidOperationException>(() => vols + P("disk(db)[v1:data]:100"));
        Assert.False(vols.Contains(P("disk(db)[v1:data]:50")));
        Assert.Equal("disk(db):50;disk(db)[v2:data]:100", (vols - P("disk(db)[v1:data]:100")).ToString());
    }

    [Fact]
    public void ToQuantities_SumsScalarsAcrossReservations()
    {
        var q = P("cpus:1;cpus(a):2;mem:5;ports:[1-3]").ToQuantities();
        Assert.Equal("cpus:3;mem:5", q.ToString());
    }

    [Fact]
    public void EqualsAndHash_AreStructural()
    {
        var a = P("mem:2;cpus:1");
        var b = P("cpus:1;mem:2");
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, P("cpus(x):1;mem:2"));
    }

    [Fact]
    public void Labels_AreComparedByValue()
    {
        var l1 = new Dictionary<string, string> { ["k"] = "v" };
        var l2 = new Dictionary<string, string> { ["k"] = "v" };
        Assert.Equal(Reservation.Dynamic("r", "p", l1), Reservation.Dynamic("r", "p", l2));
        Assert.NotEqual(Reservation.Dynamic("r", "p", l1), Reservation.Dynamic("r", "p"));
    }
}

using Bridge.Kernel;

namespace Bridge.Kernel.Tests.ResourceModel;

public class ValueRangesTests
{
    private static ValueRanges R(params (ulong, ulong)[] rs) => ValueRanges.Of(rs.Select(r => new ValueRange(r.Item1, r.Item2)));

    [Fact]
    public void Of_OverlappingAndAdjacent_Coalesces()
    {
        Assert.Equal("[1-10, 20-20]", R((5, 10), (1, 3), (4, 4), (20, 20)).ToString());
    }

    [Fact]
    public void Except_CutsHolesAndEnds()
    {
        var ports = R((31000, 32000));
        var used = R((31000, 31000), (31500, 31599), (32000, 32000));
        var rest = ports.Except(used);
        Assert.Equal("[31001-31499, 31600-31999]", rest.ToString());
        Assert.Equal(ports, rest.Union(used));
        Assert.Equal(1001ul, ports.ValueCount);
    }

    [Fact]
    public void Contains_SubsetAndNot()
    {
        var a = R((1, 10), (20, 30));
        Assert.True(a.Contains(R((2, 3), (25, 30))));
        Assert.False(a.Contains(R((9, 21))));
        Assert.True(a.Contains(22));
        Assert.False(a.Contains(15));
    }

    [Fact]
    public void Except_Everything_IsEmpty() => Assert.True(R((1, 5)).Except(R((0, 100))).IsEmpty);

    [Fact]
    public void Of_MaxValueEdges_DoNotOverflow()
    {
        var r = R((ulong.MaxValue - 1, ulong.MaxValue), (0, 0));
        Assert.Equal(3ul, r.ValueCount);
        Assert.Equal(r, r.Union(R((ulong.MaxValue, ulong.MaxValue))));
    }
}

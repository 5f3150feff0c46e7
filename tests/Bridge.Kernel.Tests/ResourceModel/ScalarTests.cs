using Bridge.Kernel;

namespace Bridge.Kernel.Tests.ResourceModel;

public class ScalarTests
{
    [Fact]
    public void Add_TenthPlusTwoTenths_IsExactlyThreeTenths()
    {
        var sum = Scalar.Parse("0.1") + Scalar.Parse("0.2");
        Assert.Equal(Scalar.Parse("0.3"), sum);
        Assert.Equal(300, sum.Millis);
        Assert.Equal("0.3", sum.ToString());
    }

    [Fact]
    public void Subtract_ManySmallSteps_ReturnsToZeroWithoutDrift()
    {
        var total = Scalar.FromUnits(1);
        var step = Scalar.Parse("0.001");
        for (int i = 0; i < 1000; i++) total -= step;
        Assert.True(total.IsZero);
    }

    [Fact]
    public void Subtract_Larger_ThrowsInsteadOfGoingNegative()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Scalar.Parse("1") - Scalar.Parse("1.5"));
        Assert.Contains("never go negative", e.Message);
    }

    [Theory]
    [InlineData("4", 4000)]
    [InlineData("0.5", 500)]
    [InlineData(".5", 500)]
    [InlineData("4096.25", 4096250)]
    [InlineData("0.0004", 0)]
    [InlineData("0.0005", 1)]
    [InlineData("1.2345", 1235)]
    public void TryParse_Decimal_RoundsToMilli(string text, long millis)
    {
        Assert.True(Scalar.TryParse(text, out var s));
        Assert.Equal(millis, s.Millis);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1e3")]
    [InlineData("4.")]
    [InlineData(".")]
    [InlineData("0x10")]
    [InlineData("1,000")]
    [InlineData("99999999999999999999")]
    public void TryParse_NotANonNegativeDecimal_Fails(string text) => Assert.False(Scalar.TryParse(text, out _));

    [Fact]
    public void ToString_PrintsShortestExactDecimal()
    {
        Assert.Equal("0.125", Scalar.FromMillis(125).ToString());
        Assert.Equal("2", Scalar.FromMillis(2000).ToString());
        Assert.Equal("2.5", Scalar.FromMillis(2500).ToString());
    }
}

using Bridge.Rpc.Internal;

namespace Bridge.Rpc.Tests.Unit;

public class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("100n", 1L)]
    [InlineData("1n", 1L)]
    [InlineData("0m", 0L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    public void TryParse_EveryUnit_GivesTicks(string text, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(text, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("123456789S")]
    [InlineData("-1S")]
    [InlineData("+1S")]
    [InlineData(" 1S")]
    [InlineData("1 S")]
    [InlineData("1s")]
    [InlineData("1x")]
    [InlineData("1.5S")]
    public void TryParse_NotTheGrammar_IsRefused(string text) => Assert.False(GrpcTimeout.TryParse(text, out _));

    [Theory]
    [InlineData(0.0001, "100000n")]
    [InlineData(0.5, "500000u")]
    [InlineData(30, "30000000u")]
    [InlineData(200, "200000m")]
    [InlineData(200_000, "200000S")]
    public void Format_PicksFinestUnitThatFits(double seconds, string expected) =>
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Format_Negative_IsZero() => Assert.Equal("0n", GrpcTimeout.Format(TimeSpan.FromSeconds(-1)));

    [Theory]
    [InlineData(1L)]
    [InlineData(12_345_678L)]
    [InlineData(9_999_999_999L)]
    [InlineData(123_456_789_012_345L)]
    public void Format_ThenParse_NeverShortensTheDeadline(long ticks)
    {
        var text = GrpcTimeout.Format(TimeSpan.FromTicks(ticks));
        Assert.True(text.Length <= 9, text);
        Assert.True(GrpcTimeout.TryParse(text, out var back));
        Assert.True(back.Ticks >= ticks, $"{text} parsed to {back.Ticks} < {ticks}");
    }
}

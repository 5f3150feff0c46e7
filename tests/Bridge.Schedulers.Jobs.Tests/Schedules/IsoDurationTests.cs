using Bridge.Schedulers.Jobs.Schedules;

namespace Bridge.Schedulers.Jobs.Tests.Schedules;

public class IsoDurationTests
{
    [Theory]
    [InlineData("P1D", 0, 0, 0, 1, 0, 0, "0")]
    [InlineData("PT90M", 0, 0, 0, 0, 0, 90, "0")]
    [InlineData("P1M", 0, 1, 0, 0, 0, 0, "0")]
    [InlineData("P1Y2M10DT2H30M", 1, 2, 0, 10, 2, 30, "0")]
    [InlineData("P1Y2M3DT4H5M6S", 1, 2, 0, 3, 4, 5, "6")]
    [InlineData("P1Y12M12D", 1, 12, 0, 12, 0, 0, "0")]
    [InlineData("P12DT12M", 0, 0, 0, 12, 0, 12, "0")]
    [InlineData("P2W", 0, 0, 2, 0, 0, 0, "0")]
    [InlineData("PT1.5S", 0, 0, 0, 0, 0, 0, "1.5")]
    [InlineData("PT0,25S", 0, 0, 0, 0, 0, 0, "0.25")]
    public void Parse_ChronosDurations_GivesTheParts(string text, int y, int mo, int w, int d, int h, int mi, string s)
    {
        Assert.Equal(new IsoDuration(y, mo, w, d, h, mi, decimal.Parse(s)), IsoDuration.Parse(text));
    }

    [Theory]
    [InlineData("", "is required")]
    [InlineData("1D", "must start with P")]
    [InlineData("P", "at least one part")]
    [InlineData("PT", "at least one part")]
    [InlineData("P1DT", "T must be followed")]
    [InlineData("P1H", "hours, minutes and seconds need a T")]
    [InlineData("PT1D", "not a time unit")]
    [InlineData("P1D1D", "out of order or repeated")]
    [InlineData("P1D1Y", "out of order or repeated")]
    [InlineData("P1.5D", "only seconds may have a fraction")]
    [InlineData("P-1D", "expected a number")]
    [InlineData("PT1H2", "has no unit")]
    [InlineData("P99999999999D", "not a valid amount")]
    public void TryParse_Invalid_SaysWhy(string text, string says)
    {
        Assert.False(IsoDuration.TryParse(text, out _, out var error));
        Assert.Contains(says, error);
    }

    [Theory]
    [InlineData("P1Y2M10DT2H30M")]
    [InlineData("PT90M")]
    [InlineData("P2W")]
    [InlineData("PT1.5S")]
    [InlineData("PT0S")]
    public void ToString_ParsesBackToTheSameDuration(string text)
    {
        var duration = IsoDuration.Parse(text);
        Assert.Equal(text, duration.ToString());
        Assert.Equal(duration, IsoDuration.Parse(duration.ToString()));
    }

    [Fact]
    public void TryGetFixedLength_CountsWeeksAndDaysAsFixed()
    {
        Assert.True(IsoDuration.Parse("P1W1DT1H1M1S").TryGetFixedLength(out var length));
        Assert.Equal(new TimeSpan(8, 1, 1, 1), length);
        Assert.False(IsoDuration.Parse("P1M").TryGetFixedLength(out _));
    }

    [Fact]
    public void FromSeconds_UsesTheLargestUnitsThatDivide()
    {
        Assert.Equal("PT1H30M", IsoDuration.FromSeconds(5400).ToString());
        Assert.Equal("PT1M", IsoDuration.FromSeconds(60).ToString());
        Assert.Equal("PT24H", IsoDuration.FromSeconds(86400).ToString());
    }
}

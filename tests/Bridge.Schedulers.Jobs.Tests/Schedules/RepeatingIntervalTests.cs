using Bridge.Schedulers.Jobs.Schedules;

namespace Bridge.Schedulers.Jobs.Tests.Schedules;

public class RepeatingIntervalTests
{
    [Fact]
    public void Parse_CountStartAndPeriod()
    {
        var interval = RepeatingInterval.Parse("R5/2026-03-08T01:30:00Z/PT1H");

        Assert.Equal(5, interval.Repetitions);
        Assert.Equal(new ScheduleStart(new DateTime(2026, 3, 8, 1, 30, 0), TimeSpan.Zero), interval.Start);
        Assert.Equal(IsoDuration.Parse("PT1H"), interval.Period);
    }

    [Fact]
    public void Parse_R_RepeatsForever() => Assert.Null(RepeatingInterval.Parse("R/2026-03-08T01:30:00Z/P1D").Repetitions);

    [Fact]
    public void Parse_R0_NeverRuns() => Assert.Equal(0, RepeatingInterval.Parse("R0/2026-03-08T01:30:00Z/P1D").Repetitions);

    [Fact]
    public void Parse_EmptyStart_MeansNow() => Assert.Null(RepeatingInterval.Parse("R1//PT24H").Start);

    [Theory]
    [InlineData("2026-03-08T01:30:00.450+01:00", 450, 60)]
    [InlineData("2026-03-08T01:30:00-0500", 0, -300)]
    [InlineData("2026-03-08T01:30:00+05", 0, 300)]
    [InlineData("2026-03-08T01:30", 0, null)]
    public void Parse_StartForms_KeepMillisecondsAndTheWrittenOffset(string start, int millis, int? offsetMinutes)
    {
        var interval = RepeatingInterval.Parse($"R/{start}/PT1H");

        Assert.Equal(new DateTime(2026, 3, 8, 1, 30, 0).AddMilliseconds(millis), interval.Start!.Value.LocalTime);
        Assert.Equal(offsetMinutes is { } m ? TimeSpan.FromMinutes(m) : null, interval.Start.Value.Offset);
    }

    [Theory]
    [InlineData("R5/PT1H", "three parts")]
    [InlineData("R5/2026-03-08T01:30:00Z/PT1H/x", "three parts")]
    [InlineData("X5/2026-03-08T01:30:00Z/PT1H", "the repetitions 'X5'")]
    [InlineData("R-1/2026-03-08T01:30:00Z/PT1H", "the repetitions 'R-1'")]
    [InlineData("R5/2026-13-08T01:30:00Z/PT1H", "the start '2026-13-08T01:30:00Z' is not an ISO 8601 date-time")]
    [InlineData("R5/2026-03-08/PT1H", "is not an ISO 8601 date-time")]
    [InlineData("R5/2026-03-08T01:30:00+15:00/PT1H", "invalid UTC offset")]
    [InlineData("R5/2026-03-08T01:30:00Z/1H", "the period '1H' is not an ISO 8601 duration")]
    [InlineData("R5/2026-03-08T01:30:00Z/PT0S", "is zero")]
    public void TryParse_Invalid_NamesThePart(string text, string says)
    {
        Assert.False(RepeatingInterval.TryParse(text, out _, out var error));
        Assert.Contains(says, error);
    }

    [Theory]
    [InlineData("R5/2026-03-08T01:30:00Z/PT1H", "R5/2026-03-08T01:30:00.000Z/PT1H")]
    [InlineData("R/2014-03-08T20:00:00.000Z/PT2H", "R/2014-03-08T20:00:00.000Z/PT2H")]
    [InlineData("R1//PT24H", "R1//PT24H")]
    [InlineData("R/2026-03-08T01:30:00-05:00/P1D", "R/2026-03-08T01:30:00.000-05:00/P1D")]
    [InlineData("R/2026-03-08T01:30:00/P1D", "R/2026-03-08T01:30:00.000/P1D")]
    public void ToString_IsChronosText_AndParsesBack(string text, string expected)
    {
        var interval = RepeatingInterval.Parse(text);

        Assert.Equal(expected, interval.ToString());
        Assert.Equal(interval, RepeatingInterval.Parse(interval.ToString()));
    }
}

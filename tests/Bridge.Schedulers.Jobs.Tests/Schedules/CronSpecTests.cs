using Bridge.Schedulers.Jobs.Schedules;

namespace Bridge.Schedulers.Jobs.Tests.Schedules;

public class CronSpecTests
{
    [Theory]
    [InlineData("30 2 * * *", "0 30 2 * * ?")]
    [InlineData("* * * * *", "0 * * * * ?")]
    [InlineData("*/15 * * * *", "0 0/15 * * * ?")]
    [InlineData("5/20 8-18/2 * * *", "0 5/20 8-18/2 * * ?")]
    [InlineData("0 9 * * 1-5", "0 0 9 ? * 2,3,4,5,6")]
    [InlineData("0 9 * * MON-FRI", "0 0 9 ? * 2,3,4,5,6")]
    [InlineData("0 0 * * 0", "0 0 0 ? * 1")]
    [InlineData("0 0 * * 7", "0 0 0 ? * 1")]
    [InlineData("0 0 * * 5-7", "0 0 0 ? * 1,6,7")]
    [InlineData("0 0 * * */2", "0 0 0 ? * 1,3,5,7")]
    [InlineData("0 0 1 JAN,jul *", "0 0 0 1 1,7 ?")]
    [InlineData("0 0 ? * *", "0 0 0 * * ?")]
    [InlineData("0 0 L * *", "0 0 0 L * ?")]
    [InlineData("0 0 LW * *", "0 0 0 LW * ?")]
    [InlineData("0 0 L-3 * *", "0 0 0 L-3 * ?")]
    [InlineData("0 0 15W * *", "0 0 0 15W * ?")]
    [InlineData("0 0 * * 5L", "0 0 0 ? * 6L")]
    [InlineData("0 0 * * FRIL", "0 0 0 ? * 6L")]
    [InlineData("0 0 * * 1#2", "0 0 0 ? * 2#2")]
    [InlineData("0 0 1 1 * 2030", "0 0 0 1 1 ? 2030")]
    [InlineData("  0   0 1 1 *  ", "0 0 0 1 1 ?")]
    public void Parse_MetronomeCron_BecomesQuartzExpression(string cron, string quartz)
    {
        var spec = CronSpec.Parse(cron);

        Assert.Equal(quartz, spec.QuartzExpression);
        Assert.Null(spec.DayOfWeekFilter);
        Assert.Equal(cron.Trim(), spec.Text);
    }

    [Fact]
    public void Parse_BothDayFieldsRestricted_FiltersTheDayOfWeek()
    {
        var spec = CronSpec.Parse("0 9 1-7 * 1");

        Assert.Equal("0 0 9 1-7 * ?", spec.QuartzExpression);
        Assert.Equal("* * * ? * 2", spec.DayOfWeekFilter);
    }

    [Theory]
    [InlineData("@hourly", "write \"0 * * * *\"")]
    [InlineData("@daily", "write \"0 0 * * *\"")]
    [InlineData("@reboot", "no @ macros")]
    [InlineData("* * * *", "has 4 fields")]
    [InlineData("0 0 0 * * * *", "has 7 fields")]
    [InlineData("60 * * * *", "minute field '60': '60' is not a value from 0 to 59")]
    [InlineData("* 24 * * *", "hour field")]
    [InlineData("* * 0 * *", "day-of-month field")]
    [InlineData("* * * 13 *", "month field '13': '13' is not a value from 1 to 12 or JAN-DEC")]
    [InlineData("* * * * 8", "day-of-week field")]
    [InlineData("* * * * MOO", "SUN-SAT")]
    [InlineData("0 0 1 1 * 1969", "year field")]
    [InlineData("30-10 * * * *", "runs backwards")]
    [InlineData("*/0 * * * *", "the step after / must be")]
    [InlineData("? * * * *", "only allowed in the day-of-month and day-of-week")]
    [InlineData("0 0 L,15 * *", "must stand alone")]
    [InlineData("0 0 * * L", "bare L is ambiguous")]
    [InlineData("0 0 * * 1#6", "must be 1-5")]
    [InlineData("0 0 32W * *", "must be 1-31")]
    public void TryParse_Invalid_NamesTheField(string cron, string says)
    {
        Assert.False(CronSpec.TryParse(cron, out _, out var error));
        Assert.Contains(says, error);
    }

    // Metronome's own checks (dcos/metronome, api/src/test/scala/dcos/metronome/api/v1/CronSpecFormatTest.scala).
    [Theory]
    [InlineData("0 0 31 2 *")]
    [InlineData("0 0 30-31 2 *")]
    public void TryParse_DayThatNeverOccursInTheMonths_IsRefusedAsMetronomeDoes(string cron)
    {
        Assert.False(CronSpec.TryParse(cron, out _, out var error));
        Assert.Contains("never occurs", error);
    }

    [Fact]
    public void Parse_DayThatOccursInOneOfTheMonths_IsAccepted_UnlikeMetronome()
    {
        // Metronome's CronDaysInMonthValidation reads the range 2-3 as [2, 3) and refuses this;
        // 31 March exists, so it is accepted here and fires then.
        Assert.Equal(Utc(2027, 3, 31), NextUtc("0 0 31 2-3 *", Utc(2026, 4, 1)));
    }

    private static DateTimeOffset Utc(int y, int mo, int d, int h = 0, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static DateTimeOffset? NextUtc(string cron, DateTimeOffset after) =>
        JobSchedule.TryCreate(CronSpec.Parse(cron), null, out var schedule, out var error)
            ? schedule.NextFireAfter(after)
            : throw new InvalidOperationException(error);

    // The expectations of Metronome's CronSpecFormatTest, which cron-utils meets with
    // matchDayOfWeekAndDayOfMonth: both day fields must match.
    public static TheoryData<string, DateTimeOffset, DateTimeOffset> MetronomeExpectations() => new()
    {
        { "0 9 1-7 * 1", Utc(2017, 10, 2, 10), Utc(2017, 11, 6, 9) },
        { "0 9 1-7 * 1-5", Utc(2017, 10, 2, 10), Utc(2017, 10, 3, 9) },
        { "0 9 1-7 * 6-7", Utc(2017, 10, 2, 10), Utc(2017, 10, 7, 9) },
        { "0 9 8-14 * 1-5", Utc(2017, 10, 2, 10), Utc(2017, 10, 9, 9) },
        { "0 9 22-28 * 6-7", Utc(2017, 10, 2, 10), Utc(2017, 10, 22, 9) },
        { "* * * * 3", Utc(2017, 10, 2, 10), Utc(2017, 10, 4) },
        { "* * */1 * 3", Utc(2017, 10, 2, 10), Utc(2017, 10, 4) },
        { "* * * * 1", Utc(2017, 4, 25), Utc(2017, 5, 1) },
        { "* * * * 1", Utc(2017, 7, 28), Utc(2017, 7, 31) },
        { "* * * * 1", Utc(2017, 12, 27), Utc(2018, 1, 1) },
        { "* * * * 1", Utc(2018, 4, 29), Utc(2018, 4, 30) },
        { "* * * * 1", Utc(2018, 9, 30), Utc(2018, 10, 1) },
        { "* * * * 1", Utc(2018, 12, 26), Utc(2018, 12, 31) },
        { "0 0 20-31 2 *", Utc(2017, 10, 2, 10), Utc(2018, 2, 20) },
        { "0 0 29 2 *", Utc(2017, 10, 2, 10), Utc(2020, 2, 29) },
    };

    [Theory]
    [MemberData(nameof(MetronomeExpectations))]
    public void NextFireAfter_MatchesMetronomesExpectations(string cron, DateTimeOffset after, DateTimeOffset expected) =>
        Assert.Equal(expected, NextUtc(cron, after));

    [Fact]
    public void NextFireAfter_DayFilterThatNeverMatches_EndsWithNull() =>
        // 29 February on a Monday within 2026..2027 only: neither year is a leap year.
        Assert.Null(NextUtc("0 0 29 2 1 2026-2027", Utc(2026, 1, 1)));
}

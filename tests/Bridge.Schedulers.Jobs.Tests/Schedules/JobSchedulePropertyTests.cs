using Bridge.Schedulers.Jobs.Schedules;

namespace Bridge.Schedulers.Jobs.Tests.Schedules;

/// <summary>Invariants over many seeded random schedules, across DST changes.</summary>
public class JobSchedulePropertyTests
{
    private static readonly string[] Zones = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"];
    private static readonly string[] Periods = ["PT1S", "PT7M", "PT90M", "PT1H", "PT5H", "P1D", "P2D", "P1W", "P1M", "P3M", "P1Y", "P1M1D", "P1DT12H", "P1Y2M10DT2H30M"];

    [Fact]
    public void FiniteSchedules_FireExactlyRTimes_InStrictOrder_AndCountDownByOne()
    {
        var random = new Random(8);
        for (int i = 0; i < 300; i++)
        {
            var zone = Zones[random.Next(Zones.Length)];
            var period = Periods[random.Next(Periods.Length)];
            int repetitions = random.Next(0, 12);
            // Starts around 2026's DST changes, at whole minutes.
            var local = new DateTime(2026, random.Next(1, 12), random.Next(1, 28), random.Next(0, 24), random.Next(0, 60), 0);
            var text = $"R{repetitions}/{local:yyyy-MM-dd'T'HH:mm:ss}/{period}";
            if (!JobSchedule.TryCreate(RepeatingInterval.Parse(text), zone, DateTimeOffset.UnixEpoch, out var schedule, out _))
                continue; // a start inside a gap

            var t = schedule.Start!.Value.AddSeconds(-1);
            Assert.Equal(repetitions, schedule.RemainingAfter(t));
            int fired = 0;
            while (schedule.NextFireAfter(t) is { } next)
            {
                Assert.True(next > t, $"{text} in {zone}: {next:O} is not after {t:O}");
                fired++;
                t = next;
                Assert.Equal(repetitions - fired, schedule.RemainingAfter(t));
            }
            Assert.Equal(repetitions, fired);
        }
    }

    [Fact]
    public void DueBetween_AgreesWithWalkingNextFireAfter()
    {
        var random = new Random(81);
        for (int i = 0; i < 200; i++)
        {
            var zone = Zones[random.Next(Zones.Length)];
            var period = Periods[random.Next(3, Periods.Length)];
            var text = $"R/2026-01-01T{random.Next(0, 24):00}:{random.Next(0, 60):00}:00/{period}";
            Assert.True(JobSchedule.TryCreate(RepeatingInterval.Parse(text), zone, DateTimeOffset.UnixEpoch, out var schedule, out _));
            var after = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(random.Next(0, 24 * 300));
            var until = after.AddHours(random.Next(1, 24 * 60)).AddSeconds(random.Next(0, 3600));

            var walked = new List<DateTimeOffset>();
            for (var t = after; schedule.NextFireAfter(t) is { } next && next <= until; t = next) walked.Add(next);

            var due = schedule.DueBetween(after, until);
            if (walked.Count == 0) Assert.Null(due);
            else Assert.Equal(new DueTimes(walked[0], walked[^1], walked.Count), due);
        }
    }

    [Fact]
    public void RandomCronText_NeverThrows_AndValidOnesFireInOrder()
    {
        var random = new Random(5);
        string[] parts = ["*", "?", "0", "5", "7", "13", "31", "59", "60", "1-5", "5-1", "*/15", "3/4", "L", "LW", "15W", "5L", "1#2", "MON-FRI", "JAN,JUL", "2030", "", "x"];
        for (int i = 0; i < 2000; i++)
        {
            var text = string.Join(' ', Enumerable.Range(0, random.Next(4, 8)).Select(_ => parts[random.Next(parts.Length)]));
            if (!CronSpec.TryParse(text, out var cron, out var error))
            {
                Assert.False(string.IsNullOrEmpty(error));
                continue;
            }
            Assert.True(JobSchedule.TryCreate(cron, "Europe/Berlin", out var schedule, out _));
            var t = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
            for (int k = 0; k < 5 && schedule.NextFireAfter(t) is { } next; k++)
            {
                Assert.True(next > t, $"{text}: {next:O} is not after {t:O}");
                t = next;
            }
        }
    }
}

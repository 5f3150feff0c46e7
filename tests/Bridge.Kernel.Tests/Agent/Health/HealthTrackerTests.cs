using Bridge.Kernel.Agent.Health;
using Bridge.Kernel.V1;

namespace Bridge.Kernel.Tests.Agent.Health;

public class HealthTrackerTests
{
    private static readonly HealthCheckTiming Timing = new(TimeSpan.Zero, TimeSpan.FromSeconds(10), null, 3, TimeSpan.FromSeconds(30));

    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Record_FailuresInGracePeriodBeforeAnySuccess_AreIgnored()
    {
        var tracker = new HealthTracker(Timing);
        Assert.Equal(new HealthVerdict(false, false, false, 0), tracker.Record(false, At(10)));
        Assert.Equal(new HealthVerdict(false, false, false, 0), tracker.Record(false, At(30)));
        Assert.Equal(new HealthVerdict(true, true, false, 1), tracker.Record(false, At(31)));
    }

    [Fact]
    public void Record_AfterFirstSuccess_FailuresCountEvenInGracePeriod()
    {
        var tracker = new HealthTracker(Timing);
        Assert.Equal(new HealthVerdict(true, true, false, 0), tracker.Record(true, At(1)));
        Assert.Equal(new HealthVerdict(true, true, false, 1), tracker.Record(false, At(2)));
        Assert.Equal(new HealthVerdict(true, false, false, 2), tracker.Record(false, At(3)));
        Assert.Equal(new HealthVerdict(true, false, true, 3), tracker.Record(false, At(4)));
    }

    [Fact]
    public void Record_SuccessResetsTheCount_AndReportsOnlyChanges()
    {
        var tracker = new HealthTracker(Timing with { GracePeriod = TimeSpan.Zero });
        Assert.True(tracker.Record(false, At(1)).Changed);   // first result
        Assert.False(tracker.Record(false, At(2)).Changed);
        Assert.True(tracker.Record(true, At(3)).Changed);    // flipped
        Assert.False(tracker.Record(true, At(4)).Changed);
        Assert.Equal(0, tracker.ConsecutiveFailures);
        Assert.Equal(new HealthVerdict(true, true, false, 1), tracker.Record(false, At(5)));
    }

    [Fact]
    public void Timing_UnsetFields_TakeMesosDefaults()
    {
        var timing = HealthCheckTiming.From(new HealthCheck { Type = HealthCheck.Types.Type.Tcp });
        Assert.Equal(new HealthCheckTiming(At(15), At(10), At(20), 3, At(10)), timing);
    }

    [Fact]
    public void Timing_ExplicitZeros_MeanNoDelayNoTimeoutNoGraceAndKillOnFirstFailure()
    {
        var timing = HealthCheckTiming.From(new HealthCheck
        {
            DelaySeconds = 0, IntervalSeconds = 0, TimeoutSeconds = 0, ConsecutiveFailures = 0, GracePeriodSeconds = 0,
        });
        Assert.Equal(new HealthCheckTiming(TimeSpan.Zero, TimeSpan.Zero, null, 1, TimeSpan.Zero), timing);
    }
}

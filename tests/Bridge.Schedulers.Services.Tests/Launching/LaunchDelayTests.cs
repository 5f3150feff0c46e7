using Bridge.Schedulers.Services.Launching;

namespace Bridge.Schedulers.Services.Tests.Launching;

public sealed class LaunchDelayTests
{
    private static readonly BackoffPolicy Marathon = new(TimeSpan.FromSeconds(1), 1.15, TimeSpan.FromSeconds(300));
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void No_Failures_Allows_Launches_At_Once()
    {
        Assert.True(LaunchDelay.None.Allows(T0));
        Assert.Equal(TimeSpan.Zero, LaunchDelay.None.TimeLeft(T0));
        Assert.False(LaunchDelay.None.InCooldown);
    }

    [Fact]
    public void The_First_Failure_Waits_BackoffSeconds_And_Each_Next_Multiplies_By_The_Factor()
    {
        var delay = LaunchDelay.None.Failed(Marathon, T0);
        Assert.Equal(TimeSpan.FromSeconds(1), delay.Wait);
        Assert.False(delay.Allows(T0 + TimeSpan.FromMilliseconds(999)));
        Assert.True(delay.Allows(T0 + TimeSpan.FromSeconds(1)));
        delay = delay.Failed(Marathon, T0).Failed(Marathon, T0);
        Assert.Equal(3, delay.Failures);
        Assert.Equal(1.15 * 1.15, delay.Wait.TotalSeconds, 6);
        Assert.Equal(1.15 * 1.15, delay.TimeLeft(T0).TotalSeconds, 3);
    }

    [Fact]
    public void The_Wait_Stops_At_The_Maximum_And_The_App_Is_In_Cooldown()
    {
        var policy = Marathon with { Factor = 2, Max = TimeSpan.FromSeconds(10) };
        var delay = LaunchDelay.None;
        for (var i = 0; i < 4; i++) delay = delay.Failed(policy, T0); // 1, 2, 4, 8
        Assert.False(delay.InCooldown);
        delay = delay.Failed(policy, T0);
        Assert.Equal(TimeSpan.FromSeconds(10), delay.Wait);
        Assert.True(delay.InCooldown);
        Assert.Equal(TimeSpan.FromSeconds(10), delay.Failed(policy, T0).Wait);
    }

    [Fact]
    public void Staying_Up_As_Long_As_The_Wait_Forgets_The_Failures()
    {
        var delay = LaunchDelay.None.Failed(Marathon, T0).Failed(Marathon, T0);
        Assert.Same(delay, delay.StayedUp(T0, T0 + TimeSpan.FromSeconds(1)));
        Assert.Same(LaunchDelay.None, delay.StayedUp(T0, T0 + TimeSpan.FromSeconds(1.15)));
    }

    [Fact]
    public void A_Factor_Below_One_Is_Refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LaunchDelay.None.Failed(Marathon with { Factor = 0.5 }, T0));
}

using Bridge.Schedulers.Services.Deployments;

namespace Bridge.Schedulers.Services.Tests.Deployments;

public sealed class RollingReplaceTests
{
    [Theory]
    [InlineData(3, 1.0, 3)]
    [InlineData(3, 0.5, 2)]
    [InlineData(4, 0.5, 2)]
    [InlineData(10, 0.85, 9)]
    [InlineData(3, 0.0, 0)]
    public void MinimumHealthy_Is_The_Ceiling_Of_The_Share(int instances, double capacity, int expected) =>
        Assert.Equal(expected, RollingReplace.MinimumHealthy(instances, capacity));

    [Theory]
    [InlineData(3, 1.0, 6)]
    [InlineData(3, 0.5, 4)]
    [InlineData(4, 0.0, 4)]
    [InlineData(10, 0.15, 11)]
    public void MaximumCapacity_Is_The_Floor_Of_The_Share(int instances, double over, int expected) =>
        Assert.Equal(expected, RollingReplace.MaximumCapacity(instances, over));

    [Fact]
    public void Defaults_Start_Every_New_Instance_Before_Killing_Any_Old_One()
    {
        // Marathon's defaults: minimumHealthCapacity 1, maximumOverCapacity 1.
        var step = RollingReplace.Next(new ReplaceState(3, 1, 1, OldAlive: 3, OldHealthy: 3, NewAlive: 0, NewHealthy: 0));
        Assert.Equal(new ReplaceStep(3, 0, false), step);
    }

    [Fact]
    public void Half_Capacity_Kills_Half_At_Once()
    {
        var step = RollingReplace.Next(new ReplaceState(4, 0.5, 0, OldAlive: 4, OldHealthy: 4, NewAlive: 0, NewHealthy: 0));
        Assert.Equal(new ReplaceStep(2, 2, false), step);
    }

    [Fact]
    public void Each_New_Healthy_Instance_Frees_One_Old_One()
    {
        var step = RollingReplace.Next(new ReplaceState(3, 1, 1, OldAlive: 3, OldHealthy: 3, NewAlive: 3, NewHealthy: 1));
        Assert.Equal(new ReplaceStep(0, 1, false), step);
    }

    [Fact]
    public void Unhealthy_Old_Instances_Go_First_And_Cost_Nothing()
    {
        var step = RollingReplace.Next(new ReplaceState(3, 1, 0, OldAlive: 3, OldHealthy: 1, NewAlive: 0, NewHealthy: 0));
        Assert.Equal(2, step.KillOld);
        Assert.Equal(2, step.StartNew);
    }

    [Fact]
    public void Full_Floor_And_No_Headroom_Kills_One_To_Make_Room()
    {
        var step = RollingReplace.Next(new ReplaceState(3, 1, 0, OldAlive: 3, OldHealthy: 3, NewAlive: 0, NewHealthy: 0));
        Assert.Equal(new ReplaceStep(1, 1, false), step);
    }

    [Fact]
    public void Waits_While_New_Instances_Are_Starting()
    {
        var step = RollingReplace.Next(new ReplaceState(3, 1, 0, OldAlive: 2, OldHealthy: 2, NewAlive: 1, NewHealthy: 0));
        Assert.Equal(new ReplaceStep(0, 0, false), step);
    }

    [Fact]
    public void Done_When_The_Old_Are_Gone_And_The_New_Are_Healthy()
    {
        Assert.True(RollingReplace.Next(new ReplaceState(3, 1, 1, 0, 0, 3, 3)).Done);
        Assert.False(RollingReplace.Next(new ReplaceState(3, 1, 1, 1, 1, 3, 3)).Done);
        Assert.True(RollingReplace.Next(new ReplaceState(0, 1, 1, 0, 0, 0, 0)).Done);
    }

    [Fact]
    public void Scaling_To_Zero_Kills_Everything()
    {
        Assert.Equal(new ReplaceStep(0, 2, false), RollingReplace.Next(new ReplaceState(0, 1, 1, 2, 2, 0, 0)));
    }

    [Theory]
    [InlineData(-0.1, 1)]
    [InlineData(1.1, 1)]
    [InlineData(1, -0.5)]
    [InlineData(1, double.NaN)]
    public void Capacities_Outside_Zero_To_One_Are_Refused(double minimumHealth, double overCapacity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RollingReplace.Next(new ReplaceState(3, minimumHealth, overCapacity, 3, 3, 0, 0)));

    [Fact]
    public void Healthy_Counts_Above_Alive_Counts_Are_Refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RollingReplace.Next(new ReplaceState(3, 1, 1, 1, 2, 0, 0)));

    /// <summary>
    /// Property: over seeded random progress (new instances become healthy or fail, in any order), a
    /// replacement never runs more than the ceiling, never drops healthy instances below the floor
    /// (below it by one only when floor = ceiling forces Marathon's make-room kill), and finishes.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Random_Replacements_Keep_Both_Bounds_And_Finish(int seed)
    {
        var random = new Random(seed);
        for (var run = 0; run < 200; run++)
        {
            var instances = random.Next(0, 12);
            double minimumHealth = random.Next(0, 5) / 4.0, over = random.Next(0, 5) / 4.0;
            var floor = RollingReplace.MinimumHealthy(instances, minimumHealth);
            var ceiling = RollingReplace.MaximumCapacity(instances, over);
            var slack = floor == ceiling ? 1 : 0;
            int oldAlive = instances, oldHealthy = instances, newStarting = 0, newHealthy = 0;
            for (var steps = 0; ; steps++)
            {
                Assert.True(steps < 1000, $"seed {seed} run {run}: no end after 1000 steps");
                var step = RollingReplace.Next(new ReplaceState(instances, minimumHealth, over, oldAlive, oldHealthy, newStarting + newHealthy, newHealthy));
                if (step.Done) break;
                oldAlive -= step.KillOld;
                oldHealthy = Math.Min(oldHealthy, oldAlive);
                newStarting += step.StartNew;
                Assert.True(oldAlive + newStarting + newHealthy <= ceiling, $"seed {seed} run {run}: over the ceiling {ceiling}");
                Assert.True(oldHealthy + newHealthy >= floor - slack, $"seed {seed} run {run}: healthy {oldHealthy + newHealthy} below the floor {floor}");
                if (newStarting > 0)
                {
                    newStarting--;
                    if (random.Next(4) == 0) continue; // failed: gone, to be started again
                    newHealthy++;
                }
            }
            Assert.Equal(0, oldAlive);
            Assert.Equal(instances, newHealthy);
        }
    }
}

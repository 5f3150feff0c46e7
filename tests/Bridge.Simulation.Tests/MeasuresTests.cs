namespace Bridge.Simulation.Tests;

public class MeasuresTests
{
    [Fact]
    public void Delays_WeightedByInstances()
    {
        var delays = new Delays();
        delays.Add(10, 90);
        delays.Add(0, 5);
        delays.Add(100, 5);

        Assert.Equal(100, delays.Count);
        Assert.Equal(14, delays.Mean, 6); // (900 + 500) / 100
        Assert.Equal(10, delays.Percentile(50));
        Assert.Equal(10, delays.Percentile(95));
        Assert.Equal(100, delays.Percentile(96));
        Assert.Equal(0, delays.Percentile(0));
    }

    [Fact]
    public void CpuTimeline_SplitsIntervalsAcrossBuckets()
    {
        var cpu = new CpuTimeline(start: 0, bucketSeconds: 10);
        cpu.Add(5, 25, 2); // 10 core-seconds in [0,10), 20 in [10,20), 10 in [20,30)

        Assert.Equal(40, cpu.CoreSeconds);
        Assert.Equal([(0.0, 1.0), (10.0, 2.0), (20.0, 1.0)], cpu.Buckets());
    }
}

namespace Bridge.Simulation.Tests;

/// <summary>Static partitions against one shared pool, on workloads small enough to work out by hand.</summary>
public class ConsolidationTests
{
    // Eight 4-core, 100-second jobs, all for partition 0 at t=0; partition 1 is idle. Machines have 4 cores.
    private static readonly WorkItem[] Burst = Enumerable.Range(1, 8).Select(i => new WorkItem(i, 0, 0, 1, 4, 1024, 100)).ToArray();

    private static ConsolidationOptions Options(double guarantee) => new(Machines: 4, Partitions: 2, MachineCpus: 4, MachineMemoryMb: 4096, GuaranteeFraction: guarantee, BucketSeconds: 50);

    [Fact]
    public void BusyAndIdlePartition_TheSharedPoolLendsTheIdleMachines()
    {
        var result = Consolidation.Run(Burst, Options(guarantee: 0));

        // Static: partition 0 has 2 machines, so the jobs run in four waves, 100 s apart.
        Assert.Equal(400, result.Static.MakespanSeconds);
        Assert.Equal(150, result.Static.Delays.Mean);
        Assert.Equal(300, result.Static.Delays.Percentile(95));
        Assert.Equal(0.5, result.Static.Utilization, 6); // 3200 core-seconds of 16 cores x 400 s
        // Shared: all 4 machines, two waves.
        Assert.Equal(200, result.Shared.MakespanSeconds);
        Assert.Equal(50, result.Shared.Delays.Mean);
        Assert.Equal(1.0, result.Shared.Utilization, 6);
        Assert.Equal(8, result.Instances);
    }

    [Fact]
    public void FullGuarantees_HoldTheIdlePartitionsShareBack_LikeStaticPartitions()
    {
        // Each role is guaranteed its whole static partition: the allocator keeps headroom for partition 1 though it is
        // idle (quota semantics as in Mesos), so partition 0 gets only its own two machines' worth.
        var result = Consolidation.Run(Burst, Options(guarantee: 1));

        Assert.Equal(result.Static.MakespanSeconds, result.Shared.MakespanSeconds);
        Assert.Equal(result.Static.Delays.Mean, result.Shared.Delays.Mean);
    }

    [Fact]
    public void ManyInstancesOfOneItem_RunInWavesOnWhatIsFree()
    {
        // Ten 1-core instances of 10 s on machines of 4 cores: 4 per machine, and partition 0 has 2 machines statically.
        var work = new[] { new WorkItem(1, 0, 0, 10, 1, 100, 10) };

        var result = Consolidation.Run(work, Options(guarantee: 0));

        Assert.Equal(20, result.Static.MakespanSeconds); // 8 at once, then 2
        Assert.Equal(2.0, result.Static.Delays.Mean, 6); // (8 x 0 + 2 x 10) / 10
        Assert.Equal(10, result.Shared.MakespanSeconds); // 16 cores: all 10 at once
        Assert.Equal(0, result.Shared.Delays.Mean);
    }

    [Fact]
    public void AnInstanceLargerThanAMachine_IsLeftOutAndReported()
    {
        var work = new[] { new WorkItem(1, 0, 0, 1, 8, 100, 10), new WorkItem(2, 1, 0, 1, 1, 100, 10) };

        var result = Consolidation.Run(work, Options(guarantee: 0));

        Assert.Equal(1, Assert.Single(result.Unplaceable).Id);
        Assert.Equal(1, result.Items);
        Assert.Equal(10, result.Shared.MakespanSeconds);
    }

    [Fact]
    public void ResultLine_HasTheIssuesFieldsInOrder()
    {
        var line = Consolidation.Run(Burst, Options(guarantee: 0)).Line("burst");

        Assert.Equal("simulate trace=burst machines=4 partitions=2 util_static=50.0 util_shared=100.0 queue_mean_s_static=150.0 queue_mean_s_shared=50.0 " +
                     "queue_p95_s_static=300.0 queue_p95_s_shared=100.0 makespan_s_static=400 makespan_s_shared=200", line);
    }

    [Theory]
    [InlineData(5, 2)]
    [InlineData(4, 0)]
    public void MachinesThatDoNotSplitEvenly_AreRefused(int machines, int partitions) =>
        Assert.Throws<ArgumentException>(() => Consolidation.Run(Burst, new ConsolidationOptions(machines, partitions, 4, 4096)));
}

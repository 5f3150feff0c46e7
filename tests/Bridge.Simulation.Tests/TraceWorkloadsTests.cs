namespace Bridge.Simulation.Tests;

/// <summary>Traces turned into work items: units, partitions, and what is left out.</summary>
public sealed class TraceWorkloadsTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"trace-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void Alibaba_RowsBecomeItems_JobsRoundRobinOverPartitions()
    {
        File.WriteAllText(_file, """
            task_create_time,task_end_time,job_id,task_id,number_of_instances,status,number_of_cpus_requested_per_instance_in_the_task,normalized_memory_requested_per_instance_in_the_task
            100,160,7,1,3,Terminated,50,0.25
            110,130,7,2,1,Terminated,100,0.5
            120,150,8,3,2,Failed,200,0.125
            130,140,9,4,1,Waiting,,
            """);

        var workload = TraceWorkloads.Alibaba(_file, partitions: 2, machineMemoryMb: 1000);

        Assert.Equal(
        [
            new WorkItem(2, 1, 100, 3, 0.5, 250, 60), // job 7 -> partition 1
            new WorkItem(3, 1, 110, 1, 1.0, 500, 20), // the same job, the same partition
            new WorkItem(4, 0, 120, 2, 2.0, 125, 30), // job 8 -> partition 0
        ], workload.Work);
        Assert.Equal(1, workload.Skipped["EmptyRequest"]);
    }

    [Fact]
    public void Swf_JobsBecomeOneCoreInstancesPerProcessor_ByQueue()
    {
        File.WriteAllText(_file, """
            ; MaxProcs: 64
            1 0 5 100 4 -1 2048 4 200 -1 1 1 1 -1 2 -1 -1 -1
            2 10 -1 -1 -1 -1 -1 8 600 -1 5 2 1 -1 1 -1 -1 -1
            3 20 0 50 -1 -1 -1 2 60 1024 1 3 1 -1 -1 -1 -1 -1
            4 x
            """);

        var workload = TraceWorkloads.Swf(_file, partitions: 2);

        Assert.Equal(
        [
            new WorkItem(1, 0, 0, 4, 1, 2, 100),  // queue 2, 2048 KB used per processor
            new WorkItem(3, 1, 20, 2, 1, 1, 50),  // no queue or partition: user 3; requested memory
        ], workload.Work);
        Assert.Equal(1, workload.Skipped["NoRunTimeOrProcessors"]);
        Assert.Equal(1, workload.Skipped["WrongFieldCount"]);
    }
}

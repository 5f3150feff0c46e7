using Bridge.Yarn.NodeManager.Containers;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.NodeManager.Tests;

public sealed class ContainerTableTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly ContainerId C1 = ContainerId.Parse("container_1410901177871_0001_01_000001");
    private static readonly ContainerId C2 = ContainerId.Parse("container_1410901177871_0001_01_000002");
    private static readonly Resource Small = new(1024, 1);

    [Fact]
    public void A_container_is_new_while_localising_running_once_launched_and_complete_with_its_exit_code()
    {
        var table = new ContainerTable();
        Assert.True(table.Start(C1, Small, Now).Accepted);
        Assert.Equal(ContainerState.New, table.Find(C1)!.Status.State);
        Assert.True(table.Launched(C1));
        Assert.Equal(ContainerState.Running, table.Find(C1)!.Status.State);
        Assert.Equal(ContainerExitStatus.Invalid, table.Find(C1)!.Status.ExitStatus);
        Assert.True(table.Exited(C1, 3, memoryLimitExceeded: false));
        var status = table.Find(C1)!.Status;
        Assert.Equal(ContainerState.Complete, status.State);
        Assert.Equal(3, status.ExitStatus);
        Assert.Contains("Exit code: 3", status.Diagnostics);
    }

    [Fact]
    public void A_second_start_of_the_same_container_is_refused_with_Hadoops_message()
    {
        var table = new ContainerTable();
        table.Start(C1, Small, Now);
        var again = table.Start(C1, Small, Now);
        Assert.False(again.Accepted);
        Assert.Equal($"Container {C1} already is running on this node!!", again.Message);
    }

    [Fact]
    public void A_negative_size_is_refused()
    {
        Assert.False(new ContainerTable().Start(C1, new Resource(-1, 1), Now).Accepted);
    }

    [Theory]
    [InlineData(StopRequester.ApplicationMaster, ContainerExitStatus.KilledByAppMaster, "Container killed by the ApplicationMaster.")]
    [InlineData(StopRequester.ResourceManager, ContainerExitStatus.KilledByResourceManager, "Container Killed by ResourceManager")]
    [InlineData(StopRequester.NodeManager, ContainerExitStatus.Aborted, "NodeManager is shutting down")]
    public void A_stop_decides_the_exit_status_by_who_asked(StopRequester by, int expected, string diagnostics)
    {
        var table = new ContainerTable();
        table.Start(C1, Small, Now);
        table.Launched(C1);
        Assert.True(table.RequestStop(C1, by));
        Assert.False(table.RequestStop(C1, StopRequester.ResourceManager));
        Assert.Equal(ContainerState.Running, table.Find(C1)!.Status.State);
        table.Exited(C1, 143, memoryLimitExceeded: false);
        Assert.Equal(expected, table.Find(C1)!.ExitStatus);
        Assert.Contains(diagnostics, table.Find(C1)!.Diagnostics);
        Assert.Contains("143", table.Find(C1)!.Diagnostics);
    }

    [Fact]
    public void The_memory_limit_wins_over_the_process_code()
    {
        var table = new ContainerTable();
        table.Start(C1, Small, Now);
        table.Exited(C1, 137, memoryLimitExceeded: true);
        Assert.Equal(ContainerExitStatus.KilledExceededPmem, table.Find(C1)!.ExitStatus);
        Assert.Contains("beyond physical memory limits", table.Find(C1)!.Diagnostics);
    }

    [Fact]
    public void A_launch_failure_completes_the_container_with_INVALID_and_the_reason()
    {
        var table = new ContainerTable();
        table.Start(C1, Small, Now);
        table.Exited(C1, -1, false, launchFailure: "Failed to download resource /nope");
        Assert.Equal(ContainerExitStatus.Invalid, table.Find(C1)!.ExitStatus);
        Assert.Equal(ContainerState.Complete, table.Find(C1)!.Status.State);
        Assert.Contains("/nope", table.Find(C1)!.Diagnostics);
    }

    [Fact]
    public void A_completed_status_rides_every_heartbeat_until_one_that_carried_it_is_answered()
    {
        var table = new ContainerTable();
        table.Start(C1, Small, Now);
        table.Start(C2, Small, Now);
        table.Launched(C2);
        table.Exited(C1, 0, false);

        var lost = table.Report();
        Assert.Equal([C1], lost.Completed);
        // That heartbeat never got an answer: the next one carries C1 again.
        var next = table.Report();
        Assert.Equal([C1], next.Completed);
        Assert.Equal(2, next.Statuses.Count);
        table.Delivered(next);

        Assert.Null(table.Find(C1));
        Assert.Equal([C2], table.Live);
        Assert.Single(table.Report().Statuses);
        // Once forgotten, the id may not come back as a new container on a later report.
        Assert.Empty(table.Report().Completed);
    }

    [Fact]
    public void A_container_completed_after_a_report_was_taken_is_not_forgotten_by_that_reports_answer()
    {
        var table = new ContainerTable();
        table.Start(C1, Small, Now);
        var report = table.Report();
        table.Exited(C1, 0, false);
        table.Delivered(report);
        Assert.Equal([C1], table.Report().Completed);
    }

    [Fact]
    public void Allocated_sums_the_live_containers_only()
    {
        var table = new ContainerTable();
        table.Start(C1, Small, Now);
        table.Start(C2, new Resource(2048, 2), Now);
        Assert.Equal(new Resource(3072, 3), table.Allocated);
        table.Exited(C1, 0, false);
        Assert.Equal(new Resource(2048, 2), table.Allocated);
    }

    [Fact]
    public void Late_events_for_a_finished_container_change_nothing()
    {
        var table = new ContainerTable();
        table.Start(C1, Small, Now);
        table.Exited(C1, 0, false);
        Assert.False(table.Launched(C1));
        Assert.False(table.Exited(C1, 9, false));
        Assert.False(table.RequestStop(C1, StopRequester.ApplicationMaster));
        Assert.Equal(ContainerExitStatus.Success, table.Find(C1)!.ExitStatus);
    }
}

using Bridge.Kernel.V1;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;
using Bridge.Schedulers.Services.Constraints;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Instances;

namespace Bridge.Schedulers.Services.Tests.Instances;

public sealed class InstanceTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static Instance Launched(string app, int n) =>
        new(TaskIds.New(AppId.Parse(app), new Guid(n, 0, 0, new byte[8])), AppId.Parse(app), T0, new AgentFacts(new Kernel.AgentId("agent-1"), "host-1"),
            [31000 + n], Condition.Provisioned, null, T0, null, T0, null);

    private static TaskStatus Status(Instance i, TaskState state, bool? healthy = null, string message = "")
    {
        var status = new TaskStatus { TaskId = new TaskID { Value = i.TaskId }, State = state, Message = message };
        if (healthy is { } h) status.Healthy = h;
        return status;
    }

    [Fact]
    public void TaskIds_Follow_Marathon_And_Map_Back_To_The_App()
    {
        var id = TaskIds.New(AppId.Parse("/product/web.v2"), Guid.Parse("0f8b4d1e-2b3c-4d5e-8f90-a1b2c3d4e5f6"));
        Assert.Equal("product_web.v2.0f8b4d1e-2b3c-4d5e-8f90-a1b2c3d4e5f6", id);
        Assert.Equal(AppId.Parse("/product/web.v2"), TaskIds.AppIdOf(id));
        Assert.Null(TaskIds.AppIdOf("not-ours"));
        Assert.Null(TaskIds.AppIdOf("web.not-a-uuid"));
    }

    [Fact]
    public void Running_Then_Healthy_Updates_The_Instance_And_Stamps_Its_Start()
    {
        var tracker = new InstanceTracker();
        var web = Launched("/web", 1);
        tracker.Add(web);
        var running = tracker.Apply(Status(web, TaskState.TaskRunning), T0.AddSeconds(2))!;
        Assert.Equal(Condition.Running, running.After.Condition);
        Assert.Equal(T0.AddSeconds(2), running.After.StartedAt);
        Assert.False(running.After.IsHealthy(hasHealthChecks: true));
        Assert.True(running.After.IsHealthy(hasHealthChecks: false));
        var healthy = tracker.Apply(Status(web, TaskState.TaskRunning, healthy: true), T0.AddSeconds(5))!;
        Assert.True(healthy.After.IsHealthy(hasHealthChecks: true));
        Assert.Equal(T0.AddSeconds(2), healthy.After.StartedAt);
        Assert.Null(tracker.Apply(Status(web, TaskState.TaskRunning, healthy: true), T0.AddSeconds(6)));
    }

    [Fact]
    public void A_Failure_Ends_The_Instance_And_Counts_As_A_Failure()
    {
        var tracker = new InstanceTracker();
        var web = Launched("/web", 1);
        tracker.Add(web);
        var change = tracker.Apply(Status(web, TaskState.TaskFailed, message: "exited with 3"), T0)!;
        Assert.True(change.Ended);
        Assert.True(change.Failed);
        Assert.Equal("exited with 3", change.After.Message);
        Assert.Empty(tracker.Of(AppId.Parse("/web")));
        Assert.Null(tracker.Get(web.TaskId));
    }

    [Fact]
    public void A_Kill_We_Asked_For_Is_Not_A_Failure_Even_Through_Interim_States()
    {
        var tracker = new InstanceTracker();
        var web = Launched("/web", 1);
        tracker.Add(web);
        tracker.MarkKilling(web.TaskId, T0);
        Assert.Null(tracker.Apply(Status(web, TaskState.TaskRunning), T0));
        var change = tracker.Apply(Status(web, TaskState.TaskKilled), T0)!;
        Assert.True(change.Ended);
        Assert.False(change.Failed);
    }

    [Fact]
    public void Unreachable_Stays_Tracked_And_Lost_Counts_As_Failed()
    {
        var tracker = new InstanceTracker();
        var web = Launched("/web", 1);
        tracker.Add(web);
        Assert.False(tracker.Apply(Status(web, TaskState.TaskUnreachable), T0)!.Ended);
        Assert.Single(tracker.Of(AppId.Parse("/web")));
        var lost = tracker.Apply(Status(web, TaskState.TaskGone), T0)!;
        Assert.Equal(Condition.Gone, lost.After.Condition);
        Assert.True(lost.Failed);
    }

    [Fact]
    public void Unknown_Tasks_Are_Not_Tracked_And_Duplicates_Are_Refused()
    {
        var tracker = new InstanceTracker();
        var web = Launched("/web", 1);
        Assert.Null(tracker.Apply(Status(web, TaskState.TaskRunning), T0));
        tracker.Add(web);
        Assert.Throws<InvalidOperationException>(() => tracker.Add(web));
        tracker.Add(Launched("/web", 2));
        tracker.Add(Launched("/db", 3));
        Assert.Equal(2, tracker.Of(AppId.Parse("/web")).Count);
        Assert.Equal(3, tracker.All.Count());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Counts_Always_Equal_What_The_Instances_Say(int seed)
    {
        var random = new Random(seed);
        var tracker = new InstanceTracker();
        var app = AppId.Parse("/web");
        var versions = new[] { T0, T0.AddHours(1) };
        TaskState[] states = [TaskState.TaskStaging, TaskState.TaskRunning, TaskState.TaskRunning, TaskState.TaskUnreachable, TaskState.TaskFailed, TaskState.TaskKilled];
        for (var step = 0; step < 2000; step++)
        {
            var live = tracker.Of(app);
            if (live.Count == 0 || random.Next(3) == 0)
                tracker.Add(Launched("/web", step) with { Version = versions[random.Next(2)] });
            else if (random.Next(5) == 0) tracker.MarkKilling(live[random.Next(live.Count)].TaskId, T0);
            else
            {
                var target = live[random.Next(live.Count)];
                tracker.Apply(Status(target, states[random.Next(states.Length)], healthy: random.Next(3) switch { 0 => null, 1 => true, _ => false }), T0);
            }
            foreach (var version in versions)
            {
                var mine = tracker.Of(app).Where(i => i.Version == version).ToList();
                var expected = new VersionCounts(mine.Count, mine.Count(i => i.Condition is not (Condition.Killing or Condition.Unreachable)),
                    mine.Count(i => i.Condition == Condition.Running), mine.Count(i => i.Condition == Condition.Running && i.Healthy == true),
                    mine.Count(i => i.Condition == Condition.Killing));
                Assert.Equal(expected, tracker.Counts(app).GetValueOrDefault(version));
            }
        }
    }
}

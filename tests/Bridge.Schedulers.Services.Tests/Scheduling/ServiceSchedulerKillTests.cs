using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Deployments;
using Bridge.Schedulers.Services.Instances;
using Bridge.Schedulers.Services.Launching;
using Bridge.Schedulers.Services.Scheduling;
using KernelResources = Bridge.Kernel.Resources;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Schedulers.Services.Tests.Scheduling;

/// <summary>The core's operations behind the REST layer's task kills and queue delay reset.</summary>
public sealed class ServiceSchedulerKillTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly AppId WebId = AppId.Parse("/web");
    private readonly ServiceScheduler _scheduler;
    private int _ids;
    private int _offers;

    public ServiceSchedulerKillTests() =>
        _scheduler = new ServiceScheduler(new ServiceSchedulerOptions { NewId = () => new Guid(++_ids, 0, 0, new byte[8]), PortRandom = null });

    private static AppDefinition Web(int instances) => new()
    {
        Id = WebId,
        Cmd = "sleep 1000",
        Instances = instances,
        Cpus = 0.5,
        MemMb = 64,
        TaskKillGracePeriod = TimeSpan.FromSeconds(7),
    };

    private IReadOnlyList<Instance> Instances => _scheduler.Instances.Of(WebId);

    private Decisions Offer(DateTimeOffset now, string agent = "a1")
    {
        var offer = new Offer
        {
            Id = new OfferID { Value = $"offer-{++_offers}" },
            AgentId = new AgentID { Value = agent },
            Hostname = agent + ".local",
            Resources = { ResourceConversion.ToWire(KernelResources.Parse("cpus:8;mem:4096;ports:[31000-31009]")) },
        };
        var decisions = new Decisions();
        _scheduler.OnOffers([offer], now, decisions);
        return decisions;
    }

    private Decisions Status(string taskId, TaskState state, DateTimeOffset now)
    {
        var decisions = new Decisions();
        _scheduler.OnStatus(new TaskStatus { TaskId = new TaskID { Value = taskId }, State = state, AgentId = new AgentID { Value = "a1" } }, now, decisions);
        return decisions;
    }

    private void RunningApp(int instances)
    {
        _scheduler.Create(Web(instances), T0, new Decisions());
        Offer(T0);
        foreach (var i in Instances) Status(i.TaskId, TaskState.TaskRunning, T0.AddSeconds(1));
        Assert.Null(_scheduler.App(WebId)!.Deployment);
    }

    [Fact]
    public void KillInstances_Kills_With_The_Grace_Period_And_The_App_Replaces_Them_Without_Backoff()
    {
        RunningApp(3);
        var victim = Instances[0];
        var decisions = new Decisions();
        var killed = _scheduler.KillInstances([victim.TaskId, "web.00000000-0000-0000-0000-00000000beef"], T0.AddSeconds(5), decisions);

        Assert.Equal(victim.TaskId, Assert.Single(killed).TaskId);
        Assert.Equal(Condition.Running, killed[0].Condition); // as it was before the kill
        var kill = Assert.Single(decisions.Kills);
        Assert.Equal((victim.TaskId, "a1", TimeSpan.FromSeconds(7)), (kill.TaskId, kill.AgentId, kill.GracePeriod));
        Assert.Equal(Condition.Killing, _scheduler.Instances.Get(victim.TaskId)!.Condition);
        Assert.Equal(1, _scheduler.App(WebId)!.Wanted); // replaced at once
        Assert.True(decisions.WantOffers);

        Status(victim.TaskId, TaskState.TaskKilled, T0.AddSeconds(6));
        Assert.Equal(LaunchDelay.None, _scheduler.App(WebId)!.Delay);
        Assert.Single(Offer(T0.AddSeconds(6)).Launches);
        Assert.Equal(3, Instances.Count);
    }

    [Fact]
    public void KillAndScale_Kills_The_Given_Instances_And_Lowers_The_Count_In_One_Scale_Deployment()
    {
        RunningApp(3);
        var victims = Instances.Take(2).Select(i => i.TaskId).ToList();
        var decisions = new Decisions();
        var result = _scheduler.KillAndScale(WebId, [.. victims, "other_app.00000000-0000-0000-0000-000000000001"], T0.AddSeconds(5), force: false, decisions);

        Assert.Equal([DeploymentActionType.ScaleApplication], result.Deployment!.Steps);
        Assert.Equal(victims.ToHashSet(), decisions.Kills.Select(k => k.TaskId).ToHashSet());
        var app = _scheduler.App(WebId)!;
        Assert.Equal(1, app.Definition.Instances);
        Assert.Equal(0, app.Wanted);
        foreach (var v in victims) Status(v, TaskState.TaskKilled, T0.AddSeconds(6));
        Assert.Null(app.Deployment);
        Assert.Single(Instances);
    }

    [Fact]
    public void KillAndScale_Refuses_A_Locked_App_Without_Killing_And_Knows_No_Unknown_App()
    {
        _scheduler.Create(Web(2), T0, new Decisions());
        Offer(T0);
        var decisions = new Decisions();
        var locked = _scheduler.KillAndScale(WebId, [Instances[0].TaskId], T0.AddSeconds(1), force: false, decisions);
        Assert.Equal(SubmitError.Locked, locked.Error);
        Assert.Empty(decisions.Kills);
        Assert.Equal(SubmitError.UnknownApp, _scheduler.KillAndScale(AppId.Parse("/nope"), [], T0, force: false, new Decisions()).Error);

        var forced = _scheduler.KillAndScale(WebId, [Instances[0].TaskId], T0.AddSeconds(2), force: true, new Decisions());
        Assert.Equal(SubmitError.None, forced.Error);
        Assert.Equal(1, _scheduler.App(WebId)!.Definition.Instances);
    }

    [Fact]
    public void ResetDelay_Lets_A_Backing_Off_App_Launch_At_Once()
    {
        _scheduler.Create(Web(1) with { Backoff = TimeSpan.FromMinutes(1) }, T0, new Decisions());
        Offer(T0);
        Status(Assert.Single(Instances).TaskId, TaskState.TaskFailed, T0.AddSeconds(1));
        Assert.Empty(Offer(T0.AddSeconds(2)).Launches); // backing off for a minute

        var decisions = new Decisions();
        Assert.True(_scheduler.ResetDelay(WebId, T0.AddSeconds(3), decisions));
        Assert.True(decisions.WantOffers);
        Assert.Single(Offer(T0.AddSeconds(3)).Launches);

        Assert.False(_scheduler.ResetDelay(WebId, T0.AddSeconds(4), new Decisions())); // nothing waiting now
        Assert.False(_scheduler.ResetDelay(AppId.Parse("/nope"), T0, new Decisions()));
    }
}

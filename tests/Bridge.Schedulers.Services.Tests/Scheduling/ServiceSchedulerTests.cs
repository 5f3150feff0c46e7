using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Deployments;
using Bridge.Schedulers.Services.Instances;
using Bridge.Schedulers.Services.Placement;
using Bridge.Schedulers.Services.Scheduling;
using KernelResources = Bridge.Kernel.Resources;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Schedulers.Services.Tests.Scheduling;

/// <summary>The scheduler core driven by hand: offers, status updates and ticks on a virtual clock.</summary>
public sealed class ServiceSchedulerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly ServiceScheduler _scheduler;
    private int _ids;
    private int _offers;

    public ServiceSchedulerTests() =>
        _scheduler = new ServiceScheduler(new ServiceSchedulerOptions { NewId = () => new Guid(++_ids, 0, 0, new byte[8]), PortRandom = null });

    private static AppDefinition Web(int instances = 2, params Services.Definitions.HealthCheck[] checks) => new()
    {
        Id = AppId.Parse("/web"),
        Cmd = "python3 -m http.server $PORT0",
        Instances = instances,
        Cpus = 0.5,
        MemMb = 64,
        HealthChecks = [.. checks],
    };

    private Offer OfferOn(string agent, string resources = "cpus:4;mem:4096;ports:[31000-31009]") => new()
    {
        Id = new OfferID { Value = $"offer-{++_offers}" },
        AgentId = new AgentID { Value = agent },
        Hostname = agent + ".local",
        Resources = { ResourceConversion.ToWire(KernelResources.Parse(resources)) },
    };

    private Decisions Offers(DateTimeOffset now, params Offer[] offers)
    {
        var decisions = new Decisions();
        _scheduler.OnOffers(offers, now, decisions);
        return decisions;
    }

    private Decisions Status(string taskId, TaskState state, DateTimeOffset now, bool? healthy = null)
    {
        var status = new TaskStatus { TaskId = new TaskID { Value = taskId }, State = state, AgentId = new AgentID { Value = "a1" } };
        if (healthy is { } h) status.Healthy = h;
        var decisions = new Decisions();
        _scheduler.OnStatus(status, now, decisions);
        return decisions;
    }

    private Decisions Tick(DateTimeOffset now)
    {
        var decisions = new Decisions();
        _scheduler.Tick(now, decisions);
        return decisions;
    }

    private IReadOnlyList<Instance> Instances => _scheduler.Instances.Of(AppId.Parse("/web"));

    private void RunAll(DateTimeOffset now, bool? healthy = null)
    {
        foreach (var i in Instances.Where(i => i.Condition == Condition.Provisioned).ToList()) Status(i.TaskId, TaskState.TaskRunning, now, healthy);
    }

    [Fact]
    public void A_New_App_Launches_Its_Instances_And_Its_Deployment_Succeeds_When_They_Run()
    {
        var created = new Decisions();
        var result = _scheduler.Create(Web(), T0, created);
        Assert.Equal([DeploymentActionType.StartApplication, DeploymentActionType.ScaleApplication], result.Deployment!.Steps);
        Assert.True(created.Changed);
        Assert.Equal(2, _scheduler.App(AppId.Parse("/web"))!.Wanted);

        var offers = Offers(T0, OfferOn("a1"));
        var launch = Assert.Single(offers.Launches);
        Assert.Equal(2, launch.Tasks.Count);
        var task = launch.Tasks[0];
        Assert.Equal("python3 -m http.server $PORT0", task.Command.Value);
        Assert.Contains(task.Command.Environment.Variables, v => v.Name == "PORT0" && v.Value == "31000");
        Assert.Contains(task.Command.Environment.Variables, v => v.Name == "MARATHON_APP_ID" && v.Value == "/web");
        Assert.False(offers.WantOffers); // nothing more wanted: suppress

        RunAll(T0.AddSeconds(1));
        Assert.Null(_scheduler.App(AppId.Parse("/web"))!.Deployment);
        Assert.All(Instances, i => Assert.Equal(Condition.Running, i.Condition));
    }

    [Fact]
    public void An_Offer_Too_Small_Is_Declined_And_The_App_Keeps_Wanting()
    {
        _scheduler.Create(Web(1), T0, new Decisions());
        var decisions = Offers(T0, OfferOn("a1", "cpus:0.1;mem:4096;ports:[31000-31009]"));
        Assert.Empty(decisions.Launches);
        var declined = Assert.Single(decisions.Declines);
        Assert.StartsWith("/web: ", decisions.DeclineReasons[declined.Value]); // the rejection's details, for the master's dashboard
        Assert.Contains("cpus", decisions.DeclineReasons[declined.Value]);
        Assert.Equal(1, _scheduler.App(AppId.Parse("/web"))!.Wanted);
        var summary = _scheduler.Offers.Summary(AppId.Parse("/web"));
        Assert.Equal(1, summary.UnusedOffersCount);
        Assert.Contains(summary.RejectSummaryLaunchAttempt, s => s.Reason == RejectReason.InsufficientCpus && s.Declined == 1);
    }

    [Fact]
    public void Unique_Hostname_Puts_One_Instance_On_Each_Agent()
    {
        Assert.True(Services.Constraints.Constraint.TryCreate("hostname", "UNIQUE", null, out var unique, out _));
        _scheduler.Create(Web(3) with { Constraints = [unique] }, T0, new Decisions());
        var first = Offers(T0, OfferOn("a1"), OfferOn("a2"));
        Assert.Equal([1, 1], first.Launches.Select(l => l.Tasks.Count));
        var again = Offers(T0.AddSeconds(1), OfferOn("a1"));
        Assert.Empty(again.Launches);
        Assert.Contains(_scheduler.Offers.Summary(AppId.Parse("/web")).RejectSummaryLaunchAttempt,
            s => s.Reason == RejectReason.UnfulfilledConstraint && s.Declined == 1);
        Assert.Single(Offers(T0.AddSeconds(2), OfferOn("a3")).Launches);
        Assert.Equal(["a1", "a2", "a3"], Instances.Select(i => i.Agent.Id.Value).Order());
    }

    [Fact]
    public void A_Failed_Instance_Is_Relaunched_After_Its_Backoff()
    {
        _scheduler.Create(Web(1), T0, new Decisions());
        Offers(T0, OfferOn("a1"));
        var first = Assert.Single(Instances);
        var failed = Status(first.TaskId, TaskState.TaskFailed, T0.AddSeconds(2));
        Assert.Equal(1, _scheduler.App(AppId.Parse("/web"))!.Wanted);
        Assert.Null(failed.WantOffers); // backing off: no revive yet

        Assert.Empty(Offers(T0.AddSeconds(2.5), OfferOn("a1")).Launches); // within backoffSeconds (1 s)
        var tick = Tick(T0.AddSeconds(3));
        Assert.True(tick.WantOffers); // the backoff ran out: revive
        Assert.Single(Offers(T0.AddSeconds(3), OfferOn("a1")).Launches);
    }

    [Fact]
    public void Repeated_Failures_Grow_The_Backoff_Into_Cooldown()
    {
        _scheduler.Create(Web(1) with { Backoff = TimeSpan.FromSeconds(1), BackoffFactor = 2, MaxLaunchDelay = TimeSpan.FromSeconds(4) }, T0, new Decisions());
        var now = T0;
        for (var i = 0; i < 4; i++)
        {
            now = now.AddSeconds(10);
            Offers(now, OfferOn("a1"));
            Status(Assert.Single(Instances).TaskId, TaskState.TaskFailed, now);
        }
        var app = _scheduler.App(AppId.Parse("/web"))!;
        Assert.Equal(TimeSpan.FromSeconds(4), app.Delay.Wait);
        Assert.True(app.Delay.InCooldown);
    }

    [Fact]
    public void Scaling_Down_Kills_The_Youngest_Instances()
    {
        _scheduler.Create(Web(3), T0, new Decisions());
        Offers(T0, OfferOn("a1", "cpus:0.5;mem:64;ports:[31000-31000]"));
        Offers(T0.AddSeconds(1), OfferOn("a2", "cpus:0.5;mem:64;ports:[31000-31000]"));
        Offers(T0.AddSeconds(2), OfferOn("a3", "cpus:0.5;mem:64;ports:[31000-31000]"));
        RunAll(T0.AddSeconds(3));
        var decisions = new Decisions();
        var result = _scheduler.Update(Web(1), T0.AddSeconds(10), force: false, decisions);
        Assert.Equal([DeploymentActionType.ScaleApplication], result.Deployment!.Steps);
        Assert.Equal(["a3", "a2"], decisions.Kills.Select(k => k.AgentId));
        foreach (var kill in decisions.Kills) Status(kill.TaskId, TaskState.TaskKilled, T0.AddSeconds(11));
        Assert.Null(_scheduler.App(AppId.Parse("/web"))!.Deployment);
        Assert.Equal("a1", Assert.Single(Instances).Agent.Id.Value);
    }

    [Fact]
    public void A_Restart_Replaces_Every_Instance_Keeping_All_Healthy()
    {
        var check = new Services.Definitions.HealthCheck { Protocol = HealthCheckProtocol.Http, Path = "/" };
        _scheduler.Create(Web(2, check), T0, new Decisions());
        Offers(T0, OfferOn("a1"));
        RunAll(T0.AddSeconds(1), healthy: true);
        var old = Instances.Select(i => i.TaskId).ToHashSet();

        var restart = new Decisions();
        _scheduler.Restart(AppId.Parse("/web"), T0.AddSeconds(10), force: false, restart);
        Assert.Empty(restart.Kills); // minimumHealthCapacity 1: nothing old goes before new ones are healthy
        Assert.Single(Offers(T0.AddSeconds(10), OfferOn("a2")).Launches);
        RunAll(T0.AddSeconds(11));
        Assert.DoesNotContain(Instances, i => i.Condition == Condition.Killing); // running but not yet healthy

        var healthy = Instances.Where(i => !old.Contains(i.TaskId)).ToList();
        var kills = new List<Kill>();
        foreach (var i in healthy) kills.AddRange(Status(i.TaskId, TaskState.TaskRunning, T0.AddSeconds(12), healthy: true).Kills);
        Assert.Equal(old, kills.Select(k => k.TaskId).ToHashSet());
        foreach (var kill in kills) Status(kill.TaskId, TaskState.TaskKilled, T0.AddSeconds(13));
        Assert.Null(_scheduler.App(AppId.Parse("/web"))!.Deployment);
        Assert.Equal(2, Instances.Count);
    }

    [Fact]
    public void A_Change_Whose_New_Instances_Fail_Health_Checks_Is_Rolled_Back_After_The_Deadline()
    {
        var check = new Services.Definitions.HealthCheck { Protocol = HealthCheckProtocol.Http, Path = "/" };
        _scheduler.Create(Web(1, check), T0, new Decisions());
        Offers(T0, OfferOn("a1"));
        RunAll(T0.AddSeconds(1), healthy: true);
        var v1 = Assert.Single(Instances);

        _scheduler.Update(Web(1, check) with { Cmd = "python3 -m http.server --broken" }, T0.AddSeconds(10), force: false, new Decisions());
        Offers(T0.AddSeconds(10), OfferOn("a2"));
        var v2 = Instances.Single(i => i.TaskId != v1.TaskId);
        Status(v2.TaskId, TaskState.TaskRunning, T0.AddSeconds(11), healthy: false);
        Assert.DoesNotContain(Tick(T0.AddSeconds(60)).Events, e => e.Type == "deployment_failed");

        var rollback = Tick(T0.AddSeconds(10) + TimeSpan.FromMinutes(5));
        Assert.Contains(rollback.Events, e => e.Type == "deployment_failed");
        Assert.Equal([v2.TaskId], rollback.Kills.Select(k => k.TaskId));
        var app = _scheduler.App(AppId.Parse("/web"))!;
        Assert.Equal("python3 -m http.server $PORT0", app.Definition.Cmd);
        Status(v2.TaskId, TaskState.TaskKilled, T0.AddMinutes(6));
        Assert.Null(app.Deployment);
        Assert.Equal(v1.TaskId, Assert.Single(Instances).TaskId);
    }

    [Fact]
    public void A_Change_During_A_Deployment_Is_Refused_Unless_Forced()
    {
        _scheduler.Create(Web(1), T0, new Decisions());
        var locked = _scheduler.Update(Web(3), T0.AddSeconds(1), force: false, new Decisions());
        Assert.Equal(SubmitError.Locked, locked.Error);
        Assert.NotNull(locked.Blocking);
        Assert.Equal(SubmitError.None, _scheduler.Update(Web(3), T0.AddSeconds(1), force: true, new Decisions()).Error);
        Assert.Equal(3, _scheduler.App(AppId.Parse("/web"))!.Wanted);
    }

    [Fact]
    public void Deleting_An_App_Kills_Its_Instances_Then_Removes_It()
    {
        _scheduler.Create(Web(2), T0, new Decisions());
        Offers(T0, OfferOn("a1"));
        RunAll(T0.AddSeconds(1));
        var delete = new Decisions();
        _scheduler.Delete(AppId.Parse("/web"), T0.AddSeconds(5), force: false, delete);
        Assert.Equal(2, delete.Kills.Count);
        Assert.NotNull(_scheduler.App(AppId.Parse("/web")));
        var last = new Decisions();
        foreach (var kill in delete.Kills) last = Status(kill.TaskId, TaskState.TaskKilled, T0.AddSeconds(6));
        Assert.Null(_scheduler.App(AppId.Parse("/web")));
        Assert.Contains(last.Events, e => e.Type == "app_terminated_event");
    }

    [Fact]
    public void A_Task_Nobody_Owns_Is_Killed_And_A_Lost_One_Replaced()
    {
        var unknown = Status("stray.00000000-0000-0000-0000-000000000001", TaskState.TaskRunning, T0);
        Assert.Equal("stray.00000000-0000-0000-0000-000000000001", Assert.Single(unknown.Kills).TaskId);

        _scheduler.Create(Web(1), T0, new Decisions());
        Offers(T0, OfferOn("a1"));
        RunAll(T0);
        Status(Assert.Single(Instances).TaskId, TaskState.TaskGone, T0.AddSeconds(1));
        Assert.Equal(1, _scheduler.App(AppId.Parse("/web"))!.Wanted);
    }

    [Fact]
    public void An_Instance_Still_Running_After_Its_Kill_Is_Killed_Again()
    {
        _scheduler.Create(Web(1), T0, new Decisions());
        Offers(T0, OfferOn("a1"));
        RunAll(T0);
        var delete = new Decisions();
        _scheduler.Delete(AppId.Parse("/web"), T0.AddSeconds(1), force: true, delete);
        var task = Assert.Single(delete.Kills).TaskId;
        // Reconciliation says it still runs: the kill was lost.
        Assert.Equal(task, Assert.Single(Status(task, TaskState.TaskRunning, T0.AddMinutes(10)).Kills).TaskId);
    }

    [Fact]
    public void A_Restart_In_The_Same_Millisecond_As_The_Last_Change_Still_Replaces_Every_Instance()
    {
        _scheduler.Create(Web(1), T0, new Decisions());
        Offers(T0, OfferOn("a1"));
        RunAll(T0);
        var restart = new Decisions();
        _scheduler.Restart(AppId.Parse("/web"), T0, force: true, restart);
        var app = _scheduler.App(AppId.Parse("/web"))!;
        Assert.True(app.ConfigVersion > T0);
        Assert.NotNull(app.Deployment);
        Assert.Equal(1, app.Wanted); // a new instance is wanted: the old one is of another version
    }

    [Fact]
    public void Reconciliation_Comes_Due_On_The_Interval()
    {
        _scheduler.Create(Web(1), T0, new Decisions());
        Offers(T0, OfferOn("a1"));
        var subscribed = new Decisions();
        _scheduler.Subscribed(T0, subscribed);
        Assert.Single(subscribed.Reconcile!);
        Assert.Null(Tick(T0.AddMinutes(5)).Reconcile);
        Assert.Single(Tick(T0.AddMinutes(10)).Reconcile!);
    }
}

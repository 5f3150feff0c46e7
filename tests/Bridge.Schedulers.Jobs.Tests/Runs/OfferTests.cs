using Bridge.Kernel.Protocol;
using Bridge.Schedulers.Jobs.Runs;
using static Bridge.Schedulers.Jobs.Tests.Runs.Harness;

namespace Bridge.Schedulers.Jobs.Tests.Runs;

/// <summary>Queued runs meeting offers: fit, constraints, the task built, declines, revive and suppress.</summary>
public sealed class OfferTests
{
    private static readonly DateTimeOffset T0 = Utc(2026, 5, 4, 12);
    private readonly Harness _h = new();

    private static Dictionary<string, string> Env(Kernel.V1.TaskInfo task) =>
        task.Command.Environment.Variables.ToDictionary(v => v.Name, v => v.Value);

    [Fact]
    public void Offer_TheTaskCarriesTheShellCommandResourcesAndChronosEnvironment()
    {
        _h.Add("""
            {"name": "report", "command": "echo $GREETING", "schedule": "R1//PT1H", "owner": "ops@example.com",
             "cpus": 0.5, "mem": 64, "disk": 32,
             "environmentVariables": [{"name": "GREETING", "value": "hi"}, {"name": "HOST", "value": "not-mine"}],
             "fetch": [{"uri": "https://example.com/tool.tgz", "executable": false, "cache": true}]}
            """, T0);
        var decisions = _h.Offers(T0.AddSeconds(2), _h.OfferOn("a1"));

        var launch = Assert.Single(decisions.Launches);
        Assert.Equal("offer-1", launch.OfferId.Value);
        var task = Assert.Single(launch.Tasks);
        Assert.Equal(("report", "bridge-job:report:1:0", "a1"), (task.Name, task.TaskId.Value, task.AgentId.Value));
        Assert.Equal((true, "echo $GREETING"), (task.Command.Shell, task.Command.Value));
        Assert.Empty(task.Command.Arguments);
        Assert.Equal(Kernel.Resources.Parse("cpus:0.5;mem:64;disk:32"), ResourceConversion.ToModel(task.Resources, "task.resources"));
        var uri = Assert.Single(task.Command.Uris);
        Assert.Equal(("https://example.com/tool.tgz", true, true), (uri.Value, uri.Cache, uri.Extract));

        var env = Env(task);
        Assert.Equal("bridge-job:report:1:0", env["mesos_task_id"]);
        Assert.Equal("report", env["CHRONOS_JOB_NAME"]);
        Assert.Equal("ops@example.com", env["CHRONOS_JOB_OWNER"]);
        Assert.Equal("a1.local", env["HOST"]); // the job's own HOST does not override Chronos' (Chronos' rule)
        Assert.Equal(("0.5", "64", "32"), (env["CHRONOS_RESOURCE_CPU"], env["CHRONOS_RESOURCE_MEM"], env["CHRONOS_RESOURCE_DISK"]));
        Assert.Equal(T0.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), env["CHRONOS_JOB_RUN_TIME"]);
        Assert.Equal("0", env["CHRONOS_JOB_RUN_ATTEMPT"]);
        Assert.Equal("hi", env["GREETING"]);

        Assert.Contains(task.TaskId.Value, decisions.ChangedRuns);
        Assert.False(decisions.WantOffers); // the only queued run launched: suppress
        var run = Assert.Single(_h.Active("report"));
        Assert.Equal((RunState.Launched, T0.AddSeconds(2), "a1", "a1.local"), (run.State, run.LaunchedAt, run.AgentId, run.Hostname));
        Assert.Equal(("http://a1.local:5051", "fw-1/bridge-job:report:1:0"), (run.AgentUrl, run.Sandbox));
    }

    [Fact]
    public void Offer_WithoutAShell_TheCommandIsArgvZeroAndTheArgumentsFollow()
    {
        _h.Add("""{"name": "raw", "command": "/bin/echo", "shell": false, "arguments": ["hello", "world"], "schedule": "R1//PT1H"}""", T0);
        var task = Assert.Single(Assert.Single(_h.Offers(T0, _h.OfferOn("a1")).Launches).Tasks);
        Assert.Equal((false, "/bin/echo"), (task.Command.Shell, task.Command.Value));
        Assert.Equal(["/bin/echo", "hello", "world"], task.Command.Arguments);
    }

    [Fact]
    public void Offer_ARunsOwnArguments_AreAppendedToAShellCommand_AndReplaceTheArgumentsOfARawOne()
    {
        _h.Add("""{"name": "sh", "command": "report.sh --all", "schedule": "R1//PT1H", "disabled": true}""", T0);
        _h.Add("""{"name": "raw", "command": "/bin/echo", "shell": false, "arguments": ["hello"], "schedule": "R1//PT1H", "disabled": true}""", T0);
        _h.Step(d => _h.Scheduler.RunNow(Bridge.Schedulers.Jobs.Definitions.JobName.Parse("sh"), T0, d, "  --day 2026-11-22 "));
        _h.Step(d => _h.Scheduler.RunNow(Bridge.Schedulers.Jobs.Definitions.JobName.Parse("raw"), T0, d, "good  'bye now'"));

        var tasks = Assert.Single(_h.Offers(T0, _h.OfferOn("a1")).Launches).Tasks.ToDictionary(t => t.Name);
        Assert.Equal((true, "report.sh --all --day 2026-11-22"), (tasks["sh"].Command.Shell, tasks["sh"].Command.Value));
        Assert.Equal(["/bin/echo", "good", "bye now"], tasks["raw"].Command.Arguments);
    }

    [Fact]
    public void Offer_TooSmall_IsDeclinedAndTheRunStaysQueued()
    {
        _h.Add("""{"name": "big", "command": "true", "schedule": "R1//PT1H", "cpus": 2, "mem": 2048}""", T0);
        var decisions = _h.Offers(T0, _h.OfferOn("a1", "cpus:1;mem:4096;disk:1000"));
        Assert.Empty(decisions.Launches);
        Assert.Equal("offer-1", Assert.Single(decisions.Declines).Value);
        Assert.StartsWith("big: ", decisions.DeclineReasons["offer-1"]);
        Assert.Equal(RunState.Queued, Assert.Single(_h.Active("big")).State);
        Assert.Null(decisions.WantOffers); // still wanted, as before
    }

    [Fact]
    public void Offer_NothingQueued_IsDeclined()
    {
        var decisions = _h.Offers(T0, _h.OfferOn("a1"));
        Assert.Single(decisions.Declines);
        Assert.Equal("no run is queued", Assert.Single(decisions.DeclineReasons.Values));
    }

    [Fact]
    public void Offer_SeveralQueuedRuns_ShareAnOfferWhileResourcesLast_EarliestDueFirst()
    {
        _h.Add("""{"name": "late", "command": "true", "schedule": "R1//PT1H", "cpus": 1}""", T0.AddSeconds(5));
        _h.Add("""{"name": "early", "command": "true", "schedule": "R1//PT1H", "cpus": 1}""", T0);
        _h.Add("""{"name": "last", "command": "true", "schedule": "R1//PT1H", "cpus": 1}""", T0.AddSeconds(6));
        var decisions = _h.Offers(T0.AddSeconds(10), _h.OfferOn("a1", "cpus:2.5;mem:4096;disk:10000"), _h.OfferOn("a2"));
        Assert.Equal(2, decisions.Launches.Count);
        Assert.Equal(["bridge-job:early:1:0", "bridge-job:late:1:0"], decisions.Launches[0].Tasks.Select(t => t.TaskId.Value));
        Assert.Equal(["bridge-job:last:1:0"], decisions.Launches[1].Tasks.Select(t => t.TaskId.Value));
    }

    [Fact]
    public void Offer_Constraints_OnlyAgentsThatMeetThemTakeTheRun()
    {
        _h.Add("""
            {"name": "placed", "command": "true", "schedule": "R1//PT1H",
             "constraints": [["rack", "EQUALS", "r2"], ["hostname", "LIKE", "a[0-9]+\\.local"], ["zone", "UNLIKE", "eu-.*"]]}
            """, T0);
        var decisions = _h.Offers(T0,
            _h.OfferOn("a1", attributes: "rack:r1;zone:us-1"),
            _h.OfferOn("a2", attributes: "rack:r2;zone:eu-1"),
            _h.OfferOn("a3", attributes: "rack:r2"), // no zone: UNLIKE does not hold (Chronos)
            _h.OfferOn("a4", attributes: "rack:r2;zone:us-2"));
        var launch = Assert.Single(decisions.Launches);
        Assert.Equal("offer-4", launch.OfferId.Value);
        Assert.Equal(3, decisions.Declines.Count);
    }

    [Fact]
    public void Offer_AfterTheRunsStartingDeadline_DoesNotLaunchIt()
    {
        _h.Add("""{"name": "x", "command": "true", "schedule": "R1//PT1H"}""", T0);
        var decisions = _h.Offers(T0.AddSeconds(61), _h.OfferOn("a1"));
        Assert.Empty(decisions.Launches);
        Assert.Equal(RunSkipReason.PastStartingDeadline, Assert.Single(_h.History("x")).SkipReason);
        Assert.False(decisions.WantOffers);
    }

    [Fact]
    public void Offer_ReservedResourcesForTheFrameworksRole_AreUsedFirst()
    {
        var h = new Harness(new JobSchedulerOptions { Role = "jobs" });
        h.Add("""{"name": "x", "command": "true", "schedule": "R1//PT1H", "cpus": 1, "mem": 128, "disk": 0}""", T0);
        var offer = h.OfferOn("a1", "cpus:4;mem:4096;disk:1000;cpus(jobs):0.5;mem(other):4096");
        var task = Assert.Single(Assert.Single(h.Offers(T0, offer).Launches).Tasks);
        var taken = ResourceConversion.ToModel(task.Resources, "task.resources");
        Assert.Equal(Kernel.Resources.Parse("cpus(jobs):0.5;cpus:0.5;mem:128;disk:256"), taken);
    }
}

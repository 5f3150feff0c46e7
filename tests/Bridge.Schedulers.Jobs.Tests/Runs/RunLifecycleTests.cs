using Bridge.Kernel.V1;
using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Runs;
using static Bridge.Schedulers.Jobs.Tests.Runs.Harness;

namespace Bridge.Schedulers.Jobs.Tests.Runs;

/// <summary>Runs through their ends: dependencies, retries, run-now, kill, unknown tasks.</summary>
public sealed class RunLifecycleTests
{
    private static readonly DateTimeOffset T0 = Utc(2026, 5, 4, 12);
    private readonly Harness _h = new();

    private static JobName Name(string name) => JobName.Parse(name);

    [Fact]
    public void Chain_ABC_EachRunsAfterItsParentSucceeded()
    {
        _h.Add("""{"name": "a", "command": "true", "schedule": "R/2026-05-04T12:00:00Z/PT1H"}""", T0);
        _h.Add("""{"name": "b", "command": "true", "parents": ["a"]}""", T0);
        _h.Add("""{"name": "c", "command": "true", "parents": ["b"]}""", T0);
        Assert.Single(_h.Active("a"));
        Assert.Empty(_h.Active("b"));

        var a = Assert.Single(_h.LaunchAll(T0));
        _h.Status(a, TaskState.TaskRunning, T0.AddSeconds(1));
        Assert.Empty(_h.Active("b")); // running is not succeeded
        var aDone = _h.Status(a, TaskState.TaskFinished, T0.AddSeconds(10), 0);

        var b = Assert.Single(_h.Active("b"));
        Assert.Equal((RunState.Queued, RunTrigger.Parents, T0.AddSeconds(10)), (b.State, b.Trigger, b.DueAt));
        Assert.Empty(_h.Active("c"));
        Assert.True(aDone.WantOffers);

        _h.RunAll(T0.AddSeconds(20));
        var c = Assert.Single(_h.Active("c"));
        Assert.Equal(T0.AddSeconds(20), c.DueAt);

        _h.RunAll(T0.AddSeconds(30));
        Assert.All(["a", "b", "c"], job => Assert.Equal(1, _h.State(job).Status.SuccessCount));
        Assert.All(["a", "b", "c"], job => Assert.Empty(_h.Active(job)));
    }

    [Fact]
    public void Chain_AFailedParentRunDoesNotStartTheChild()
    {
        _h.Add("""{"name": "a", "command": "false", "schedule": "R1//PT1H", "retries": 0}""", T0);
        _h.Add("""{"name": "b", "command": "true", "parents": ["a"]}""", T0);
        _h.RunAll(T0, succeed: false);
        Assert.Empty(_h.State("b").Runs);
        Assert.Equal(1, _h.State("a").Status.ErrorCount);
    }

    [Fact]
    public void Dependency_AChildWithTwoParents_WaitsForBoth()
    {
        _h.Add("""{"name": "p1", "command": "true", "schedule": "R1//PT1H"}""", T0);
        _h.Add("""{"name": "p2", "command": "true", "schedule": "R1/2026-05-04T12:05:00Z/PT1H"}""", T0);
        _h.Add("""{"name": "child", "command": "true", "parents": ["p1", "p2"]}""", T0);
        _h.RunAll(T0);
        Assert.Empty(_h.State("child").Runs);
        _h.Tick(T0.AddMinutes(5));
        _h.RunAll(T0.AddMinutes(5));
        Assert.Equal(T0.AddMinutes(5), Assert.Single(_h.Active("child")).DueAt);
    }

    [Fact]
    public void Retries_EachAfterTheRetryDelay_ThenTheJobCountsOneError()
    {
        _h.Add("""{"name": "flaky", "command": "exit 1", "schedule": "R1//PT1H", "retries": 2}""", T0);
        var first = Assert.Single(_h.LaunchAll(T0));
        Assert.Equal("bridge-job:flaky:1:0", first);
        var failed = _h.Status(first, TaskState.TaskFailed, T0.AddSeconds(5), 1, "Command exited with status 1");
        Assert.Null(failed.WantOffers); // the retry waits: still nothing queued, offers stay suppressed

        var retry = Assert.Single(_h.Active("flaky"));
        Assert.Equal((RunState.Waiting, 1L, 1, T0.AddSeconds(65)), (retry.State, retry.Number, retry.Attempt, retry.DueAt));
        Assert.Equal(0, _h.State("flaky").Status.ErrorCount);

        Assert.Null(_h.Tick(T0.AddSeconds(64)).WantOffers);
        Assert.Equal(RunState.Waiting, Assert.Single(_h.Active("flaky")).State);
        Assert.True(_h.Tick(T0.AddSeconds(65)).WantOffers); // queued: revive

        var launch = Assert.Single(_h.Offers(T0.AddSeconds(66), _h.OfferOn("a1")).Launches);
        var task = Assert.Single(launch.Tasks);
        Assert.Equal("bridge-job:flaky:1:1", task.TaskId.Value);
        Assert.Contains(task.Command.Environment.Variables, v => v is { Name: "CHRONOS_JOB_RUN_ATTEMPT", Value: "1" });
        _h.Status(task.TaskId.Value, TaskState.TaskLost, T0.AddSeconds(70));

        _h.Tick(T0.AddSeconds(130));
        Assert.Equal("bridge-job:flaky:1:2", Assert.Single(_h.LaunchAll(T0.AddSeconds(130))));
        _h.Status("bridge-job:flaky:1:2", TaskState.TaskFailed, T0.AddSeconds(140), 2);

        Assert.Empty(_h.Active("flaky"));
        Assert.Equal([2, 1, 0], _h.History("flaky").Select(r => r.Attempt));
        Assert.All(_h.History("flaky"), r => Assert.Equal(RunState.Failed, r.State));
        Assert.Equal<int?>([2, null, 1], _h.History("flaky").Select(r => r.ExitCode));
        Assert.Equal("Command exited with status 1", _h.History("flaky")[2].Message);
        var status = _h.State("flaky").Status;
        Assert.Equal((0L, 1L, 1L, T0.AddSeconds(140)), (status.SuccessCount, status.ErrorCount, status.ErrorsSinceLastSuccess, status.LastError));
    }

    [Fact]
    public void RunNow_WithArguments_ItsRetryKeepsThem_AndItsChildDoesNotInheritThem()
    {
        _h.Add("""{"name": "p", "command": "exit 1", "schedule": "R1//PT1H", "retries": 1, "disabled": true}""", T0);
        _h.Add("""{"name": "child", "command": "true", "parents": ["p"]}""", T0);
        _h.Step(d => _h.Scheduler.RunNow(Name("p"), T0, d, "--once"));
        var first = Assert.Single(_h.LaunchAll(T0));
        _h.Status(first, TaskState.TaskFailed, T0.AddSeconds(5), 1);
        Assert.Equal((1, "--once"), (Assert.Single(_h.Active("p")).Attempt, _h.Active("p")[0].Arguments));

        _h.Tick(T0.AddSeconds(65));
        var retry = Assert.Single(_h.LaunchAll(T0.AddSeconds(65)));
        _h.Status(retry, TaskState.TaskFinished, T0.AddSeconds(70), 0);
        Assert.Null(Assert.Single(_h.Active("child")).Arguments);
    }

    [Fact]
    public void Retries_ASuccessfulRetryCountsAsASuccess()
    {
        _h.Add("""{"name": "flaky", "command": "exit 1", "schedule": "R1//PT1H", "retries": 1}""", T0);
        _h.RunAll(T0, succeed: false);
        _h.Tick(T0.AddSeconds(60));
        _h.RunAll(T0.AddSeconds(60));
        var status = _h.State("flaky").Status;
        Assert.Equal((1L, 0L, T0.AddSeconds(60)), (status.SuccessCount, status.ErrorCount, status.LastSuccess));
        Assert.Equal([RunState.Succeeded, RunState.Failed], _h.History("flaky").Select(r => r.State));
    }

    [Fact]
    public void RunNow_QueuesARunAtOnce_EvenForADependentOrDisabledJob()
    {
        _h.Add("""{"name": "a", "command": "true", "schedule": "R/2030-01-01T00:00:00Z/P1D"}""", T0);
        _h.Add("""{"name": "b", "command": "true", "parents": ["a"], "disabled": true}""", T0);

        var now = _h.Step(d => Assert.True(_h.Scheduler.RunNow(Name("b"), T0.AddSeconds(5), d).Succeeded));
        var run = Assert.Single(_h.Active("b"));
        Assert.Equal((RunState.Queued, RunTrigger.Manual, T0.AddSeconds(5)), (run.State, run.Trigger, run.DueAt));
        Assert.True(now.WantOffers);
        Assert.Contains(now.Events, e => e.Type == "job_run_started");

        _h.RunAll(T0.AddSeconds(6));
        Assert.Equal(1, _h.State("b").Status.SuccessCount);
        Assert.Equal(JobChangeError.UnknownJob, _h.Scheduler.RunNow(Name("nope"), T0, new Decisions()).Error);
    }

    [Fact]
    public void Kill_KillsLaunchedRunsAndEndsQueuedOnes_NoRetryNoError()
    {
        _h.Add("""{"name": "k", "command": "sleep 600", "schedule": "R/2026-05-04T12:00:00Z/PT1M", "concurrent": true}""", T0);
        var task = Assert.Single(_h.LaunchAll(T0));
        _h.Status(task, TaskState.TaskRunning, T0.AddSeconds(1));
        _h.Tick(T0.AddMinutes(1)); // a second run, queued

        var kill = _h.Step(d => Assert.True(_h.Scheduler.Kill(Name("k"), T0.AddMinutes(1), d).Succeeded));
        Assert.Equal(task, Assert.Single(kill.Kills).TaskId);
        Assert.Equal("a1", kill.Kills[0].AgentId);
        Assert.Equal(RunState.Killed, Assert.Single(_h.History("k")).State); // the queued one
        Assert.False(kill.WantOffers);
        Assert.True(Assert.Single(_h.Active("k")).KillRequested);

        _h.Status(task, TaskState.TaskKilled, T0.AddMinutes(1).AddSeconds(2), 143);
        Assert.Empty(_h.Active("k"));
        Assert.Equal((RunState.Killed, 143), (_h.History("k")[0].State, _h.History("k")[0].ExitCode));
        Assert.Equal(0, _h.State("k").Status.ErrorCount);
    }

    [Fact]
    public void Kill_LostOnTheWay_IsSentAgainWhenTheTaskIsReportedAlive()
    {
        _h.Add("""{"name": "k", "command": "sleep 600", "schedule": "R1//PT1H"}""", T0);
        var task = Assert.Single(_h.LaunchAll(T0));
        _h.Status(task, TaskState.TaskRunning, T0.AddSeconds(1));
        Assert.Single(_h.Step(d => _h.Scheduler.Kill(Name("k"), T0.AddMinutes(1), d)).Kills);

        // Reconciliation (after a re-subscription) says the task still runs: the kill goes again.
        var again = Assert.Single(_h.Status(task, TaskState.TaskRunning, T0.AddMinutes(2)).Kills);
        Assert.Equal((task, "a1"), (again.TaskId, again.AgentId));
        Assert.Empty(_h.Status(task, TaskState.TaskKilled, T0.AddMinutes(2).AddSeconds(1)).Kills);
        Assert.Equal(RunState.Killed, Assert.Single(_h.History("k")).State);
    }

    [Fact]
    public void KilledByNobodyHere_CountsAsAFailure()
    {
        _h.Add("""{"name": "k", "command": "sleep 600", "schedule": "R1//PT1H", "retries": 0}""", T0);
        var task = Assert.Single(_h.LaunchAll(T0));
        _h.Status(task, TaskState.TaskKilled, T0.AddSeconds(3));
        Assert.Equal(RunState.Failed, Assert.Single(_h.History("k")).State);
        Assert.Equal(1, _h.State("k").Status.ErrorCount);
    }

    [Fact]
    public void UnknownTask_IsKilled_AndAnEndedOneIsLeftAlone()
    {
        var running = _h.Status("bridge-job:ghost:1:0", TaskState.TaskRunning, T0);
        var kill = Assert.Single(running.Kills);
        Assert.Equal(("bridge-job:ghost:1:0", "a1"), (kill.TaskId, kill.AgentId));
        Assert.Contains(running.Events, e => e.Type == "unknown_task_killed");

        Assert.Empty(_h.Status("bridge-job:ghost:1:0", TaskState.TaskFinished, T0).Kills);
    }

    [Fact]
    public void UnknownTask_AStatusForARunThatAlreadyEnded_IsKilled()
    {
        _h.Add("""{"name": "x", "command": "true", "schedule": "R1//PT1H"}""", T0);
        var task = Assert.Single(_h.RunAll(T0));
        Assert.Single(_h.Status(task, TaskState.TaskRunning, T0.AddSeconds(1)).Kills);
        Assert.Equal(RunState.Succeeded, _h.Scheduler.FindRun(task)!.State);
    }

    [Fact]
    public void Status_RunningThenFinished_RecordsTheRunsTimesAgentAndExitStatus()
    {
        _h.Add("""{"name": "x", "command": "true", "schedule": "R1//PT1H"}""", T0);
        var task = Assert.Single(_h.LaunchAll(T0.AddSeconds(1)));
        _h.Status(task, TaskState.TaskStaging, T0.AddSeconds(2));
        Assert.Equal(RunState.Launched, Assert.Single(_h.Active("x")).State);
        var running = _h.Status(task, TaskState.TaskRunning, T0.AddSeconds(3));
        Assert.Contains(task, running.ChangedRuns);
        _h.Status(task, TaskState.TaskFinished, T0.AddSeconds(9), 0, "Command exited with status 0");

        var run = Assert.Single(_h.History("x"));
        Assert.Equal((RunState.Succeeded, T0, T0.AddSeconds(1), T0.AddSeconds(3), T0.AddSeconds(9)),
            (run.State, run.DueAt, run.LaunchedAt, run.StartedAt, run.EndedAt));
        Assert.Equal((0, "a1", "a1.local", "Command exited with status 0"), (run.ExitCode, run.AgentId, run.Hostname, run.Message));
        Assert.Equal(run, _h.Scheduler.FindRun(task));
        Assert.Equal(T0.AddSeconds(9), _h.State("x").Status.LastSuccess);
    }

    [Fact]
    public void Reconcile_LaunchedRunsOnSubscribeAndEveryInterval()
    {
        _h.Add("""{"name": "x", "command": "sleep 9", "schedule": "R1//PT1H"}""", T0);
        var task = Assert.Single(_h.LaunchAll(T0));
        var subscribed = _h.Step(d => _h.Scheduler.Subscribed(T0, d));
        Assert.Equal([(task, "a1")], subscribed.Reconcile!);
        Assert.False(subscribed.WantOffers);
        Assert.Null(_h.Tick(T0.AddMinutes(9)).Reconcile);
        Assert.Equal([(task, "a1")], _h.Tick(T0.AddMinutes(10)).Reconcile!);
    }

    [Fact]
    public void History_IsBoundedNewestFirst()
    {
        var h = new Harness(new JobSchedulerOptions { HistoryLimit = 3 });
        h.Add("""{"name": "x", "command": "true", "cron": "* * * * *"}""", T0.AddSeconds(1));
        for (var m = 1; m <= 5; m++)
        {
            h.Tick(T0.AddMinutes(m));
            h.RunAll(T0.AddMinutes(m));
        }
        Assert.Equal([5L, 4L, 3L], h.History("x").Select(r => r.Number));
        Assert.Equal(5, h.State("x").Status.SuccessCount);
    }
}

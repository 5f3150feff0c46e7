using Bridge.Kernel.V1;
using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Runs;
using static Bridge.Schedulers.Jobs.Tests.Runs.Harness;

namespace Bridge.Schedulers.Jobs.Tests.Runs;

/// <summary>Adding, replacing, removing and restoring jobs.</summary>
public sealed class JobChangeTests
{
    private static readonly DateTimeOffset T0 = Utc(2026, 5, 4, 12);
    private readonly Harness _h = new();

    private JobChange Add(string json) => _h.Scheduler.Add(Job(json), null, T0, new Decisions());

    private JobChange Replace(string json, DateTimeOffset now) => _h.Scheduler.Replace(Job(json), now, new Decisions());

    [Fact]
    public void Add_AnUnknownParent_IsRefusedAndChangesNothing()
    {
        var change = Add("""{"name": "b", "command": "true", "parents": ["a", "x"]}""");
        Assert.Equal((JobChangeError.UnknownParent, "job b: unknown parents a, x"), (change.Error, change.Message));
        Assert.Empty(_h.Scheduler.Jobs);
        Assert.Equal(0, _h.Scheduler.Graph.Count);
    }

    [Fact]
    public void Add_ANameTaken_IsRefused()
    {
        Assert.True(Add("""{"name": "a", "command": "true", "schedule": "R/2030-01-01T00:00:00Z/P1D"}""").Succeeded);
        Assert.Equal(JobChangeError.JobExists, Add("""{"name": "a", "command": "true", "schedule": "R/2030-01-01T00:00:00Z/P1D"}""").Error);
    }

    [Fact]
    public void Add_ANameTooLongForATaskId_IsRefused()
    {
        var name = new string('n', RunTaskIds.MaxJobNameLength + 1);
        var change = Add($$"""{"name": "{{name}}", "command": "true", "schedule": "R1//PT1H"}""");
        Assert.Equal(JobChangeError.NameTooLong, change.Error);
        var longest = new string('n', RunTaskIds.MaxJobNameLength);
        Assert.True(Add($$"""{"name": "{{longest}}", "command": "true", "schedule": "R1//PT1H"}""").Succeeded);
        var taskId = RunTaskIds.For(JobName.Parse(longest), long.MaxValue, int.MaxValue);
        Assert.Null(Kernel.Protocol.IdValidation.Validate(taskId));
    }

    [Fact]
    public void Replace_ParentsThatWouldCloseACycle_AreRefused()
    {
        Add("""{"name": "a", "command": "true", "schedule": "R/2030-01-01T00:00:00Z/P1D"}""");
        Add("""{"name": "b", "command": "true", "parents": ["a"]}""");
        Add("""{"name": "c", "command": "true", "parents": ["b"]}""");
        var change = Replace("""{"name": "a", "command": "true", "parents": ["c"]}""", T0);
        Assert.Equal((JobChangeError.Cycle, "job a would close a cycle: a -> b -> c -> a"), (change.Error, change.Message));
        Assert.Equal(JobKind.Scheduled, _h.State("a").Definition.Kind);
        Assert.Equal(JobChangeError.UnknownJob, Replace("""{"name": "zz", "command": "true", "schedule": "R1//PT1H"}""", T0).Error);
    }

    [Fact]
    public void Replace_KeepsStatusAndHistory_AndDoesNotRunAHandledDueTimeAgain()
    {
        _h.Add("""{"name": "x", "command": "true", "cron": "* * * * *"}""", T0.AddSeconds(1));
        _h.Tick(T0.AddMinutes(1));
        _h.RunAll(T0.AddMinutes(1));

        var replaced = _h.Step(d => _h.Scheduler.Replace(Job("""{"name": "x", "command": "echo new", "cron": "* * * * *"}"""), T0.AddMinutes(1), d));
        Assert.Contains(JobName.Parse("x"), replaced.ChangedJobs);
        Assert.Contains(replaced.Events, e => e.Type == "job_updated");
        Assert.Empty(_h.Active("x"));
        Assert.Equal(1, _h.State("x").Status.SuccessCount);
        Assert.Single(_h.History("x"));

        _h.Tick(T0.AddMinutes(2));
        var task = Assert.Single(Assert.Single(_h.Offers(T0.AddMinutes(2), _h.OfferOn("a1")).Launches).Tasks);
        Assert.Equal("echo new", task.Command.Value);
        Assert.Equal("bridge-job:x:2:0", task.TaskId.Value);
    }

    [Fact]
    public void Remove_KillsItsTasks_AndRewiresItsChildren()
    {
        _h.Add("""{"name": "a", "command": "true", "schedule": "R/2026-05-04T12:00:00Z/PT1H"}""", T0);
        _h.Add("""{"name": "b", "command": "sleep 60", "parents": ["a"]}""", T0);
        _h.Add("""{"name": "c", "command": "true", "parents": ["b"]}""", T0);
        _h.RunAll(T0);
        var running = Assert.Single(_h.LaunchAll(T0.AddSeconds(1))); // b

        var removed = _h.Step(d => Assert.True(_h.Scheduler.Remove(JobName.Parse("b"), T0.AddSeconds(2), d).Succeeded));

        Assert.Equal(running, Assert.Single(removed.Kills).TaskId);
        Assert.Null(_h.Scheduler.Job(JobName.Parse("b")));
        Assert.Contains(JobName.Parse("b"), removed.ChangedJobs);
        Assert.Equal([JobName.Parse("a")], _h.State("c").Definition.Parents);
        Assert.Empty(_h.Status(running, TaskState.TaskKilled, T0.AddSeconds(3)).Kills); // its end is ignored

        // a → c now: the next success of a runs c.
        _h.Tick(T0.AddHours(1));
        _h.RunAll(T0.AddHours(1));
        Assert.Single(_h.Active("c"));
    }

    [Fact]
    public void Remove_TheOnlyParentOfAChild_GivesTheChildItsSchedule()
    {
        _h.Add("""{"name": "root", "command": "true", "schedule": "R/2026-05-04T13:00:00Z/PT1H"}""", T0);
        _h.Add("""{"name": "child", "command": "true", "parents": ["root"]}""", T0);
        _h.Step(d => _h.Scheduler.Remove(JobName.Parse("root"), T0, d));
        Assert.Equal(JobKind.Scheduled, _h.State("child").Definition.Kind);
        _h.Tick(T0.AddHours(1));
        Assert.Equal(T0.AddHours(1), Assert.Single(_h.Active("child")).DueAt);
    }

    [Fact]
    public void Restore_PutsBackJobsRunsAndTheGraph_AndStatusesFindTheirRuns()
    {
        _h.Add("""{"name": "a", "command": "true", "cron": "* * * * *"}""", T0.AddSeconds(1));
        _h.Add("""{"name": "b", "command": "true", "parents": ["a"]}""", T0.AddSeconds(1));
        _h.Tick(T0.AddMinutes(1));
        _h.RunAll(T0.AddMinutes(1)); // a succeeded, b queued
        _h.Tick(T0.AddMinutes(2));
        var running = Assert.Single(_h.LaunchAll(T0.AddMinutes(2)), t => t.StartsWith("bridge-job:a:", StringComparison.Ordinal));

        // What a shell would have saved, put back in reverse order.
        var saved = _h.Scheduler.Jobs.Reverse().Select(j => new JobState(j.Definition, j.Status, j.ScheduledFrom, j.HandledUntil,
            j.LastRunNumber, j.LastRunCreated, j.Runs, 100)).ToList();
        var restored = new Harness();
        restored.Scheduler.Restore(saved);

        Assert.Equal(["a", "b"], restored.Scheduler.Graph.TopologicalOrder().Select(n => n.Value));
        Assert.Equal(_h.State("a").Runs, restored.State("a").Runs);
        Assert.Equal(_h.State("b").Runs, restored.State("b").Runs);
        restored.Status(running, TaskState.TaskFinished, T0.AddMinutes(2).AddSeconds(5), 0);
        Assert.Equal(2, restored.State("a").Status.SuccessCount);
        Assert.Empty(restored.Tick(T0.AddMinutes(2).AddSeconds(6)).ChangedRuns); // the minute was handled before
        restored.Tick(T0.AddMinutes(3));
        Assert.Equal(3, restored.State("a").LastRunNumber);
    }
}

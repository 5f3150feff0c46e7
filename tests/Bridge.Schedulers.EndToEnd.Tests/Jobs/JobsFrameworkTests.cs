using Bridge.Kernel.EndToEnd.Tests;
using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Framework;
using Bridge.Schedulers.Jobs.Runs;
using Bridge.Testing;

namespace Bridge.Schedulers.EndToEnd.Tests.Jobs;

/// <summary>The jobs scheduler as a framework on a real master and agent, running real commands.</summary>
public sealed class JobsFrameworkTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>A schedule that never comes due during a test: these jobs run by hand or after their parents.</summary>
    private const string Later = "\"schedule\": \"R/2030-01-01T00:00:00Z/P1D\"";

    private static JobsFramework Start(Cluster cluster, string workDir, TimeProvider? clock = null, TimeSpan? retryDelay = null) =>
        JobsFramework.Start(new JobsOptions
        {
            Master = cluster.Master.Address,
            WorkDirectory = workDir,
            TickInterval = clock is null ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1),
            Scheduler = new JobSchedulerOptions { RetryDelay = retryDelay ?? TimeSpan.FromSeconds(60) },
            TimeProvider = clock ?? TimeProvider.System,
        });

    private static async Task AddAsync(JobsFramework jobs, string json)
    {
        var parsed = JobJson.Parse(json);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        var change = await jobs.ChangeAsync((s, now, d) => s.Add(parsed.Definition!, null, now, d));
        Assert.True(change.Succeeded, change.Message);
    }

    private static async Task RunNowAsync(JobsFramework jobs, string name) =>
        Assert.True((await jobs.ChangeAsync((s, now, d) => s.RunNow(JobName.Parse(name), now, d))).Succeeded);

    private static Task<JobState> JobAsync(JobsFramework jobs, string name) =>
        jobs.ReadAsync((s, _) => s.Job(JobName.Parse(name)) ?? throw new InvalidOperationException($"no job {name}"));

    private static Task<List<Run>> HistoryAsync(JobsFramework jobs, string name) =>
        jobs.ReadAsync((s, _) => s.Job(JobName.Parse(name))!.History.ToList());

    private static Task<List<Run>> ActiveAsync(JobsFramework jobs, string name) =>
        jobs.ReadAsync((s, _) => s.Job(JobName.Parse(name))!.Active.ToList());

    /// <summary>The job's one ended run, once it has ended.</summary>
    private static async Task<Run> EndedRunAsync(JobsFramework jobs, string name)
    {
        await Wait.UntilAsync(async () => (await HistoryAsync(jobs, name)).Count > 0, $"a run of {name} to end", Timeout);
        return Assert.Single(await HistoryAsync(jobs, name));
    }

    [Fact]
    public async Task A_Job_Run_Now_Records_A_Successful_Run_With_Its_Agent_Start_And_End()
    {
        await using var cluster = await Cluster.StartAsync();
        var agentId = await cluster.Agents[0].Agent.Registered;
        await using var jobs = Start(cluster, Path.Combine(cluster.WorkDir, "jobs"));
        await AddAsync(jobs, $$"""{"name": "hello", "command": "echo hello from $HOST", {{Later}}, "cpus": 0.1, "mem": 32}""");
        var asked = DateTimeOffset.UtcNow;
        await RunNowAsync(jobs, "hello");

        var run = await EndedRunAsync(jobs, "hello");
        Assert.Equal((RunState.Succeeded, 0, RunTrigger.Manual), (run.State, run.ExitCode, run.Trigger));
        Assert.Equal((agentId.Value, "agent-1"), (run.AgentId, run.Hostname));
        Assert.True(asked <= run.LaunchedAt && run.LaunchedAt <= run.StartedAt && run.StartedAt <= run.EndedAt,
            $"asked {asked:O}, launched {run.LaunchedAt:O}, started {run.StartedAt:O}, ended {run.EndedAt:O}");
        var job = await JobAsync(jobs, "hello");
        Assert.Equal((1L, 0L, run.EndedAt), (job.Status.SuccessCount, job.Status.ErrorCount, job.Status.LastSuccess));

        // The run names its sandbox, and the agent serves the command's output from it.
        Assert.Equal($"{jobs.FrameworkId}/{run.TaskId}", run.Sandbox);
        using var http = new HttpClient();
        var stdout = await http.GetStringAsync($"{run.AgentUrl}/files/read?path={run.Sandbox}/stdout");
        Assert.Equal("hello from agent-1\n", System.Text.Json.JsonDocument.Parse(stdout).RootElement.GetProperty("data").GetString());
    }

    [Fact]
    public async Task A_Failing_Job_Is_Retried_After_The_Retry_Delay_Then_Recorded_As_Failed()
    {
        await using var cluster = await Cluster.StartAsync();
        var retryDelay = TimeSpan.FromMilliseconds(300);
        await using var jobs = Start(cluster, Path.Combine(cluster.WorkDir, "jobs"), retryDelay: retryDelay);
        await AddAsync(jobs, $$"""{"name": "flaky", "command": "echo failing; exit 3", {{Later}}, "retries": 1, "cpus": 0.1, "mem": 32}""");
        await RunNowAsync(jobs, "flaky");

        await Wait.UntilAsync(async () => (await JobAsync(jobs, "flaky")).Status.ErrorCount == 1, "the run to fail after its retry", Timeout);
        var history = await HistoryAsync(jobs, "flaky");
        Assert.Equal([(1L, 1, RunState.Failed, 3), (1L, 0, RunState.Failed, 3)],
            history.Select(r => (r.Number, r.Attempt, r.State, r.ExitCode ?? -1)));
        var (retry, first) = (history[0], history[1]);
        Assert.Equal(first.EndedAt + retryDelay, retry.DueAt);
        Assert.True(retry.LaunchedAt >= retry.DueAt);
        Assert.Empty(await ActiveAsync(jobs, "flaky"));
        var status = (await JobAsync(jobs, "flaky")).Status;
        Assert.Equal((0L, 1L, 1L, retry.EndedAt), (status.SuccessCount, status.ErrorCount, status.ErrorsSinceLastSuccess, status.LastError));
    }

    [Fact]
    public async Task A_Three_Job_Chain_Runs_In_Order()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var jobs = Start(cluster, Path.Combine(cluster.WorkDir, "jobs"));
        await AddAsync(jobs, $$"""{"name": "a", "command": "echo a", {{Later}}, "cpus": 0.1, "mem": 32}""");
        await AddAsync(jobs, """{"name": "b", "command": "echo b", "parents": ["a"], "cpus": 0.1, "mem": 32}""");
        await AddAsync(jobs, """{"name": "c", "command": "echo c", "parents": ["b"], "cpus": 0.1, "mem": 32}""");
        await RunNowAsync(jobs, "a");

        var c = await EndedRunAsync(jobs, "c");
        var a = Assert.Single(await HistoryAsync(jobs, "a"));
        var b = Assert.Single(await HistoryAsync(jobs, "b"));
        Assert.All([a, b, c], run => Assert.Equal(RunState.Succeeded, run.State));
        Assert.Equal((RunTrigger.Parents, RunTrigger.Parents), (b.Trigger, c.Trigger));
        // Each child was made when its parent succeeded, and launched only then.
        Assert.Equal((a.EndedAt, b.EndedAt), (b.CreatedAt, c.CreatedAt));
        Assert.True(a.EndedAt <= b.LaunchedAt && b.EndedAt <= c.LaunchedAt);
    }

    [Fact]
    public async Task A_Cron_Job_Each_Minute_Fires_At_The_Minute_Of_The_Schedulers_Clock()
    {
        await using var cluster = await Cluster.StartAsync();
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 30, TimeSpan.Zero));
        await using var jobs = Start(cluster, Path.Combine(cluster.WorkDir, "jobs"), clock);
        await Wait.UntilAsync(() => jobs.HasSubscribed, "the scheduler to subscribe", Timeout);
        await AddAsync(jobs, """{"name": "minutely", "command": "echo tick", "cron": "* * * * *", "cpus": 0.1, "mem": 32}""");

        clock.Advance(TimeSpan.FromSeconds(29));
        // Reads run after the ticks queued before them: at 09:00:59 nothing was due.
        Assert.Equal(0, (await JobAsync(jobs, "minutely")).LastRunNumber);

        for (var minute = 1; minute <= 2; minute++)
        {
            clock.Advance(TimeSpan.FromSeconds(minute == 1 ? 1 : 60));
            var due = new DateTimeOffset(2026, 3, 1, 9, minute, 0, TimeSpan.Zero);
            await Wait.UntilAsync(async () => (await HistoryAsync(jobs, "minutely")).Count == minute, $"the run due at {due:t} to end", Timeout);
            var run = (await HistoryAsync(jobs, "minutely"))[0];
            Assert.Equal((minute, RunTrigger.Schedule, due, RunState.Succeeded), ((int)run.Number, run.Trigger, run.DueAt, run.State));
            Assert.Equal(due, run.CreatedAt); // queued on the tick at the minute, not before
        }
    }

    [Fact]
    public async Task A_Restarted_Scheduler_Keeps_Its_History_And_Adopts_A_Running_Long_Job()
    {
        await using var cluster = await Cluster.StartAsync();
        var workDir = Path.Combine(cluster.WorkDir, "jobs");
        Run hello;
        Run running;
        await using (var jobs = Start(cluster, workDir))
        {
            await AddAsync(jobs, $$"""{"name": "hello", "command": "echo hello", {{Later}}, "cpus": 0.1, "mem": 32}""");
            await AddAsync(jobs, $$"""{"name": "long", "command": "sleep 30", {{Later}}, "cpus": 0.1, "mem": 32}""");
            await RunNowAsync(jobs, "hello");
            hello = await EndedRunAsync(jobs, "hello");
            await RunNowAsync(jobs, "long");
            await Wait.UntilAsync(async () => (await ActiveAsync(jobs, "long")).SingleOrDefault()?.State == RunState.Running,
                "the long job to run", Timeout);
            running = Assert.Single(await ActiveAsync(jobs, "long"));
        }

        // A new scheduler on the same state: the history is kept, and the running task is its own again.
        await using (var jobs = Start(cluster, workDir))
        {
            Assert.Equal([hello], await HistoryAsync(jobs, "hello"));
            Assert.Equal([running], await ActiveAsync(jobs, "long"));
            await Wait.UntilAsync(() => jobs.HasSubscribed, "the restarted scheduler to subscribe", Timeout);

            // It controls the adopted task: a kill through it reaches the task, whose end comes back to it.
            Assert.True((await jobs.ChangeAsync((s, now, d) => s.Kill(JobName.Parse("long"), now, d))).Succeeded);
            var killed = await EndedRunAsync(jobs, "long");
            Assert.Equal((running.TaskId, RunState.Killed), (killed.TaskId, killed.State));
            Assert.True(killed.EndedAt - running.StartedAt < TimeSpan.FromSeconds(30), "the kill ended the task before its sleep did");
        }
    }
}

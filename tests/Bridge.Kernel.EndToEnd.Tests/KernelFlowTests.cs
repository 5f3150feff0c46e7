using Bridge.Kernel.V1;
using Bridge.Rpc;
using Bridge.Testing;
using Reason = Bridge.Kernel.V1.TaskStatus.Types.Reason;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>The kernel end to end: master, agents and frameworks on loopback, tasks as real processes.</summary>
public class KernelFlowTests
{
    [Fact]
    public async Task CanonicalFlow_TwoTasksOnOneOffer_RunAndTheRestIsOfferedAgain()
    {
        // MISSION.md's two-level example: agent 1 has 4 CPUs and 4 GB; framework 1 launches
        // <2 CPUs, 1 GB> and <1 CPU, 2 GB>; 1 CPU and 1 GB remain for framework 2.
        await using var cluster = await Cluster.StartAsync("cpus:4;mem:4096");
        await using var f1 = await Framework.StartAsync(cluster);
        var offer = await f1.Scheduler.NextOfferAsync();
        await f1.Driver.LaunchAsync(offer, [Framework.Command("t1", "sleep 30", 2, 1024), Framework.Command("t2", "sleep 30", 1, 2048)], refuseSeconds: 3600);
        await f1.Scheduler.WaitForAsync("t1", TaskState.TaskRunning);
        await f1.Scheduler.WaitForAsync("t2", TaskState.TaskRunning);

        await using var f2 = await Framework.StartAsync(cluster, new FrameworkInfo { Name = "f2", User = "root" });
        var rest = await f2.Scheduler.NextOfferAsync();
        Assert.Equal(1.0, rest.Resources.Single(r => r.Name == "cpus").Scalar.Value);
        Assert.Equal(1024.0, rest.Resources.Single(r => r.Name == "mem").Scalar.Value);
        Assert.Equal("agent-1", rest.Hostname);
    }

    [Fact]
    public async Task CommandTask_Echo_FinishesWithItsOutputInTheSandbox()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var framework = await Framework.StartAsync(cluster);
        var offer = await framework.Scheduler.NextOfferAsync();
        await framework.Driver.LaunchAsync(offer, [Framework.Command("hello", "echo hello; echo oops >&2")]);

        var finished = await framework.Scheduler.WaitForAsync("hello", TaskState.TaskFinished);

        Assert.Equal(0, finished.ExitCode);
        var sandbox = Path.Combine(cluster.Agents[0].Agent.WorkDir, "sandboxes", framework.Driver.FrameworkId!.Value, "hello");
        Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(sandbox, "stdout")));
        Assert.Equal("oops\n", await File.ReadAllTextAsync(Path.Combine(sandbox, "stderr")));

        // The offer names the agent's endpoint, where the sandbox's files are read over HTTP.
        using var http = new HttpClient();
        var read = await http.GetStringAsync($"{offer.Url}/files/read?path={framework.Driver.FrameworkId.Value}/hello/stdout&offset=0");
        Assert.Equal("""{"data":"hello\n","offset":0}""", read);
    }

    [Fact]
    public async Task FailingCommand_IsFailedWithItsExitCode()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var framework = await Framework.StartAsync(cluster);
        await framework.Driver.LaunchAsync(await framework.Scheduler.NextOfferAsync(), [Framework.Command("bad", "exit 7")]);

        var failed = await framework.Scheduler.WaitForAsync("bad", TaskState.TaskFailed);

        Assert.Equal(7, failed.ExitCode);
        Assert.Contains("status 7", failed.Message);
    }

    [Fact]
    public async Task MemoryLimit_TaskAllocatingPastIt_FailsWithTheMemoryReason()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var framework = await Framework.StartAsync(cluster);
        // 64 MB allowed; the task touches 300 MB.
        var hog = Framework.Command("hog", "/usr/bin/python3 -c 'b = bytearray(300 * 1024 * 1024); import time; time.sleep(30)'", mem: 64);
        await framework.Driver.LaunchAsync(await framework.Scheduler.NextOfferAsync(), [hog]);

        var failed = await framework.Scheduler.WaitForAsync("hog", TaskState.TaskFailed);

        Assert.Equal(Reason.ContainerLimitationMemory, failed.Reason);
    }

    [Fact]
    public async Task Kill_TaskIgnoringSigterm_IsKilledAfterTheGracePeriod()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var framework = await Framework.StartAsync(cluster);
        var stubborn = Framework.Command("stubborn", "trap '' TERM; echo started; while true; do sleep 0.1; done");
        await framework.Driver.LaunchAsync(await framework.Scheduler.NextOfferAsync(), [stubborn]);
        var running = await framework.Scheduler.WaitForAsync("stubborn", TaskState.TaskRunning);
        // TASK_RUNNING comes when the process starts, before the shell has run `trap`: a SIGTERM
        // sent earlier than "started" is in stdout ends it with 143 instead of being ignored.
        var stdout = Path.Combine(cluster.Agents[0].Agent.WorkDir, "sandboxes", framework.Driver.FrameworkId!.Value, "stubborn", "stdout");
        await Wait.UntilAsync(() => File.Exists(stdout) && File.ReadAllText(stdout).Contains("started"));

        await framework.Driver.KillAsync(running.TaskId, running.AgentId, TimeSpan.FromMilliseconds(500));
        var killed = await framework.Scheduler.WaitForAsync("stubborn", TaskState.TaskKilled);

        Assert.Equal(128 + 9, killed.ExitCode); // SIGTERM was ignored: SIGKILL ended it
    }

    [Fact]
    public async Task Decline_WithFilter_TheOfferDoesNotComeBackToThatFramework()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await Cluster.StartAsync(clock);
        var interval = cluster.Master.Master.Options.Allocator.AllocationInterval;
        await using var framework = await Framework.StartAsync(cluster);
        clock.Advance(interval);
        var offer = await framework.Scheduler.NextOfferAsync();

        await framework.Driver.DeclineAsync([offer.Id], refuseSeconds: 3600);
        clock.Advance(interval); // two batch allocations on the master's clock ...
        clock.Advance(interval);
        var state = (await cluster.Master.Master.SnapshotAsync()).State; // ... done before this runs on the loop

        var declined = state.GetFrameworks.Frameworks.Single(f => f.FrameworkInfo.Id.Value == framework.Driver.FrameworkId!.Value);
        Assert.Empty(declined.OfferedResources);
        await using var other = await Framework.StartAsync(cluster, new FrameworkInfo { Name = "other", User = "root" });
        clock.Advance(interval);
        Assert.Equal(offer.AgentId, (await other.Scheduler.NextOfferAsync()).AgentId);
        Assert.False(framework.Scheduler.Offers.Reader.TryRead(out _));
    }

    [Fact]
    public async Task FrameworkFailover_WithinItsTimeout_GetsItsRunningTaskBack()
    {
        await using var cluster = await Cluster.StartAsync();
        var info = new FrameworkInfo { Name = "failover", User = "root", FailoverTimeout = 60 };
        await using var first = await Framework.StartAsync(cluster, info);
        await first.Driver.LaunchAsync(await first.Scheduler.NextOfferAsync(), [Framework.Command("survivor", "sleep 60")]);
        await first.Scheduler.WaitForAsync("survivor", TaskState.TaskRunning);
        await first.DisconnectAsync();

        info.Id = first.Driver.FrameworkId;
        await using var second = await Framework.StartAsync(cluster, info);
        await second.Driver.ReconcileAsync();
        var reconciled = await second.Scheduler.WaitForAsync("survivor", TaskState.TaskRunning);

        Assert.Equal(first.Driver.FrameworkId, second.Driver.FrameworkId);
        Assert.Equal(Reason.Reconciliation, reconciled.Reason);
    }

    [Fact]
    public async Task Accept_UnknownOffer_TasksAreDroppedWithInvalidOffers()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var framework = await Framework.StartAsync(cluster);
        var offer = await framework.Scheduler.NextOfferAsync();
        offer.Id = new OfferID { Value = "no-such-offer" };

        await framework.Driver.LaunchAsync(offer, [Framework.Command("orphan", "true")]);
        var dropped = await framework.Scheduler.WaitForAsync("orphan", TaskState.TaskDropped);

        Assert.Equal(Reason.InvalidOffers, dropped.Reason);
        Assert.Contains("no-such-offer", dropped.Message);
    }

    [Theory]
    [InlineData("no-command", "exactly one of 'command' and 'executor'")]
    [InlineData("too-big", "more resources")]
    [InlineData("bad/id", "task_id")]
    public async Task Accept_InvalidTask_IsInErrorAndTheValidOneStillRuns(string kind, string expected)
    {
        await using var cluster = await Cluster.StartAsync();
        await using var framework = await Framework.StartAsync(cluster);
        var offer = await framework.Scheduler.NextOfferAsync();
        var bad = kind switch
        {
            "no-command" => Framework.Command("invalid", "true"),
            "too-big" => Framework.Command("invalid", "true", cpus: 64),
            _ => Framework.Command("bad/id", "true"),
        };
        if (kind == "no-command") bad.Command = null;

        await framework.Driver.LaunchAsync(offer, [bad, Framework.Command("valid", "true")]);

        var error = await framework.Scheduler.WaitForAsync(bad.TaskId.Value, TaskState.TaskError);
        Assert.Equal(Reason.TaskInvalid, error.Reason);
        Assert.Contains(expected, error.Message);
        await framework.Scheduler.WaitForAsync("valid", TaskState.TaskFinished);
    }

    [Fact]
    public async Task MalformedCalls_GetPreciseStatuses()
    {
        await using var cluster = await Cluster.StartAsync();
        using var channel = RpcChannel.ForAddress(cluster.Master.Address);
        var client = new Protocol.SchedulerClient(channel);

        var noName = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = client.Subscribe(new V1.Scheduler.Call { Type = V1.Scheduler.Call.Types.Type.Subscribe, Subscribe = new() { FrameworkInfo = new() } });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });
        Assert.Equal(StatusCode.InvalidArgument, noName.StatusCode);
        Assert.Contains("subscribe.framework_info.name", noName.Status.Detail);

        var unknown = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.Call(new V1.Scheduler.Call { Type = V1.Scheduler.Call.Types.Type.Revive, FrameworkId = new FrameworkID { Value = "nobody" } }));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

        await using var framework = await Framework.StartAsync(cluster);
        var wrongStream = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.Call(new V1.Scheduler.Call { Type = V1.Scheduler.Call.Types.Type.Revive, FrameworkId = framework.Driver.FrameworkId },
                new CallOptions(Headers: new Metadata { { "bridge-stream-id", "forged" } })));
        Assert.Equal(StatusCode.FailedPrecondition, wrongStream.StatusCode);

        var negative = await Assert.ThrowsAsync<RpcException>(() => framework.Driver.DeclineAsync([new OfferID { Value = "x" }], refuseSeconds: -1));
        Assert.Equal(StatusCode.InvalidArgument, negative.StatusCode);
        Assert.Contains("decline.filters.refuse_seconds", negative.Status.Detail);
    }
}

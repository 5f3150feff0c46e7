using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;
using static Bridge.Yarn.ResourceManager.Tests.RmHarness;

namespace Bridge.Yarn.ResourceManager.Tests.Applications;

public class ApplicationLifecycleTests
{
    [Fact]
    public void HappyPath_SubmittedToFinished_WithContainersAskedGrantedCompletedAndCleanedUp()
    {
        var h = new RmHarness();
        var node = h.AddNode(1);
        var app = h.Submit();
        Assert.Equal("application_1410901177871_0001", app.ToString());
        Assert.Equal(RmAppState.Accepted, h.Rm.Application(app)!.State);
        Assert.Equal(1, h.Rm.Metrics().AppsPending);

        var attempt = h.StartAm(app, node);
        Assert.Equal("appattempt_1410901177871_0001_000001", attempt.ToString());
        Assert.Equal(RmAppState.Running, h.Rm.Application(app)!.State);
        Assert.Equal("container_1410901177871_0001_01_000001", h.Rm.Application(app)!.AmContainer!.Value.Id.ToString());

        var r1 = h.Allocate(attempt, 0, [Ask(2)]);
        Assert.Equal(1, r1.ResponseId);
        Assert.Empty(r1.Allocated); // allocation happens on node updates
        Assert.Equal(2, h.Rm.Metrics().ContainersPending);
        Assert.Equal(2048, h.Rm.Metrics().Pending.MemoryMb);
        Assert.Single(h.Rm.Application(app)!.ResourceRequests);

        Assert.Equal(2, h.Heartbeat(node).Allocated.Count);
        var r2 = h.Allocate(attempt, 1);
        Assert.Equal(2, r2.Allocated.Count);
        Assert.DoesNotContain(r2.Allocated, c => c.Id.SequenceNumber == 1); // the AM's own container is not handed to it
        Assert.Equal(new Resource(3072, 3), h.Rm.Application(app)!.Allocated);

        h.Heartbeat(node, Exited(r2.Allocated[0].Id, 0));
        var r3 = h.Allocate(attempt, 2);
        Assert.Equal(r2.Allocated[0].Id, Assert.Single(r3.Completed).ContainerId);
        Assert.Empty(h.Allocate(attempt, 3).Completed); // reported once

        Assert.True(h.Rm.FinishApplicationMaster(attempt, FinalApplicationStatus.Succeeded, "done", "", h.Now).IsOk);
        var report = h.Rm.Application(app)!;
        Assert.Equal(RmAppState.Finished, report.State);
        Assert.Equal(FinalApplicationStatus.Succeeded, report.FinalStatus);
        var cleanup = h.Heartbeat(node).ContainersToCleanup;
        Assert.Equal(2, cleanup.Count); // the AM's container and the one still running
        Assert.Equal(1, h.Rm.Metrics().AppsCompleted);
        Assert.Equal(0, h.Rm.Metrics().ContainersAllocated);
    }

    [Fact]
    public void ResponseId_RepeatedGetsTheLastResponse_NextIsProcessed_OtherIsOutOfSync()
    {
        var h = new RmHarness();
        var node = h.AddNode(1);
        var attempt = h.StartAm(h.Submit(), node);
        var first = h.Allocate(attempt, 0, [Ask(1)]);
        var again = h.Allocate(attempt, 0, [Ask(5)]);
        Assert.Same(first, again);
        Assert.Equal(1, h.Rm.Metrics().ContainersPending); // the repeat's asks were not applied

        var bad = h.Rm.Allocate(new AllocateRequest(attempt, 7, 0, [], []), h.Now);
        Assert.Equal(RmStatusCode.OutOfSync, bad.Status.Code);
        Assert.Contains("expect responseId to be 1, but get 7", bad.Status.Message);

        Assert.Equal(2, h.Allocate(attempt, 1).ResponseId);
    }

    [Fact]
    public void Allocate_BeforeRegister_Unknown_InvalidAsk_AreRefusedAsValues()
    {
        var h = new RmHarness();
        var node = h.AddNode(1);
        var app = h.Submit();
        var am = h.Heartbeat(node).Allocated[0].Container;
        Assert.Equal(RmStatusCode.NotRegistered, h.Rm.Allocate(new AllocateRequest(am.AttemptId, 0, 0, [], []), h.Now).Status.Code);
        var stranger = new ApplicationAttemptId(new ApplicationId(RmHarness.ClusterTimestamp, 99), 1);
        Assert.Equal(RmStatusCode.UnknownApplication, h.Rm.Allocate(new AllocateRequest(stranger, 0, 0, [], []), h.Now).Status.Code);
        Assert.Equal(RmStatusCode.UnknownApplicationAttempt, h.Rm.Allocate(new AllocateRequest(am.AttemptId with { AttemptId = 2 }, 0, 0, [], []), h.Now).Status.Code);

        Assert.True(h.Rm.RegisterApplicationMaster(am.AttemptId, "h", 1, "", h.Now).Status.IsOk);
        Assert.Equal(RmStatusCode.AlreadyRegistered, h.Rm.RegisterApplicationMaster(am.AttemptId, "h", 1, "", h.Now).Status.Code);
        var invalid = h.Rm.Allocate(new AllocateRequest(am.AttemptId, 0, 0, [Ask(1, mb: 100_000)], []), h.Now);
        Assert.Equal(RmStatusCode.InvalidRequest, invalid.Status.Code);
        Assert.Contains("capability.memoryMb=100000", invalid.Status.Message);
    }

    [Fact]
    public void Release_OwnContainerCompletesAsAborted_AnotherAttemptsIsRefused()
    {
        var h = new RmHarness();
        var node = h.AddNode(1);
        var a = h.StartAm(h.Submit(), node);
        var b = h.StartAm(h.Submit(), node);
        h.Allocate(a, 0, [Ask(1)]);
        Assert.Equal(a, Assert.Single(h.Heartbeat(node).Allocated).Container.AttemptId);
        var mine = Assert.Single(h.Allocate(a, 1).Allocated);
        var refused = h.Rm.Allocate(new AllocateRequest(b, 0, 0, [], [mine.Id]), h.Now);
        Assert.Equal(RmStatusCode.InvalidContainerRelease, refused.Status.Code);

        var status = Assert.Single(h.Allocate(a, 2, releases: [mine.Id]).Completed);
        Assert.Equal(ContainerExitStatus.Aborted, status.ExitStatus);
        Assert.Contains(mine.Id, h.Heartbeat(node).ContainersToCleanup);
    }

    [Fact]
    public void AmContainerExitsWithoutUnregistering_RetriedThenFailedAfterMaxAttempts()
    {
        var h = new RmHarness();
        var node = h.AddNode(1);
        var app = h.Submit();
        var first = h.StartAm(app, node);
        h.Heartbeat(node, Exited(new ContainerId(first, 0, 1), 1));
        Assert.Equal(RmAppState.Accepted, h.Rm.Application(app)!.State);
        var attempts = h.Rm.Attempts(app);
        Assert.Equal(RmAppAttemptState.Failed, attempts[0].State);
        Assert.Contains("exitCode: 1", attempts[0].Diagnostics);

        var second = h.StartAm(app, node);
        Assert.Equal(2, second.AttemptId);
        h.Heartbeat(node, Exited(new ContainerId(second, 0, 1), 137));
        var report = h.Rm.Application(app)!;
        Assert.Equal(RmAppState.Failed, report.State);
        Assert.Equal(FinalApplicationStatus.Failed, report.FinalStatus);
        Assert.Contains("failed 2 times", report.Diagnostics);
        Assert.Equal(1, h.Rm.Metrics().AppsFailed);
    }

    [Fact]
    public void AmLivenessExpiry_FailsTheAttempt()
    {
        var h = new RmHarness(maxAttempts: 1);
        var node = h.AddNode(1);
        var app = h.Submit();
        var attempt = h.StartAm(app, node);
        h.Advance(TimeSpan.FromSeconds(599));
        h.Heartbeat(node);
        h.Allocate(attempt, 0);
        h.Advance(TimeSpan.FromSeconds(599));
        h.Heartbeat(node);
        Assert.Empty(h.Rm.Tick(h.Now).ExpiredAttempts);
        h.Advance(TimeSpan.FromSeconds(2));
        h.Heartbeat(node);
        Assert.Equal(attempt, Assert.Single(h.Rm.Tick(h.Now).ExpiredAttempts));
        Assert.Equal(RmAppState.Failed, h.Rm.Application(app)!.State);
        Assert.Contains("timed out", h.Rm.Attempts(app)[0].Diagnostics);
    }

    [Fact]
    public void Kill_FromAcceptedAndFromRunning_EndsKilledAndCleansUp()
    {
        var h = new RmHarness();
        var node = h.AddNode(1, new Resource(1024, 1));
        var running = h.Submit();
        var waiting = h.Submit();
        h.StartAm(running, node);
        Assert.True(h.Rm.KillApplication(waiting, h.Now).IsOk);
        Assert.Equal(RmAppState.Killed, h.Rm.Application(waiting)!.State);
        Assert.True(h.Rm.KillApplication(running, h.Now).IsOk);
        var report = h.Rm.Application(running)!;
        Assert.Equal((RmAppState.Killed, FinalApplicationStatus.Killed), (report.State, report.FinalStatus));
        Assert.Equal("Application killed by user.", report.Diagnostics);
        Assert.Single(h.Heartbeat(node).ContainersToCleanup);
        Assert.True(h.Rm.KillApplication(running, h.Now).IsOk); // already final: nothing changes
        Assert.Equal(RmStatusCode.UnknownApplication, h.Rm.KillApplication(new ApplicationId(1, 1), h.Now).Code);
        Assert.Equal(2, h.Rm.Metrics().AppsKilled);
    }

    [Fact]
    public void Submit_Invalid_RefusedNamingTheField_UnknownQueueFailsTheApp()
    {
        var h = new RmHarness();
        var unknown = h.Rm.SubmitApplication(new ApplicationSubmission { ApplicationId = new ApplicationId(RmHarness.ClusterTimestamp, 5) }, h.Now);
        Assert.Equal(RmStatusCode.InvalidRequest, unknown.Code);
        var (id, max) = h.Rm.NewApplication();
        Assert.Equal(new Resource(8192, 4), max);
        var big = h.Rm.SubmitApplication(new ApplicationSubmission { ApplicationId = id, AmResource = new Resource(10_000, 1) }, h.Now);
        Assert.Contains("resource.memoryMb=10000", big.Message);

        var app = h.Submit(queue: "nope");
        var report = h.Rm.Application(app)!;
        Assert.Equal(RmAppState.Failed, report.State);
        Assert.Contains("unknown queue: nope", report.Diagnostics);
    }
}

using Bridge.Yarn.Protocol;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;
using static Bridge.Yarn.ResourceManager.Server.Tests.SimulatedNodeManager;

namespace Bridge.Yarn.ResourceManager.Server.Tests.Grpc;

/// <summary>An application's whole life over gRPC: client, simulated NodeManager, ApplicationMaster with its token.</summary>
public class ApplicationLifecycleTests
{
    [Fact]
    public async Task SubmittedApplication_IsAcceptedWithItsAttemptAsking()
    {
        await using var rm = await RmHarness.StartAsync();

        var id = await rm.SubmitAsync(user: "carol");
        var report = await rm.ReportAsync(id);

        Assert.Equal(YarnApplicationStateProto.Accepted, report.YarnApplicationState);
        Assert.Equal(FinalApplicationStatusProto.AppUndefined, report.FinalApplicationStatus);
        Assert.Equal(("carol", "default", "test-app", "YARN"), (report.User, report.Queue, report.Name, report.ApplicationType));
        Assert.Equal(new ApplicationAttemptId(id, 1), report.CurrentApplicationAttemptId.ToRecord("a"));
        Assert.Equal(new Resource(1024, 1), report.AppResourceUsage.NeededResources.ToRecord("r"));
        Assert.Equal(RmHarness.Start.ToUnixTimeMilliseconds(), report.StartTime);
        Assert.Equal(0, report.FinishTime);
    }

    [Fact]
    public async Task AmRegistersAsksReceivesContainersAndFinishes()
    {
        await using var rm = await RmHarness.StartAsync();
        var nm = new SimulatedNodeManager(rm, "h1", new Resource(8192, 8));
        await nm.RegisterAsync();
        var id = await rm.SubmitAsync();

        // The NodeManager's heartbeat places the AM container there and hands it over with its launch context and token.
        var beat = await nm.HeartbeatAsync();
        var launch = Assert.Single(beat.ContainersToLaunch);
        var granted = nm.Verify(launch.ContainerToken);
        var amContainer = granted.ContainerId;
        Assert.Equal(new ApplicationAttemptId(id, 1), amContainer.ApplicationAttemptId);
        Assert.Equal(new Resource(1024, 1), granted.Resource);
        Assert.Equal("alice", granted.AppSubmitter);
        var env = RmHarness.Env(launch);
        Assert.Equal(amContainer.ToString(), env[YarnEnvironment.ContainerId]);
        Assert.Equal(rm.Server.Address.ToString().TrimEnd('/'), env[YarnEnvironment.SchedulerAddress]);
        Assert.Equal("2", env[YarnEnvironment.MaxAppAttempts]);
        Assert.Equal(RmHarness.Start.ToUnixTimeMilliseconds().ToString(), env[YarnEnvironment.AppSubmitTime]);
        Assert.Equal("1", env["APP_VAR"]);
        Assert.Equal(["/bin/am --flag"], launch.ContainerLaunchContext.Command);

        // The NodeManager starts it; the AM registers with the token from its environment.
        await nm.HeartbeatAsync(Running(amContainer));
        var am = rm.AmClient(launch);
        var registered = await am.RegisterApplicationMaster(new RegisterApplicationMasterRequestProto { Host = "h1", RpcPort = 7000, TrackingUrl = "http://h1:7001/" });
        Assert.Equal(new Resource(8192, 4), registered.MaximumCapability.ToRecord("m"));
        Assert.Equal("default", registered.Queue);
        Assert.Equal(YarnApplicationStateProto.Running, (await rm.ReportAsync(id)).YarnApplicationState);

        // It asks for two containers; the next node update places them; the next allocate hands them over with tokens.
        var ask = new AllocateRequestProto { ResponseId = 0, Progress = 0.1f };
        ask.Ask.Add(new ResourceRequest(new Priority(1), "*", new Resource(2048, 1), 2).ToProto());
        var first = await am.Allocate(ask);
        Assert.Equal(1, first.ResponseId);
        Assert.Empty(first.AllocatedContainers);
        await nm.HeartbeatAsync(Running(amContainer));
        var second = await am.Allocate(new AllocateRequestProto { ResponseId = 1, Progress = 0.2f });
        Assert.Equal(2, second.AllocatedContainers.Count);
        foreach (var c in second.AllocatedContainers)
        {
            Assert.Equal("h1:8042", c.NodeHttpAddress);
            Assert.Equal(nm.Id, c.NodeId.ToRecord("n"));
            Assert.Equal(c.Id.ToRecord("id"), nm.Verify(c.ContainerToken).ContainerId);
            Assert.Equal(new Resource(2048, 1), c.Resource.ToRecord("r"));
        }
        Assert.Equal(new Resource(8192 - 1024 - 4096, 8 - 3), second.Limit.ToRecord("limit"));
        Assert.Equal(1, second.NumClusterNodes);

        // They run and exit; the AM hears of each completion once.
        var workers = second.AllocatedContainers.Select(c => c.Id.ToRecord("id")).ToList();
        await nm.HeartbeatAsync(Running(amContainer), Exited(workers[0], 0), Exited(workers[1], 3, "boom"));
        var third = await am.Allocate(new AllocateRequestProto { ResponseId = 2, Progress = 0.9f });
        Assert.Equal(
            [(workers[0], 0, ""), (workers[1], 3, "boom")],
            third.CompletedContainerStatuses.Select(s => (s.ContainerId.ToRecord("c"), s.ExitStatus, s.Diagnostics)).OrderBy(s => s.Item1.SequenceNumber));
        Assert.All(third.CompletedContainerStatuses, s => Assert.Equal(ContainerStateProto.CComplete, s.State));

        var finished = await am.FinishApplicationMaster(new FinishApplicationMasterRequestProto
        {
            FinalApplicationStatus = FinalApplicationStatusProto.AppSucceeded,
            Diagnostics = "all done",
            TrackingUrl = "http://history/app",
        });
        Assert.True(finished.IsUnregistered);
        var report = await rm.ReportAsync(id);
        Assert.Equal(YarnApplicationStateProto.Finished, report.YarnApplicationState);
        Assert.Equal(FinalApplicationStatusProto.AppSucceeded, report.FinalApplicationStatus);
        Assert.Equal("all done", report.Diagnostics);
        Assert.Equal(("h1", 7000), (report.Host, report.RpcPort));
        Assert.Equal(1f, report.Progress);

        // The AM container is cleaned up at the node's next heartbeat.
        var last = await nm.HeartbeatAsync(Running(amContainer));
        Assert.Contains(amContainer, last.ContainersToCleanup.Select(c => c.ToRecord("c")));
    }

    [Fact]
    public async Task AmContainerExitingBeforeUnregistering_StartsASecondAttempt()
    {
        await using var rm = await RmHarness.StartAsync();
        var nm = new SimulatedNodeManager(rm, "h1", new Resource(4096, 4));
        await nm.RegisterAsync();
        var id = await rm.SubmitAsync();
        var first = Assert.Single((await nm.HeartbeatAsync()).ContainersToLaunch);
        var firstContainer = nm.Verify(first.ContainerToken).ContainerId;

        var beat = await nm.HeartbeatAsync(Exited(firstContainer, 1, "crashed"));

        var second = Assert.Single(beat.ContainersToLaunch);
        var secondContainer = nm.Verify(second.ContainerToken).ContainerId;
        Assert.Equal(new ApplicationAttemptId(id, 2), secondContainer.ApplicationAttemptId);
        Assert.NotEqual(RmHarness.Env(first)[YarnEnvironment.AmRmToken], RmHarness.Env(second)[YarnEnvironment.AmRmToken]);
        // The first attempt's token names an attempt that is no longer current.
        var stale = await Assert.ThrowsAsync<Rpc.RpcException>(() => rm.AmClient(first).RegisterApplicationMaster(new RegisterApplicationMasterRequestProto()).ResponseAsync);
        Assert.Equal(Rpc.StatusCode.NotFound, stale.StatusCode);
        Assert.Equal($"Application attempt {new ApplicationAttemptId(id, 1)} doesn't exist in ApplicationMasterService cache.", stale.Status.Detail);
    }

    [Fact]
    public async Task Kill_RunningApplication_IsKilledAndItsAmContainerCleanedUp()
    {
        await using var rm = await RmHarness.StartAsync();
        var nm = new SimulatedNodeManager(rm, "h1", new Resource(4096, 4));
        await nm.RegisterAsync();
        var id = await rm.SubmitAsync();
        var launch = Assert.Single((await nm.HeartbeatAsync()).ContainersToLaunch);
        var amContainer = nm.Verify(launch.ContainerToken).ContainerId;

        var killed = await rm.Client.ForceKillApplication(new KillApplicationRequestProto { ApplicationId = id.ToProto(), Diagnostics = "stop it" });

        Assert.True(killed.IsKillCompleted);
        var report = await rm.ReportAsync(id);
        Assert.Equal((YarnApplicationStateProto.Killed, FinalApplicationStatusProto.AppKilled, "stop it"),
            (report.YarnApplicationState, report.FinalApplicationStatus, report.Diagnostics));
        Assert.Contains(amContainer, (await nm.HeartbeatAsync(Running(amContainer))).ContainersToCleanup.Select(c => c.ToRecord("c")));
    }

    [Fact]
    public async Task AmContainerPlacedByACapacityUpdate_GoesToTheNodeAtItsNextHeartbeat()
    {
        await using var rm = await RmHarness.StartAsync();
        var nm = new SimulatedNodeManager(rm, "h1", Resource.None);
        await nm.RegisterAsync();
        var id = await rm.SubmitAsync();
        Assert.Empty((await nm.HeartbeatAsync()).ContainersToLaunch);

        var (status, allocated) = await rm.Rm.UpdateNodeCapacityAsync(nm.Id, new Resource(2048, 2));

        Assert.True(status.IsOk);
        var am = Assert.Single(allocated);
        Assert.True(am.IsAmContainer);
        var launch = Assert.Single((await nm.HeartbeatAsync()).ContainersToLaunch);
        Assert.Equal(am.Container.Id, nm.Verify(launch.ContainerToken).ContainerId);
        Assert.Equal(new ApplicationAttemptId(id, 1), am.Container.AttemptId);
    }

    [Fact]
    public async Task KilledBeforeItsNodeHeartbeats_AmContainerIsCleanedUpNotLaunched()
    {
        await using var rm = await RmHarness.StartAsync();
        var nm = new SimulatedNodeManager(rm, "h1", Resource.None);
        await nm.RegisterAsync();
        var id = await rm.SubmitAsync();
        var (_, allocated) = await rm.Rm.UpdateNodeCapacityAsync(nm.Id, new Resource(2048, 2));
        await rm.Client.ForceKillApplication(new KillApplicationRequestProto { ApplicationId = id.ToProto() });

        var beat = await nm.HeartbeatAsync();

        Assert.Empty(beat.ContainersToLaunch);
        Assert.Equal([Assert.Single(allocated).Container.Id], beat.ContainersToCleanup.Select(c => c.ToRecord("c")));
    }

    [Fact]
    public async Task TokenFromTheEnvironment_IsWhatTheTypedClientSends()
    {
        await using var rm = await RmHarness.StartAsync();
        var nm = new SimulatedNodeManager(rm, "h1", new Resource(4096, 4));
        await nm.RegisterAsync();
        await rm.SubmitAsync();
        var launch = Assert.Single((await nm.HeartbeatAsync()).ContainersToLaunch);

        var token = RmHarness.Env(launch)[YarnEnvironment.AmRmToken];

        Assert.Equal(Protocol.Security.TokenProblem.None, rm.Rm.VerifyAmToken(token, out var attempt, out _));
        Assert.Equal(nm.Verify(launch.ContainerToken).ContainerId.ApplicationAttemptId, attempt);
    }
}

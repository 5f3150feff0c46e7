using Bridge.Rpc;
using Bridge.Yarn.Protocol;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.Protocol.Security;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;
using static Bridge.Yarn.ResourceManager.Server.Tests.SimulatedNodeManager;

namespace Bridge.Yarn.ResourceManager.Server.Tests.Grpc;

/// <summary>Every refusal of the gRPC services, with its code and message.</summary>
public class ErrorTests
{
    private static async Task<RpcException> Fails<T>(AsyncUnaryCall<T> call) => await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

    /// <summary>A running RM with one node and one application whose AM container was handed out (not yet registered).</summary>
    /// <remarks>The node is big enough (20 GB, 20 vcores) that the default queue's AM limit (10%) lets two AMs run.</remarks>
    private static async Task<(RmHarness Rm, SimulatedNodeManager Nm, ApplicationId App, StartContainerRequestProto Launch)> LaunchedAsync()
    {
        var rm = await RmHarness.StartAsync();
        var nm = new SimulatedNodeManager(rm, "h1", new Resource(20480, 20));
        await nm.RegisterAsync();
        var app = await rm.SubmitAsync();
        var launch = Assert.Single((await nm.HeartbeatAsync()).ContainersToLaunch);
        return (rm, nm, app, launch);
    }

    [Fact]
    public async Task AmCall_WithoutToken_IsUnauthenticated()
    {
        await using var rm = await RmHarness.StartAsync();
        var am = new ApplicationMasterProtocolClient(rm.Channel, "");

        var e = await Fails(am.Allocate(new AllocateRequestProto()));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal("no AM token: send the yarn-amrm-token header with the YARN_AMRM_TOKEN the ResourceManager gave the AM container", e.Status.Detail);
    }

    [Fact]
    public async Task AmCall_WithTokenOfAnotherResourceManager_IsUnauthenticated()
    {
        var (rm, _, app, _) = await LaunchedAsync();
        await using var _rm = rm;
        var forged = AmRmTokens.Create(MasterKey.Generate(1), new ApplicationAttemptId(app, 1));

        var e = await Fails(new ApplicationMasterProtocolClient(rm.Channel, forged).RegisterApplicationMaster(new RegisterApplicationMasterRequestProto()));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal("the AM token's password is invalid (not issued by this ResourceManager)", e.Status.Detail);
    }

    [Fact]
    public async Task AmCall_WithGarbledToken_IsUnauthenticated()
    {
        await using var rm = await RmHarness.StartAsync();

        var e = await Fails(new ApplicationMasterProtocolClient(rm.Channel, "not-a-token").FinishApplicationMaster(new FinishApplicationMasterRequestProto()));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.StartsWith("the AM token is malformed", e.Status.Detail);
    }

    [Fact]
    public async Task Allocate_BeforeRegister_IsFailedPrecondition()
    {
        var (rm, _, app, launch) = await LaunchedAsync();
        await using var _rm = rm;

        var e = await Fails(rm.AmClient(launch).Allocate(new AllocateRequestProto()));

        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Equal($"Application Master is not registered for known application: {app}. Let AM resync.", e.Status.Detail);
    }

    [Fact]
    public async Task Register_Twice_IsAlreadyExists()
    {
        var (rm, _, app, launch) = await LaunchedAsync();
        await using var _rm = rm;
        var am = rm.AmClient(launch);
        await am.RegisterApplicationMaster(new RegisterApplicationMasterRequestProto());

        var e = await Fails(am.RegisterApplicationMaster(new RegisterApplicationMasterRequestProto()));

        Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
        Assert.Equal($"Application Master is already registered : {app}", e.Status.Detail);
    }

    [Fact]
    public async Task Allocate_OutOfSync_IsAborted()
    {
        var (rm, _, app, launch) = await LaunchedAsync();
        await using var _rm = rm;
        var am = rm.AmClient(launch);
        await am.RegisterApplicationMaster(new RegisterApplicationMasterRequestProto());

        var e = await Fails(am.Allocate(new AllocateRequestProto { ResponseId = 5 }));

        Assert.Equal(StatusCode.Aborted, e.StatusCode);
        Assert.Equal($"Invalid responseId in AllocateRequest from application attempt: {new ApplicationAttemptId(app, 1)}, expect responseId to be 0, but get 5", e.Status.Detail);
    }

    [Fact]
    public async Task Allocate_RepeatedResponseId_GetsTheSameAnswerAgain()
    {
        var (rm, _, _, launch) = await LaunchedAsync();
        await using var _rm = rm;
        var am = rm.AmClient(launch);
        await am.RegisterApplicationMaster(new RegisterApplicationMasterRequestProto());

        var first = await am.Allocate(new AllocateRequestProto { ResponseId = 0 });
        var again = await am.Allocate(new AllocateRequestProto { ResponseId = 0 });

        Assert.Equal(first, again);
    }

    [Theory]
    [InlineData("missing", "ask[0].capability: is missing")]
    [InlineData("huge", "Invalid resource request: capability.memoryMb=9000 is not between 0 and the maximum allocation 8192 MB (yarn.scheduler.maximum-allocation-mb)")]
    [InlineData("negative", "ask[0].num_containers: -1 is negative")]
    public async Task Allocate_BadAsk_IsInvalidArgumentNamingTheField(string what, string message)
    {
        var (rm, _, _, launch) = await LaunchedAsync();
        await using var _rm = rm;
        var am = rm.AmClient(launch);
        await am.RegisterApplicationMaster(new RegisterApplicationMasterRequestProto());
        var ask = new ResourceRequestProto { Priority = new PriorityProto { Priority = 1 }, ResourceName = "*", NumContainers = 1, Capability = new Resource(1024, 1).ToProto() };
        switch (what)
        {
            case "missing": ask.Capability = null; break;
            case "huge": ask.Capability = new Resource(9000, 1).ToProto(); break;
            default: ask.NumContainers = -1; break;
        }
        var request = new AllocateRequestProto();
        request.Ask.Add(ask);

        var e = await Fails(am.Allocate(request));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith(message, e.Status.Detail);
    }

    [Fact]
    public async Task Finish_Undefined_IsInvalidArgument()
    {
        var (rm, _, _, launch) = await LaunchedAsync();
        await using var _rm = rm;
        var am = rm.AmClient(launch);
        await am.RegisterApplicationMaster(new RegisterApplicationMasterRequestProto());

        var e = await Fails(am.FinishApplicationMaster(new FinishApplicationMasterRequestProto()));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("finalApplicationStatus=UNDEFINED: an AM must finish with SUCCEEDED, FAILED or KILLED", e.Status.Detail);
    }

    [Fact]
    public async Task Release_OfAnotherAttemptsContainer_IsInvalidArgument()
    {
        var (rm, nm, _, launch) = await LaunchedAsync();
        await using var _rm = rm;
        var am = rm.AmClient(launch);
        await am.RegisterApplicationMaster(new RegisterApplicationMasterRequestProto());
        await rm.SubmitAsync();
        var other = nm.Verify(Assert.Single((await nm.HeartbeatAsync()).ContainersToLaunch).ContainerToken).ContainerId;
        var request = new AllocateRequestProto();
        request.Release.Add(other.ToProto());

        var e = await Fails(am.Allocate(request));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith($"Cannot release container : {other} not belonging to this application attempt", e.Status.Detail);
    }

    [Theory]
    [InlineData("nospec", "application_submission_context.am_container_spec: is missing")]
    [InlineData("unmanaged", "application_submission_context.unmanaged_am: true is not supported: the embedded ResourceManager launches every ApplicationMaster in a container")]
    [InlineData("bigam", "Invalid resource request: resource.memoryMb=9000 is not between 0 and the maximum allocation 8192 MB (yarn.scheduler.maximum-allocation-mb)")]
    [InlineData("noid", "application_submission_context.application_id: is missing")]
    public async Task Submit_Invalid_IsInvalidArgumentNamingTheField(string what, string message)
    {
        await using var rm = await RmHarness.StartAsync();

        var e = await Assert.ThrowsAsync<RpcException>(() => rm.SubmitAsync(edit: c =>
        {
            switch (what)
            {
                case "nospec": c.AmContainerSpec = null; break;
                case "unmanaged": c.UnmanagedAm = true; break;
                case "bigam": c.Resource = new Resource(9000, 1).ToProto(); break;
                default: c.ApplicationId = null; break;
            }
        }));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith(message, e.Status.Detail);
    }

    [Fact]
    public async Task Submit_IdNotHandedOut_IsInvalidArgument()
    {
        await using var rm = await RmHarness.StartAsync();

        var e = await Assert.ThrowsAsync<RpcException>(() => rm.SubmitAsync(edit: c => c.ApplicationId = new ApplicationId(RmHarness.Start.ToUnixTimeMilliseconds(), 99).ToProto()));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal($"application-id application_{RmHarness.Start.ToUnixTimeMilliseconds()}_0099 was not handed out by this ResourceManager (ask new-application first)", e.Status.Detail);
    }

    [Fact]
    public async Task Submit_FieldsNotHonoured_AreListedInTheResponse()
    {
        await using var rm = await RmHarness.StartAsync();
        var fresh = await rm.Client.GetNewApplication(new GetNewApplicationRequestProto());
        var spec = new ContainerLaunchContextProto();
        spec.Command.Add("x");
        var context = new ApplicationSubmissionContextProto { ApplicationId = fresh.ApplicationId, AmContainerSpec = spec, KeepContainersAcrossApplicationAttempts = true };

        var response = await rm.Client.SubmitApplication(new SubmitApplicationRequestProto { ApplicationSubmissionContext = context });

        Assert.StartsWith("application_submission_context.keep_containers_across_application_attempts: true is not honoured", Assert.Single(response.UnsupportedFields));
    }

    [Fact]
    public async Task Report_UnknownApplication_IsNotFoundWithHadoopsMessage()
    {
        await using var rm = await RmHarness.StartAsync();
        var id = new ApplicationId(RmHarness.Start.ToUnixTimeMilliseconds(), 42);

        var e = await Fails(rm.Client.GetApplicationReport(new GetApplicationReportRequestProto { ApplicationId = id.ToProto() }));
        var kill = await Fails(rm.Client.ForceKillApplication(new KillApplicationRequestProto { ApplicationId = id.ToProto() }));

        Assert.Equal((StatusCode.NotFound, $"Application with id '{id}' doesn't exist in RM."), (e.StatusCode, e.Status.Detail));
        Assert.Equal((StatusCode.NotFound, $"Application with id '{id}' doesn't exist in RM."), (kill.StatusCode, kill.Status.Detail));
    }

    [Fact]
    public async Task Report_MalformedId_IsInvalidArgument()
    {
        await using var rm = await RmHarness.StartAsync();

        var e = await Fails(rm.Client.GetApplicationReport(new GetApplicationReportRequestProto { ApplicationId = new ApplicationIdProto { Id = 1 } }));

        Assert.Equal((StatusCode.InvalidArgument, "application_id.cluster_timestamp: is missing"), (e.StatusCode, e.Status.Detail));
    }

    [Fact]
    public async Task Heartbeat_OfUnknownNode_IsToldToResync()
    {
        await using var rm = await RmHarness.StartAsync();
        var nm = new SimulatedNodeManager(rm, "ghost", new Resource(1024, 1));

        var beat = await nm.HeartbeatAsync();

        Assert.Equal(NodeActionProto.Resync, beat.NodeAction);
        Assert.Equal("Node not found resyncing ghost:8041", beat.DiagnosticsMessage);
    }

    [Fact]
    public async Task Register_Malformed_IsInvalidArgumentNamingTheField()
    {
        await using var rm = await RmHarness.StartAsync();

        var e = await Fails(rm.Tracker.RegisterNodeManager(new RegisterNodeManagerRequestProto { NodeId = new NodeId("h", 1).ToProto(), Resource = new ResourceProto { Memory = 1 } }));

        Assert.Equal((StatusCode.InvalidArgument, "resource.virtual_cores: is missing"), (e.StatusCode, e.Status.Detail));
    }

    [Fact]
    public async Task Heartbeat_MalformedStatus_IsInvalidArgumentNamingTheField()
    {
        await using var rm = await RmHarness.StartAsync();
        var status = new NodeStatusProto { NodeId = new NodeId("h", 1).ToProto() };
        status.ContainersStatuses.Add(new ContainerStatusProto { State = ContainerStateProto.CRunning });

        var e = await Fails(rm.Tracker.NodeHeartbeat(new NodeHeartbeatRequestProto { NodeStatus = status }));

        Assert.Equal((StatusCode.InvalidArgument, "node_status.containersStatuses[0].container_id: is missing"), (e.StatusCode, e.Status.Detail));
    }
}

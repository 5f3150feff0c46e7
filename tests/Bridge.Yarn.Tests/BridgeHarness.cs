using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Yarn.Cluster;
using Bridge.Yarn.Constraints;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.ResourceManager;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;
using Bridge.Yarn.Scheduling;
using KernelResources = Bridge.Kernel.Resources;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Yarn.Tests;

/// <summary>
/// The bridge's core over a real embedded ResourceManagerCore, with a hand-driven clock and helpers that play the
/// master (offers, statuses), the NodeManagers (registration, heartbeats) and ApplicationMasters.
/// </summary>
internal sealed class BridgeHarness
{
    public const long ClusterTimestamp = 1700000000000;
    public static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(ClusterTimestamp + 60_000);
    private int _ids;
    private int _offers;

    public BridgeHarness(SchedulerOptions? scheduler = null, Func<YarnBridgeOptions, YarnBridgeOptions>? configure = null)
    {
        Rm = new ResourceManagerCore(new ResourceManagerOptions { ClusterTimestamp = ClusterTimestamp, Scheduler = scheduler ?? SchedulerOptions.Fifo() });
        Yarn = new EmbeddedYarnCluster(Rm, allocated => AmAllocations.AddRange(allocated.Where(a => a.IsAmContainer)));
        var options = Options(() => new Guid(++_ids, 0, 0, new byte[8]));
        Bridge = new YarnBridgeScheduler(configure?.Invoke(options) ?? options, Yarn);
    }

    public static YarnBridgeOptions Options(Func<Guid>? newId = null) => new()
    {
        ExecutorCommand = new CommandInfo { Value = "bridge-yarn-executor" },
        NewId = newId ?? Guid.NewGuid,
    };

    public ResourceManagerCore Rm { get; }
    public EmbeddedYarnCluster Yarn { get; }
    public YarnBridgeScheduler Bridge { get; }
    public List<Allocation> AmAllocations { get; } = [];
    public DateTimeOffset Now { get; set; } = T0;

    public void Advance(TimeSpan by) => Now += by;

    public Decisions Do(Action<Decisions> step)
    {
        var d = new Decisions();
        step(d);
        return d;
    }

    public Decisions Subscribe(string frameworkId = "fw-1") => Do(d => Bridge.Subscribed(frameworkId, Now, d));

    public Decisions Offers(params Offer[] offers) => Do(d => Bridge.OnOffers(offers, Now, d));

    public Decisions Tick() => Do(d => Bridge.Tick(Now, d));

    public Decisions Sync() => Do(d => Bridge.SyncYarn(Now, d));

    public Decisions Status(string taskId, TaskState state, string? agentId = null, string message = "") => Do(d => Bridge.OnStatus(
        new TaskStatus { TaskId = new TaskID { Value = taskId }, State = state, AgentId = new AgentID { Value = agentId ?? "" }, Message = message }, Now, d));

    public Decisions FlexUp(string profile, int instances, string? constraint = null) =>
        Do(d => Bridge.FlexUp(Bridge.Options.Profiles[profile], instances, constraint is null ? null : LikeConstraint.Parse(constraint), Now, d));

    public (FlexDownResult Result, Decisions Decisions) FlexDown(string profile, int instances, string? constraint = null)
    {
        var d = new Decisions();
        var result = Bridge.FlexDown(Bridge.Options.Profiles[profile], instances, constraint is null ? null : LikeConstraint.Parse(constraint), Now, d);
        return (result, d);
    }

    /// <summary>An offer from agent a{n} on host h{n}.</summary>
    public Offer OfferOn(int agent, string resources = "cpus:8;mem:16384;ports:[31000-31009]", string? attributes = null)
    {
        var offer = new Offer
        {
            Id = new OfferID { Value = $"offer-{++_offers}" },
            AgentId = new AgentID { Value = $"a{agent}" },
            Hostname = $"h{agent}",
            Resources = { ResourceConversion.ToWire(KernelResources.Parse(resources)) },
        };
        if (attributes is not null) offer.Attributes.AddRange(ResourceConversion.ToWire(Kernel.Attributes.Parse(attributes)));
        return offer;
    }

    /// <summary>Flexes up one NodeManager of <paramref name="profile"/>, launches it on agent <paramref name="agent"/>,
    /// reports it RUNNING and registers it with the ResourceManager under its profile's capacity.</summary>
    public NodeManagerTask StartNodeManager(string profile, int agent, string resources = "cpus:8;mem:16384;ports:[31000-31009]")
    {
        FlexUp(profile, 1);
        var launch = Assert.Single(Offers(OfferOn(agent, resources)).Launches);
        var taskId = Assert.Single(launch.Tasks).TaskId.Value;
        Status(taskId, TaskState.TaskRunning, $"a{agent}");
        var nm = Bridge.NodeManager(taskId)!;
        Assert.True(Rm.RegisterNode(new NodeRegistration(nm.NodeId!.Value, nm.Profile.Capability, $"h{agent}:8042"), Now).IsOk);
        return nm;
    }

    public ApplicationId Submit(long amMb = 1024)
    {
        var (id, _) = Rm.NewApplication();
        Assert.True(Rm.SubmitApplication(new ApplicationSubmission { ApplicationId = id, AmResource = new Resource(amMb, 1) }, Now).IsOk);
        return id;
    }

    /// <summary>The AM container runs (its NodeManager says so) and the AM registers.</summary>
    public ApplicationAttemptId StartAm(Container am)
    {
        Heartbeat(am.NodeId, Running(am.Id));
        Assert.True(Rm.RegisterApplicationMaster(am.AttemptId, "amhost", 1, "", Now).Status.IsOk);
        return am.AttemptId;
    }

    public AllocateResponse Allocate(ApplicationAttemptId attempt, int responseId, IReadOnlyList<ResourceRequest>? asks = null, IReadOnlyList<ContainerId>? releases = null)
    {
        var result = Rm.Allocate(new AllocateRequest(attempt, responseId, 0.5f, asks ?? [], releases ?? []), Now);
        Assert.True(result.Status.IsOk, result.Status.Message);
        return result.Response!;
    }

    public NodeHeartbeatResponse Heartbeat(NodeId node, params ContainerStatus[] statuses) => Rm.NodeHeartbeat(new NodeHeartbeat(node, statuses), Now);

    public static ContainerStatus Running(ContainerId id) => new(id, ContainerState.Running, ContainerExitStatus.Invalid, "");

    public static ContainerStatus Exited(ContainerId id, int exit = 0) => new(id, ContainerState.Complete, exit, $"exit {exit}");

    public static ResourceRequest Ask(int n, int mb = 1024, int vcores = 1) => new(new Priority(1), ResourceRequest.Any, new Resource(mb, vcores), n);

    public static KernelResources ResourcesOf(TaskInfo task) => ResourceConversion.ToModel(task.Resources, "task.resources");
}

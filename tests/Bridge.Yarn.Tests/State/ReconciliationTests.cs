using Bridge.Yarn.Protocol.Launching;
using Bridge.Kernel.V1;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.Scheduling;
using Bridge.Yarn.State;

namespace Bridge.Yarn.Tests.State;

/// <summary>Persisted state and reconciliation: a restarted bridge re-subscribes with its framework id, adopts what the
/// master still runs, kills what it does not know and relaunches what was lost.</summary>
public class ReconciliationTests
{
    [Fact]
    public void Subscribed_StoresTheFrameworkId_AndWithNoTaskKnown_AsksForImplicitReconciliation()
    {
        var h = new BridgeHarness();

        var d = h.Subscribe("fw-7");

        Assert.Equal("fw-7", h.Bridge.FrameworkId);
        Assert.True(d.Changed);
        Assert.Empty(d.Reconcile!);
        Assert.False(h.Subscribe("fw-7").Changed); // same id again: nothing to save
    }

    [Fact]
    public void UnknownTask_ReportedRunning_IsKilled_AndAnEndedOneIsIgnored()
    {
        var h = new BridgeHarness();
        h.Subscribe();

        var running = h.Status("nm.medium.stale", TaskState.TaskRunning, "a9");
        var ended = h.Status("yarn_container_1_0001_01_000001", TaskState.TaskFinished, "a9");

        var kill = Assert.Single(running.Kills);
        Assert.Equal(("nm.medium.stale", "a9"), (kill.TaskId, kill.AgentId));
        Assert.Contains(running.Events, e => e.Type == "unknown_task_killed");
        Assert.Empty(ended.Kills);
    }

    [Fact]
    public void Restart_RestoresEveryTask_AdoptsRunningOnes_RelaunchesLostOnes_AndReconcilesPeriodically()
    {
        var h = new BridgeHarness();
        h.Subscribe("fw-1");
        var fine = h.StartNodeManager("zero", 1);
        var sized = h.StartNodeManager("medium", 2);
        h.FlexUp("large", 1, "rack LIKE r1");
        h.Submit();
        var placeholderTask = Assert.Single(Assert.Single(h.Offers(h.OfferOn(1, "cpus:1;mem:1024")).Launches).Tasks);
        h.FlexDown("medium", 1, null);
        var saved = BridgeStateJson.Write(h.Bridge.Snapshot());

        // A new bridge process over the same ResourceManager.
        var restarted = new YarnBridgeScheduler(BridgeHarness.Options(), h.Yarn);
        restarted.Restore(BridgeStateJson.Read(saved));

        Assert.Equal("fw-1", restarted.FrameworkId);
        Assert.Equal(h.Bridge.NodeManagers.Select(Describe), restarted.NodeManagers.Select(Describe));
        Assert.Equal(h.Bridge.Placeholders.Select(p => (p.TaskId, p.ContainerId, p.State, p.Resource)),
            restarted.Placeholders.Select(p => (p.TaskId, p.ContainerId, p.State, p.Resource)));
        Assert.Equal(fine.Executor, restarted.NodeManager(fine.TaskId)!.Executor);
        Assert.Equal("rack LIKE r1", restarted.InState(NodeManagerTaskState.Pending).Single().Constraint!.ToString());

        var subscribed = new Decisions();
        restarted.Subscribed("fw-1", h.Now, subscribed);
        // Explicitly, every launched task: implicit reconciliation would never report one the master lost with its agent.
        Assert.Equal(new[] { fine.TaskId, placeholderTask.TaskId.Value, sized.TaskId }.Order(), subscribed.Reconcile!.Select(r => r.TaskId).Order());
        Assert.False(subscribed.Changed);
        Assert.Single(restarted.InState(NodeManagerTaskState.Pending)); // the large one, still waiting

        // The master answers: the fine-grained NodeManager and its placeholder still run; the medium one was lost.
        var adopt = new Decisions();
        restarted.OnStatus(Status(fine.TaskId, TaskState.TaskRunning), h.Now, adopt);
        restarted.OnStatus(Status(placeholderTask.TaskId.Value, TaskState.TaskRunning), h.Now, adopt);
        restarted.OnStatus(Status(sized.TaskId, TaskState.TaskLost), h.Now, adopt);
        Assert.Empty(adopt.Kills);
        Assert.Equal(NodeManagerTaskState.Active, restarted.NodeManager(fine.TaskId)!.State);
        Assert.Equal(PlaceholderState.Running, restarted.Placeholders.Single().State);
        Assert.Null(restarted.NodeManager(sized.TaskId)); // it was being flexed down: gone, not relaunched

        var tick = new Decisions();
        restarted.Tick(h.Now + TimeSpan.FromMinutes(10), tick);
        Assert.Equal([(fine.TaskId, "a1"), (placeholderTask.TaskId.Value, "a1")], tick.Reconcile!.Order());
    }

    [Fact]
    public void SubscribedUnderANewFrameworkId_TreatsEveryLaunchedTaskAsLost()
    {
        var h = new BridgeHarness();
        h.Subscribe("fw-old");
        var fine = h.StartNodeManager("zero", 1);
        var gone = h.StartNodeManager("small", 2);
        h.FlexDown("small", 1);
        h.Submit();
        Assert.Single(Assert.Single(h.Offers(h.OfferOn(1, "cpus:1;mem:1024")).Launches).Tasks);

        var d = h.Subscribe("fw-new");

        Assert.Equal("fw-new", h.Bridge.FrameworkId);
        Assert.Empty(h.Bridge.Placeholders);
        Assert.Null(h.Bridge.NodeManager(fine.TaskId));
        Assert.Null(h.Bridge.NodeManager(gone.TaskId));
        Assert.Equal("zero", Assert.Single(h.Bridge.InState(NodeManagerTaskState.Pending)).Profile.Name); // relaunched; the flexed-down one is not
        Assert.True(d.WantOffers);
    }

    [Fact]
    public void Restore_AfterAnInput_IsRefused()
    {
        var h = new BridgeHarness();
        h.Subscribe();

        Assert.Throws<InvalidOperationException>(() => h.Bridge.Restore(BridgeState.Empty));
    }

    [Fact]
    public void StateJson_RoundTrips_AndABadFieldIsNamed()
    {
        var record = new NodeManagerRecord("nm.zero.1", "zero", 0, 0, "hostname LIKE h.*", NodeManagerTaskState.Killable,
            BridgeHarness.T0, "h1", "a1", "rack:r1", new NodeManagerPorts(1, 2, 3, 4), [1, 2, 3], true, BridgeHarness.T0.AddHours(1), false, "10.0.0.5");
        var placeholder = new PlaceholderRecord(ContainerId.Parse("container_1700000000000_0001_01_000002"), "nm.zero.1", "a1", "h1",
            new Resource(2048, 2), PlaceholderState.Killing, BridgeHarness.T0);
        var state = new BridgeState("fw", [record, record with { TaskId = "nm.small.2", Ports = null, Executor = null, DecommissionDeadline = null, Constraint = null }], [placeholder]);

        var read = BridgeStateJson.Read(BridgeStateJson.Write(state));

        Assert.Equal("fw", read.FrameworkId);
        Assert.Equal(state.Placeholders, read.Placeholders);
        Assert.Equal(state.NodeManagers.Select(n => n with { Executor = null }), read.NodeManagers.Select(n => n with { Executor = null }));
        Assert.Equal([1, 2, 3], read.NodeManagers[0].Executor);
        Assert.Null(read.NodeManagers[1].Executor);
        Assert.Equal("10.0.0.5", read.NodeManagers[0].NodeHost);

        // A file written before nodeHost existed reads as null (the host name).
        var old = System.Text.Encoding.UTF8.GetString(BridgeStateJson.Write(state)).Replace("\"nodeHost\":\"10.0.0.5\",", "");
        Assert.Null(BridgeStateJson.Read(System.Text.Encoding.UTF8.GetBytes(old)).NodeManagers[0].NodeHost);

        var bad = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(BridgeStateJson.Write(state)).Replace("\"KILLABLE\"", "\"DOOMED\""));
        var e = Assert.Throws<FormatException>(() => BridgeStateJson.Read(bad));
        Assert.Equal("$.nodeManagers[0].state is not one of PENDING, STAGING, ACTIVE, KILLABLE", e.Message);
        Assert.Throws<FormatException>(() => BridgeStateJson.Read("{"u8));
        Assert.Equal("$.placeholders is missing", Assert.Throws<FormatException>(() => BridgeStateJson.Read("""{"frameworkId":null,"nodeManagers":[]}"""u8)).Message);
    }

    private static (string, string, NodeManagerTaskState, string?, NodeManagerPorts?, bool, DateTimeOffset?, bool, string) Describe(NodeManagerTask t) =>
        (t.TaskId, t.Profile.Name, t.State, t.Hostname, t.Ports, t.Running, t.DecommissionDeadline, t.KillSent, t.Attributes.ToString());

    private static Kernel.V1.TaskStatus Status(string taskId, TaskState state) =>
        new() { TaskId = new TaskID { Value = taskId }, State = state, AgentId = new AgentID { Value = "a1" } };
}

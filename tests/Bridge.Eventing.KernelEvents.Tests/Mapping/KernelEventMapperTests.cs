using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Generic;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Operator;
using Google.Protobuf;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;
using Type = Bridge.Kernel.V1.Operator.Event.Types.Type;

namespace Bridge.Eventing.KernelEvents.Tests.Mapping;

/// <summary>
/// Every operator event type mapped to records: topic, key and fields as documented in
/// docs/kernel-events.md, and each record encoded with DatumWriter and decoded back equal.
/// </summary>
public class KernelEventMapperTests
{
    public static TheoryData<string> EventNames => new(Samples.Keys);

    private static readonly Dictionary<string, Event> Samples = new()
    {
        ["TASK_ADDED"] = SampleEvents.TaskAdded(),
        ["TASK_UPDATED"] = SampleEvents.TaskUpdated(),
        ["AGENT_ADDED"] = SampleEvents.AgentAdded(),
        ["AGENT_REMOVED"] = SampleEvents.AgentRemoved(),
        ["FRAMEWORK_ADDED"] = SampleEvents.FrameworkAdded(),
        ["FRAMEWORK_UPDATED"] = SampleEvents.FrameworkUpdated(connected: false),
        ["FRAMEWORK_REMOVED"] = SampleEvents.FrameworkRemoved(),
        ["OFFERS_SUMMARY"] = SampleEvents.OffersSummary(),
        ["SUBSCRIBED (snapshot)"] = SampleEvents.Subscribed(),
    };

    [Theory]
    [MemberData(nameof(EventNames))]
    public void Map_EveryEventType_EncodesAndDecodesBackEqual(string name)
    {
        var records = KernelEventMapper.Map(Samples[name], includeSnapshot: true);

        Assert.NotEmpty(records);
        foreach (var record in records)
        {
            Assert.Same(KernelEventSchemas.ForTopic(record.Topic), record.Schema);
            var body = new DatumWriter(record.Schema).Encode(record.Value);
            var back = (GenericRecord)new DatumReader(record.Schema).Read(body)!;
            Assert.Equal(record.Value, back);
        }
    }

    [Theory]
    [MemberData(nameof(EventNames))]
    public void Map_SameEventTwice_GivesEqualRecords(string name) =>
        Assert.Equal(KernelEventMapper.Map(Samples[name], includeSnapshot: true), KernelEventMapper.Map(Samples[name], includeSnapshot: true));

    [Fact]
    public void Map_TaskAdded_IsStagingWithNameRoleAndResources_AndNoStatus()
    {
        var e = Assert.Single(KernelEventMapper.Map(SampleEvents.TaskAdded()));

        Assert.Equal((KernelEventTopics.Tasks, "m-0001/t1"), (e.Topic, e.Key));
        Assert.Equal("TASK_ADDED", Symbol(e, "event_type"));
        Assert.Equal("TASK_STAGING", Symbol(e, "state"));
        Assert.Equal(("m-0001", "t1", "m-S1", "exec-1"), (e.Value["framework_id"], e.Value["task_id"], e.Value["agent_id"], e.Value["executor_id"]));
        Assert.Equal(("web-t1", "web"), (e.Value["name"], e.Value["role"]));
        Assert.Equal((0.75, 128.0, 64.0, 0.0), (e.Value["cpus"], e.Value["mem_mb"], e.Value["disk_mb"], e.Value["gpus"])); // reserved cpus count too
        foreach (var field in new[] { "reason", "message", "source", "healthy", "exit_code", "timestamp", "status_uuid" })
            Assert.Null(e.Value[field]);
    }

    [Fact]
    public void Map_TaskUpdated_CarriesTheStatus_AndNoTaskDetails()
    {
        var e = Assert.Single(KernelEventMapper.Map(SampleEvents.TaskUpdated()));

        Assert.Equal((KernelEventTopics.Tasks, "m-0001/t1"), (e.Topic, e.Key));
        Assert.Equal("TASK_UPDATED", Symbol(e, "event_type"));
        Assert.Equal("TASK_FAILED", Symbol(e, "state"));
        Assert.Equal("REASON_COMMAND_EXECUTOR_FAILED", e.Value["reason"]);
        Assert.Equal("Command exited with status 3", e.Value["message"]);
        Assert.Equal("SOURCE_EXECUTOR", Symbol(e, "source"));
        Assert.Equal((false, 3), (e.Value["healthy"], e.Value["exit_code"]));
        Assert.Equal(SampleEvents.Time, e.Value["timestamp"]);
        Assert.Equal(SampleEvents.Uuid, e.Value["status_uuid"]);
        Assert.Equal(("m-S1", "exec-1"), (e.Value["agent_id"], e.Value["executor_id"]));
        foreach (var field in new[] { "name", "role", "cpus", "mem_mb", "disk_mb", "gpus" })
            Assert.Null(e.Value[field]);
    }

    [Fact]
    public void Map_TaskUpdatedByTheMaster_HasNoUuidHealthOrExitCode()
    {
        var update = SampleEvents.TaskUpdated(TaskState.TaskLost);
        var status = update.TaskUpdated.Status;
        status.Source = TaskStatus.Types.Source.Master;
        status.Reason = TaskStatus.Types.Reason.AgentRemoved;
        status.Uuid = ByteString.Empty;
        status.ClearHealthy();
        status.ClearExitCode();
        status.ExecutorId = null;

        var e = Assert.Single(KernelEventMapper.Map(update));

        Assert.Equal(("TASK_LOST", "SOURCE_MASTER", "REASON_AGENT_REMOVED"), (Symbol(e, "state"), Symbol(e, "source"), e.Value["reason"]));
        foreach (var field in new[] { "status_uuid", "healthy", "exit_code", "executor_id" })
            Assert.Null(e.Value[field]);
    }

    [Fact]
    public void Map_OddValues_BecomeUnknownSymbolsNumbersOrNull_WithoutThrowing()
    {
        var update = SampleEvents.TaskUpdated();
        update.TaskUpdated.Status.State = (TaskState)42;
        update.TaskUpdated.Status.Reason = (TaskStatus.Types.Reason)99;
        update.TaskUpdated.Status.Timestamp = double.NaN;
        update.TaskUpdated.Status.Source = (TaskStatus.Types.Source)7;
        update.TaskUpdated.Status.Uuid = ByteString.CopyFrom(1, 2, 3);

        var e = Assert.Single(KernelEventMapper.Map(update));

        Assert.Equal("TASK_UNKNOWN", Symbol(e, "state"));
        Assert.Equal("99", e.Value["reason"]);
        Assert.Null(e.Value["timestamp"]);
        Assert.Equal("SOURCE_MASTER", Symbol(e, "source"));
        Assert.Null(e.Value["status_uuid"]);
        new DatumWriter(e.Schema).Encode(e.Value);
    }

    [Fact]
    public void Map_AgentAdded_HasTotalsAttributesAndRegistrationTime()
    {
        var e = Assert.Single(KernelEventMapper.Map(SampleEvents.AgentAdded()));

        Assert.Equal((KernelEventTopics.Agents, "m-S1"), (e.Topic, e.Key));
        Assert.Equal(("AGENT_ADDED", "ACTIVE"), (Symbol(e, "event_type"), Symbol(e, "state")));
        Assert.Equal(("agent-1", "127.0.0.1:5051", "0.1.0"), (e.Value["hostname"], e.Value["address"], e.Value["version"]));
        Assert.Equal((4.0, 4096.0, 10240.0, 1.0), (e.Value["cpus"], e.Value["mem_mb"], e.Value["disk_mb"], e.Value["gpus"]));
        Assert.Equal(new Dictionary<string, object?> { ["rack"] = "r1", ["cores"] = "8", ["slots"] = "[1-4, 8-9]", ["tags"] = "{ssd,gpu}" }, e.Value["attributes"]);
        Assert.Equal(SampleEvents.Time, e.Value["registered_time"]);
    }

    [Fact]
    public void Map_AgentRemoved_HasOnlyTheIdAndUnreachable()
    {
        var e = Assert.Single(KernelEventMapper.Map(SampleEvents.AgentRemoved()));

        Assert.Equal((KernelEventTopics.Agents, "m-S1"), (e.Topic, e.Key));
        Assert.Equal(("AGENT_REMOVED", "UNREACHABLE"), (Symbol(e, "event_type"), Symbol(e, "state")));
        foreach (var field in new[] { "hostname", "address", "version", "cpus", "mem_mb", "disk_mb", "gpus", "attributes", "registered_time" })
            Assert.Null(e.Value[field]);
    }

    [Fact]
    public void Map_Frameworks_StateFollowsTheConnectionAndRemoval()
    {
        var added = Assert.Single(KernelEventMapper.Map(SampleEvents.FrameworkAdded()));
        var disconnected = Assert.Single(KernelEventMapper.Map(SampleEvents.FrameworkUpdated(connected: false)));
        var back = Assert.Single(KernelEventMapper.Map(SampleEvents.FrameworkUpdated(connected: true)));
        var removed = Assert.Single(KernelEventMapper.Map(SampleEvents.FrameworkRemoved()));

        Assert.All([added, disconnected, back, removed], e => Assert.Equal((KernelEventTopics.Frameworks, "m-0001"), (e.Topic, e.Key)));
        Assert.Equal(("FRAMEWORK_ADDED", "SUBSCRIBED"), (Symbol(added, "event_type"), Symbol(added, "state")));
        Assert.Equal(("FRAMEWORK_UPDATED", "DISCONNECTED"), (Symbol(disconnected, "event_type"), Symbol(disconnected, "state")));
        Assert.Equal(("FRAMEWORK_UPDATED", "SUBSCRIBED"), (Symbol(back, "event_type"), Symbol(back, "state")));
        Assert.Equal(("FRAMEWORK_REMOVED", "REMOVED"), (Symbol(removed, "event_type"), Symbol(removed, "state")));
        Assert.Equal(("marathon", "ops", "root", 604800.0), (added.Value["name"], added.Value["principal"], added.Value["user"], added.Value["failover_timeout_seconds"]));
        Assert.Equal(new List<object?> { "web", "batch" }, added.Value["roles"]);
        Assert.Equal(SampleEvents.Time, added.Value["registered_time"]);
        Assert.Equal(new List<object?> { "*" }, removed.Value["roles"]); // no roles: the default role
        Assert.Null(removed.Value["registered_time"]);
    }

    [Fact]
    public void Map_OffersSummary_KeepsTheCountsAndTheWindow()
    {
        var e = Assert.Single(KernelEventMapper.Map(SampleEvents.OffersSummary()));

        Assert.Equal((KernelEventTopics.Offers, "master"), (e.Topic, e.Key));
        Assert.Equal((12L, 5L, 1L, 3, 4, 6L), (e.Value["offers_made"], e.Value["offers_declined"], e.Value["offers_rescinded"],
            e.Value["frameworks_offered"], e.Value["agents_offered"], e.Value["offers_outstanding"]));
        Assert.Equal((1.5, (object)SampleEvents.Time), (e.Value["window_seconds"], e.Value["window_end"]));
    }

    [Fact]
    public void Map_Subscribed_IsNothingByDefault() => Assert.Empty(KernelEventMapper.Map(SampleEvents.Subscribed()));

    [Fact]
    public void Map_SubscribedWithSnapshot_IsAgentsThenFrameworksThenTasks_AllMarkedSnapshot()
    {
        var records = KernelEventMapper.Map(SampleEvents.Subscribed(), includeSnapshot: true);

        Assert.Equal(
            [
                (KernelEventTopics.Agents, "m-S1", "ACTIVE"), (KernelEventTopics.Agents, "m-S2", "UNREACHABLE"),
                (KernelEventTopics.Frameworks, "m-0001", "SUBSCRIBED"), (KernelEventTopics.Frameworks, "m-0000", "REMOVED"),
                (KernelEventTopics.Tasks, "m-0001/live", "TASK_RUNNING"), (KernelEventTopics.Tasks, "m-0001/away", "TASK_UNREACHABLE"),
                (KernelEventTopics.Tasks, "m-0001/done", "TASK_FINISHED"),
            ],
            records.Select(r => (r.Topic, r.Key, Symbol(r, "state"))));
        Assert.All(records, r => Assert.Equal("SNAPSHOT", Symbol(r, "event_type")));
        var done = records[^1];
        Assert.Equal(("web-done", "SOURCE_EXECUTOR", (object?)SampleEvents.Time), (done.Value["name"], Symbol(done, "source"), done.Value["timestamp"]));
        Assert.Equal(("agent-1", (object?)4.0), (records[1].Value["hostname"], records[1].Value["cpus"])); // from its AgentInfo
        Assert.Null(records[1].Value["version"]);
    }

    [Theory]
    [InlineData(Type.Heartbeat)]
    [InlineData(Type.Unknown)]
    [InlineData((Type)99)]
    public void Map_HeartbeatUnknownAndFutureTypes_AreNothing(Type type) => Assert.Empty(KernelEventMapper.Map(new Event { Type = type }, includeSnapshot: true));

    [Fact]
    public void Map_TypeWithoutItsPayload_IsNothing() =>
        Assert.Empty(KernelEventMapper.Map(new Event { Type = Type.TaskUpdated }));

    private static string Symbol(KernelEvent e, string field) => ((GenericEnum)e.Value[field]!).Symbol;
}

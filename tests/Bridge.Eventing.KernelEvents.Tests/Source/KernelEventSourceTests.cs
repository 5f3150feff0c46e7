using System.Net;
using System.Net.Sockets;
using Bridge.Eventing.Avro.Codec;
using Bridge.Kernel.Master;
using Bridge.Rpc;
using Bridge.Testing;
using static Bridge.Eventing.KernelEvents.Tests.Source.EventPump;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Eventing.KernelEvents.Tests.Source;

/// <summary>
/// <see cref="KernelEventSource"/> against a real master and agent on loopback: a launched task's
/// records in order, re-subscription after a master restart and after a silent stream on the
/// source's own (manual) clock, the backoff sequence, and the refusal retrying cannot fix.
/// </summary>
public class KernelEventSourceTests
{
    [Fact]
    public async Task LaunchedTask_YieldsStagingRunningFinished_InOrder()
    {
        await using var cluster = await TestCluster.StartAsync();
        await using var framework = await TestFramework.StartAsync(cluster.Master.Address);
        // The snapshot proves the subscription is live before anything is launched.
        await using var pump = new EventPump(new KernelEventSource(cluster.Master.Address, new KernelEventSourceOptions { EmitSnapshot = true }));
        await pump.NextAsync(e => e.Topic == KernelEventTopics.Frameworks && e.Key == framework.Id && Symbol(e, "event_type") == "SNAPSHOT");

        await framework.Driver.LaunchAsync(await framework.NextOfferAsync(), [TestFramework.Command("t1", "true")]);

        var key = $"{framework.Id}/t1";
        var records = new List<KernelEvent>();
        var seen = new HashSet<object?>(); // an agent may send an update again until it is acknowledged
        while (records.Count == 0 || Symbol(records[^1], "state") != "TASK_FINISHED")
        {
            var e = await pump.NextAsync(e => e.Topic == KernelEventTopics.Tasks && e.Key == key);
            if (e.Value["status_uuid"] is null || seen.Add(e.Value["status_uuid"])) records.Add(e);
        }

        Assert.Equal(
            [("TASK_ADDED", "TASK_STAGING"), ("TASK_UPDATED", "TASK_RUNNING"), ("TASK_UPDATED", "TASK_FINISHED")],
            records.Select(e => (Symbol(e, "event_type"), Symbol(e, "state"))));
        Assert.All(records, e => Assert.Equal(cluster.AgentId.Value, e.Value["agent_id"]));
        Assert.Equal((0.1, 32.0), (records[0].Value["cpus"], records[0].Value["mem_mb"]));
        Assert.Equal(0, records[2].Value["exit_code"]);
        Assert.True((DateTime)records[1].Value["timestamp"]! <= (DateTime)records[2].Value["timestamp"]!);
        Assert.All(records, e => Assert.NotEmpty(new DatumWriter(e.Schema).Encode(e.Value)));
    }

    [Fact]
    public async Task MasterRestart_ResubscribesAfterTheBackoffOnItsClock_AndRestatesTheState()
    {
        var clock = new ManualTimeProvider();
        var logs = new LogRecorder();
        var options = new KernelEventSourceOptions { EmitSnapshot = true, Backoff = TimeSpan.FromSeconds(5), MissedHeartbeats = 0, TimeProvider = clock };
        await using var cluster = await TestCluster.StartAsync();
        await using var pump = new EventPump(new KernelEventSource(cluster.Master.Address, options, logs));
        await pump.NextAgentAsync(cluster.AgentId.Value, "SNAPSHOT");

        await cluster.RestartMasterAsync(new MasterOptions());
        await Wait.UntilAsync(() => clock.ActiveTimers == 1, "the source to wait out its backoff"); // no watchdog: the only timer
        await cluster.WaitForAgentAsync();
        Assert.Contains(logs.Lines, l => l.Contains("broke (") && l.EndsWith("subscribing again in 00:00:05"));
        clock.Advance(TimeSpan.FromSeconds(5));

        var again = await pump.NextAgentAsync(cluster.AgentId.Value, "SNAPSHOT");
        Assert.Equal("ACTIVE", Symbol(again, "state"));
        Assert.Contains(logs.Lines, l => l.Contains("Subscribed again") && l.Contains("(reconnection 1)"));
    }

    [Fact]
    public async Task SilentMaster_StreamCountsAsBroken_AfterThreeHeartbeatIntervals()
    {
        // The master's heartbeats run on its own manual clock, which never moves: after SUBSCRIBED it
        // sends nothing. The source's clock decides when that silence is too long (3 x 15 s).
        await using var cluster = await TestCluster.StartAsync(new MasterOptions { TimeProvider = new ManualTimeProvider() });
        var clock = new ManualTimeProvider();
        var logs = new LogRecorder();
        await using var pump = new EventPump(new KernelEventSource(cluster.Master.Address,
            new KernelEventSourceOptions { EmitSnapshot = true, TimeProvider = clock }, logs));
        await pump.NextAgentAsync(cluster.AgentId.Value, "SNAPSHOT");
        await Wait.UntilAsync(() => clock.ActiveTimers == 1, "the watchdog to be armed");

        clock.Advance(TimeSpan.FromSeconds(45));
        await Wait.UntilAsync(() => logs.Lines.Any(l => l.Contains("broke (no event for 45 s)")), "the silence to break the stream");
        await Wait.UntilAsync(() => clock.ActiveTimers == 1, "the source to wait out its backoff");
        clock.Advance(TimeSpan.FromSeconds(1));

        await pump.NextAgentAsync(cluster.AgentId.Value, "SNAPSHOT");
        Assert.Contains(logs.Lines, l => l.Contains("Subscribed again"));
    }

    [Fact]
    public async Task UnreachableMaster_BackoffDoubles_UpToTheMax()
    {
        var port = FreePort();
        var clock = new ManualTimeProvider();
        var logs = new LogRecorder();
        var options = new KernelEventSourceOptions
        {
            Backoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(4), MissedHeartbeats = 0, TimeProvider = clock,
        };
        await using var pump = new EventPump(new KernelEventSource(new Uri($"http://127.0.0.1:{port}"), options, logs));

        var waits = new List<string>();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await Wait.UntilAsync(() => logs.Lines.Count == attempt && clock.ActiveTimers == 1, $"attempt {attempt} to fail");
            var line = logs.Lines[^1];
            Assert.Contains("Unavailable", line);
            waits.Add(line[(line.LastIndexOf(' ') + 1)..]);
            clock.Advance(TimeSpan.Parse(waits[^1]));
        }

        Assert.Equal(["00:00:01", "00:00:02", "00:00:04", "00:00:04", "00:00:04"], waits);
    }

    [Fact]
    public async Task EndpointWithoutTheOperatorApi_ThrowsUnimplemented_InsteadOfRetrying()
    {
        await using var cluster = await TestCluster.StartAsync();
        var source = new KernelEventSource(cluster.Agent.Address); // an agent serves gRPC, but not the operator API

        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in source.ReadAllAsync()) { }
        });

        Assert.Equal(StatusCode.Unimplemented, e.StatusCode);
    }

    [Fact]
    public async Task Cancellation_EndsTheRead_WithOperationCanceled()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var stop = new CancellationTokenSource();
        var source = new KernelEventSource(cluster.Master.Address, new KernelEventSourceOptions { EmitSnapshot = true });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in source.ReadAllAsync(stop.Token)) stop.Cancel(); // the agent's snapshot, then stop
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

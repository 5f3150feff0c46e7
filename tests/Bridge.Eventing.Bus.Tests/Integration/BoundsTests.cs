using Bridge.Eventing.Bus.Backend;
using Bridge.Eventing.Bus.Cursors;
using Bridge.Eventing.Bus.Sessions;
using Bridge.Eventing.Bus.Tests.Infrastructure;
using Bridge.Eventing.Client;
using Bridge.Eventing.Protocol;
using Bridge.Eventing.Security;
using Bridge.Eventing.V1;
using Bridge.Rpc;
using Bridge.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Google.Protobuf;

namespace Bridge.Eventing.Bus.Tests.Integration;

/// <summary>Idle timeouts (on an injected clock) and the bounds that give back-pressure: staging, read sizes, the read-ahead, the publisher's queue.</summary>
public sealed class BoundsTests
{
    [Fact]
    public async Task An_Idle_Session_Expires_And_KeepAlive_Keeps_It()
    {
        await using var bus = await BusHarness.StartAsync(o => o with { Backends = 1 });
        await bus.CreateTopicAsync("idle");
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var node = new BackendNode(new BackendOptions
        {
            NodeId = "solo",
            BootstrapServers = bus.BootstrapServers,
            Cursors = new CursorTokens(new TokenSealer(KeyFile.Create([new KeyFileEntry("c", new byte[32])], "c"), CursorTokens.Purpose)),
            IdleTimeout = TimeSpan.FromSeconds(60),
            TimeProvider = time,
        });
        var kept = await node.AllocateAsync(new AllocateSessionRequest { SessionId = "kept", Topic = "idle", Mode = SessionMode.Read }, default);
        var idle = await node.AllocateAsync(new AllocateSessionRequest { SessionId = "idle", Topic = "idle", Mode = SessionMode.Write }, default);
        Assert.Equal(60_000U, kept.IdleTimeoutMs);

        time.Advance(TimeSpan.FromSeconds(40));
        node.KeepAlive(new KeepAliveRequest { SessionId = "kept" });
        time.Advance(TimeSpan.FromSeconds(40));

        Assert.Equal(1, node.SessionCount);
        var error = Assert.Throws<RpcException>(() => node.KeepAlive(new KeepAliveRequest { SessionId = "idle" }));
        Assert.Equal(BusReason.SessionUnknown, BusReason.Of(error));
        await node.ReadAsync(new ReadRequest { SessionId = "kept" }, default);
    }

    [Fact]
    public async Task Staging_Past_The_Limit_Is_Refused_Until_An_Ack()
    {
        await using var bus = await BusHarness.StartAsync(o => o with { ConfigureBackend = b => b with { WriteLimits = new WriteLimits(MaxStagedBytes: 1024, MaxStagedRecords: 3) } });
        await bus.CreateTopicAsync("bounded");
        using var client = bus.Client();
        await using var writer = await client.OpenWriteAsync("bounded");
        var first = await writer.WriteAsync([Values.Record("a", "1"), Values.Record("a", "2")]);
        var full = await Assert.ThrowsAsync<BusException>(() => writer.WriteAsync([Values.Record("a", "3"), Values.Record("a", "4")]));
        Assert.Equal(StatusCode.ResourceExhausted, full.StatusCode);
        Assert.Equal(BusReason.StagingFull, full.Reason);
        await writer.AckAsync(first);
        var next = await writer.WriteAsync([Values.Record("a", "3"), Values.Record("a", "4")]);
        Assert.Equal(2, (await writer.AckAsync(next)).Count);
    }

    [Fact]
    public async Task A_Read_Returns_At_Most_Its_Records_And_Bytes()
    {
        await using var bus = await BusHarness.StartAsync();
        await bus.CreateTopicAsync("sizes");
        using var client = bus.Client();
        await using (var publisher = client.CreatePublisher("sizes"))
        {
            var acks = new List<Task<PublishResult>>();
            for (var i = 0; i < 200; i++) acks.Add(await publisher.SendAsync(Values.Record("k", new string('x', 100))));
            await Task.WhenAll(acks);
        }
        await using var session = await client.OpenReadAsync("sizes", start: StartPosition.Earliest);
        var total = 0;
        while (total < 200)
        {
            var batch = await session.ReadAsync(maxRecords: 50, maxBytes: 1000, wait: TimeSpan.FromSeconds(1));
            Assert.InRange(batch.Records.Count, 0, 50);
            Assert.True(batch.Records.Count <= 1 || batch.Records.Sum(r => r.Value.Length + (r.Key?.Length ?? 0)) <= 1000);
            total += batch.Records.Count;
            await session.AckAsync(batch);
        }
        Assert.Equal(200, total);
    }

    [Fact]
    public async Task The_Read_Ahead_Fills_To_Its_Bound_And_Refills_As_Reads_Drain_It()
    {
        await using var bus = await BusHarness.StartAsync();
        await bus.CreateTopicAsync("ahead");
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = bus.BootstrapServers }).Build())
        {
            for (var i = 0; i < 300; i++) producer.Produce("ahead", new Message<byte[]?, byte[]?> { Value = new byte[100] });
            producer.Flush(TimeSpan.FromSeconds(30));
        }
        using var node = new NodeKafka(bus.BootstrapServers, "ahead-test", TimeSpan.FromSeconds(10));
        // 2,000 bytes of 100-byte values: the byte bound (20 records) is reached before the record bound.
        using var ahead = new ReadAhead(node.ConsumerConfig(), "ahead", new Dictionary<int, long> { [0] = 0 }, new ReadAheadLimits(Records: 50, Bytes: 2000), NullLogger.Instance);
        await Wait.UntilAsync(() => ahead.BufferedRecords == 20, "the read-ahead to fill to its byte bound");

        var offsets = new List<long>();
        while (offsets.Count < 300)
        {
            Assert.InRange(ahead.BufferedRecords, 0, 20);
            Assert.True(await ahead.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System, CancellationToken.None), "a record within 10 s");
            Assert.True(ahead.TryPeek(out var next));
            offsets.Add(next.Offset.Value);
            ahead.Take();
        }
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), offsets);
    }

    [Fact]
    public async Task The_Publisher_Queue_Is_Bounded_When_The_Bus_Cannot_Take_Records()
    {
        await using var bus = await BusHarness.StartAsync(o => o with { Backends = 1 });
        await bus.CreateTopicAsync("stuck");
        using var client = bus.Client(new BusClientOptions { MaxRetries = 1000 });
        await using var writer = await client.OpenWriteAsync("stuck"); // the topic is known, then the bus goes away
        await bus.Bus.KillBackendAsync(0);
        var publisher = client.CreatePublisher("stuck", new() { Capacity = 5, MaxBatchRecords = 1 });
        using var cancel = new CancellationTokenSource();
        // The loop takes one record and retries it forever; five more fit in the queue; the seventh waits.
        for (var i = 0; i < 6; i++) await publisher.SendAsync(Values.Record("k", i.ToString()), cancel.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        var seventh = publisher.SendAsync(Values.Record("k", "6"), cancel.Token).AsTask();
        await Task.Delay(200); // a grace period for a wrong implementation to accept it (not a wait for the right one)
        Assert.False(seventh.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => seventh);
    }
}

using Bridge.Eventing.Bus.Tests.Infrastructure;
using Bridge.Eventing.Protocol;
using Bridge.Eventing.V1;
using Bridge.Rpc;
using Google.Protobuf;
using Record = Bridge.Eventing.V1.Record;

namespace Bridge.Eventing.Bus.Tests.Integration;

/// <summary>The session protocol on the wire, through the API tier, against an embedded broker: the
/// two-phase semantics (retried Read, Write and Ack), cursors, and the errors a client acts on.</summary>
public sealed class SessionTests : IAsyncLifetime
{
    private BusHarness _bus = null!;
    private RpcChannel _channel = null!;
    private EventBusClient _client = null!;

    public async Task InitializeAsync()
    {
        _bus = await BusHarness.StartAsync();
        _channel = RpcChannel.ForAddress(_bus.Bus.Api.Address);
        _client = new EventBusClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _bus.DisposeAsync();
    }

    [Fact]
    public async Task Write_Then_Read_From_Earliest_Returns_The_Records_In_Order()
    {
        await _bus.CreateTopicAsync("orders", partitions: 1);
        var writer = await AllocateAsync("orders", SessionMode.Write);
        Assert.Equal(1UL, writer.NextSequence);
        await WriteAsync(writer.SessionId, 1, "a", "b", "c");
        var ack = await _client.AckAsync(new AckRequest { SessionId = writer.SessionId, Sequence = 1 });
        Assert.Equal([0L, 1L, 2L], ack.Offsets.Select(o => o.Offset));

        var reader = await AllocateAsync("orders", SessionMode.Read, start: StartPosition.Earliest);
        var (records, _) = await ReadAllAsync(reader.SessionId, 3);
        Assert.Equal(["a", "b", "c"], records.Select(r => Values.Text(r.Value.ToByteArray())));
        Assert.All(records, r => Assert.Equal(1, r.SchemaId));
    }

    [Fact]
    public async Task Read_Retried_Before_Ack_Returns_The_Same_Records_And_Only_Ack_Moves_On()
    {
        await _bus.CreateTopicAsync("retries");
        var writer = await AllocateAsync("retries", SessionMode.Write);
        await WriteAsync(writer.SessionId, 1, "1", "2", "3", "4");
        await _client.AckAsync(new AckRequest { SessionId = writer.SessionId, Sequence = 1 });

        var reader = await AllocateAsync("retries", SessionMode.Read, start: StartPosition.Earliest);
        var first = await ReadBatchAsync(reader.SessionId, max: 2);
        var again = await _client.ReadAsync(new ReadRequest { SessionId = reader.SessionId, MaxRecords = 2, WaitMs = 100 });
        Assert.Equal(first.Records, again.Records);
        Assert.Equal(first.PendingCursor, again.PendingCursor);

        await _client.AckAsync(new AckRequest { SessionId = reader.SessionId, Cursor = first.PendingCursor });
        var acked = await _client.AckAsync(new AckRequest { SessionId = reader.SessionId, Cursor = first.PendingCursor }); // retried: a no-op
        Assert.Equal(first.PendingCursor, acked.Cursor);
        var (rest, _) = await ReadAllAsync(reader.SessionId, 4 - first.Records.Count);
        Assert.Equal(["1", "2", "3", "4"], first.Records.Concat(rest).Select(r => Values.Text(r.Value.ToByteArray())));
    }

    [Fact]
    public async Task Ack_Of_A_Cursor_Neither_Pending_Nor_Committed_Is_Refused()
    {
        await _bus.CreateTopicAsync("strange-acks");
        var writer = await AllocateAsync("strange-acks", SessionMode.Write);
        await WriteAsync(writer.SessionId, 1, "x", "y");
        await _client.AckAsync(new AckRequest { SessionId = writer.SessionId, Sequence = 1 });
        var reader = await AllocateAsync("strange-acks", SessionMode.Read, start: StartPosition.Earliest);
        var batch = await ReadBatchAsync(reader.SessionId, max: 1); // pending cursor: offset 1
        var other = await AllocateAsync("strange-acks", SessionMode.Read, start: StartPosition.Latest);

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.AckAsync(new AckRequest { SessionId = other.SessionId, Cursor = batch.PendingCursor }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(BusReason.CursorNotPending, BusReason.Of(error));
    }

    [Fact]
    public async Task Write_Retried_With_The_Same_Sequence_Is_Staged_Once_And_A_Retried_Ack_Answers_The_Same()
    {
        await _bus.CreateTopicAsync("dedupe", partitions: 3);
        var writer = await AllocateAsync("dedupe", SessionMode.Write);
        await WriteAsync(writer.SessionId, 1, "p", "q");
        var again = await WriteAsync(writer.SessionId, 1, "p", "q");
        Assert.Equal(2U, again.StagedRecords);
        var ack = await _client.AckAsync(new AckRequest { SessionId = writer.SessionId, Sequence = 1 });
        var retried = await _client.AckAsync(new AckRequest { SessionId = writer.SessionId, Sequence = 1 });
        Assert.Equal(ack, retried);
        await WriteAsync(writer.SessionId, 1, "p", "q"); // after its Ack: still a no-op
        Assert.Equal(2L, _bus.Count("dedupe", 3));

        var gap = await Assert.ThrowsAsync<RpcException>(() => WriteAsync(writer.SessionId, 5, "z"));
        Assert.Equal(BusReason.SequenceGap, BusReason.Of(gap));
    }

    [Fact]
    public async Task A_Tampered_Or_Foreign_Cursor_Is_Refused_And_A_Genuine_One_Resumes_Anywhere()
    {
        await _bus.CreateTopicAsync("cursors");
        await _bus.CreateTopicAsync("elsewhere");
        var writer = await AllocateAsync("cursors", SessionMode.Write);
        await WriteAsync(writer.SessionId, 1, "one", "two", "three");
        await _client.AckAsync(new AckRequest { SessionId = writer.SessionId, Sequence = 1 });
        var reader = await AllocateAsync("cursors", SessionMode.Read, start: StartPosition.Earliest);
        var batch = await ReadBatchAsync(reader.SessionId, max: 1);
        var committed = (await _client.AckAsync(new AckRequest { SessionId = reader.SessionId, Cursor = batch.PendingCursor })).Cursor;

        var bytes = committed.ToByteArray();
        for (var i = 0; i < bytes.Length; i += Math.Max(1, bytes.Length / 8))
        {
            var tampered = (byte[])bytes.Clone();
            tampered[i] ^= 0x01;
            var error = await Assert.ThrowsAsync<RpcException>(() => AllocateAsync("cursors", SessionMode.Read, ByteString.CopyFrom(tampered)));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Equal(BusReason.CursorInvalid, BusReason.Of(error));
        }
        var foreign = await Assert.ThrowsAsync<RpcException>(() => AllocateAsync("elsewhere", SessionMode.Read, committed));
        Assert.Equal(BusReason.CursorInvalid, BusReason.Of(foreign));
        var asWriter = await Assert.ThrowsAsync<RpcException>(() => AllocateAsync("cursors", SessionMode.Write, committed));
        Assert.Equal(BusReason.CursorInvalid, BusReason.Of(asWriter));

        var resumed = await AllocateAsync("cursors", SessionMode.Read, committed);
        var (rest, _) = await ReadAllAsync(resumed.SessionId, 2);
        Assert.Equal(["two", "three"], rest.Select(r => Values.Text(r.Value.ToByteArray())));
    }

    [Fact]
    public async Task Calls_On_A_Session_The_Bus_Did_Not_Allocate_Answer_Session_Unknown()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ReadAsync(new ReadRequest { SessionId = "made-up" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(BusReason.SessionUnknown, BusReason.Of(error));
    }

    [Fact]
    public async Task Malformed_Requests_Are_Refused_Naming_The_Field()
    {
        await _bus.CreateTopicAsync("strict");
        var bad = await Assert.ThrowsAsync<RpcException>(() => AllocateAsync("no spaces allowed", SessionMode.Read));
        Assert.Contains("topic", bad.Status.Detail);
        var writer = await AllocateAsync("strict", SessionMode.Write);
        var unframed = new WriteRequest { SessionId = writer.SessionId, Sequence = 1 };
        unframed.Records.Add(new Record { Value = ByteString.CopyFromUtf8("not avro") });
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.WriteAsync(unframed).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("records[0].value", error.Status.Detail);
        var reserved = new WriteRequest { SessionId = writer.SessionId, Sequence = 1 };
        reserved.Records.Add(new Record { Value = ByteString.CopyFrom(Values.Framed("x")), Headers = { new Header { Key = "bridge-write-id" } } });
        error = await Assert.ThrowsAsync<RpcException>(() => _client.WriteAsync(reserved).ResponseAsync);
        Assert.Contains("reserved", error.Status.Detail);
        var wrongMode = await Assert.ThrowsAsync<RpcException>(() => _client.ReadAsync(new ReadRequest { SessionId = writer.SessionId }).ResponseAsync);
        Assert.Equal(BusReason.WrongMode, BusReason.Of(wrongMode));
    }

    private async Task<AllocateSessionResponse> AllocateAsync(string topic, SessionMode mode, ByteString? cursor = null, StartPosition start = StartPosition.Latest) =>
        await _client.AllocateSessionAsync(new AllocateSessionRequest { Topic = topic, Mode = mode, Cursor = cursor ?? ByteString.Empty, Start = start });

    private async Task<WriteResponse> WriteAsync(string sessionId, ulong sequence, params string[] texts)
    {
        var request = new WriteRequest { SessionId = sessionId, Sequence = sequence };
        request.Records.AddRange(texts.Select(t => new Record { Key = ByteString.CopyFromUtf8("k-" + t), Value = ByteString.CopyFrom(Values.Framed(t)) }));
        return await _client.WriteAsync(request);
    }

    /// <summary>Reads (waiting) until a batch with records comes back; it stays pending.</summary>
    private async Task<ReadResponse> ReadBatchAsync(string sessionId, int max = 0)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await _client.ReadAsync(new ReadRequest { SessionId = sessionId, MaxRecords = (uint)max, WaitMs = 1000 });
            if (response.Records.Count > 0) return response;
            Assert.True(DateTime.UtcNow < deadline, "no records within 30 s");
        }
    }

    /// <summary>Reads and acknowledges batches until <paramref name="count"/> records came back.</summary>
    private async Task<(List<Record> Records, ByteString Cursor)> ReadAllAsync(string sessionId, int count)
    {
        var records = new List<Record>();
        var cursor = ByteString.Empty;
        while (records.Count < count)
        {
            var batch = await ReadBatchAsync(sessionId, count - records.Count);
            records.AddRange(batch.Records);
            cursor = (await _client.AckAsync(new AckRequest { SessionId = sessionId, Cursor = batch.PendingCursor })).Cursor;
        }
        return (records, cursor);
    }
}

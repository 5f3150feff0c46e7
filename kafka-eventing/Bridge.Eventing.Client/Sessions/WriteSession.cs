using Bridge.Eventing.V1;
using Bridge.Rpc;
using Google.Protobuf;

namespace Bridge.Eventing.Client.Sessions;

/// <summary>
/// The client side of a write session, mirroring the back end's state machine: <see cref="WriteAsync"/>
/// stages a batch under the next sequence number, <see cref="AckAsync"/> publishes the staged batches
/// up to a sequence and returns where each record landed. The session keeps every batch until it is
/// acknowledged, and its cursor (writer id, last acknowledged sequence); when the back-end node
/// serving it fails or shuts down, it allocates a new session from the cursor, stages its batches
/// again under the same sequences and carries on, and the back end publishes none of them twice
/// (it finds, by write id, what the failed node had already published). Not thread-safe: one writer
/// at a time.
/// </summary>
public sealed class WriteSession : SessionBase
{
    private readonly SortedDictionary<ulong, List<Record>> _staged = [];
    private ulong _next;

    internal WriteSession(SessionCalls calls, string topic, byte[]? cursor)
        : base(calls, topic, cursor)
    {
    }

    /// <summary>Allocates the session on the bus (done by the first Write otherwise).</summary>
    /// <exception cref="BusException">The bus refused or retries ran out.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public Task OpenAsync(CancellationToken cancellationToken = default) => RunAsync("AllocateSession", async ct =>
    {
        await AllocateAsync(ct);
        return true;
    }, cancellationToken);

    /// <summary>Stages <paramref name="records"/> as the next batch; nothing reaches Kafka before its Ack.</summary>
    /// <returns>The batch's sequence number, for <see cref="AckAsync"/>.</returns>
    /// <exception cref="BusException">The bus refused (a malformed record, an unregistered schema, staging full: Ack first) or retries ran out.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task<ulong> WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(records.Count);
        if (SessionId is null && _next == 0) await OpenAsync(cancellationToken);
        var sequence = _next;
        var batch = records.Select(ToRecord).ToList();
        await RunAsync("Write", async ct =>
        {
            if (SessionId is null) await AllocateAsync(ct);
            await StageAsync(sequence, batch, ct);
            return true;
        }, cancellationToken);
        _staged[sequence] = batch;
        _next = sequence + 1;
        return sequence;
    }

    /// <summary>Publishes every staged batch up to <paramref name="sequence"/> and waits until Kafka confirms them.</summary>
    /// <returns>Where each record of those batches landed, in the order written (or spilled, see <see cref="PublishResult"/>).</returns>
    /// <exception cref="BusException">The bus refused or retries ran out; the batches stay staged, and a later Ack retries them.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public Task<IReadOnlyList<PublishResult>> AckAsync(ulong sequence, CancellationToken cancellationToken = default) => RunAsync("Ack", async ct =>
    {
        if (SessionId is null) await AllocateAsync(ct);
        var request = new AckRequest { SessionId = SessionId!, Sequence = sequence };
        var response = await CallAsync(ct, "Ack", request, TimeSpan.Zero, (c, o) => c.AckAsync(request, o).ResponseAsync);
        CursorToken = response.Cursor;
        var count = _staged.Where(kv => kv.Key <= sequence).Sum(kv => kv.Value.Count);
        foreach (var acked in _staged.Keys.Where(s => s <= sequence).ToList()) _staged.Remove(acked);
        return response.Spilled
            ? Enumerable.Repeat(new PublishResult(-1, -1, Spilled: true), count).ToList()
            : (IReadOnlyList<PublishResult>)response.Offsets.Select(o => new PublishResult(o.Partition, o.Offset, false)).ToList();
    }, cancellationToken);


    /// <summary>Allocates from the cursor and stages again every batch not yet acknowledged, under its sequence.</summary>
    private async Task AllocateAsync(CancellationToken cancellationToken)
    {
        var request = new AllocateSessionRequest { Topic = Topic, Mode = SessionMode.Write, Cursor = CursorToken };
        var response = await CallAsync(cancellationToken, "AllocateSession", request, TimeSpan.Zero, (c, o) => c.AllocateSessionAsync(request, o).ResponseAsync);
        SessionId = response.SessionId;
        CursorToken = response.Cursor;
        Partitions = response.Partitions.ToList();
        Allocations++;
        var expected = _staged.Count > 0 ? _staged.Keys.First() : (_next == 0 ? response.NextSequence : _next);
        if (response.NextSequence != expected)
            throw new InvalidOperationException($"the bus resumed the writer at sequence {response.NextSequence}, the session expected {expected}");
        if (_next == 0) _next = response.NextSequence;
        foreach (var (sequence, batch) in _staged) await StageAsync(sequence, batch, cancellationToken);
    }

    private async Task StageAsync(ulong sequence, List<Record> batch, CancellationToken cancellationToken)
    {
        var request = new WriteRequest { SessionId = SessionId!, Sequence = sequence };
        request.Records.AddRange(batch);
        await CallAsync(cancellationToken, "Write", request, TimeSpan.Zero, (c, o) => c.WriteAsync(request, o).ResponseAsync);
    }



    private static Record ToRecord(OutgoingRecord r)
    {
        var record = new Record { Value = ByteString.CopyFrom(r.Value) };
        if (r.Key is { } key) record.Key = ByteString.CopyFrom(key);
        if (r.Partition is { } partition) record.Partition = partition;
        if (r.Timestamp is { } timestamp) record.TimestampMs = timestamp.ToUnixTimeMilliseconds();
        foreach (var (name, value) in r.Headers) record.Headers.Add(new Header { Key = name, Value = ByteString.CopyFrom(value) });
        return record;
    }

}

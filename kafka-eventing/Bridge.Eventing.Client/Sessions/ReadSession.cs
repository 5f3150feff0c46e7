using Bridge.Eventing.V1;
using Bridge.Rpc;
using Google.Protobuf;

namespace Bridge.Eventing.Client.Sessions;

/// <summary>A batch of records from <see cref="ReadSession.ReadAsync"/>, to acknowledge with <see cref="ReadSession.AckAsync"/>.</summary>
/// <param name="Records">The records, in offset order per partition (possibly none).</param>
/// <param name="PendingCursor">The cursor just past these records; acknowledging the batch commits it.</param>
/// <param name="SessionId">The session that returned the batch.</param>
public sealed record ReadBatch(IReadOnlyList<BusRecord> Records, byte[] PendingCursor, string SessionId);

/// <summary>
/// The client side of a read session, mirroring the back end's state machine: <see cref="ReadAsync"/>
/// returns a batch and its pending cursor, <see cref="AckAsync"/> commits it, and only then does the
/// session move on (a Read repeated before the Ack returns the same records). The session keeps its
/// last acknowledged cursor (<see cref="SessionBase.Cursor"/>); when the back-end node serving it fails or
/// shuts down, the session allocates a new one from that cursor and carries on, so records after
/// it are read again, never lost. Not thread-safe: one reader at a time.
/// </summary>
public sealed class ReadSession : SessionBase
{
    private readonly IReadOnlyList<int> _partitions;
    private readonly StartPosition _start;

    internal ReadSession(SessionCalls calls, string topic, IReadOnlyList<int> partitions, StartPosition start, byte[]? cursor)
        : base(calls, topic, cursor)
    {
        _partitions = partitions;
        _start = start;
    }

    /// <summary>Allocates the session on the bus (done by the first Read otherwise).</summary>
    /// <exception cref="BusException">The bus refused (unknown topic, a refused token, a forged cursor) or retries ran out.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public Task OpenAsync(CancellationToken cancellationToken = default) => RunAsync("AllocateSession", async ct =>
    {
        await AllocateAsync(CursorToken, ct);
        return true;
    }, cancellationToken);

    /// <summary>
    /// The next records after the acknowledged cursor, waiting up to <paramref name="wait"/> for a first one.
    /// Until it is acknowledged, reading again returns the same batch.
    /// </summary>
    /// <param name="maxRecords">Most records (0: the bus's default, 500).</param>
    /// <param name="maxBytes">Most key+value bytes, one record at least (0: 1 MiB).</param>
    /// <param name="wait">How long to wait for a first record (at most 30 s).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="BusException">The bus refused, or retries ran out.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public Task<ReadBatch> ReadAsync(int maxRecords = 0, int maxBytes = 0, TimeSpan wait = default, CancellationToken cancellationToken = default) =>
        RunAsync("Read", async ct =>
        {
            if (SessionId is null) await AllocateAsync(CursorToken, ct);
            var request = new ReadRequest
            {
                SessionId = SessionId!,
                MaxRecords = (uint)Math.Max(0, maxRecords),
                MaxBytes = (uint)Math.Max(0, maxBytes),
                WaitMs = (uint)Math.Clamp(wait.TotalMilliseconds, 0, 30_000),
            };
            var response = await CallAsync(ct, "Read", request, wait, (c, o) => c.ReadAsync(request, o).ResponseAsync);
            return new ReadBatch(response.Records.Select(ToBusRecord).ToList(), response.PendingCursor.ToByteArray(), request.SessionId);
        }, cancellationToken);

    /// <summary>Acknowledges <paramref name="batch"/>: the session moves past it. Acknowledging it again does nothing.</summary>
    /// <exception cref="BusException">The bus refused (the batch is not this session's latest), or retries ran out.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public Task AckAsync(ReadBatch batch, CancellationToken cancellationToken = default) => RunAsync("Ack", async ct =>
    {
        var pending = ByteString.CopyFrom(batch.PendingCursor);
        if (SessionId != batch.SessionId)
        {
            // The batch came from a session that has since moved: starting a new one at the batch's
            // pending cursor is the same as acknowledging it.
            await AllocateAsync(pending, ct);
            return true;
        }
        var request = new AckRequest { SessionId = SessionId!, Cursor = pending };
        var response = await CallAsync(ct, "Ack", request, TimeSpan.Zero, (c, o) => c.AckAsync(request, o).ResponseAsync);
        CursorToken = response.Cursor;
        return true;
    }, cancellationToken);


    private async Task AllocateAsync(ByteString cursor, CancellationToken cancellationToken)
    {
        var request = new AllocateSessionRequest { Topic = Topic, Mode = SessionMode.Read, Cursor = cursor, Start = _start };
        if (cursor.IsEmpty) request.Partitions.AddRange(_partitions);
        var response = await CallAsync(cancellationToken, "AllocateSession", request, TimeSpan.Zero, (c, o) => c.AllocateSessionAsync(request, o).ResponseAsync);
        SessionId = response.SessionId;
        CursorToken = response.Cursor;
        Partitions = response.Partitions.ToList();
        Allocations++;
    }



    private BusRecord ToBusRecord(Record r) => new(Topic, r.Partition, r.Offset, r.Key.IsEmpty ? null : r.Key.ToByteArray(), r.Value.ToByteArray(),
        r.SchemaId, DateTimeOffset.FromUnixTimeMilliseconds(r.TimestampMs), r.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToByteArray())).ToList());
}

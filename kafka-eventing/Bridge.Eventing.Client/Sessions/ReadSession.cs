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
/// last acknowledged cursor (<see cref="Cursor"/>); when the back-end node serving it fails or
/// shuts down, the session allocates a new one from that cursor and carries on, so records after
/// it are read again, never lost. Not thread-safe: one reader at a time.
/// </summary>
public sealed class ReadSession : IAsyncDisposable
{
    private readonly SessionCalls _calls;
    private readonly string _topic;
    private readonly IReadOnlyList<int> _partitions;
    private readonly StartPosition _start;
    private ByteString _cursor;
    private string? _sessionId;

    internal ReadSession(SessionCalls calls, string topic, IReadOnlyList<int> partitions, StartPosition start, byte[]? cursor)
    {
        _calls = calls;
        _topic = topic;
        _partitions = partitions;
        _start = start;
        _cursor = cursor is null ? ByteString.Empty : ByteString.CopyFrom(cursor);
    }

    /// <summary>The topic.</summary>
    public string Topic => _topic;

    /// <summary>The last acknowledged cursor (opaque): keep it to resume later with <see cref="BusClient.OpenReadAsync"/>.</summary>
    public byte[] Cursor => _cursor.ToByteArray();

    /// <summary>The partitions the session reads (known once allocated).</summary>
    public IReadOnlyList<int> Partitions { get; private set; } = [];

    /// <summary>Times the session was allocated (1 + failovers).</summary>
    public int Allocations { get; private set; }

    /// <summary>Allocates the session on the bus (done by the first Read otherwise).</summary>
    /// <exception cref="BusException">The bus refused (unknown topic, a refused token, a forged cursor) or retries ran out.</exception>
    public Task OpenAsync(CancellationToken cancellationToken = default) => RunAsync("AllocateSession", async ct =>
    {
        await AllocateAsync(_cursor, ct);
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
    public Task<ReadBatch> ReadAsync(int maxRecords = 0, int maxBytes = 0, TimeSpan wait = default, CancellationToken cancellationToken = default) =>
        RunAsync("Read", async ct =>
        {
            if (_sessionId is null) await AllocateAsync(_cursor, ct);
            var request = new ReadRequest
            {
                SessionId = _sessionId!,
                MaxRecords = (uint)Math.Max(0, maxRecords),
                MaxBytes = (uint)Math.Max(0, maxBytes),
                WaitMs = (uint)Math.Clamp(wait.TotalMilliseconds, 0, 30_000),
            };
            var response = await CallAsync(ct, "Read", request, wait, (c, o) => c.ReadAsync(request, o).ResponseAsync);
            return new ReadBatch(response.Records.Select(ToBusRecord).ToList(), response.PendingCursor.ToByteArray(), request.SessionId);
        }, cancellationToken);

    /// <summary>Acknowledges <paramref name="batch"/>: the session moves past it. Acknowledging it again does nothing.</summary>
    /// <exception cref="BusException">The bus refused (the batch is not this session's latest), or retries ran out.</exception>
    public Task AckAsync(ReadBatch batch, CancellationToken cancellationToken = default) => RunAsync("Ack", async ct =>
    {
        var pending = ByteString.CopyFrom(batch.PendingCursor);
        if (_sessionId != batch.SessionId)
        {
            // The batch came from a session that has since moved: starting a new one at the batch's
            // pending cursor is the same as acknowledging it.
            await AllocateAsync(pending, ct);
            return true;
        }
        var request = new AckRequest { SessionId = _sessionId!, Cursor = pending };
        var response = await CallAsync(ct, "Ack", request, TimeSpan.Zero, (c, o) => c.AckAsync(request, o).ResponseAsync);
        _cursor = response.Cursor;
        return true;
    }, cancellationToken);

    /// <summary>Disposes the session on the bus (best effort: an unreachable bus expires it after its idle timeout).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_sessionId is not { } id) return;
        _sessionId = null;
        try
        {
            var request = new DisposeRequest { SessionId = id };
            var options = await _calls.OptionsAsync(SessionCalls.Method("Dispose"), request, TimeSpan.Zero, CancellationToken.None);
            await _calls.Client.DisposeAsync(request, options with { Deadline = DateTime.UtcNow.AddSeconds(5) });
        }
        catch (RpcException)
        {
        }
    }

    private async Task AllocateAsync(ByteString cursor, CancellationToken cancellationToken)
    {
        var request = new AllocateSessionRequest { Topic = _topic, Mode = SessionMode.Read, Cursor = cursor, Start = _start };
        if (cursor.IsEmpty) request.Partitions.AddRange(_partitions);
        var response = await CallAsync(cancellationToken, "AllocateSession", request, TimeSpan.Zero, (c, o) => c.AllocateSessionAsync(request, o).ResponseAsync);
        _sessionId = response.SessionId;
        _cursor = response.Cursor;
        Partitions = response.Partitions.ToList();
        Allocations++;
    }

    private async Task<T> CallAsync<T>(CancellationToken cancellationToken, string rpc, IMessage request, TimeSpan extra,
        Func<Protocol.EventBusClient, CallOptions, Task<T>> call)
    {
        var options = await _calls.OptionsAsync(SessionCalls.Method(rpc), request, extra, cancellationToken);
        try
        {
            return await call(_calls.Client, options);
        }
        catch (RpcException e) when (SessionCalls.IsMoved(e))
        {
            _sessionId = null; // the next attempt allocates again from the acknowledged cursor
            throw;
        }
    }

    private async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> step, CancellationToken cancellationToken)
    {
        try
        {
            return await _calls.Retry.ExecuteAsync(async ct => await step(ct), cancellationToken);
        }
        catch (RpcException e)
        {
            throw new BusException($"{operation} on {_topic}", e);
        }
    }

    private BusRecord ToBusRecord(Record r) => new(_topic, r.Partition, r.Offset, r.Key.IsEmpty ? null : r.Key.ToByteArray(), r.Value.ToByteArray(),
        r.SchemaId, DateTimeOffset.FromUnixTimeMilliseconds(r.TimestampMs), r.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToByteArray())).ToList());
}

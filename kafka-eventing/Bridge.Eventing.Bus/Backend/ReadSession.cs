using Bridge.Eventing.Bus.Cursors;
using Bridge.Eventing.Bus.Sessions;
using Bridge.Eventing.Protocol;
using Bridge.Eventing.Security;
using Bridge.Eventing.V1;
using Bridge.Rpc;
using Google.Protobuf;

namespace Bridge.Eventing.Bus.Backend;

/// <summary>A read session on a node: its state machine (<see cref="ReadSessionState"/>) over its read-ahead.</summary>
internal sealed class ReadSession : BusSession
{
    /// <summary>Records per Read when the request says 0.</summary>
    public const int DefaultMaxRecords = 500;

    /// <summary>Most records per Read whatever the request says.</summary>
    public const int MaxRecords = 10_000;

    /// <summary>Bytes per Read when the request says 0: 1 MiB.</summary>
    public const int DefaultMaxBytes = 1 << 20;

    /// <summary>Longest wait a Read may ask for, in milliseconds.</summary>
    public const uint MaxWaitMs = 30_000;

    private readonly ReadSessionState _state;
    private readonly ReadAhead _ahead;
    private readonly RecordCipher? _cipher;
    private readonly CursorTokens _tokens;
    private readonly TimeProvider _time;

    public ReadSession(string id, ReadCursor start, ReadAhead ahead, RecordCipher? cipher, CursorTokens tokens, TimeProvider time)
        : base(id, start.Topic, start.NextOffsets.Keys.ToList(), time)
    {
        _state = new ReadSessionState(start);
        _ahead = ahead;
        _cipher = cipher;
        _tokens = tokens;
        _time = time;
    }

    public override SessionMode Mode => SessionMode.Read;

    /// <summary>The committed cursor's token.</summary>
    public byte[] CommittedToken => _tokens.Seal(_state.Committed);

    /// <summary>rpc Read: the pending batch again, or the next records (waiting up to wait_ms for a first one).</summary>
    /// <exception cref="RpcException">DATA_LOSS: the next record does not decrypt (tampered, or a key the node lacks); the session stays before it.</exception>
    public Task<ReadResponse> ReadAsync(ReadRequest request, CancellationToken cancellationToken) => SerialisedAsync(async () =>
    {
        if (_state.Pending is { } pending) return pending.Batch;
        var maxRecords = request.MaxRecords == 0 ? DefaultMaxRecords : (int)Math.Min(request.MaxRecords, MaxRecords);
        var maxBytes = request.MaxBytes == 0 ? DefaultMaxBytes : request.MaxBytes;
        await _ahead.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(request.WaitMs, MaxWaitMs)), _time, cancellationToken);
        var records = new List<Record>();
        long bytes = 0;
        while (records.Count < maxRecords && _ahead.TryPeek(out var next))
        {
            var size = (long)(next.Message.Key?.Length ?? 0) + (next.Message.Value?.Length ?? 0);
            if (records.Count > 0 && bytes + size > maxBytes) break;
            Record record;
            try
            {
                record = KafkaRecords.FromKafka(next, _cipher);
            }
            catch (RecordDecryptionException e)
            {
                if (records.Count > 0) break; // return what is good; the next Read fails on this one
                throw new RpcException(new Status(StatusCode.DataLoss,
                    $"{Topic}/{next.Partition.Value} offset {next.Offset.Value}: the record does not decrypt ({e.Message}); the session stays before it"));
            }
            _ahead.Take();
            records.Add(record);
            bytes += size;
        }
        return _state.Stage(records, _tokens.Seal);
    }, cancellationToken);

    /// <summary>rpc Ack with a cursor.</summary>
    /// <exception cref="RpcException">INVALID_ARGUMENT (cursor-invalid); FAILED_PRECONDITION (cursor-not-pending).</exception>
    public Task<AckResponse> AckAsync(ByteString token, CancellationToken cancellationToken) => SerialisedAsync(() =>
    {
        var cursor = _tokens.OpenRead(token, Topic);
        return _state.Ack(cursor) switch
        {
            ReadAckOutcome.NotPending => throw BusReason.Error(StatusCode.FailedPrecondition, BusReason.CursorNotPending,
                "cursor: neither the pending cursor of the last Read nor the committed one"),
            _ => Task.FromResult(new AckResponse { Cursor = ByteString.CopyFrom(CommittedToken) }),
        };
    }, cancellationToken);

    public override void Dispose() => _ahead.Dispose();
}

using Bridge.Eventing.Bus.Cursors;
using Bridge.Eventing.Bus.Sessions;
using Bridge.Eventing.Protocol;
using Bridge.Eventing.Security;
using Bridge.Eventing.V1;
using Bridge.Rpc;
using Confluent.Kafka;

namespace Bridge.Eventing.Bus.Backend;

/// <summary>What a write session needs from its node to publish.</summary>
/// <param name="Kafka">The node's Kafka clients.</param>
/// <param name="Cipher">Encrypts the topic's values; null when the topic is plaintext.</param>
/// <param name="Publishes">The node's publishes in flight, which a shutdown drains or spills.</param>
internal sealed record PublishContext(NodeKafka Kafka, RecordCipher? Cipher, InFlightPublishes Publishes);

/// <summary>
/// A write session on a node: its state machine (<see cref="WriteSessionState"/>), and the
/// publishing of acknowledged batches through the node's producer. A session resumed from a cursor,
/// or whose last Ack failed, first looks in Kafka for its records already there
/// (<see cref="WriterScan"/>), so nothing it publishes lands twice.
/// </summary>
internal sealed class WriteSession : BusSession
{
    private readonly WriteSessionState _state;
    private readonly CursorTokens _tokens;
    private readonly PublishContext _context;
    private readonly TimeProvider _time;
    private bool _scanNeeded;
    private Dictionary<(ulong Sequence, int Index), RecordOffset>? _found;

    public WriteSession(string id, WriteCursor cursor, bool resumed, IReadOnlyList<int> partitions, WriteLimits limits,
        CursorTokens tokens, PublishContext context, TimeProvider time)
        : base(id, cursor.Topic, partitions, time)
    {
        _state = new WriteSessionState(cursor, limits);
        _tokens = tokens;
        _context = context;
        _time = time;
        _scanNeeded = resumed;
    }

    public override SessionMode Mode => SessionMode.Write;

    /// <summary>The sequence the next Write carries.</summary>
    public ulong NextSequence => _state.NextSequence;

    /// <summary>The cursor's token.</summary>
    public byte[] CommittedToken => _tokens.Seal(_state.Committed);

    /// <summary>rpc Write, with records already validated by the node.</summary>
    /// <exception cref="RpcException">FAILED_PRECONDITION (sequence-gap); RESOURCE_EXHAUSTED (staging-full).</exception>
    public Task<WriteResponse> WriteAsync(WriteRequest request, CancellationToken cancellationToken) => SerialisedAsync(() =>
        _state.Write(request.Sequence, request.Records) switch
        {
            WriteOutcome.SequenceGap => throw BusReason.Error(StatusCode.FailedPrecondition, BusReason.SequenceGap,
                $"sequence: expected {_state.NextSequence}, got {request.Sequence}"),
            WriteOutcome.StagingFull => throw BusReason.Error(StatusCode.ResourceExhausted, BusReason.StagingFull,
                $"the session has {_state.StagedRecords} records ({_state.StagedBytes} bytes) staged; Ack them before writing more"),
            _ => Task.FromResult(new WriteResponse { StagedRecords = (uint)_state.StagedRecords }),
        }, cancellationToken);

    /// <summary>rpc Ack with a sequence: publishes the staged batches up to it and waits until Kafka confirms them (or the node spills them).</summary>
    /// <exception cref="RpcException">FAILED_PRECONDITION (sequence-gap) for a sequence never written; UNAVAILABLE (kafka) when Kafka
    /// refused or timed out: the batches stay staged and a retried Ack publishes only what did not land.</exception>
    public Task<AckResponse> AckAsync(ulong sequence, CancellationToken cancellationToken) => SerialisedAsync(async () =>
    {
        var (answer, batches) = _state.PlanAck(sequence, _tokens.Seal);
        if (answer is not null) return answer;
        if (batches is null)
            throw BusReason.Error(StatusCode.FailedPrecondition, BusReason.SequenceGap,
                $"sequence: {sequence} was never written (acknowledged up to {_state.Committed.AckedSequence}, next {_state.NextSequence})");
        var committed = _state.Committed;
        if (_scanNeeded)
        {
            _found = await WriterScan.FindAsync(_context.Kafka, Topic, committed.WriterId, committed.AckedSequence, committed.ScanFrom, cancellationToken);
            _scanNeeded = false;
        }
        var operation = new PublishOperation(Topic, committed.WriterId, committed.ScanFrom);
        var now = _time.GetUtcNow().UtcDateTime;
        foreach (var batch in batches)
        {
            for (var i = 0; i < batch.Records.Count; i++)
            {
                if (batch.Landed[i] is not null) continue;
                if (_found is not null && _found.TryGetValue((batch.Sequence, i), out var already))
                {
                    batch.Landed[i] = already;
                    continue;
                }
                operation.Add(batch, i, KafkaRecords.ToKafka(Topic, batch.Records[i], committed.WriterId, batch.Sequence, i, _context.Cipher, now));
            }
        }
        PublishEnd end;
        using (_context.Publishes.Track(operation))
        {
            operation.Start(_context.Kafka);
            try
            {
                end = await operation.End;
            }
            catch (KafkaException e)
            {
                // Some records may have landed although their reports failed (a timeout): look before publishing again.
                _scanNeeded = true;
                throw BusReason.Error(StatusCode.Unavailable, BusReason.Kafka, $"Kafka did not take the records: {e.Error.Reason}; they stay staged, retry the Ack");
            }
        }
        if (_found is not null && _found.Keys.All(k => k.Sequence <= sequence)) _found = null;
        return _state.Complete(sequence, _context.Kafka.KnownEnds(Topic), end == PublishEnd.Spilled, _tokens.Seal);
    }, cancellationToken);

    public override void Dispose() { }
}

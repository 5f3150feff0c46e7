using System.Collections.Concurrent;
using System.Collections.Immutable;
using Bridge.Eventing.Bus.Cursors;
using Bridge.Eventing.Bus.Spill;
using Bridge.Eventing.Protocol;
using Bridge.Eventing.Schemas.Client;
using Bridge.Eventing.V1;
using Bridge.Rpc;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Bus.Backend;

/// <summary>
/// A back-end node of the bus: the sessions the API tier routes to it, each a state machine over
/// Kafka (read sessions with their own consumer and read-ahead; write sessions publishing through
/// the node's producer), an idle-session reaper, and the shutdown that fails new work fast, drains
/// what is being published and spills what Kafka will not take in time. At start it re-injects what
/// an earlier run spilled (<see cref="SpillRecovered"/>).
/// </summary>
public sealed partial class BackendNode : IAsyncDisposable
{
    private readonly BackendOptions _options;
    private readonly NodeKafka _kafka;
    private readonly ConcurrentDictionary<string, BusSession> _sessions = new(StringComparer.Ordinal);
    private readonly InFlightPublishes _publishes = new();
    private readonly ITimer _reaper;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private volatile bool _draining;

    /// <summary>Starts a node: connects its Kafka clients and starts re-injecting any spill of an earlier run.</summary>
    public BackendNode(BackendOptions options)
    {
        _options = options;
        _logger = options.LoggerFactory.CreateLogger<BackendNode>();
        _kafka = new NodeKafka(options.BootstrapServers, options.NodeId, options.KafkaTimeout);
        var period = options.IdleTimeout / 4;
        _reaper = options.TimeProvider.CreateTimer(_ => ReapIdle(), null, period, period);
        SpillRecovered = options.SpillDirectory is { } directory ? RecoverSpillsAsync(directory) : Task.FromResult(0);
    }

    /// <summary>The node's id.</summary>
    public string NodeId => _options.NodeId;

    /// <summary>Sessions the node holds now.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>Publishes (Acks of write sessions) waiting for Kafka now.</summary>
    public int PublishesInFlight => _publishes.Count;

    /// <summary>True once shutdown began: new requests fail with UNAVAILABLE (draining).</summary>
    public bool Draining => _draining;

    /// <summary>Completes with the number of records re-injected from earlier spills, once they all are in Kafka
    /// (retried with backoff while Kafka is unavailable, until the node is disposed).</summary>
    public Task<int> SpillRecovered { get; }

    /// <summary>rpc AllocateSession (session_id set by the API tier).</summary>
    /// <exception cref="RpcException">INVALID_ARGUMENT (malformed, naming the field; cursor-invalid); NOT_FOUND (topic-unknown);
    /// RESOURCE_EXHAUSTED (too-many-sessions); UNAVAILABLE (draining, kafka).</exception>
    public async Task<AllocateSessionResponse> AllocateAsync(AllocateSessionRequest request, CancellationToken cancellationToken)
    {
        RefuseWhenDraining();
        RequestValidation.SessionId(request.SessionId);
        RequestValidation.Topic(request.Topic);
        if (_sessions.TryGetValue(request.SessionId, out var existing)) return Describe(existing);
        if (_sessions.Count >= _options.MaxSessions)
            throw BusReason.Error(StatusCode.ResourceExhausted, BusReason.TooManySessions, $"node {NodeId} holds {_sessions.Count} sessions, its limit");
        var partitions = await _kafka.PartitionsAsync(request.Topic);
        BusSession session = request.Mode switch
        {
            SessionMode.Read => await OpenReadAsync(request, partitions),
            SessionMode.Write => await OpenWriteAsync(request, partitions),
            _ => throw RequestValidation.Invalid("mode: READ or WRITE"),
        };
        if (!_sessions.TryAdd(request.SessionId, session))
        {
            session.Dispose();
            return Describe(_sessions[request.SessionId]);
        }
        LogAllocated(request.SessionId, session.Mode, request.Topic);
        return Describe(session);
    }

    /// <summary>rpc Read.</summary>
    /// <exception cref="RpcException">NOT_FOUND (session-unknown); FAILED_PRECONDITION (wrong-mode); UNAVAILABLE (draining); DATA_LOSS (a record does not decrypt).</exception>
    public Task<ReadResponse> ReadAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        RefuseWhenDraining();
        return Use<ReadSession, ReadResponse>(request.SessionId, s => s.ReadAsync(request, cancellationToken));
    }

    /// <summary>rpc Ack. A read Ack is accepted while draining (it touches no Kafka); a write Ack is not.</summary>
    /// <exception cref="RpcException">NOT_FOUND (session-unknown); FAILED_PRECONDITION (wrong-mode, sequence-gap, cursor-not-pending);
    /// INVALID_ARGUMENT (cursor-invalid, no target); UNAVAILABLE (draining, kafka).</exception>
    public Task<AckResponse> AckAsync(AckRequest request, CancellationToken cancellationToken)
    {
        switch (request.TargetCase)
        {
            case AckRequest.TargetOneofCase.Cursor:
                return Use<ReadSession, AckResponse>(request.SessionId, s => s.AckAsync(request.Cursor, cancellationToken));
            case AckRequest.TargetOneofCase.Sequence:
                RefuseWhenDraining();
                return Use<WriteSession, AckResponse>(request.SessionId, s => s.AckAsync(request.Sequence, cancellationToken));
            default:
                throw RequestValidation.Invalid("target: a cursor (read session) or a sequence (write session)");
        }
    }

    /// <summary>rpc Write.</summary>
    /// <exception cref="RpcException">NOT_FOUND (session-unknown); INVALID_ARGUMENT (malformed record, unregistered schema id);
    /// FAILED_PRECONDITION (wrong-mode, sequence-gap); RESOURCE_EXHAUSTED (staging-full); UNAVAILABLE (draining).</exception>
    public async Task<WriteResponse> WriteAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        RefuseWhenDraining();
        var session = Find<WriteSession>(request.SessionId);
        var schemaIds = RequestValidation.WriteRecords(request, session.Partitions);
        if (_options.Registry is { } registry)
            foreach (var id in schemaIds)
                await RequireRegisteredAsync(registry, id, cancellationToken);
        return await Use<WriteSession, WriteResponse>(request.SessionId, s => s.WriteAsync(request, cancellationToken));
    }

    /// <summary>rpc KeepAlive.</summary>
    /// <exception cref="RpcException">NOT_FOUND (session-unknown); UNAVAILABLE (draining).</exception>
    public KeepAliveResponse KeepAlive(KeepAliveRequest request)
    {
        RefuseWhenDraining();
        Find<BusSession>(request.SessionId).Touch();
        return new KeepAliveResponse { IdleTimeoutMs = IdleTimeoutMs };
    }

    /// <summary>rpc Dispose. Disposing a session the node does not hold is not an error (a retried Dispose).</summary>
    public DisposeResponse Dispose(DisposeRequest request)
    {
        if (_sessions.TryRemove(request.SessionId, out var session))
        {
            session.Dispose();
            LogDisposed(request.SessionId, "client");
        }
        return new DisposeResponse();
    }

    /// <summary>
    /// Graceful shutdown: new requests fail with UNAVAILABLE (draining) at once, publishes in flight get
    /// <see cref="BackendOptions.DrainTimeout"/> to be confirmed, and whatever Kafka has not confirmed by
    /// then is spilled to disk (when a spill directory is set) and acknowledged as spilled.
    /// </summary>
    /// <returns>Publishes spilled.</returns>
    public async Task<int> DrainAsync()
    {
        _draining = true;
        if (await _publishes.DrainAsync(_options.DrainTimeout, _options.TimeProvider) || _options.SpillDirectory is not { } directory) return 0;
        using var spill = new SpillLog(directory, NodeId, _options.TimeProvider.GetUtcNow());
        var spilled = _publishes.SpillAll(spill);
        LogSpilled(spilled, spill.Path);
        return spilled;
    }

    /// <summary>Disposes every session and the Kafka clients (after <see cref="DrainAsync"/> for a graceful stop).</summary>
    public async ValueTask DisposeAsync()
    {
        _draining = true;
        await _stopping.CancelAsync();
        await _reaper.DisposeAsync();
        foreach (var id in _sessions.Keys)
            if (_sessions.TryRemove(id, out var session)) session.Dispose();
        try
        {
            await SpillRecovered;
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or Confluent.Kafka.KafkaException)
        {
        }
        _kafka.Dispose();
    }

    private uint IdleTimeoutMs => (uint)Math.Min(uint.MaxValue, _options.IdleTimeout.TotalMilliseconds);

    private async Task<ReadSession> OpenReadAsync(AllocateSessionRequest request, IReadOnlyList<int> partitions)
    {
        ImmutableSortedDictionary<int, long> positions;
        if (!request.Cursor.IsEmpty)
        {
            positions = _options.Cursors.OpenRead(request.Cursor, request.Topic).NextOffsets;
            if (request.Partitions.Count > 0 && !request.Partitions.Order().SequenceEqual(positions.Keys))
                throw RequestValidation.Invalid("partitions: must be empty or the cursor's partitions when resuming from a cursor");
            if (positions.Keys.FirstOrDefault(p => !partitions.Contains(p), -1) is var gone and >= 0)
                throw RequestValidation.Invalid($"cursor: partition {gone} is no longer in topic '{request.Topic}'");
        }
        else
        {
            var wanted = request.Partitions.Count == 0 ? partitions : request.Partitions.Distinct().Order().ToList();
            if (wanted.FirstOrDefault(p => !partitions.Contains(p), -1) is var missing and >= 0)
                throw RequestValidation.Invalid($"partitions: {missing} is not a partition of topic '{request.Topic}' (0-{partitions.Count - 1})");
            positions = await _kafka.WatermarksAsync(request.Topic, wanted, high: request.Start != StartPosition.Earliest);
        }
        var ahead = new ReadAhead(_kafka.ConsumerConfig(), request.Topic, positions, _options.ReadAhead, _logger);
        return new ReadSession(request.SessionId, new ReadCursor(request.Topic, positions), ahead, _options.Cipher, _options.Cursors, _options.TimeProvider);
    }

    private async Task<WriteSession> OpenWriteAsync(AllocateSessionRequest request, IReadOnlyList<int> partitions)
    {
        if (request.Partitions.Count > 0) throw RequestValidation.Invalid("partitions: must be empty for a write session (records choose their partition)");
        var resumed = !request.Cursor.IsEmpty;
        var cursor = resumed
            ? _options.Cursors.OpenWrite(request.Cursor, request.Topic)
            : new WriteCursor(request.Topic, Guid.NewGuid(), 0, await _kafka.WatermarksAsync(request.Topic, partitions, high: true));
        var cipher = _options.Policies.For(request.Topic).Encrypts(_options.Cipher is not null) ? _options.Cipher : null;
        if (cipher is null && _options.Policies.For(request.Topic).Encrypt == true)
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"topic '{request.Topic}' must be encrypted and this node has no key ring"));
        return new WriteSession(request.SessionId, cursor, resumed, partitions, _options.WriteLimits, _options.Cursors,
            new PublishContext(_kafka, cipher, _publishes), _options.TimeProvider);
    }

    private AllocateSessionResponse Describe(BusSession session)
    {
        var response = new AllocateSessionResponse { SessionId = session.Id, IdleTimeoutMs = IdleTimeoutMs };
        response.Partitions.AddRange(session.Partitions);
        switch (session)
        {
            case ReadSession read:
                response.Cursor = ByteString.CopyFrom(read.CommittedToken);
                break;
            case WriteSession write:
                response.Cursor = ByteString.CopyFrom(write.CommittedToken);
                response.NextSequence = write.NextSequence;
                break;
        }
        return response;
    }

    /// <summary>Refuses a schema id the registry does not have (the client caches the ones it has).</summary>
    private async Task RequireRegisteredAsync(SchemaRegistryClient registry, int id, CancellationToken cancellationToken)
    {
        try
        {
            await registry.GetSchemaAsync(id, cancellationToken);
        }
        catch (Bridge.Eventing.Schemas.Client.SchemaRegistryException e) when (e.HttpStatus == 404)
        {
            throw RequestValidation.Invalid($"records: schema id {id} is not registered in the schema registry");
        }
        catch (Exception e) when (e is HttpRequestException or Bridge.Eventing.Schemas.Client.SchemaRegistryException)
        {
            throw BusReason.Error(StatusCode.Unavailable, BusReason.Registry, $"schema registry: {e.Message}");
        }
    }

    private T Find<T>(string sessionId) where T : BusSession
    {
        RequestValidation.SessionId(sessionId);
        if (!_sessions.TryGetValue(sessionId, out var session))
            throw BusReason.Error(StatusCode.NotFound, BusReason.SessionUnknown,
                $"session {sessionId} is not on node {NodeId} (moved, expired or disposed): allocate a new one from your last acknowledged cursor");
        if (session is not T typed)
            throw BusReason.Error(StatusCode.FailedPrecondition, BusReason.WrongMode, $"session {sessionId} is a {session.Mode} session");
        return typed;
    }

    private async Task<TResult> Use<TSession, TResult>(string sessionId, Func<TSession, Task<TResult>> call) where TSession : BusSession
    {
        var session = Find<TSession>(sessionId);
        session.Touch();
        try
        {
            return await call(session);
        }
        finally
        {
            session.Touch();
        }
    }

    private void RefuseWhenDraining()
    {
        if (_draining) throw BusReason.Error(StatusCode.Unavailable, BusReason.Draining, $"node {NodeId} is shutting down");
    }

    private void ReapIdle()
    {
        foreach (var (id, session) in _sessions)
        {
            if (session.Idle < _options.IdleTimeout || !_sessions.TryRemove(id, out _)) continue;
            session.Dispose();
            LogDisposed(id, "idle");
        }
    }

    private async Task<int> RecoverSpillsAsync(string directory)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                return await SpillRecovery.RecoverAsync(directory, _kafka, _logger, _stopping.Token);
            }
            catch (Exception e) when (e is RpcException or Confluent.Kafka.KafkaException or Confluent.Kafka.ProduceException<byte[]?, byte[]?>)
            {
                LogRecoveryRetry(e.Message, backoff.TotalSeconds);
                await Task.Delay(backoff, _options.TimeProvider, _stopping.Token);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "session {SessionId} allocated ({Mode} on {Topic})")]
    private partial void LogAllocated(string sessionId, SessionMode mode, string topic);

    [LoggerMessage(Level = LogLevel.Debug, Message = "session {SessionId} disposed ({Why})")]
    private partial void LogDisposed(string sessionId, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "shutdown: {Count} publishes not confirmed by Kafka in time were spilled to {Path}")]
    private partial void LogSpilled(int count, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "re-injecting spilled records: {Error}; retrying in {Seconds} s")]
    private partial void LogRecoveryRetry(string error, double seconds);
}

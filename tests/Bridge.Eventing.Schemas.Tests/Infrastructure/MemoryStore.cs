using Bridge.Eventing.Schemas.Registry;
using Bridge.Eventing.Schemas.Store;

namespace Bridge.Eventing.Schemas.Tests.Infrastructure;

/// <summary>
/// An <see cref="ISchemaStore"/> in memory, every record passed through the Kafka store's codec so
/// replays see exactly what the topic would hold. Failures are injected per call.
/// </summary>
internal sealed class MemoryStore : ISchemaStore
{
    private readonly List<(byte[] Key, byte[]? Value)> _log = [];
    private readonly object _gate = new();

    /// <summary>Decides each append: null stores it; otherwise it fails, storing the record first when <c>StoredAnyway</c>.</summary>
    public Func<StoreRecord, (string Error, bool StoredAnyway)?> Fault { get; set; } = _ => null;

    /// <summary>Makes reads fail.</summary>
    public bool FailReads { get; set; }

    /// <summary>How many whole reads ran.</summary>
    public int Reads { get; private set; }

    /// <summary>How many records are held.</summary>
    public int Count
    {
        get { lock (_gate) return _log.Count; }
    }

    /// <summary>Appends while the writer holds its lock count: 1 means appends never overlapped.</summary>
    public int MaxConcurrentAppends { get; private set; }

    private int _appending;

    public Task<IReadOnlyList<StoreRecord>> ReadAllAsync(CancellationToken cancellationToken)
    {
        if (FailReads) throw new SchemaStoreException("reads are failing (test)");
        lock (_gate)
        {
            Reads++;
            return Task.FromResult<IReadOnlyList<StoreRecord>>(
                [.. _log.Select(r => StoreRecordCodec.Decode(r.Key, r.Value, out _)).OfType<StoreRecord>()]);
        }
    }

    public async Task AppendAsync(StoreRecord record, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _appending);
        MaxConcurrentAppends = Math.Max(MaxConcurrentAppends, now);
        try
        {
            await Task.Yield(); // let racing writers run, if the registry let them
            var fault = Fault(record);
            if (fault is null || fault.Value.StoredAnyway)
                lock (_gate) _log.Add(StoreRecordCodec.Encode(record));
            if (fault is { } f) throw new SchemaStoreException(f.Error);
        }
        finally
        {
            Interlocked.Decrement(ref _appending);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

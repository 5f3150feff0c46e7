using Bridge.Eventing.Schemas.Registry;
using Bridge.Eventing.Schemas.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Eventing.Schemas;

/// <summary>
/// The registry: a <see cref="RegistryState"/> rebuilt from the store on open, read by anyone as an
/// immutable snapshot (<see cref="State"/>), and changed by one writer at a time
/// (<see cref="WriteAsync{T}"/>): the command is validated against the current state, its records
/// are appended to the store one by one, each applied to the state only after the store
/// acknowledged it, and only then is the answer given. So nothing is acknowledged that Kafka does
/// not hold, and concurrent requests (say, the same schema registered twice at once) are
/// serialised: the second sees the first's result. After a failed append the state may lag the
/// log (the record may have been stored after all), so the next write first rebuilds the state
/// from the store.
/// </summary>
public sealed class SchemaRegistry : IAsyncDisposable
{
    private readonly ISchemaStore _store;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private RegistryState _state;
    private bool _stale;

    private SchemaRegistry(ISchemaStore store, RegistryState state, ILogger logger)
    {
        _store = store;
        _state = state;
        _logger = logger;
    }

    /// <summary>The current state; a snapshot, safe to read while writes go on.</summary>
    public RegistryState State => Volatile.Read(ref _state);

    /// <summary>Reads the whole store and returns the registry over it; takes ownership of <paramref name="store"/>.</summary>
    /// <exception cref="SchemaStoreException">The store cannot be read.</exception>
    public static async Task<SchemaRegistry> OpenAsync(ISchemaStore store, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Bridge.Eventing.Schemas");
        var state = await ReplayAsync(store, cancellationToken);
        logger.LogInformation("Schema registry state rebuilt: {Subjects} subjects, max id {MaxId}", state.SubjectNames(includeDeleted: true).Count, state.MaxId);
        return new SchemaRegistry(store, state, logger);
    }

    /// <summary>
    /// Runs a write command under the single writer: <paramref name="command"/> sees the current
    /// state and returns an error or a plan; the plan's records are appended and applied in order,
    /// then its answer returned. The caller's <paramref name="cancellationToken"/> only cancels the
    /// wait for the writer, never an append under way.
    /// </summary>
    /// <returns>The plan's answer; the command's error; or 50001 when the store failed (the records before the failure are applied).</returns>
    public async Task<RegistryResult<T>> WriteAsync<T>(Func<RegistryState, RegistryResult<WritePlan<T>>> command, CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            if (_stale)
            {
                Volatile.Write(ref _state, await ReplayAsync(_store, CancellationToken.None));
                _stale = false;
            }
            var decision = command(State);
            if (decision.Error is { } refused) return refused;
            var plan = decision.Value!;
            foreach (var record in plan.Records)
            {
                await _store.AppendAsync(record, CancellationToken.None);
                Volatile.Write(ref _state, State.Apply(record));
            }
            return plan.Answer;
        }
        catch (SchemaStoreException e)
        {
            _stale = true;
            _logger.LogWarning(e, "Schema store write failed; the state is rebuilt from the store before the next write");
            return new RegistryError(RegistryErrorKind.StoreError, $"Error in the backend data store: {e.Message}");
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writer.WaitAsync();
        try
        {
            await _store.DisposeAsync();
        }
        finally
        {
            _writer.Release();
        }
    }

    private static async Task<RegistryState> ReplayAsync(ISchemaStore store, CancellationToken cancellationToken)
    {
        var state = RegistryState.Empty;
        foreach (var record in await store.ReadAllAsync(cancellationToken)) state = state.Apply(record);
        return state;
    }
}

using Bridge.Eventing.Schemas.Registry;

namespace Bridge.Eventing.Schemas.Store;

/// <summary>
/// The registry's durable log: read whole from the start, appended one record at a time. The
/// Kafka topic <c>_schemas</c> in production (<see cref="KafkaSchemaStore"/>); tests may use memory.
/// </summary>
public interface ISchemaStore : IAsyncDisposable
{
    /// <summary>Every record from the first offset up to the end as of the call, in log order (skipped ones left out).</summary>
    /// <exception cref="SchemaStoreException">The log cannot be read to its end in time.</exception>
    Task<IReadOnlyList<StoreRecord>> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Appends <paramref name="record"/> and returns once it is durable (Kafka: acknowledged by all in-sync replicas).</summary>
    /// <exception cref="SchemaStoreException">The append failed or timed out; it may or may not have been stored.</exception>
    Task AppendAsync(StoreRecord record, CancellationToken cancellationToken);
}

/// <summary>The store could not be read or written (Kafka unreachable, timed out, refused). The registry answers 50001.</summary>
public sealed class SchemaStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, naming the topic and the cause.</param>
    /// <param name="inner">The client's exception, if any.</param>
    public SchemaStoreException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

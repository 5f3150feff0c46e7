using System.Runtime.CompilerServices;
using Bridge.Eventing.Client.Publishing;
using Bridge.Eventing.Client.Serdes;
using Bridge.Eventing.Client.Sessions;
using Bridge.Eventing.Protocol;
using Bridge.Eventing.V1;
using Bridge.Rpc;
using Confluent.Kafka;

namespace Bridge.Eventing.Client;

/// <summary>
/// A connection to the event bus's API tier. Two levels of API:
/// <list type="bullet">
/// <item>sessions, mirroring the two-phase protocol: <see cref="OpenReadAsync"/> (read, ack, read,
/// ack...) and <see cref="OpenWriteAsync"/> (write, ack...), each failing over on its own;</item>
/// <item>the simple one: <see cref="CreatePublisher(string, PublisherOptions?)"/> (<c>await publisher.PublishAsync(record)</c>,
/// batched, with back-pressure) and <see cref="ConsumeAsync(string, ConsumeOptions?, CancellationToken)"/>
/// (<c>await foreach</c>, each record once, in offset order per partition);</item>
/// <item>the same typed through Confluent.Kafka serializers (the schema registry's Avro serdes, or any
/// other): <see cref="CreatePublisher{TKey, TValue}"/> and <see cref="ConsumeAsync{TKey, TValue}"/>.</item>
/// </list>
/// Thread-safe; sessions and publishers made from it are not shared between threads.
/// </summary>
public sealed class BusClient : IDisposable
{
    private readonly RpcChannel _channel;
    private readonly SessionCalls _calls;

    /// <summary>A client of the bus at <paramref name="address"/> (<c>http://host:port</c> for h2c, <c>https://</c> for TLS).</summary>
    public BusClient(Uri address, BusClientOptions? options = null)
    {
        Options = options ?? new BusClientOptions();
        _channel = RpcChannel.ForAddress(address, (Options.Channel ?? new RpcChannelOptions { MaxReceiveMessageSize = 64 << 20, MaxSendMessageSize = 64 << 20 })
            with { TimeProvider = Options.TimeProvider });
        _calls = new SessionCalls(new EventBusClient(_channel), Options);
    }

    /// <summary>The client's settings.</summary>
    public BusClientOptions Options { get; }

    /// <summary>A read session on <paramref name="topic"/>, allocated before it returns.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="cursor">Resume from this cursor (from <see cref="SessionBase.Cursor"/>), or null to start at <paramref name="start"/>.</param>
    /// <param name="start">Where to start without a cursor (default: the end, as Kafka's default).</param>
    /// <param name="partitions">The partitions to read (default: all).</param>
    /// <param name="cancellationToken">Cancels the allocation.</param>
    /// <exception cref="BusException">The bus refused (unknown topic, token, forged cursor) or retries ran out.</exception>
    public async Task<ReadSession> OpenReadAsync(string topic, byte[]? cursor = null, StartPosition start = StartPosition.Latest,
        IReadOnlyList<int>? partitions = null, CancellationToken cancellationToken = default)
    {
        var session = new ReadSession(_calls, topic, partitions ?? [], start, cursor);
        await session.OpenAsync(cancellationToken);
        return session;
    }

    /// <summary>A write session on <paramref name="topic"/>, allocated before it returns.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="cursor">Resume the writer of this cursor (from <see cref="SessionBase.Cursor"/>), or null for a new writer.</param>
    /// <param name="cancellationToken">Cancels the allocation.</param>
    /// <exception cref="BusException">The bus refused or retries ran out.</exception>
    public async Task<WriteSession> OpenWriteAsync(string topic, byte[]? cursor = null, CancellationToken cancellationToken = default)
    {
        var session = new WriteSession(_calls, topic, cursor);
        await session.OpenAsync(cancellationToken);
        return session;
    }

    /// <summary>A publisher to <paramref name="topic"/> that batches records into write/ack rounds.</summary>
    public BusPublisher CreatePublisher(string topic, PublisherOptions? options = null) =>
        new(new WriteSession(_calls, topic, null), options ?? new PublisherOptions());

    /// <summary>
    /// A publisher of typed messages to <paramref name="topic"/>: keys and values go through the
    /// serializers, then as records through a <see cref="CreatePublisher(string, PublisherOptions?)"/> publisher.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="valueSerializer">The value serializer; its output must be Avro in the Confluent wire format
    /// with a registered schema id (e.g. <c>AvroSerdes.Serializer(registry, mapping)</c> of Bridge.Eventing.Schemas).</param>
    /// <param name="keySerializer">The key serializer (default: Confluent.Kafka's built-in one for <typeparamref name="TKey"/>:
    /// UTF-8 for <c>string</c>, as is for <c>byte[]</c>, none for <c>Null</c>, big-endian for <c>int</c>, <c>long</c>, <c>float</c>, <c>double</c>).</param>
    /// <param name="options">Batching and queue bounds (default: <see cref="PublisherOptions"/>' defaults).</param>
    /// <exception cref="ArgumentException">No key serializer was given and <typeparamref name="TKey"/> has no built-in one.</exception>
    public BusPublisher<TKey, TValue> CreatePublisher<TKey, TValue>(string topic, IAsyncSerializer<TValue> valueSerializer,
        IAsyncSerializer<TKey>? keySerializer = null, PublisherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(valueSerializer);
        var keys = keySerializer ?? KeySerdes.Serializer<TKey>();
        return new(CreatePublisher(topic, options), keys, valueSerializer);
    }

    /// <summary>
    /// Every record of <paramref name="topic"/> from the start position or cursor on, each once and in
    /// offset order per partition, until cancelled. A batch is acknowledged when the loop asks for the
    /// record after its last one, so a consumer that stops mid-batch and resumes from
    /// <see cref="ConsumeOptions.OnCommitted"/>'s last cursor reads the rest of that batch again
    /// (at least once across consumers; exactly once within this loop, through back-end failovers).
    /// </summary>
    /// <exception cref="BusException">The bus refused or retries ran out.</exception>
    public async IAsyncEnumerable<BusRecord> ConsumeAsync(string topic, ConsumeOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new ConsumeOptions();
        await using var session = await OpenReadAsync(topic, options.Cursor, options.Start, options.Partitions, cancellationToken);
        var delivered = new Dictionary<int, long>();
        while (!cancellationToken.IsCancellationRequested)
        {
            ReadBatch batch;
            try
            {
                batch = await session.ReadAsync(options.MaxRecords, 0, options.Wait, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            foreach (var record in batch.Records)
            {
                // After a failover the new session starts at the last acknowledged cursor: skip what this loop already gave out.
                if (delivered.TryGetValue(record.Partition, out var next) && record.Offset < next) continue;
                delivered[record.Partition] = record.Offset + 1;
                yield return record;
            }
            if (batch.Records.Count == 0) continue;
            await session.AckAsync(batch, cancellationToken);
            options.OnCommitted?.Invoke(session.Cursor);
        }
    }

    /// <summary>
    /// Every record of <paramref name="topic"/> as <see cref="ConsumeAsync(string, ConsumeOptions?, CancellationToken)"/>
    /// gives it, with its key and value deserialized (each deserializer called with a
    /// <see cref="SerializationContext"/> of the component, the topic and the record's headers).
    /// A record that does not deserialize ends the loop with <see cref="BusSerializationException"/>
    /// naming its topic, partition and offset; nothing is skipped, and its batch is not acknowledged,
    /// so a consumer resumed from the last cursor <see cref="ConsumeOptions.OnCommitted"/> gave meets it again.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="valueDeserializer">The value deserializer (e.g. <c>AvroSerdes.Deserializer(registry, mapping)</c> of Bridge.Eventing.Schemas).</param>
    /// <param name="keyDeserializer">The key deserializer (default: Confluent.Kafka's built-in one for <typeparamref name="TKey"/>;
    /// <c>Ignore</c> skips keys).</param>
    /// <param name="options">Start, cursor, partitions, batch size (default: <see cref="ConsumeOptions"/>' defaults).</param>
    /// <param name="cancellationToken">Ends the loop.</param>
    /// <exception cref="ArgumentException">No key deserializer was given and <typeparamref name="TKey"/> has no built-in one (thrown here, not when enumerating).</exception>
    /// <exception cref="BusSerializationException">A record did not deserialize.</exception>
    /// <exception cref="BusException">The bus refused or retries ran out.</exception>
    public IAsyncEnumerable<BusEvent<TKey, TValue>> ConsumeAsync<TKey, TValue>(string topic, IAsyncDeserializer<TValue> valueDeserializer,
        IAsyncDeserializer<TKey>? keyDeserializer = null, ConsumeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(valueDeserializer);
        return Deserialize(ConsumeAsync(topic, options, cancellationToken), keyDeserializer ?? KeySerdes.Deserializer<TKey>(), valueDeserializer);

        static async IAsyncEnumerable<BusEvent<TKey, TValue>> Deserialize(IAsyncEnumerable<BusRecord> records,
            IAsyncDeserializer<TKey> keys, IAsyncDeserializer<TValue> values, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            // A record is deserialized while the untyped loop is suspended on it, before it asks for the next
            // one, which is what acknowledges a batch: a record that throws here leaves its batch unacknowledged.
            await foreach (var record in records.WithCancellation(cancellationToken))
                yield return await TypedRecords.DeserializeAsync(record, keys, values);
        }
    }

    /// <summary>Closes the channel to the bus.</summary>
    public void Dispose() => _channel.Dispose();
}

/// <summary>Settings of <see cref="BusClient.ConsumeAsync(string, ConsumeOptions?, CancellationToken)"/> and its typed form.</summary>
public sealed record ConsumeOptions
{
    /// <summary>Resume from this cursor (default: null, start at <see cref="Start"/>).</summary>
    public byte[]? Cursor { get; init; }

    /// <summary>Where to start without a cursor (default: the end).</summary>
    public StartPosition Start { get; init; } = StartPosition.Latest;

    /// <summary>The partitions to read (default: all).</summary>
    public IReadOnlyList<int>? Partitions { get; init; }

    /// <summary>Records per read (default: 0, the bus's default of 500).</summary>
    public int MaxRecords { get; init; }

    /// <summary>How long each read waits for records (default: 1 s).</summary>
    public TimeSpan Wait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Called with the new cursor after each acknowledged batch, to persist it (default: none).</summary>
    public Action<byte[]>? OnCommitted { get; init; }
}

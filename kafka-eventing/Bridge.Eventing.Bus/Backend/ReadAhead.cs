using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Bus.Backend;

/// <summary>
/// A read session's read-ahead buffer: its own consumer, assigned the session's partitions at its
/// committed positions, pumped by a dedicated thread (Confluent.Kafka's Consume blocks) into a
/// bounded buffer. When the buffer is full the pump stops consuming, and librdkafka's own queue
/// (1 MiB per partition, <see cref="NodeKafka.ConsumerConfig"/>) stops fetching: back-pressure
/// reaches the broker. Records come out in offset order per partition.
/// </summary>
internal sealed class ReadAhead : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly Channel<ConsumeResult<byte[]?, byte[]?>> _buffer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _pump;
    private readonly ILogger _logger;

    /// <summary>Starts reading <paramref name="topic"/> at <paramref name="positions"/> (partition → next offset).</summary>
    /// <param name="config">The consumer's configuration.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="positions">Partition → next offset to read.</param>
    /// <param name="capacity">Most records buffered (at least 1).</param>
    /// <param name="logger">Where consume errors go.</param>
    public ReadAhead(ConsumerConfig config, string topic, IReadOnlyDictionary<int, long> positions, int capacity, ILogger logger)
    {
        _logger = logger;
        _buffer = Channel.CreateBounded<ConsumeResult<byte[]?, byte[]?>>(new BoundedChannelOptions(Math.Max(1, capacity))
        {
            SingleWriter = true,
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        _consumer.Assign(positions.Select(p => new TopicPartitionOffset(topic, p.Key, p.Value)));
        _pump = new Thread(Pump) { IsBackground = true, Name = $"bus-read {topic}" };
        _pump.Start();
    }

    /// <summary>The next buffered record without taking it, or false when none is buffered.</summary>
    public bool TryPeek(out ConsumeResult<byte[]?, byte[]?> record) => _buffer.Reader.TryPeek(out record!);

    /// <summary>Takes the record <see cref="TryPeek"/> returned.</summary>
    public void Take() => _buffer.Reader.TryRead(out _);

    /// <summary>Waits up to <paramref name="wait"/> for a record to be buffered.</summary>
    /// <returns>True when one is buffered.</returns>
    public async Task<bool> WaitAsync(TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_buffer.Reader.TryPeek(out _)) return true;
        if (wait <= TimeSpan.Zero) return false;
        using var timeout = new CancellationTokenSource(wait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            return await _buffer.Reader.WaitToReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Pump()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var result = _consumer.Consume(stop);
                if (result?.Message is null) continue;
                // Blocks this thread while the buffer is full: that is the back-pressure.
                _buffer.Writer.WriteAsync(result, stop).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ConsumeException e)
            {
                // librdkafka reports most failures (broker down, rebalances) as retried events; what
                // reaches here is logged and the pump goes on: the session simply sees no records.
                _logger.LogWarning("read-ahead: {Reason}", e.Error.Reason);
                if (e.Error.IsFatal) break;
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _pump.Join();
        _consumer.Dispose();
        _stop.Dispose();
    }
}

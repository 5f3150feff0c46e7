using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Bus.Backend;

/// <summary>
/// A read session's read-ahead buffer: its own consumer, assigned the session's partitions at its
/// committed positions, pumped by a dedicated thread (Confluent.Kafka's Consume blocks) into a
/// buffer bounded in records and in key+value bytes (<see cref="ReadAheadLimits"/>). When the
/// buffer is full the pump waits until reads drain it to half; meanwhile librdkafka's own bounded
/// queue fills and it stops fetching (<see cref="NodeKafka.ConsumerConfig"/>): back-pressure
/// reaches the broker. Records come out in offset order per partition.
/// </summary>
internal sealed class ReadAhead : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly Channel<ConsumeResult<byte[]?, byte[]?>> _buffer = Channel.CreateUnbounded<ConsumeResult<byte[]?, byte[]?>>(
        new UnboundedChannelOptions { SingleWriter = true, SingleReader = true });
    private readonly ReadAheadLimits _limits;
    private readonly ManualResetEventSlim _drained = new(false);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _pump;
    private readonly ILogger _logger;
    private int _records;
    private long _bytes;

    /// <summary>Starts reading <paramref name="topic"/> at <paramref name="positions"/> (partition → next offset).</summary>
    /// <param name="config">The consumer's configuration.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="positions">Partition → next offset to read.</param>
    /// <param name="limits">How much the buffer holds before the pump pauses.</param>
    /// <param name="logger">Where consume errors go.</param>
    public ReadAhead(ConsumerConfig config, string topic, IReadOnlyDictionary<int, long> positions, ReadAheadLimits limits, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.Records, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.Bytes, 1);
        _logger = logger;
        _limits = limits;
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        _consumer.Assign(positions.Select(p => new TopicPartitionOffset(topic, p.Key, p.Value)));
        _pump = new Thread(Pump) { IsBackground = true, Name = $"bus-read {topic}" };
        _pump.Start();
    }

    /// <summary>Records buffered now.</summary>
    public int BufferedRecords => Volatile.Read(ref _records);

    /// <summary>The next buffered record without taking it, or false when none is buffered.</summary>
    public bool TryPeek(out ConsumeResult<byte[]?, byte[]?> record) => _buffer.Reader.TryPeek(out record!);

    /// <summary>Takes the record <see cref="TryPeek"/> returned.</summary>
    public void Take()
    {
        if (!_buffer.Reader.TryRead(out var taken)) return;
        var records = Interlocked.Decrement(ref _records);
        var bytes = Interlocked.Add(ref _bytes, -Size(taken));
        if (records <= _limits.Records / 2 && bytes <= _limits.Bytes / 2) _drained.Set();
    }

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

    private bool Full => Volatile.Read(ref _records) >= _limits.Records || Interlocked.Read(ref _bytes) >= _limits.Bytes;

    private void Pump()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (Full)
                {
                    // Blocks this thread until reads drain the buffer to half: that is the back-pressure.
                    _drained.Reset();
                    if (Full) _drained.Wait(stop);
                    continue;
                }
                var result = _consumer.Consume(stop);
                if (result?.Message is null) continue;
                Interlocked.Increment(ref _records);
                Interlocked.Add(ref _bytes, Size(result));
                _buffer.Writer.TryWrite(result);
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

    private static long Size(ConsumeResult<byte[]?, byte[]?> result) =>
        (result.Message.Key?.Length ?? 0) + (result.Message.Value?.Length ?? 0);

    public void Dispose()
    {
        _stop.Cancel();
        _pump.Join();
        _consumer.Dispose();
        _stop.Dispose();
        _drained.Dispose();
    }
}

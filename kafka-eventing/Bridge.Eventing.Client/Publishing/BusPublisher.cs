using System.Threading.Channels;
using Bridge.Eventing.Client.Sessions;

namespace Bridge.Eventing.Client.Publishing;

/// <summary>Settings of a <see cref="BusPublisher"/>.</summary>
public sealed record PublisherOptions
{
    /// <summary>Most records per write/ack round (default: 500).</summary>
    public int MaxBatchRecords { get; init; } = 500;

    /// <summary>Most key+value bytes per round, one record at least (default: 1 MiB).</summary>
    public int MaxBatchBytes { get; init; } = 1 << 20;

    /// <summary>Most records waiting to be sent; <see cref="BusPublisher.SendAsync"/> waits while this many are (default: 10,000).</summary>
    public int Capacity { get; init; } = 10_000;
}

/// <summary>
/// Publishes records to one topic through a write session: records queue in a bounded buffer
/// (back-pressure: sending waits when it is full), and one loop takes what is queued, up to a batch,
/// writes it and acknowledges it, and completes each record's task with where it landed. One batch
/// is in flight at a time, so records land in the order sent (per partition). When the bus refuses a
/// batch, or retries run out, its records fail with <see cref="BusException"/> and the publisher stops:
/// every later send fails with the same error (a batch whose Ack failed may still be published by
/// the bus, so carrying on could reorder it).
/// </summary>
public sealed class BusPublisher : IAsyncDisposable
{
    private readonly WriteSession _session;
    private readonly PublisherOptions _options;
    private readonly Channel<Pending> _queue;
    private readonly Task _loop;
    private Exception? _fault;

    internal BusPublisher(WriteSession session, PublisherOptions options)
    {
        _session = session;
        _options = options;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(Math.Max(1, options.Capacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The topic.</summary>
    public string Topic => _session.Topic;

    /// <summary>The write session's cursor as of its last Ack.</summary>
    public byte[] Cursor => _session.Cursor;

    /// <summary>Publishes <paramref name="record"/> and waits until the bus acknowledged it.</summary>
    /// <exception cref="BusException">The bus refused the batch, or retries ran out.</exception>
    public async Task<PublishResult> PublishAsync(OutgoingRecord record, CancellationToken cancellationToken = default) =>
        await await SendAsync(record, cancellationToken);

    /// <summary>
    /// Queues <paramref name="record"/>, waiting while the queue is full (back-pressure), and returns the
    /// task of its acknowledgement without waiting for it.
    /// </summary>
    /// <exception cref="BusException">The publisher stopped after an earlier failure.</exception>
    /// <exception cref="ObjectDisposedException">The publisher is disposed.</exception>
    public async ValueTask<Task<PublishResult>> SendAsync(OutgoingRecord record, CancellationToken cancellationToken = default)
    {
        if (_fault is not null) throw _fault;
        var pending = new Pending(record);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw _fault ?? new ObjectDisposedException(nameof(BusPublisher));
        }
        return pending.Done.Task;
    }

    /// <summary>Sends what is queued, waits for its acknowledgements, then disposes the write session.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        await _session.DisposeAsync();
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            long bytes = 0;
            while (batch.Count < _options.MaxBatchRecords && _queue.Reader.TryPeek(out var next))
            {
                var size = (long)(next.Record.Key?.Length ?? 0) + next.Record.Value.Length;
                if (batch.Count > 0 && bytes + size > _options.MaxBatchBytes) break;
                _queue.Reader.TryRead(out _);
                batch.Add(next);
                bytes += size;
            }
            try
            {
                var sequence = await _session.WriteAsync(batch.Select(p => p.Record).ToList());
                var results = await _session.AckAsync(sequence);
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
            }
            catch (Exception e)
            {
                // Whatever ends the round ends the publisher: no record is left waiting on a task that never completes.
                _fault = e;
                _queue.Writer.TryComplete(e);
                foreach (var pending in batch) pending.Done.TrySetException(e);
                while (_queue.Reader.TryRead(out var left)) left.Done.TrySetException(e);
                return;
            }
        }
    }

    private sealed class Pending(OutgoingRecord record)
    {
        public OutgoingRecord Record { get; } = record;
        public TaskCompletionSource<PublishResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

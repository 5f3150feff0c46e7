using Bridge.Kernel.Coordination.Etcd.Mvcc;
using Bridge.Kernel.Coordination.Etcd.Rpc;
using Bridge.Rpc;

namespace Bridge.Kernel.Coordination.Etcd;

/// <summary>
/// One watcher on its own Watch.Watch stream: the events on a key or range from a start revision, in revision order,
/// as etcd sends them (etcd v3 API, Watch: create, events, progress, cancel). Disposed, it cancels the stream.
/// </summary>
public sealed class EtcdWatch : IAsyncDisposable
{
    private readonly EtcdClient _client;
    private readonly RpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<WatchRequest, WatchResponse> _call;
    private readonly CancellationTokenSource _stop;

    private EtcdWatch(EtcdClient client, RpcChannel channel, AsyncDuplexStreamingCall<WatchRequest, WatchResponse> call, CancellationTokenSource stop)
    {
        _client = client;
        _channel = channel;
        _call = call;
        _stop = stop;
    }

    /// <summary>The watcher's id on its stream.</summary>
    public long WatchId { get; private set; }

    /// <summary>The store's revision when etcd created the watcher.</summary>
    public long CreatedRevision { get; private set; }

    internal static async Task<EtcdWatch> StartAsync(EtcdClient client, RpcChannel channel, WatchCreateRequest create, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var call = channel.CallInvoker.AsyncDuplexStreamingCall(EtcdClient.WatchMethod, new CallOptions(CancellationToken: stop.Token));
        var watch = new EtcdWatch(client, channel, call, stop);
        try
        {
            await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = create }, cancellationToken).ConfigureAwait(false);
            var first = await watch.ReadAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new EtcdUnavailableException($"etcd {channel.Address} Watch: the stream ended before the watch was created");
            if (!first.Created) throw new EtcdException($"etcd {channel.Address} Watch: expected the created answer, got watch {first.WatchId}", StatusCode.Internal);
            watch.Check(first);
            watch.WatchId = first.WatchId;
            watch.CreatedRevision = first.Header?.Revision ?? 0;
            return watch;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            // Our own cancellation (a master stopping) reached the stream first: a cancellation, not an etcd error.
            await watch.DisposeAsync().ConfigureAwait(false);
            throw new OperationCanceledException($"etcd {channel.Address} Watch: cancelled while creating the watch", e, cancellationToken);
        }
        catch
        {
            await watch.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The next events (one revision's, or more), waiting for them; progress notifications are skipped.
    /// </summary>
    /// <exception cref="EtcdCompactedException">The watch fell behind etcd's compaction and was cancelled.</exception>
    /// <exception cref="EtcdException">etcd cancelled the watch, or the stream broke (watch again from the next revision).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task<IReadOnlyList<Event>> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var response = await ReadAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new EtcdUnavailableException($"etcd {_channel.Address} Watch: the stream ended");
            Check(response);
            if (response.Events.Count > 0) return response.Events;
        }
    }

    private void Check(WatchResponse response)
    {
        if (response.CompactRevision > 0)
            throw new EtcdCompactedException($"etcd {_channel.Address} Watch: revision compacted; the oldest kept is {response.CompactRevision}", response.CompactRevision);
        if (response.Canceled)
            throw new EtcdException($"etcd {_channel.Address} Watch: cancelled{(response.CancelReason.Length > 0 ? ": " + response.CancelReason : "")}", StatusCode.Cancelled);
    }

    private async Task<WatchResponse?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false) ? _call.ResponseStream.Current : null;
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            if (e.StatusCode is StatusCode.Unavailable) _client.Failed(_channel);
            throw EtcdException.From(e, _channel.Address, "Watch");
        }
        catch (RpcException e)
        {
            throw new OperationCanceledException("etcd Watch: cancelled", e, cancellationToken);
        }
    }

    /// <summary>Cancels the stream.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _call.Dispose();
        _stop.Dispose();
    }
}

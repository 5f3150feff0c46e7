using Bridge.Kernel.Coordination.Etcd.Rpc;
using Bridge.Rpc;

namespace Bridge.Kernel.Coordination.Etcd;

/// <summary>
/// One Lease.LeaseKeepAlive stream (a bidirectional gRPC stream): each <see cref="RenewAsync"/> sends a keep-alive for
/// a lease and reads etcd's answer, the lease's renewed TTL. One renewal at a time. Disposed, it half-closes and
/// cancels the stream.
/// </summary>
public sealed class EtcdKeepAlive : IAsyncDisposable
{
    private readonly EtcdClient _client;
    private readonly RpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse> _call;
    private readonly CancellationTokenSource _stop = new();

    internal EtcdKeepAlive(EtcdClient client, RpcChannel channel)
    {
        _client = client;
        _channel = channel;
        _call = channel.CallInvoker.AsyncDuplexStreamingCall(EtcdClient.KeepAliveMethod, new CallOptions(CancellationToken: _stop.Token));
    }

    /// <summary>The endpoint the stream is open to.</summary>
    public Uri Endpoint => _channel.Address;

    /// <summary>Renews lease <paramref name="id"/>: its new TTL in seconds, or 0 when etcd no longer has the lease
    /// (expired or revoked: etcd answers a keep-alive for an unknown lease with TTL 0).</summary>
    /// <exception cref="EtcdException">The stream broke (the client then tries the next endpoint for new streams).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task<long> RenewAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            await _call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = id }, cancellationToken).ConfigureAwait(false);
            while (await _call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                if (_call.ResponseStream.Current.ID == id) return Math.Max(0, _call.ResponseStream.Current.TTL);
            throw new EtcdUnavailableException($"etcd {Endpoint} LeaseKeepAlive: the stream ended");
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            _client.Failed(_channel);
            throw EtcdException.From(e, Endpoint, "LeaseKeepAlive");
        }
        catch (RpcException e)
        {
            throw new OperationCanceledException("etcd LeaseKeepAlive: cancelled", e, cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            // A write after the stream completed.
            _client.Failed(_channel);
            throw new EtcdUnavailableException($"etcd {Endpoint} LeaseKeepAlive: {e.Message}", e);
        }
    }

    /// <summary>Half-closes and cancels the stream.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        _call.Dispose();
        _stop.Dispose();
    }
}

using Bridge.Kernel.Coordination.Etcd.Mvcc;
using Bridge.Kernel.Coordination.Etcd.Rpc;
using Bridge.Rpc;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Bridge.Kernel.Coordination.Etcd;

/// <summary>Settings of an <see cref="EtcdClient"/>.</summary>
public sealed record EtcdClientOptions
{
    /// <summary>How long one unary call may take on one endpoint before the next is tried (default 2 s).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// A client of etcd's v3 gRPC API (etcd 3.4+: <c>etcdserverpb.KV</c>, <c>Lease</c>, <c>Watch</c>, <c>Maintenance</c>)
/// over Bridge.Rpc. Unary calls go to the current endpoint and, when it does not answer (UNAVAILABLE, or nothing in
/// <see cref="EtcdClientOptions.CallTimeout"/>), to the next, each endpoint tried once per call; streams (lease
/// keep-alive, watch) open on the current endpoint and their owners reopen them. Keys and values are bytes; the
/// helpers take keys as UTF-8 text. Thread-safe.
/// </summary>
/// <remarks>Errors: etcd's answers become <see cref="EtcdException"/> and its subclasses
/// (<see cref="EtcdException.From"/>); a call no endpoint answered is an <see cref="EtcdUnavailableException"/>.</remarks>
public sealed class EtcdClient : IDisposable
{
    private static readonly FileDescriptor Rpc = RpcReflection.Descriptor;
    private static readonly Method<RangeRequest, RangeResponse> RangeMethod = MethodOf<RangeRequest, RangeResponse>("KV", "Range");
    private static readonly Method<PutRequest, PutResponse> PutMethod = MethodOf<PutRequest, PutResponse>("KV", "Put");
    private static readonly Method<DeleteRangeRequest, DeleteRangeResponse> DeleteMethod = MethodOf<DeleteRangeRequest, DeleteRangeResponse>("KV", "DeleteRange");
    private static readonly Method<TxnRequest, TxnResponse> TxnMethod = MethodOf<TxnRequest, TxnResponse>("KV", "Txn");
    private static readonly Method<CompactionRequest, CompactionResponse> CompactMethod = MethodOf<CompactionRequest, CompactionResponse>("KV", "Compact");
    private static readonly Method<LeaseGrantRequest, LeaseGrantResponse> GrantMethod = MethodOf<LeaseGrantRequest, LeaseGrantResponse>("Lease", "LeaseGrant");
    private static readonly Method<LeaseRevokeRequest, LeaseRevokeResponse> RevokeMethod = MethodOf<LeaseRevokeRequest, LeaseRevokeResponse>("Lease", "LeaseRevoke");
    private static readonly Method<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse> TimeToLiveMethod = MethodOf<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse>("Lease", "LeaseTimeToLive");
    private static readonly Method<StatusRequest, StatusResponse> StatusMethod = MethodOf<StatusRequest, StatusResponse>("Maintenance", "Status");
    internal static readonly Method<LeaseKeepAliveRequest, LeaseKeepAliveResponse> KeepAliveMethod = MethodOf<LeaseKeepAliveRequest, LeaseKeepAliveResponse>("Lease", "LeaseKeepAlive");
    internal static readonly Method<WatchRequest, WatchResponse> WatchMethod = MethodOf<WatchRequest, WatchResponse>("Watch", "Watch");

    private readonly RpcChannel[] _channels;
    private int _current;

    /// <summary>A client of the etcd members at <paramref name="endpoints"/> (<c>http://host:port</c>, etcd's client URLs).</summary>
    /// <exception cref="ArgumentException">No endpoint, or one that is not an absolute http(s) URI.</exception>
    public EtcdClient(IEnumerable<Uri> endpoints, EtcdClientOptions? options = null)
    {
        _channels = [.. endpoints.Select(e => RpcChannel.ForAddress(e))];
        if (_channels.Length == 0) throw new ArgumentException("etcd: at least one endpoint is needed", nameof(endpoints));
        Options = options ?? new EtcdClientOptions();
    }

    /// <summary>
    /// Parses etcd's endpoint list as <c>etcdctl --endpoints</c> takes it: comma-separated <c>http://host:port</c>
    /// (a bare <c>host:port</c> means http).
    /// </summary>
    /// <exception cref="FormatException">An endpoint is not a URI with a host and port.</exception>
    public static IReadOnlyList<Uri> ParseEndpoints(string endpoints)
    {
        var list = new List<Uri>();
        foreach (var part in endpoints.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var text = part.Contains("://", StringComparison.Ordinal) ? part : "http://" + part;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || uri.IsDefaultPort || uri.AbsolutePath != "/")
                throw new FormatException($"etcd endpoint '{part}' is not http://HOST:PORT");
            list.Add(uri);
        }
        if (list.Count == 0) throw new FormatException("etcd endpoints: none given");
        return list;
    }

    /// <summary>The client's settings.</summary>
    public EtcdClientOptions Options { get; }

    /// <summary>The endpoints, in the order they are tried.</summary>
    public IReadOnlyList<Uri> Endpoints => [.. _channels.Select(c => c.Address)];

    /// <summary>The endpoint calls go to now (it moves to the next when one does not answer).</summary>
    public Uri CurrentEndpoint => Channel.Address;

    internal RpcChannel Channel => _channels[Volatile.Read(ref _current) % _channels.Length];

    /// <summary>KV.Range: keys in <c>[key, range_end)</c> as <paramref name="request"/> asks.</summary>
    /// <exception cref="EtcdException">etcd refused it (e.g. <see cref="EtcdCompactedException"/> for an old revision).</exception>
    public Task<RangeResponse> RangeAsync(RangeRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(RangeMethod, request, cancellationToken);

    /// <summary>The key-value of <paramref name="key"/>, or null when it does not exist.</summary>
    /// <exception cref="EtcdException">etcd refused the read, or no endpoint answered.</exception>
    public async Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        (await RangeAsync(new RangeRequest { Key = EtcdKeys.Of(key) }, cancellationToken)).Kvs.FirstOrDefault();

    /// <summary>Every key starting with <paramref name="prefix"/>, in key order.</summary>
    /// <exception cref="EtcdException">etcd refused the read, or no endpoint answered.</exception>
    public Task<RangeResponse> GetPrefixAsync(string prefix, CancellationToken cancellationToken = default) =>
        RangeAsync(new RangeRequest { Key = EtcdKeys.Of(prefix), RangeEnd = EtcdKeys.PrefixEnd(prefix) }, cancellationToken);

    /// <summary>KV.Put of <paramref name="value"/> at <paramref name="key"/>, attached to <paramref name="lease"/> (0: none).</summary>
    /// <exception cref="EtcdLeaseNotFoundException">The lease does not exist.</exception>
    /// <exception cref="EtcdException">etcd refused the write, or no endpoint answered.</exception>
    public Task<PutResponse> PutAsync(string key, ByteString value, long lease = 0, CancellationToken cancellationToken = default) =>
        CallAsync(PutMethod, new PutRequest { Key = EtcdKeys.Of(key), Value = value, Lease = lease }, cancellationToken);

    /// <summary>KV.Put of UTF-8 text.</summary>
    /// <exception cref="EtcdException">etcd refused the write, or no endpoint answered.</exception>
    public Task<PutResponse> PutAsync(string key, string value, long lease = 0, CancellationToken cancellationToken = default) =>
        PutAsync(key, ByteString.CopyFromUtf8(value), lease, cancellationToken);

    /// <summary>KV.DeleteRange of one key; the response says how many were deleted (0 or 1).</summary>
    /// <exception cref="EtcdException">etcd refused the write, or no endpoint answered.</exception>
    public Task<DeleteRangeResponse> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        CallAsync(DeleteMethod, new DeleteRangeRequest { Key = EtcdKeys.Of(key) }, cancellationToken);

    /// <summary>KV.DeleteRange of every key starting with <paramref name="prefix"/>.</summary>
    /// <exception cref="EtcdException">etcd refused the write, or no endpoint answered.</exception>
    public Task<DeleteRangeResponse> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default) =>
        CallAsync(DeleteMethod, new DeleteRangeRequest { Key = EtcdKeys.Of(prefix), RangeEnd = EtcdKeys.PrefixEnd(prefix) }, cancellationToken);

    /// <summary>KV.Txn: if every compare holds, the success operations, else the failure ones, atomically in one revision.</summary>
    /// <exception cref="EtcdException">etcd refused it (e.g. the same key written twice, too many operations), or no endpoint answered.</exception>
    public Task<TxnResponse> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(TxnMethod, request, cancellationToken);

    /// <summary>KV.Compact: drops the history before <paramref name="revision"/> (reads and watches of older revisions
    /// then fail with <see cref="EtcdCompactedException"/>).</summary>
    /// <exception cref="EtcdException">etcd refused it (a revision already compacted, or in the future), or no endpoint answered.</exception>
    public Task CompactAsync(long revision, CancellationToken cancellationToken = default) =>
        CallAsync(CompactMethod, new CompactionRequest { Revision = revision, Physical = true }, cancellationToken);

    /// <summary>Lease.LeaseGrant of a lease of <paramref name="ttl"/> (whole seconds, at least 1); etcd may grant more (its
    /// minimum TTL is 1.5 election timeouts, 2 s with its default settings). Returns the id and the granted TTL in seconds.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ttl"/> is under one second.</exception>
    /// <exception cref="EtcdException">etcd refused it, or no endpoint answered.</exception>
    public async Task<(long Id, long TtlSeconds)> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.FromSeconds(1));
        var response = await CallAsync(GrantMethod, new LeaseGrantRequest { TTL = (long)Math.Ceiling(ttl.TotalSeconds) }, cancellationToken);
        if (response.Error.Length > 0) throw new EtcdException($"etcd {CurrentEndpoint} LeaseGrant: {response.Error}", StatusCode.FailedPrecondition);
        return (response.ID, response.TTL);
    }

    /// <summary>Lease.LeaseRevoke: ends the lease and deletes every key attached to it.</summary>
    /// <exception cref="EtcdLeaseNotFoundException">The lease had already expired or been revoked.</exception>
    /// <exception cref="EtcdException">etcd refused it, or no endpoint answered.</exception>
    public Task RevokeLeaseAsync(long id, CancellationToken cancellationToken = default) =>
        CallAsync(RevokeMethod, new LeaseRevokeRequest { ID = id }, cancellationToken);

    /// <summary>Lease.LeaseTimeToLive: seconds left (−1 when the lease has expired or never existed) and, with
    /// <paramref name="keys"/>, the keys attached.</summary>
    /// <exception cref="EtcdException">etcd refused it, or no endpoint answered.</exception>
    public Task<LeaseTimeToLiveResponse> TimeToLiveAsync(long id, bool keys = false, CancellationToken cancellationToken = default) =>
        CallAsync(TimeToLiveMethod, new LeaseTimeToLiveRequest { ID = id, Keys = keys }, cancellationToken);

    /// <summary>Maintenance.Status of the current endpoint's member (version, raft leader, db size).</summary>
    /// <exception cref="EtcdException">No endpoint answered.</exception>
    public Task<StatusResponse> StatusAsync(CancellationToken cancellationToken = default) =>
        CallAsync(StatusMethod, new StatusRequest(), cancellationToken);

    /// <summary>Opens a lease keep-alive stream (Lease.LeaseKeepAlive) on the current endpoint.</summary>
    public EtcdKeepAlive OpenKeepAlive() => new(this, Channel);

    /// <summary>
    /// Starts a watch (Watch.Watch with one create request) on the current endpoint and waits for etcd to confirm it.
    /// </summary>
    /// <remarks>A <c>start_revision</c> older than etcd's last compaction is confirmed, then cancelled: the first
    /// <see cref="EtcdWatch.NextAsync"/> throws <see cref="EtcdCompactedException"/>.</remarks>
    /// <exception cref="EtcdException">etcd refused the watch (its reason is in the message), or no endpoint answered.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before etcd confirmed the watch.</exception>
    public Task<EtcdWatch> WatchAsync(WatchCreateRequest request, CancellationToken cancellationToken = default) =>
        EtcdWatch.StartAsync(this, Channel, request, cancellationToken);

    /// <summary>Moves to the next endpoint after <paramref name="failed"/> did not answer (once per failure, not per caller).</summary>
    internal void Failed(RpcChannel failed)
    {
        var index = Array.IndexOf(_channels, failed);
        if (index >= 0) Interlocked.CompareExchange(ref _current, (index + 1) % _channels.Length, index);
    }

    private async Task<TResponse> CallAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        RpcException? last = null;
        for (var attempt = 0; attempt < _channels.Length; attempt++)
        {
            var channel = Channel;
            try
            {
                using var call = channel.CallInvoker.AsyncUnaryCall(method,
                    new CallOptions(Deadline: DateTime.UtcNow + Options.CallTimeout, CancellationToken: cancellationToken), request);
                return await call.ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && !cancellationToken.IsCancellationRequested)
            {
                last = e;
                Failed(channel);
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw EtcdException.From(e, channel.Address, method.Name);
            }
            catch (RpcException e)
            {
                throw new OperationCanceledException($"etcd {method.Name}: cancelled", e, cancellationToken);
            }
        }
        throw new EtcdUnavailableException(
            $"etcd {string.Join(",", _channels.Select(c => c.Address))} {method.Name}: no endpoint answered ({last?.Status.Detail})", last);
    }

    private static Method<TRequest, TResponse> MethodOf<TRequest, TResponse>(string service, string name)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse> =>
        Method<TRequest, TResponse>.FromDescriptor(Rpc.FindTypeByName<ServiceDescriptor>(service).FindMethodByName(name));

    /// <summary>Closes every endpoint's connection.</summary>
    public void Dispose()
    {
        foreach (var channel in _channels) channel.Dispose();
    }
}

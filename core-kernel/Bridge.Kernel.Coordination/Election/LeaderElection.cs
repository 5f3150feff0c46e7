using System.Runtime.CompilerServices;
using Bridge.Kernel.Coordination.Etcd;
using Bridge.Kernel.Coordination.Etcd.Mvcc;
using Bridge.Kernel.Coordination.Etcd.Rpc;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Kernel.Coordination.Election;

/// <summary>Settings of a <see cref="LeaderElection"/>.</summary>
public sealed record LeaderElectionOptions
{
    /// <summary>
    /// The candidates' lease TTL (default 5 s; whole seconds). A leader that dies is replaced about this long after
    /// (etcd expires its lease); a leader cut off from etcd stops acting a tenth of it before the lease can expire.
    /// Shorter fails over faster but steps down on shorter etcd hiccups; etcd's own minimum is 1.5 election timeouts
    /// (2 s with etcd's defaults, 1 s with <c>--heartbeat-interval 50 --election-timeout 250</c>).
    /// </summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock for lease deadlines and retry pauses.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where election events are logged.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}

/// <summary>Who leads: the leader's value (a master puts its address) and its key's create revision.</summary>
public sealed record LeaderInfo(string Value, string Key, long Revision);

/// <summary>
/// Leader election on etcd, etcd's own recipe (<c>clientv3/concurrency.Election</c>): each candidate puts
/// <c>PREFIX/LEASE-ID-in-hex</c> under its lease (only if the key does not exist); the candidate whose key has the
/// lowest create revision leads; the others each wait for the deletion of the key created just before theirs, so a
/// departure wakes exactly one candidate. Leadership ends when the key is deleted (resign) or the lease may have
/// expired (<see cref="LeaseSession"/>).
/// </summary>
public sealed class LeaderElection(EtcdClient client, string prefix, LeaderElectionOptions? options = null)
{
    private readonly LeaderElectionOptions _options = options ?? new LeaderElectionOptions();
    private readonly string _prefix = prefix.TrimEnd('/') + "/";

    /// <summary>The key prefix under which candidates put their keys (ends with <c>/</c>).</summary>
    public string Prefix => _prefix;

    /// <summary>
    /// Campaigns with <paramref name="value"/> until this candidate leads: its lease is granted and its key put, then
    /// it waits for every earlier candidate's key to go. Returns the <see cref="Leadership"/>, whose
    /// <see cref="Leadership.Lost"/> says when to stop acting.
    /// </summary>
    /// <exception cref="EtcdException">etcd failed; the candidate's key is gone with its lease (campaign again).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired; the candidacy is withdrawn.</exception>
    public async Task<Leadership> CampaignAsync(string value, CancellationToken cancellationToken = default)
    {
        var session = await LeaseSession.StartAsync(client, _options.Ttl, _options.TimeProvider, _options.Logger, cancellationToken).ConfigureAwait(false);
        try
        {
            using var campaign = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Lost);
            var key = $"{_prefix}{session.LeaseId:x}";
            var put = await client.TxnAsync(new TxnRequest
            {
                Compare = { new Compare { Key = EtcdKeys.Of(key), Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 } },
                Success = { new RequestOp { RequestPut = new PutRequest { Key = EtcdKeys.Of(key), Value = ByteString.CopyFromUtf8(value), Lease = session.LeaseId } } },
                Failure = { new RequestOp { RequestRange = new RangeRequest { Key = EtcdKeys.Of(key) } } },
            }, campaign.Token).ConfigureAwait(false);
            var revision = put.Succeeded ? put.Header.Revision : put.Responses[0].ResponseRange.Kvs[0].CreateRevision;
            await WaitForEarlierCandidatesAsync(revision, campaign.Token).ConfigureAwait(false);
            var leadership = new Leadership(client, session, key, value, revision, _options.Logger);
            await leadership.StartWatchingAsync().ConfigureAwait(false);
            _options.Logger.LogInformation("Elected leader under {Prefix} (key {Key}, revision {Revision}, lease TTL {Ttl} s)", _prefix, key, revision, session.Ttl.TotalSeconds);
            return leadership;
        }
        catch (Exception e)
        {
            var reason = session.LostReason;
            await session.DisposeAsync().ConfigureAwait(false);
            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
                throw new EtcdException($"etcd election {_prefix}: the candidate's lease was lost while campaigning ({reason})", Bridge.Rpc.StatusCode.Aborted, e);
            throw;
        }
    }

    /// <summary>The current leader (the key with the lowest create revision under the prefix), or null when none.</summary>
    /// <exception cref="EtcdException">etcd failed.</exception>
    public async Task<LeaderInfo?> LeaderAsync(CancellationToken cancellationToken = default) =>
        (await LeaderWithRevisionAsync(cancellationToken).ConfigureAwait(false)).Leader;

    /// <summary>
    /// Who leads, now and on every change (null while no one does), until <paramref name="cancellationToken"/> fires;
    /// etcd errors are retried every <paramref name="retry"/> (default 200 ms), so the sequence only ends by cancellation.
    /// </summary>
    public async IAsyncEnumerable<LeaderInfo?> ObserveAsync(TimeSpan? retry = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        LeaderInfo? last = null;
        var first = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            (LeaderInfo? Leader, long Revision) now;
            EtcdWatch? watch = null;
            try
            {
                now = await LeaderWithRevisionAsync(cancellationToken).ConfigureAwait(false);
                watch = await client.WatchAsync(new WatchCreateRequest { Key = EtcdKeys.Of(_prefix), RangeEnd = EtcdKeys.PrefixEnd(_prefix), StartRevision = now.Revision + 1 },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (EtcdException e)
            {
                _options.Logger.LogDebug("etcd election {Prefix}: observing failed ({Error}); retrying", _prefix, e.Message);
                if (watch is not null) await watch.DisposeAsync().ConfigureAwait(false);
                await Task.Delay(retry ?? TimeSpan.FromMilliseconds(200), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }
            await using (watch)
            {
                if (first || now.Leader != last) yield return last = now.Leader;
                first = false;
                try
                {
                    await watch.NextAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (EtcdException)
                {
                    // Read again below (the stream broke or fell behind compaction).
                }
            }
        }
    }

    private async Task<(LeaderInfo? Leader, long Revision)> LeaderWithRevisionAsync(CancellationToken cancellationToken)
    {
        var range = await client.RangeAsync(new RangeRequest
        {
            Key = EtcdKeys.Of(_prefix), RangeEnd = EtcdKeys.PrefixEnd(_prefix), Limit = 1,
            SortTarget = RangeRequest.Types.SortTarget.Create, SortOrder = RangeRequest.Types.SortOrder.Ascend,
        }, cancellationToken).ConfigureAwait(false);
        var kv = range.Kvs.FirstOrDefault();
        return (kv is null ? null : new LeaderInfo(kv.Value.ToStringUtf8(), EtcdKeys.Text(kv.Key), kv.CreateRevision), range.Header.Revision);
    }

    /// <summary>Waits until no key under the prefix was created before <paramref name="revision"/> (etcd's waitDeletes).</summary>
    private async Task WaitForEarlierCandidatesAsync(long revision, CancellationToken cancellationToken)
    {
        while (true)
        {
            var range = await client.RangeAsync(new RangeRequest
            {
                Key = EtcdKeys.Of(_prefix), RangeEnd = EtcdKeys.PrefixEnd(_prefix), Limit = 1, MaxCreateRevision = revision - 1,
                SortTarget = RangeRequest.Types.SortTarget.Create, SortOrder = RangeRequest.Types.SortOrder.Descend,
            }, cancellationToken).ConfigureAwait(false);
            if (range.Kvs.Count == 0) return;
            var before = range.Kvs[0];
            await using var watch = await client.WatchAsync(new WatchCreateRequest
            {
                Key = before.Key, StartRevision = range.Header.Revision + 1,
                Filters = { WatchCreateRequest.Types.FilterType.Noput },
            }, cancellationToken).ConfigureAwait(false);
            // Any event here is the deletion of the candidate before this one.
            await watch.NextAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// This candidate leads. <see cref="Lost"/> fires the moment it must stop acting: its lease may have expired
/// (<see cref="LeaseSession.Lost"/>), or its key was deleted. <see cref="Guard"/> is the compare to put in every
/// transaction that must only land while this leadership holds.
/// </summary>
public sealed class Leadership : IAsyncDisposable
{
    private readonly EtcdClient _client;
    private readonly LeaseSession _session;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _lost;
    private readonly CancellationTokenSource _stop = new();
    private Task _watching = Task.CompletedTask;
    private string? _keyGone;

    internal Leadership(EtcdClient client, LeaseSession session, string key, string value, long revision, ILogger log)
    {
        _client = client;
        _session = session;
        _log = log;
        Key = key;
        Value = value;
        Revision = revision;
        _lost = CancellationTokenSource.CreateLinkedTokenSource(session.Lost);
    }

    /// <summary>The leader's key, <c>PREFIX/LEASE-ID-in-hex</c>.</summary>
    public string Key { get; }

    /// <summary>The value campaigned with.</summary>
    public string Value { get; }

    /// <summary>The key's create revision: the leadership's identity (a later leader's is higher).</summary>
    public long Revision { get; }

    /// <summary>The lease the key lives under.</summary>
    public long LeaseId => _session.LeaseId;

    /// <summary>Before this moment (on the election's clock) the lease surely lives; it moves with every answered renewal.</summary>
    public DateTimeOffset ExpiresBy => _session.ExpiresBy;

    /// <summary>Whether this leadership surely still holds now (see <see cref="LeaseSession.Holds"/>): a synchronous check
    /// that does not wait for <see cref="Lost"/>'s timer.</summary>
    public bool Holds => !_lost.IsCancellationRequested && _session.Holds;

    /// <summary>Fires once when this leadership has ended or may have; never un-fires.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Why <see cref="Lost"/> fired (null before).</summary>
    public string? LostReason => _keyGone ?? _session.LostReason;

    /// <summary>When the lease session declared the lease lost, on the election's clock (null while it holds).</summary>
    public DateTimeOffset? LeaseLostAt => _session.LostAt;

    /// <summary>A compare that holds only while the leader key is this leadership's: create revision equal to
    /// <see cref="Revision"/>. A transaction with it fails once the key was deleted or re-created.</summary>
    public Compare Guard => new()
    {
        Key = EtcdKeys.Of(Key), Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = Revision,
    };

    internal async Task StartWatchingAsync()
    {
        var watch = await _client.WatchAsync(new WatchCreateRequest { Key = EtcdKeys.Of(Key), StartRevision = Revision + 1, Filters = { WatchCreateRequest.Types.FilterType.Noput } },
            _lost.Token).ConfigureAwait(false);
        _watching = Task.Run(async () =>
        {
            await using (watch)
            {
                try
                {
                    await watch.NextAsync(_stop.Token).ConfigureAwait(false);
                    _keyGone = "the leader key was deleted";
                    _log.LogWarning("Leadership {Key} lost: {Reason}", Key, _keyGone);
                    await _lost.CancelAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                catch (EtcdException e)
                {
                    // The watch broke: the lease deadline still guards; losing the watch alone is not losing the key.
                    _log.LogDebug("Leadership {Key}: the key watch ended ({Error})", Key, e.Message);
                }
            }
        });
    }

    /// <summary>Steps down: deletes the key if it is still this leadership's (the next candidate takes over at once) and
    /// revokes the lease. <see cref="Lost"/> fires.</summary>
    public async Task ResignAsync(CancellationToken cancellationToken = default)
    {
        await _lost.CancelAsync().ConfigureAwait(false);
        try
        {
            await _client.TxnAsync(new TxnRequest { Compare = { Guard }, Success = { new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = EtcdKeys.Of(Key) } } } },
                cancellationToken).ConfigureAwait(false);
        }
        catch (EtcdException e)
        {
            _log.LogDebug("Leadership {Key}: resign could not delete the key ({Error}); the lease's end will", Key, e.Message);
        }
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops watching and closes the session (revoking the lease, which deletes the key).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _lost.CancelAsync().ConfigureAwait(false);
        await _watching.ConfigureAwait(false);
        await _session.DisposeAsync().ConfigureAwait(false);
    }
}

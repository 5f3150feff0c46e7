using Bridge.Kernel.Coordination.Etcd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Kernel.Coordination.Election;

/// <summary>
/// A lease kept alive (etcd's <c>concurrency.Session</c>): granted with a TTL, renewed every third of it on a keep-alive
/// stream (reopened on the next endpoint when one breaks), and declared <see cref="Lost"/> the moment etcd may have
/// let it expire.
/// </summary>
/// <remarks>
/// When lost: etcd expires a lease TTL after the last renewal it received, which is after the renewal was sent; so
/// the lease surely lives until <em>send time of the last answered renewal + TTL</em>. The session fires
/// <see cref="Lost"/> a tenth of the TTL before that deadline (measured on the injected <see cref="TimeProvider"/>),
/// unless a renewal has moved it, and at once when etcd says the lease is gone (TTL 0). A holder that stops acting
/// when <see cref="Lost"/> fires has stopped before any other candidate can take over the lease's keys.
/// </remarks>
public sealed class LeaseSession : IAsyncDisposable
{
    private readonly EtcdClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ITimer _deadlineTimer;
    private readonly Task _loop;
    private DateTimeOffset _expiresBy;

    private LeaseSession(EtcdClient client, long id, TimeSpan ttl, DateTimeOffset sentAt, TimeProvider time, ILogger log)
    {
        _client = client;
        _time = time;
        _log = log;
        LeaseId = id;
        Ttl = ttl;
        _deadlineTimer = time.CreateTimer(_ => Lose("no keep-alive was answered within the lease's TTL"), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Extend(sentAt);
        _loop = Task.Run(KeepAliveLoopAsync);
    }

    /// <summary>The lease's id.</summary>
    public long LeaseId { get; }

    /// <summary>The TTL etcd granted (whole seconds; at least what was asked).</summary>
    public TimeSpan Ttl { get; }

    /// <summary>Fires once, when the lease may have expired or is known gone (see remarks); never un-fires.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Why <see cref="Lost"/> fired (null before).</summary>
    public string? LostReason { get; private set; }

    /// <summary>When <see cref="Lost"/> fired, on the injected clock (null before).</summary>
    public DateTimeOffset? LostAt { get; private set; }

    /// <summary>The moment (on the injected clock) before which the lease surely lives: the last answered renewal's send
    /// time plus <see cref="Ttl"/>.</summary>
    public DateTimeOffset ExpiresBy => _expiresBy;

    /// <summary>Whether the lease surely still lives now: <see cref="Lost"/> has not fired and the clock is before the
    /// step-down deadline (<see cref="ExpiresBy"/> less a tenth of the TTL). Read synchronously, so an act checked with it
    /// cannot outlive the lease even when the timer that fires <see cref="Lost"/> runs late on a loaded machine.</summary>
    public bool Holds => !_lost.IsCancellationRequested && _time.GetUtcNow() < _expiresBy - Ttl / 10;

    /// <summary>Grants a lease of <paramref name="ttl"/> and starts keeping it alive.</summary>
    /// <exception cref="EtcdException">The grant failed (no endpoint answered, or etcd refused it).</exception>
    public static async Task<LeaseSession> StartAsync(EtcdClient client, TimeSpan ttl, TimeProvider? time = null, ILogger? log = null,
        CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        var sentAt = time.GetUtcNow();
        var (id, granted) = await client.GrantLeaseAsync(ttl, cancellationToken).ConfigureAwait(false);
        return new LeaseSession(client, id, TimeSpan.FromSeconds(granted), sentAt, time, log ?? NullLogger.Instance);
    }

    private void Extend(DateTimeOffset sentAt)
    {
        _expiresBy = sentAt + Ttl;
        var due = _expiresBy - Ttl / 10 - _time.GetUtcNow();
        _deadlineTimer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private async Task KeepAliveLoopAsync()
    {
        EtcdKeepAlive? stream = null;
        try
        {
            while (!_lost.IsCancellationRequested && !_stop.IsCancellationRequested)
            {
                await Task.Delay(Ttl / 3, _time, _stop.Token).ConfigureAwait(false);
                // Renew until it works or the lease may be gone; a broken stream is reopened (on the next endpoint).
                while (!_lost.IsCancellationRequested)
                {
                    using var attempt = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, _lost.Token);
                    attempt.CancelAfter(_client.Options.CallTimeout);
                    var sentAt = _time.GetUtcNow();
                    try
                    {
                        stream ??= _client.OpenKeepAlive();
                        var ttl = await stream.RenewAsync(LeaseId, attempt.Token).ConfigureAwait(false);
                        if (ttl <= 0)
                        {
                            Lose("etcd says the lease no longer exists");
                            return;
                        }
                        Extend(sentAt);
                        break;
                    }
                    catch (Exception e) when (e is EtcdException or OperationCanceledException && !_stop.IsCancellationRequested)
                    {
                        _log.LogWarning("etcd lease {Lease:x}: keep-alive failed ({Error}); {Left:F1} s of the lease are surely left",
                            LeaseId, e.Message, (_expiresBy - _time.GetUtcNow()).TotalSeconds);
                        if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
                        stream = null;
                        await Task.Delay(TimeSpan.FromMilliseconds(100), _time, _stop.Token).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        finally
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Lose(string reason)
    {
        lock (_lost)
        {
            if (_lost.IsCancellationRequested) return;
            LostReason = reason;
            LostAt = _time.GetUtcNow();
        }
        _log.LogWarning("etcd lease {Lease:x} lost: {Reason}", LeaseId, reason);
        _lost.Cancel();
    }

    /// <summary>Stops renewing and revokes the lease, which deletes its keys at once (best effort: a lease that cannot
    /// be revoked expires by itself within its TTL). <see cref="Lost"/> fires.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await _deadlineTimer.DisposeAsync().ConfigureAwait(false);
        Lose("the session was closed");
        try
        {
            using var timeout = new CancellationTokenSource(_client.Options.CallTimeout);
            await _client.RevokeLeaseAsync(LeaseId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is EtcdException or OperationCanceledException)
        {
            _log.LogDebug("etcd lease {Lease:x}: revoke failed ({Error}); it expires by itself", LeaseId, e.Message);
        }
    }
}

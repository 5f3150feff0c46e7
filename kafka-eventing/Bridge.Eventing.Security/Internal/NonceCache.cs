namespace Bridge.Eventing.Security.Internal;

/// <summary>What <see cref="NonceCache.TryAdd"/> did.</summary>
internal enum NonceAdd
{
    Added,
    Replayed,
    Full,
}

/// <summary>
/// The nonces of accepted requests, each kept until its request's timestamp leaves the acceptance
/// window (so a replay is refused as long as its timestamp would still pass, and after that the
/// timestamp alone refuses it). Bounded: when <c>capacity</c> live nonces are held, new ones are
/// refused (<see cref="NonceAdd.Full"/>) rather than old ones forgotten early, which would open a
/// replay hole. One lock around a hash set and a min-heap by expiry: each call costs O(log n) plus
/// the expired entries it removes, well below the HMAC it follows. About 85 bytes a nonce (measured),
/// so ~85 MB at the default 1,000,000.
/// </summary>
internal sealed class NonceCache(int capacity)
{
    private readonly object _gate = new();
    private readonly HashSet<UInt128> _live = new();
    private readonly PriorityQueue<UInt128, long> _byExpiry = new();

    public int Capacity { get; } = capacity;

    public int Count
    {
        get { lock (_gate) return _live.Count; }
    }

    /// <summary>Records <paramref name="nonce"/> until <paramref name="expiresAtMs"/> (inclusive), first dropping nonces expired at <paramref name="nowMs"/>.</summary>
    public NonceAdd TryAdd(UInt128 nonce, long expiresAtMs, long nowMs)
    {
        lock (_gate)
        {
            while (_byExpiry.TryPeek(out var old, out var expiry) && expiry < nowMs)
            {
                _byExpiry.Dequeue();
                _live.Remove(old);
            }
            if (_live.Contains(nonce)) return NonceAdd.Replayed;
            if (_live.Count >= Capacity) return NonceAdd.Full;
            _live.Add(nonce);
            _byExpiry.Enqueue(nonce, expiresAtMs);
            return NonceAdd.Added;
        }
    }
}

using Bridge.Eventing.V1;

namespace Bridge.Eventing.Bus.Backend;

/// <summary>
/// What the read and write sessions of a node share: id, topic, a gate that serialises the
/// session's calls (its state machine is single-threaded), and when it was last used.
/// </summary>
internal abstract class BusSession(string id, string topic, IReadOnlyList<int> partitions, TimeProvider time) : IDisposable
{
    private long _lastUsed = time.GetTimestamp();

    public string Id { get; } = id;

    public string Topic { get; } = topic;

    /// <summary>The session's partitions (read) or the topic's (write), as at allocation.</summary>
    public IReadOnlyList<int> Partitions { get; } = partitions;

    public abstract SessionMode Mode { get; }

    /// <summary>Serialises the session's calls.</summary>
    protected SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Marks the session used now.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastUsed, time.GetTimestamp());

    /// <summary>Time since the last call began or ended.</summary>
    public TimeSpan Idle => time.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    /// <summary>Runs <paramref name="call"/> alone among the session's calls.</summary>
    protected async Task<T> SerialisedAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            return await call();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Frees what the session holds (the gate is left alone: a call may still be waiting on it).</summary>
    public abstract void Dispose();
}

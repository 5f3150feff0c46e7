using System.Collections.Concurrent;
using Bridge.Eventing.Bus.Spill;

namespace Bridge.Eventing.Bus.Backend;

/// <summary>
/// A node's publishes in flight: what its shutdown waits for, and spills when the wait runs out.
/// </summary>
internal sealed class InFlightPublishes
{
    private readonly ConcurrentDictionary<PublishOperation, byte> _operations = new();

    /// <summary>Publishes in flight now.</summary>
    public int Count => _operations.Count;

    /// <summary>Tracks <paramref name="operation"/> until the returned handle is disposed.</summary>
    public IDisposable Track(PublishOperation operation)
    {
        _operations[operation] = 0;
        return new Untrack(this, operation);
    }

    /// <summary>Waits until every publish in flight now has ended, or <paramref name="timeout"/> passes.</summary>
    /// <returns>True when they all ended.</returns>
    public async Task<bool> DrainAsync(TimeSpan timeout, TimeProvider time)
    {
        var pending = _operations.Keys.Select(o => (Task)o.End).ToList();
        if (pending.Count == 0) return true;
        var all = Task.WhenAll(pending);
        var done = await Task.WhenAny(all, Task.Delay(timeout, time));
        return done == all;
    }

    /// <summary>Spills every publish still in flight to <paramref name="spill"/>.</summary>
    /// <returns>Publishes spilled.</returns>
    public int SpillAll(SpillLog spill) => _operations.Keys.Count(o => o.Spill(spill));

    private sealed class Untrack(InFlightPublishes owner, PublishOperation operation) : IDisposable
    {
        public void Dispose() => owner._operations.TryRemove(operation, out _);
    }
}

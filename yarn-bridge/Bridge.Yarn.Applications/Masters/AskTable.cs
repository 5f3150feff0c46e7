using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Applications.Masters;

/// <summary>
/// A master's outstanding container asks and the ResourceRequest totals they add up to, kept the way Hadoop's
/// AMRMClient keeps its remote-request table: adding an ask adds 1 to every location it counts in
/// (<see cref="ContainerAsk.Locations"/>), removing one (cancelled, or satisfied by a container) takes 1 away,
/// and every total that changed is sent again, absolute, with the next allocate. Each ask belongs to one piece
/// of the master's work (<typeparamref name="TWork"/>: a shell, a task), at most one ask per piece.
/// </summary>
/// <typeparam name="TWork">What the master calls a piece of work.</typeparam>
public sealed class AskTable<TWork> where TWork : notnull
{
    private readonly record struct Key(Priority Priority, string ResourceName, Resource Capability);

    private readonly List<(TWork Work, ContainerAsk Ask)> _outstanding = [];
    private readonly HashSet<TWork> _works = [];
    private readonly Dictionary<Key, (int Count, bool Relax)> _totals = [];
    private readonly List<Key> _changed = [];

    /// <summary>Outstanding asks.</summary>
    public int Count => _outstanding.Count;

    /// <summary>Whether <paramref name="work"/> has an outstanding ask.</summary>
    public bool Contains(TWork work) => _works.Contains(work);

    /// <summary>Adds <paramref name="ask"/> for <paramref name="work"/>.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="work"/> already has an ask, or the ask disagrees on relaxLocality with an outstanding ask at the same (priority, location, capability) — AMRMClient refuses the same mix (InvalidContainerRequestException).</exception>
    public void Add(TWork work, ContainerAsk ask)
    {
        ArgumentNullException.ThrowIfNull(ask);
        if (Contains(work)) throw new InvalidOperationException($"{work} already has an outstanding ask.");
        foreach (var (name, relax) in ask.Locations())
        {
            if (_totals.TryGetValue(new Key(ask.Priority, name, ask.Capability), out var total) && total.Count > 0 && total.Relax != relax)
                throw new InvalidOperationException($"Cannot mix relaxLocality true and false at priority {ask.Priority}, location {name}, capability {ask.Capability}.");
        }
        _outstanding.Add((work, ask));
        _works.Add(work);
        foreach (var (name, relax) in ask.Locations()) Change(new Key(ask.Priority, name, ask.Capability), +1, relax);
    }

    /// <summary>Cancels <paramref name="work"/>'s ask; false when it had none.</summary>
    public bool Remove(TWork work)
    {
        if (!_works.Contains(work)) return false;
        int at = _outstanding.FindIndex(o => EqualityComparer<TWork>.Default.Equals(o.Work, work));
        RemoveAt(at);
        return true;
    }

    /// <summary>Cancels every ask.</summary>
    public void Clear()
    {
        while (_outstanding.Count > 0) RemoveAt(_outstanding.Count - 1);
    }

    /// <summary>
    /// The work <paramref name="container"/> was allocated for, its ask removed: among the asks at the container's
    /// priority whose capability fits in it and that accept its host, one naming the host first, else the oldest
    /// (AMRMClient's <c>getMatchingRequests</c> order: node, then rack, then <c>*</c>, oldest first). False when no
    /// ask wants it — a surplus container, to release.
    /// </summary>
    public bool TryMatch(Container container, out TWork work)
    {
        string host = container.NodeId.Host;
        int best = -1;
        for (int i = 0; i < _outstanding.Count; i++)
        {
            var ask = _outstanding[i].Ask;
            if (ask.Priority != container.Priority || !ask.Capability.FitsIn(container.Resource) || !ask.AcceptsHost(host)) continue;
            if (ask.Nodes.Contains(host, StringComparer.Ordinal)) { best = i; break; }
            if (best < 0) best = i;
        }
        if (best < 0)
        {
            work = default!;
            return false;
        }
        work = _outstanding[best].Work;
        RemoveAt(best);
        return true;
    }

    /// <summary>The totals that changed since the last call, absolute (0 cancels), in the order they first changed; then forgets them.</summary>
    public IReadOnlyList<ResourceRequest> TakeChanged()
    {
        var requests = _changed.Select(ToRequest).ToList();
        foreach (var key in _changed)
            if (_totals[key].Count == 0) _totals.Remove(key);
        _changed.Clear();
        return requests;
    }

    /// <summary>Every non-zero total (what a master re-sends after a resync), ordered by priority, then name, then memory.</summary>
    public IReadOnlyList<ResourceRequest> All() =>
        _totals.Where(t => t.Value.Count > 0).Select(t => ToRequest(t.Key))
            .OrderBy(r => r.Priority.Value).ThenBy(r => r.ResourceName, StringComparer.Ordinal)
            .ThenBy(r => r.Capability.MemoryMb).ThenBy(r => r.Capability.VCores).ToList();

    private ResourceRequest ToRequest(Key key)
    {
        var (count, relax) = _totals[key];
        return new ResourceRequest(key.Priority, key.ResourceName, key.Capability, count, relax);
    }

    private void RemoveAt(int index)
    {
        var (work, ask) = _outstanding[index];
        _outstanding.RemoveAt(index);
        _works.Remove(work);
        foreach (var (name, relax) in ask.Locations()) Change(new Key(ask.Priority, name, ask.Capability), -1, relax);
    }

    private void Change(Key key, int by, bool relax)
    {
        var (count, _) = _totals.GetValueOrDefault(key);
        _totals[key] = (count + by, relax);
        if (!_changed.Contains(key)) _changed.Add(key);
    }
}

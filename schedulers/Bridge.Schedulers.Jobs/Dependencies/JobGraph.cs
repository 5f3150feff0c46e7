using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Jobs.Definitions;

namespace Bridge.Schedulers.Jobs.Dependencies;

/// <summary>Why a change to the job graph was refused.</summary>
public enum GraphErrorKind
{
    /// <summary>A job of that name is already in the graph (<see cref="JobGraph.TryAdd"/>).</summary>
    AlreadyExists,

    /// <summary>No job of that name is in the graph.</summary>
    NotFound,

    /// <summary>A parent is not in the graph.</summary>
    UnknownParent,

    /// <summary>The change would close a cycle.</summary>
    Cycle,
}

/// <summary>A refused change to the job graph.</summary>
/// <param name="Kind">What kind of refusal.</param>
/// <param name="Message">One line naming the jobs; for a cycle the path, e.g.
/// <c>a -> b -> c -> a</c> (each arrow from a parent to its child).</param>
/// <param name="Cycle">For <see cref="GraphErrorKind.Cycle"/>, the jobs around the cycle,
/// starting and ending with the job being changed; empty otherwise.</param>
public sealed record GraphError(GraphErrorKind Kind, string Message, ValueList<JobName> Cycle)
{
    /// <summary>The message.</summary>
    public override string ToString() => Message;
}

/// <summary>The run times of one job that dependencies are decided on.</summary>
/// <param name="LastSuccess">When its last successful run ended; null if it never succeeded.</param>
/// <param name="LastRunStart">When its last run started (any outcome); null if it never ran.</param>
public readonly record struct JobRunTimes(DateTimeOffset? LastSuccess, DateTimeOffset? LastRunStart);

/// <summary>Whether a dependent job is due, and which parents it still waits for.</summary>
/// <param name="Due">True when every parent has succeeded since the child's last run started.</param>
/// <param name="Waiting">The parents that have not succeeded since then, sorted; empty when due.</param>
public sealed record DependencyState(bool Due, ValueList<JobName> Waiting);

/// <summary>The graph after a job was removed, and what became of its children.</summary>
/// <param name="Graph">The new graph.</param>
/// <param name="Children">Each former child and its parents now: the removed job replaced by the
/// removed job's own parents (Chronos' rule, so a chain a → b → c without b becomes a → c).</param>
/// <param name="Orphans">The children left with no parents at all (the removed job was their only
/// parent and had none itself). Chronos gives such a child the removed job's schedule
/// (<see cref="ParentRemoval.Rewire"/>).</param>
public sealed record JobRemoval(JobGraph Graph, ImmutableSortedDictionary<JobName, ValueList<JobName>> Children, ValueList<JobName> Orphans);

/// <summary>
/// The jobs and their parents: a directed acyclic graph with an edge from each parent to each
/// child. Immutable; every change returns a new graph or an error value, so a refused
/// submission changes nothing and readers can keep a snapshot.
/// </summary>
/// <remarks>Jobs without parents (scheduled and cron jobs) are in the graph too, as roots.
/// Costs: a change is O(log n) plus a search from the changed job (O(jobs + edges) worst case).</remarks>
public sealed class JobGraph
{
    private static readonly ImmutableSortedSet<JobName> NoJobs = ImmutableSortedSet<JobName>.Empty;

    private readonly ImmutableSortedDictionary<JobName, ImmutableSortedSet<JobName>> _parents;
    private readonly ImmutableSortedDictionary<JobName, ImmutableSortedSet<JobName>> _children;

    /// <summary>The graph with no jobs.</summary>
    public static JobGraph Empty { get; } = new(
        ImmutableSortedDictionary<JobName, ImmutableSortedSet<JobName>>.Empty,
        ImmutableSortedDictionary<JobName, ImmutableSortedSet<JobName>>.Empty);

    private JobGraph(ImmutableSortedDictionary<JobName, ImmutableSortedSet<JobName>> parents,
        ImmutableSortedDictionary<JobName, ImmutableSortedSet<JobName>> children)
    {
        _parents = parents;
        _children = children;
    }

    /// <summary>The jobs, in name order.</summary>
    public IEnumerable<JobName> Jobs => _parents.Keys;

    /// <summary>How many jobs.</summary>
    public int Count => _parents.Count;

    /// <summary>True when the job is in the graph.</summary>
    public bool Contains(JobName job) => _parents.ContainsKey(job);

    /// <summary>A job's parents, in name order; empty for a root or an unknown job.</summary>
    public IReadOnlyCollection<JobName> ParentsOf(JobName job) => _parents.GetValueOrDefault(job, NoJobs);

    /// <summary>A job's children, in name order; empty when none or unknown.</summary>
    public IReadOnlyCollection<JobName> ChildrenOf(JobName job) => _children.GetValueOrDefault(job, NoJobs);

    /// <summary>Adds a job with its parents (none for a scheduled or cron job).</summary>
    /// <returns>The new graph, or why not: the name is taken, a parent is unknown, or a parent
    /// is the job itself (a cycle <c>a -> a</c>).</returns>
    public bool TryAdd(JobName job, IEnumerable<JobName> parents, [NotNullWhen(true)] out JobGraph? graph,
        [NotNullWhen(false)] out GraphError? error)
    {
        graph = null;
        if (Contains(job))
        {
            error = new GraphError(GraphErrorKind.AlreadyExists, $"job {job} already exists", ValueList<JobName>.Empty);
            return false;
        }
        return TrySet(job, parents.ToImmutableSortedSet(), out graph, out error);
    }

    /// <summary>Replaces a job's parents.</summary>
    /// <returns>The new graph, or why not: the job is unknown, a parent is unknown, or the new
    /// parents would close a cycle (the error names it).</returns>
    public bool TryReplace(JobName job, IEnumerable<JobName> parents, [NotNullWhen(true)] out JobGraph? graph,
        [NotNullWhen(false)] out GraphError? error)
    {
        graph = null;
        if (!Contains(job))
        {
            error = new GraphError(GraphErrorKind.NotFound, $"job {job} does not exist", ValueList<JobName>.Empty);
            return false;
        }
        return TrySet(job, parents.ToImmutableSortedSet(), out graph, out error);
    }

    private bool TrySet(JobName job, ImmutableSortedSet<JobName> parents, [NotNullWhen(true)] out JobGraph? graph,
        [NotNullWhen(false)] out GraphError? error)
    {
        graph = null;
        var unknown = parents.Where(p => p != job && !Contains(p)).ToList();
        if (unknown.Count > 0)
        {
            error = new GraphError(GraphErrorKind.UnknownParent,
                $"job {job}: unknown parent{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown)}", ValueList<JobName>.Empty);
            return false;
        }
        if (FindCycle(job, parents) is { } cycle)
        {
            error = new GraphError(GraphErrorKind.Cycle, $"job {job} would close a cycle: {string.Join(" -> ", cycle)}", cycle);
            return false;
        }
        var children = _children;
        foreach (var old in ParentsOf(job)) children = children.SetItem(old, children[old].Remove(job));
        foreach (var parent in parents) children = children.SetItem(parent, children.GetValueOrDefault(parent, NoJobs).Add(job));
        if (!children.ContainsKey(job)) children = children.Add(job, NoJobs);
        graph = new JobGraph(_parents.SetItem(job, parents), children);
        error = null;
        return true;
    }

    /// <summary>
    /// The shortest path from <paramref name="job"/> down its children to one of the new parents,
    /// closed back to the job: <c>[a, b, c, a]</c> when c becomes a's parent and a → b → c.
    /// </summary>
    private ValueList<JobName>? FindCycle(JobName job, ImmutableSortedSet<JobName> parents)
    {
        if (parents.Contains(job)) return [job, job];
        var cameFrom = new Dictionary<JobName, JobName>();
        var queue = new Queue<JobName>([job]);
        while (queue.Count > 0)
        {
            var at = queue.Dequeue();
            foreach (var child in ChildrenOf(at))
            {
                if (child == job || !cameFrom.TryAdd(child, at)) continue;
                if (parents.Contains(child)) return Path(job, child, cameFrom);
                queue.Enqueue(child);
            }
        }
        return null;
    }

    private static ValueList<JobName> Path(JobName job, JobName end, Dictionary<JobName, JobName> cameFrom)
    {
        var path = new List<JobName> { job, end, job };
        for (var at = end; cameFrom[at] != job; at = cameFrom[at]) path.Insert(1, cameFrom[at]);
        return ValueList.From(path);
    }

    /// <summary>Removes a job. Its children are not removed: each gets the removed job's parents in
    /// its place (see <see cref="JobRemoval"/>).</summary>
    /// <returns>The new graph and what became of the children, or <see cref="GraphErrorKind.NotFound"/>.</returns>
    public bool TryRemove(JobName job, [NotNullWhen(true)] out JobRemoval? removal, [NotNullWhen(false)] out GraphError? error)
    {
        removal = null;
        if (!Contains(job))
        {
            error = new GraphError(GraphErrorKind.NotFound, $"job {job} does not exist", ValueList<JobName>.Empty);
            return false;
        }
        var inherited = _parents[job];
        var parents = _parents.Remove(job);
        var children = _children.Remove(job);
        foreach (var parent in inherited) children = children.SetItem(parent, children[parent].Remove(job));
        var rewired = ImmutableSortedDictionary.CreateBuilder<JobName, ValueList<JobName>>();
        var orphans = new List<JobName>();
        foreach (var child in _children[job])
        {
            // Splicing in the grandparents cannot close a cycle: they were already ancestors.
            var now = parents[child].Remove(job).Union(inherited);
            parents = parents.SetItem(child, now);
            foreach (var parent in inherited) children = children.SetItem(parent, children[parent].Add(child));
            rewired[child] = ValueList.From(now);
            if (now.IsEmpty) orphans.Add(child);
        }
        removal = new JobRemoval(new JobGraph(parents, children), rewired.ToImmutable(), ValueList.From(orphans));
        error = null;
        return true;
    }

    /// <summary>
    /// Whether a dependent job is due: every parent has succeeded since the child's last run
    /// started (a child that never ran needs one success of each parent).
    /// </summary>
    /// <param name="child">A job in the graph with parents.</param>
    /// <param name="times">The run times of any job in the graph.</param>
    /// <exception cref="ArgumentException">The job is not in the graph or has no parents.</exception>
    public DependencyState StateOf(JobName child, Func<JobName, JobRunTimes> times)
    {
        if (!_parents.TryGetValue(child, out var parents) || parents.IsEmpty)
            throw new ArgumentException($"job {child} is not a dependent job in the graph", nameof(child));
        var since = times(child).LastRunStart;
        var waiting = parents.Where(p => times(p).LastSuccess is not { } success || (since is { } s && success <= s)).ToList();
        return new DependencyState(waiting.Count == 0, ValueList.From(waiting));
    }

    /// <summary>The children of <paramref name="parent"/> that are due (typically asked right
    /// after it succeeded), in name order.</summary>
    public IReadOnlyList<JobName> DueChildrenOf(JobName parent, Func<JobName, JobRunTimes> times) =>
        ChildrenOf(parent).Where(child => StateOf(child, times).Due).ToList();

    /// <summary>
    /// The graph in Graphviz DOT, as Chronos' <c>GET /v1/scheduler/graph/dot</c> writes it
    /// (jgrapht's DOTExporter with integer ids and name labels):
    /// <code>
    /// digraph G {
    ///   1 [ label="a" ];
    ///   2 [ label="b" ];
    ///   1 -> 2;
    /// }
    /// </code>
    /// Ids count from 1 in topological order (parents first, ties by name); edges are sorted by
    /// parent id then child id; lines end with \n.
    /// </summary>
    public string ToDot()
    {
        var order = TopologicalOrder();
        var ids = new Dictionary<JobName, int>();
        foreach (var job in order) ids[job] = ids.Count + 1;
        var dot = new StringBuilder("digraph G {\n");
        foreach (var job in order)
            dot.Append(CultureInfo.InvariantCulture, $"  {ids[job]} [ label=\"{job}\" ];\n");
        foreach (var job in order)
        foreach (var childId in ChildrenOf(job).Select(c => ids[c]).Order())
            dot.Append(CultureInfo.InvariantCulture, $"  {ids[job]} -> {childId};\n");
        return dot.Append("}\n").ToString();
    }

    /// <summary>The jobs with every parent before its children, ties in name order (Kahn's
    /// algorithm with a sorted ready set).</summary>
    public IReadOnlyList<JobName> TopologicalOrder()
    {
        var pending = _parents.ToDictionary(p => p.Key, p => p.Value.Count);
        var ready = new SortedSet<JobName>(pending.Where(p => p.Value == 0).Select(p => p.Key));
        var order = new List<JobName>(Count);
        while (ready.Count > 0)
        {
            var job = ready.Min;
            ready.Remove(job);
            order.Add(job);
            foreach (var child in ChildrenOf(job))
                if (--pending[child] == 0) ready.Add(child);
        }
        return order;
    }
}

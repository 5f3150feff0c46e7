using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Dependencies;

namespace Bridge.Schedulers.Jobs.Tests.Dependencies;

public class JobGraphTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 8, 0, 0, 0, TimeSpan.Zero);

    private static JobName N(string name) => JobName.Parse(name);

    private static JobName[] Ns(params string[] names) => names.Select(N).ToArray();

    private static JobGraph Build(params (string Job, string[] Parents)[] jobs)
    {
        var graph = JobGraph.Empty;
        foreach (var (job, parents) in jobs)
            Assert.True(graph.TryAdd(N(job), Ns(parents), out graph, out var error), error?.Message);
        return graph;
    }

    /// <summary>Run times of jobs in virtual time; unknown jobs never ran.</summary>
    private sealed class Runs
    {
        private readonly Dictionary<JobName, JobRunTimes> _times = [];

        public void Succeeded(string job, DateTimeOffset startedAt, DateTimeOffset endedAt) =>
            _times[N(job)] = new JobRunTimes(endedAt, startedAt);

        public void Failed(string job, DateTimeOffset startedAt) =>
            _times[N(job)] = _times.GetValueOrDefault(N(job)) with { LastRunStart = startedAt };

        public JobRunTimes Of(JobName job) => _times.GetValueOrDefault(job);
    }

    [Fact]
    public void ThreeJobChain_EachChildIsDueOnlyAfterItsParentSucceededSinceItsOwnLastRun()
    {
        var graph = Build(("a", []), ("b", ["a"]), ("c", ["b"]));
        var runs = new Runs();

        Assert.False(graph.StateOf(N("b"), runs.Of).Due);
        runs.Succeeded("a", T0, T0.AddMinutes(1));
        Assert.Equal(Ns("b"), graph.DueChildrenOf(N("a"), runs.Of));
        Assert.Equal(new DependencyState(false, [N("b")]), graph.StateOf(N("c"), runs.Of));

        runs.Succeeded("b", T0.AddMinutes(2), T0.AddMinutes(3));
        Assert.Equal(Ns("c"), graph.DueChildrenOf(N("b"), runs.Of));
        Assert.False(graph.StateOf(N("b"), runs.Of).Due); // b ran after a's success

        runs.Succeeded("c", T0.AddMinutes(4), T0.AddMinutes(5));
        Assert.False(graph.StateOf(N("c"), runs.Of).Due); // needs b again

        runs.Succeeded("a", T0.AddHours(1), T0.AddHours(1).AddMinutes(1));
        Assert.True(graph.StateOf(N("b"), runs.Of).Due);
        Assert.False(graph.StateOf(N("c"), runs.Of).Due);
    }

    [Fact]
    public void Diamond_TheJoinWaitsForBothBranches()
    {
        var graph = Build(("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"]));
        var runs = new Runs();
        runs.Succeeded("a", T0, T0.AddMinutes(1));
        runs.Succeeded("b", T0.AddMinutes(2), T0.AddMinutes(3));

        Assert.Equal(new DependencyState(false, [N("c")]), graph.StateOf(N("d"), runs.Of));

        runs.Succeeded("c", T0.AddMinutes(2), T0.AddMinutes(6));
        Assert.Equal(new DependencyState(true, []), graph.StateOf(N("d"), runs.Of));

        runs.Succeeded("d", T0.AddMinutes(7), T0.AddMinutes(8));
        runs.Succeeded("b", T0.AddMinutes(9), T0.AddMinutes(10));
        Assert.Equal(new DependencyState(false, [N("c")]), graph.StateOf(N("d"), runs.Of));
    }

    [Fact]
    public void FailedParent_DoesNotMakeTheChildDue()
    {
        var graph = Build(("a", []), ("b", ["a"]));
        var runs = new Runs();
        runs.Failed("a", T0);

        Assert.False(graph.StateOf(N("b"), runs.Of).Due);
    }

    [Fact]
    public void ChildRunStartedBeforeTheParentSucceeded_IsDueAgain()
    {
        var graph = Build(("a", []), ("b", ["a"]));
        var runs = new Runs();
        runs.Succeeded("b", T0, T0.AddMinutes(10)); // b was run by hand
        runs.Succeeded("a", T0.AddMinutes(1), T0.AddMinutes(2));

        Assert.True(graph.StateOf(N("b"), runs.Of).Due);
    }

    [Fact]
    public void CycleOfOne_IsRefusedNamingIt()
    {
        Assert.False(JobGraph.Empty.TryAdd(N("a"), Ns("a"), out _, out var error));

        Assert.Equal(GraphErrorKind.Cycle, error.Kind);
        Assert.Equal("job a would close a cycle: a -> a", error.Message);
    }

    [Fact]
    public void CycleOfTwo_IsRefusedNamingIt()
    {
        var graph = Build(("a", []), ("b", ["a"]));

        Assert.False(graph.TryReplace(N("a"), Ns("b"), out _, out var error));

        Assert.Equal(Ns("a", "b", "a"), error.Cycle);
        Assert.EndsWith("a -> b -> a", error.Message);
    }

    [Fact]
    public void CycleOfThree_IsRefusedNamingIt_AndTheGraphIsUnchanged()
    {
        var graph = Build(("a", []), ("b", ["a"]), ("c", ["b"]));

        Assert.False(graph.TryReplace(N("a"), Ns("c"), out var changed, out var error));

        Assert.Null(changed);
        Assert.Equal("job a would close a cycle: a -> b -> c -> a", error.Message);
        Assert.Empty(graph.ParentsOf(N("a")));
        Assert.Equal(Ns("b"), graph.ChildrenOf(N("a")));
    }

    [Fact]
    public void Cycle_TheShortestOneIsNamed()
    {
        var graph = Build(("a", []), ("b", ["a"]), ("c", ["b"]), ("d", ["c", "a"]));

        Assert.False(graph.TryReplace(N("a"), Ns("d"), out _, out var error));

        Assert.Equal(Ns("a", "d", "a"), error.Cycle);
    }

    [Fact]
    public void UnknownParent_IsRefusedNamingIt()
    {
        var graph = Build(("a", []));

        Assert.False(graph.TryAdd(N("b"), Ns("a", "x", "y"), out _, out var error));

        Assert.Equal(GraphErrorKind.UnknownParent, error.Kind);
        Assert.Equal("job b: unknown parents x, y", error.Message);
    }

    [Fact]
    public void Add_ExistingName_IsRefused()
    {
        Assert.False(Build(("a", [])).TryAdd(N("a"), [], out _, out var error));
        Assert.Equal(GraphErrorKind.AlreadyExists, error.Kind);
    }

    [Fact]
    public void Replace_ChangesTheEdgesBothWays()
    {
        var graph = Build(("a", []), ("b", []), ("c", ["a"]));

        Assert.True(graph.TryReplace(N("c"), Ns("b"), out var changed, out _));

        Assert.Empty(changed.ChildrenOf(N("a")));
        Assert.Equal(Ns("c"), changed.ChildrenOf(N("b")));
        Assert.Equal(Ns("b"), changed.ParentsOf(N("c")));
    }

    [Fact]
    public void Remove_MiddleOfAChain_TheChildInheritsItsParents()
    {
        var graph = Build(("a", []), ("b", ["a"]), ("c", ["b"]));

        Assert.True(graph.TryRemove(N("b"), out var removal, out _));

        Assert.False(removal.Graph.Contains(N("b")));
        Assert.Equal(Ns("a"), removal.Graph.ParentsOf(N("c")));
        Assert.Equal(Ns("c"), removal.Graph.ChildrenOf(N("a")));
        Assert.Equal(Ns("a"), removal.Children[N("c")]);
        Assert.Empty(removal.Orphans);
    }

    [Fact]
    public void Remove_RootOfAnOnlyChild_OrphansItAndTheChildTakesTheRootsSchedule()
    {
        var graph = Build(("a", []), ("b", ["a"]));
        var root = JobJson.Parse("""
            { "name": "a", "command": "true", "schedule": "R/2026-03-08T01:00:00/P1D", "scheduleTimeZone": "Europe/Berlin" }
            """).Definition!;
        var child = JobJson.Parse("""{ "name": "b", "command": "true", "parents": ["a"], "epsilon": "PT5M" }""").Definition!;

        Assert.True(graph.TryRemove(N("a"), out var removal, out _));
        var rewired = ParentRemoval.Rewire(child, root, removal.Children[N("b")]);

        Assert.Equal(Ns("b"), removal.Orphans);
        Assert.Empty(removal.Graph.ParentsOf(N("b")));
        Assert.Equal(JobKind.Scheduled, rewired.Kind);
        Assert.Equal(root.Schedule, rewired.Schedule);
        Assert.Equal("Europe/Berlin", rewired.TimeZone);
        Assert.Equal(TimeSpan.FromMinutes(5), rewired.StartingDeadline);
    }

    [Fact]
    public void Remove_OneOfTwoRoots_TheChildKeepsWaitingForTheOther()
    {
        var graph = Build(("a", []), ("b", []), ("c", ["a", "b"]));

        Assert.True(graph.TryRemove(N("a"), out var removal, out _));

        Assert.Equal(Ns("b"), removal.Graph.ParentsOf(N("c")));
        Assert.Empty(removal.Orphans);
    }

    [Fact]
    public void Replace_Unknown_IsRefused()
    {
        Assert.False(JobGraph.Empty.TryReplace(N("a"), [], out _, out var error));
        Assert.Equal(GraphErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public void Replace_ToNoParents_MakesTheJobARoot()
    {
        var graph = Build(("a", []), ("b", ["a"]));

        Assert.True(graph.TryReplace(N("b"), [], out var changed, out _));

        Assert.Empty(changed.ParentsOf(N("b")));
        Assert.Empty(changed.ChildrenOf(N("a")));
        Assert.Throws<ArgumentException>(() => changed.StateOf(N("b"), _ => default));
    }

    [Fact]
    public void Remove_Unknown_IsRefused()
    {
        Assert.False(JobGraph.Empty.TryRemove(N("a"), out _, out var error));
        Assert.Equal(GraphErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public void ToDot_IsChronosFormat_TopologicalIdsFromOne()
    {
        var graph = Build(("z-root", []), ("a-root", []), ("b", ["z-root", "a-root"]), ("c", ["b"]));

        Assert.Equal(
            "digraph G {\n" +
            "  1 [ label=\"a-root\" ];\n" +
            "  2 [ label=\"z-root\" ];\n" +
            "  3 [ label=\"b\" ];\n" +
            "  4 [ label=\"c\" ];\n" +
            "  1 -> 3;\n" +
            "  2 -> 3;\n" +
            "  3 -> 4;\n" +
            "}\n",
            graph.ToDot());
    }

    [Fact]
    public void ToDot_EmptyGraph() => Assert.Equal("digraph G {\n}\n", JobGraph.Empty.ToDot());
}

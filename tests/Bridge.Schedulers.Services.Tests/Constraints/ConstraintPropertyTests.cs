using Bridge.Schedulers.Services.Constraints;
using static Bridge.Schedulers.Services.Tests.Constraints.Agents;

namespace Bridge.Schedulers.Services.Tests.Constraints;

/// <summary>Invariants over seeded random offer streams: agents offer in random order, and a task is
/// placed whenever every constraint holds.</summary>
public class ConstraintPropertyTests
{
    private const int Offers = 400;

    private static (List<AgentFacts> Placed, int Refused) Run(Random random, IReadOnlyList<AgentFacts> agents, IReadOnlyList<Constraint> constraints,
        int instances, IReadOnlyCollection<AgentFacts>? seen = null, Action<List<AgentFacts>>? afterEachPlacement = null)
    {
        var placed = new List<AgentFacts>();
        var placement = new CurrentPlacement([], seen);
        int refused = 0;
        for (int i = 0; i < Offers && placed.Count < instances; i++)
        {
            var offer = agents[random.Next(agents.Count)];
            if (ConstraintEvaluator.CheckAll(constraints, offer, placement).Count > 0)
            {
                refused++;
                continue;
            }
            placed.Add(offer);
            placement = placement.With(offer);
            afterEachPlacement?.Invoke(placed);
        }
        return (placed, refused);
    }

    private static List<AgentFacts> RandomAgents(Random random, int count, int hostnames, int racks) =>
        [.. Enumerable.Range(0, count).Select(i => Agent($"agent-{i}", $"rack:r{random.Next(racks)}", $"host-{random.Next(hostnames)}.example"))];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(1234)]
    public void Unique_NeverPlacesTwoOnOneHostname(int seed)
    {
        var random = new Random(seed);
        var agents = RandomAgents(random, 20, 12, 4); // some agents share a hostname
        var (placed, _) = Run(random, agents, [Constraint.Create("hostname", ConstraintOperator.Unique)], instances: 30);
        Assert.Equal(placed.Count, placed.Select(a => a.Hostname).Distinct().Count());
        Assert.Equal(agents.Select(a => a.Hostname).Distinct().Count(), placed.Count); // and fills every hostname it was offered
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(99, 3)]
    [InlineData(2024, 5)]
    public void MaxPer_NeverExceedsItsLimit(int seed, int limit)
    {
        var random = new Random(seed);
        var agents = RandomAgents(random, 15, 15, 4);
        var (placed, _) = Run(random, agents, [Constraint.Create("rack", ConstraintOperator.MaxPer, limit.ToString())], instances: 100);
        var perRack = placed.GroupBy(a => a.ValueOf("rack")).Select(g => g.Count()).ToList();
        Assert.All(perRack, n => Assert.InRange(n, 1, limit));
        Assert.Equal(agents.Select(a => a.ValueOf("rack")).Distinct().Count() * limit, placed.Count);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(500)]
    public void GroupBy_WithTheRackCount_KeepsRacksWithinOneTaskOfEachOther(int seed)
    {
        var random = new Random(seed);
        var agents = Enumerable.Range(0, 12).Select(i => Agent($"agent-{i}", $"rack:r{i % 4}")).ToList();
        var (placed, _) = Run(random, agents, [Constraint.Create("rack", ConstraintOperator.GroupBy, "4")], instances: 22,
            afterEachPlacement: tasks =>
            {
                var counts = Enumerable.Range(0, 4).Select(r => tasks.Count(a => a.ValueOf("rack") == $"r{r}")).ToList();
                Assert.True(counts.Max() - counts.Min() <= 1, $"rack counts {string.Join(",", counts)} after {tasks.Count} tasks");
            });
        Assert.Equal(22, placed.Count);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(77)]
    public void GroupBy_WithSeenAgents_AndNoCount_StaysEven(int seed)
    {
        var random = new Random(seed);
        var agents = Enumerable.Range(0, 9).Select(i => Agent($"agent-{i}", $"rack:r{i % 3}")).ToList();
        var (placed, _) = Run(random, agents, [Constraint.Create("rack", ConstraintOperator.GroupBy)], instances: 12, seen: agents,
            afterEachPlacement: tasks =>
            {
                var counts = Enumerable.Range(0, 3).Select(r => tasks.Count(a => a.ValueOf("rack") == $"r{r}")).ToList();
                Assert.True(counts.Max() - counts.Min() <= 1, $"rack counts {string.Join(",", counts)}");
            });
        Assert.Equal(12, placed.Count);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void ClusterWithoutValue_KeepsEveryTaskOnTheFirstTasksRack(int seed)
    {
        var random = new Random(seed);
        var agents = RandomAgents(random, 10, 10, 3);
        var (placed, refused) = Run(random, agents, [Constraint.Create("rack", ConstraintOperator.Cluster)], instances: 20);
        Assert.Single(placed.Select(a => a.ValueOf("rack")).Distinct());
        Assert.True(refused > 0);
    }
}

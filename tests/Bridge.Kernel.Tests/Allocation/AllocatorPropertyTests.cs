using Bridge.Kernel.Allocation;
using static Bridge.Kernel.Tests.Allocation.Harness;

namespace Bridge.Kernel.Tests.Allocation;

/// <summary>
/// Seeded random clusters and demands; invariants checked after every cycle. A failing seed
/// is printed in the assertion message and reproduces exactly.
/// </summary>
public class AllocatorPropertyTests
{
    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (int seed = 1; seed <= 60; seed++) data.Add(seed);
        return data;
    }

    private sealed class Sim
    {
        public readonly Harness H;
        public readonly Random Rng;
        public readonly Dictionary<AgentId, Resources> Totals = [];
        public readonly Dictionary<(FrameworkId, TaskId), (AgentId Agent, string Role, Resources Resources)> Tasks = [];
        public readonly Dictionary<FrameworkId, (string Role, Resources Shape)> Frameworks = [];
        public readonly Dictionary<string, double> Weights = [];

        public Sim(int seed, AllocatorOptions? options = null)
        {
            Rng = new Random(seed);
            H = new Harness(options ?? new AllocatorOptions { Seed = seed });
        }

        public void AddAgents(int count, bool wholeUnits)
        {
            for (int i = 0; i < count; i++)
            {
                int cpus = Rng.Next(1, 17);
                string text = wholeUnits
                    ? $"cpus:{cpus};mem:{cpus * 1024};ports:[31000-31100]"
                    : $"cpus:{cpus + Rng.Next(0, 10) / 10.0};mem:{Rng.Next(1, 33) * 512};ports:[31000-{31000 + Rng.Next(0, 200)}]";
                var id = H.Agent($"agent-{i}", text);
                Totals[id] = R(text);
            }
        }

        public FrameworkId AddFramework(string role, string shape)
        {
            var id = H.Framework($"fw-{Frameworks.Count}", role);
            Frameworks[id] = (role, R(shape));
            return id;
        }

        public void Launch(Offer offer, Resources shape, int count, double refuse)
        {
            foreach (var id in H.Launch(offer, refuse, Enumerable.Repeat(shape.ToString(), count).ToArray()))
                Tasks[(offer.FrameworkId, id)] = (offer.AgentId, offer.Role, shape);
        }

        public void FinishRandomTasks(double probability)
        {
            foreach (var key in Tasks.Keys.ToList())
                if (Rng.NextDouble() < probability)
                {
                    Assert.True(H.Allocator.RemoveTask(key.Item1, key.Item2));
                    Tasks.Remove(key);
                }
        }

        /// <summary>Available + outstanding offers + tasks is exactly each agent's total: nothing offered twice, nothing beyond what the agent has.</summary>
        public void CheckAccounting(int seed)
        {
            var offers = H.Allocator.GetOffers();
            foreach (var (agent, total) in Totals)
            {
                var held = offers.Where(o => o.AgentId == agent).Aggregate(Resources.Empty, (s, o) => s + o.Resources);
                held = Tasks.Values.Where(t => t.Agent == agent).Aggregate(held, (s, t) => s + t.Resources);
                Assert.True(total.Contains(held), $"seed {seed}: agent {agent} total '{total}' does not hold offers+tasks '{held}'");
                Assert.True(total.Minus(held).Equals(H.Allocator.GetAvailable(agent)), $"seed {seed}: agent {agent} available '{H.Allocator.GetAvailable(agent)}' != total - held '{total.Minus(held)}'");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomCluster_AccountingAndLimitsHold(int seed)
    {
        var sim = new Sim(seed);
        sim.AddAgents(sim.Rng.Next(3, 30), wholeUnits: false);
        var roles = new[] { "eng/hadoop", "eng/services", "ops", "batch" };
        var limits = new Dictionary<string, ResourceQuantities>();
        foreach (var role in roles)
            if (sim.Rng.Next(3) == 0)
            {
                limits[role] = ResourceQuantities.Parse($"cpus:{sim.Rng.Next(1, 20)}");
                sim.H.Allocator.UpdateQuota(role, new Quota(ResourceQuantities.Empty, limits[role]));
            }
        for (int i = 0; i < sim.Rng.Next(2, 9); i++)
            sim.AddFramework(roles[sim.Rng.Next(roles.Length)], $"cpus:{sim.Rng.Next(1, 9) * 0.5};mem:{sim.Rng.Next(1, 17) * 256};ports:[{31000 + i}-{31000 + i}]");

        for (int cycle = 0; cycle < 40; cycle++)
        {
            foreach (var offer in sim.H.Allocator.Allocate().Offers)
            {
                var shape = sim.Frameworks[offer.FrameworkId].Shape;
                int fits = 0;
                var left = offer.Resources;
                while (fits < 4 && left.TryMinus(shape, out var rest)) { fits++; left = rest; }
                if (fits > 0) sim.Launch(offer, shape, sim.Rng.Next(1, fits + 1), sim.Rng.Next(2) == 0 ? 0 : 5);
                else sim.H.Allocator.Decline(offer.Id, new Filters(sim.Rng.Next(2) == 0 ? 0 : 30));
            }
            sim.CheckAccounting(seed);
            foreach (var (role, limit) in limits)
                if (sim.H.Allocator.GetRole(role) is { } summary)
                    Assert.True(summary.Consumed["cpus"] <= limit["cpus"],
                        $"seed {seed}: role {role} consumed {summary.Consumed} above limit {limit}");
            if (sim.Rng.Next(4) == 0) foreach (var f in sim.Frameworks.Keys) sim.H.Allocator.Revive(f);
            sim.FinishRandomTasks(0.1);
            sim.H.Clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomCluster_GuaranteesAreMetWhenTheClusterCanMeetThem(int seed)
    {
        var sim = new Sim(seed);
        sim.AddAgents(sim.Rng.Next(2, 12), wholeUnits: true);
        long totalCpus = sim.Totals.Values.Sum(t => t.GetScalar("cpus").Millis / 1000);
        var guarantees = new Dictionary<string, long>();
        long budget = totalCpus / 2;
        foreach (var role in new[] { "prod", "eng/hadoop", "eng/services" })
        {
            long g = sim.Rng.NextInt64(0, budget + 1);
            budget -= g;
            if (g == 0) continue;
            guarantees[role] = g;
        }
        if (guarantees.ContainsKey("eng/hadoop") || guarantees.ContainsKey("eng/services"))
        {
            long eng = guarantees.GetValueOrDefault("eng/hadoop") + guarantees.GetValueOrDefault("eng/services");
            sim.H.Allocator.UpdateQuota("eng", new Quota(ResourceQuantities.Parse($"cpus:{eng};mem:{eng * 1024}")));
        }
        foreach (var (role, g) in guarantees)
            sim.H.Allocator.UpdateQuota(role, new Quota(ResourceQuantities.Parse($"cpus:{g};mem:{g * 1024}")));
        // Greedy frameworks in unguaranteed roles subscribe first; guaranteed ones after.
        sim.AddFramework("batch", "cpus:1;mem:1024");
        sim.AddFramework("adhoc", "cpus:1;mem:1024");
        foreach (var role in guarantees.Keys) sim.AddFramework(role, "cpus:1;mem:1024");

        for (int cycle = 0; cycle < 60; cycle++)
        {
            var offers = sim.H.Allocator.Allocate().Offers;
            if (offers.Count == 0) break;
            foreach (var offer in offers)
            {
                var shape = sim.Frameworks[offer.FrameworkId].Shape;
                int fits = (int)Math.Min(offer.Resources.GetScalar("cpus").Millis / 1000, offer.Resources.GetScalar("mem").Millis / 1024_000);
                if (fits > 0) sim.Launch(offer, shape, fits, 3600);
                else sim.H.Allocator.Decline(offer.Id, new Filters(3600));
            }
            sim.CheckAccounting(seed);
        }
        foreach (var (role, g) in guarantees)
            Assert.True(sim.H.Allocator.GetRole(role)!.Consumed["cpus"] >= Scalar.FromUnits(g),
                $"seed {seed}: role {role} consumes {sim.H.Allocator.GetRole(role)!.Consumed} below its guarantee cpus:{g} (cluster {totalCpus} cpus)");
    }

    /// <summary>
    /// DRF's fairness bound, checked at every offer: the framework offered an agent had the lowest
    /// weighted dominant share among the frameworks whose next task fits that offer; so after taking
    /// one task it exceeds none of them by more than that task's dominant share.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomCluster_DrfChoosesTheLowestShareThatFits(int seed)
    {
        var sim = new Sim(seed);
        sim.AddAgents(sim.Rng.Next(2, 20), wholeUnits: false);
        int frameworks = sim.Rng.Next(2, 7);
        for (int i = 0; i < frameworks; i++)
        {
            string role = $"role-{i}";
            double weight = sim.Rng.Next(1, 4);
            sim.Weights[role] = weight;
            sim.H.Allocator.UpdateWeights([new(role, weight)]);
            sim.AddFramework(role, $"cpus:{sim.Rng.Next(1, 9) * 0.25};mem:{sim.Rng.Next(1, 17) * 256}");
        }
        var total = sim.Totals.Values.Aggregate(Resources.Empty, (s, t) => s + t.ToUnreserved());
        double Key(FrameworkId f, Resources held) =>
            Math.Max(held.GetScalar("cpus").ToDouble() / total.GetScalar("cpus").ToDouble(), held.GetScalar("mem").ToDouble() / total.GetScalar("mem").ToDouble())
            / sim.Weights[sim.Frameworks[f].Role];

        for (int cycle = 0; cycle < 40; cycle++)
        {
            var held = sim.Frameworks.Keys.ToDictionary(f => f, f => sim.Tasks.Where(t => t.Key.Item1 == f).Aggregate(Resources.Empty, (s, t) => s + t.Value.Resources));
            var offers = sim.H.Allocator.Allocate().Offers;
            foreach (var offer in offers)
            {
                double chosen = Key(offer.FrameworkId, held[offer.FrameworkId]);
                foreach (var (other, (_, shape)) in sim.Frameworks)
                    if (other != offer.FrameworkId && offer.Resources.Contains(shape))
                        Assert.True(chosen <= Key(other, held[other]) + 1e-9,
                            $"seed {seed} cycle {cycle}: {offer.FrameworkId} (key {chosen:F4}) was offered {offer.AgentId} before {other} (key {Key(other, held[other]):F4}) whose task fits");
                held[offer.FrameworkId] += offer.Resources;
            }
            foreach (var offer in offers)
            {
                var shape = sim.Frameworks[offer.FrameworkId].Shape;
                if (offer.Resources.Contains(shape)) sim.Launch(offer, shape, 1, 0);
                else sim.H.Allocator.Decline(offer.Id, new Filters(3600));
            }
            sim.CheckAccounting(seed);
            sim.FinishRandomTasks(0.05);
        }
    }
}
